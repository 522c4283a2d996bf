package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;

/** A sequence as read from a file, with the line of each item. */
final class LocatedArray extends ArrayNode {
    private final int line;
    private int[] itemLines = new int[4];

    LocatedArray(int line) {
        super(JsonNodeFactory.instance);
        this.line = line;
    }

    int line() {
        return line;
    }

    void add(JsonNode value, int itemLine) {
        if (size() == itemLines.length) {
            itemLines = Arrays.copyOf(itemLines, size() * 2);
        }
        itemLines[size()] = itemLine;
        add(value);
    }

    int lineOf(int index) {
        return index >= 0 && index < size() ? itemLines[index] : line;
    }
}
