package dev.evident.engine;

import java.util.List;

/**
 * One control's verdict on one object. remediation is the plan that would repair a failure, or null
 * when the control cannot or may not repair it (the reason says which).
 */
public record Finding(
        String policy,
        String control,
        String type,
        List<String> criteria,
        ObjectRef object,
        Result result,
        String reason,
        String message,
        Remediation remediation) {

    public Finding {
        criteria = List.copyOf(criteria);
    }

    /** Identity of the finding across evaluations: what it is about, not what it says. */
    public String key() {
        return control + "|" + object.kind() + "|" + object.namespace() + "|" + object.name();
    }
}
