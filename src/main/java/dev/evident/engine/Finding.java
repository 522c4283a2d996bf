package dev.evident.engine;

import java.time.Instant;
import java.util.List;

/**
 * One control's verdict on one object. remediation is the plan that would repair a failure, or null
 * when the control cannot or may not repair it (the reason says which). changesAt is when this verdict
 * changes by the passage of time alone (a backup becoming stale, an exception expiring), or null: the
 * operator re-evaluates at that instant instead of waiting for the resync.
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
        Remediation remediation,
        Instant changesAt) {

    public Finding {
        criteria = List.copyOf(criteria);
    }

    public Finding(String policy, String control, String type, List<String> criteria, ObjectRef object, Result result,
            String reason, String message, Remediation remediation) {
        this(policy, control, type, criteria, object, result, reason, message, remediation, null);
    }

    /** This finding, due to change by itself at that instant. */
    public Finding changingAt(Instant instant) {
        return new Finding(policy, control, type, criteria, object, result, reason, message, remediation, instant);
    }

    /** {@link #key()} as a value: for maps kept per finding, cheaper than the string and sharing the finding's own strings. */
    public record Id(String control, ObjectRef object) {
    }

    public Id id() {
        return new Id(control, object);
    }

    /** Identity of the finding across evaluations: what it is about, not what it says. */
    public String key() {
        return control + "|" + object.kind() + "|" + object.namespace() + "|" + object.name();
    }
}
