package dev.evident.helm;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL reading to find which metrics (and which of their labels) an expression uses. */
final class PromQl {
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "offset", "bool", "inf", "nan");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

    private PromQl() {
    }

    /** Metric names in the expression, each with the labels its selectors match on. */
    static Map<String, Set<String>> metrics(String expr) {
        Map<String, Set<String>> metrics = new LinkedHashMap<>();
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
        Matcher selector = SELECTOR.matcher(s);
        while (selector.find()) {
            if (selector.group(1) != null && !KEYWORDS.contains(selector.group(1))) {
                Set<String> labels = metrics.computeIfAbsent(selector.group(1), k -> new LinkedHashSet<>());
                Matcher label = LABEL_MATCHER.matcher(selector.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        // What is left outside selectors, ranges and grouping clauses: bare metric names, functions, keywords.
        s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+[0-9a-z]+", " ").replaceAll("\\b[0-9][0-9.eE+-]*\\b", " ");
        Matcher id = IDENTIFIER.matcher(s);
        while (id.find()) {
            String name = id.group();
            boolean function = s.substring(id.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(name.toLowerCase())) {
                metrics.computeIfAbsent(name, k -> new LinkedHashSet<>());
            }
        }
        return metrics;
    }
}
