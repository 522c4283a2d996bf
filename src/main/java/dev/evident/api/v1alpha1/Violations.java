package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Violations {
    public static final int MAX_ITEMS = 20;

    @JsonPropertyDescription("Number of failing findings.")
    private int total;
    @JsonPropertyDescription("The first 20 violations, ordered by control, namespace and name.")
    private List<Violation> items = new ArrayList<>();

    public int getTotal() { return total; }
    public void setTotal(int total) { this.total = total; }
    public List<Violation> getItems() { return items; }
    public void setItems(List<Violation> items) { this.items = items; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Violations v && total == v.total && Objects.equals(items, v.items);
    }

    @Override
    public int hashCode() {
        return Objects.hash(total, items);
    }
}
