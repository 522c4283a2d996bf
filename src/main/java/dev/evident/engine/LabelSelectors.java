package dev.evident.engine;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Kubernetes label-selector semantics on plain label maps. */
public final class LabelSelectors {
    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    private LabelSelectors() {
    }

    /** An absent or empty selector matches everything. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(actual.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                if (!matches(r, actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> labels.containsKey(r.getKey());
            case "DoesNotExist" -> !labels.containsKey(r.getKey());
            default -> false;
        };
    }

    /** Problems with a selector, each naming the field under {@code path}. */
    public static List<String> validate(LabelSelector selector, String path) {
        List<String> problems = new ArrayList<>();
        if (selector == null || selector.getMatchExpressions() == null) {
            return problems;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        for (int i = 0; i < expressions.size(); i++) {
            LabelSelectorRequirement r = expressions.get(i);
            String at = path + ".matchExpressions[" + i + "]";
            if (r.getKey() == null || r.getKey().isBlank()) {
                problems.add(at + ".key: required");
            }
            if (r.getOperator() == null || !OPERATORS.contains(r.getOperator())) {
                problems.add(at + ".operator: must be one of In, NotIn, Exists, DoesNotExist, got '" + r.getOperator() + "'");
                continue;
            }
            boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
            boolean needsValues = r.getOperator().equals("In") || r.getOperator().equals("NotIn");
            if (needsValues && !hasValues) {
                problems.add(at + ".values: required with operator " + r.getOperator());
            } else if (!needsValues && hasValues) {
                problems.add(at + ".values: must be empty with operator " + r.getOperator());
            }
        }
        return problems;
    }
}
