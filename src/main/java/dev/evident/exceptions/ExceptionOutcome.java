package dev.evident.exceptions;

import dev.evident.engine.Finding;
import java.time.Instant;
import java.util.List;

/**
 * What one ControlException did to one evaluation of its policy.
 *
 * @param problems  why it is Invalid (empty otherwise), each naming the field
 * @param expiresAt the parsed expiry, or null when it cannot be read
 * @param covered   Active: the findings it excepted; Expired: the findings it would except, violations again now;
 *                  Invalid: none
 */
public record ExceptionOutcome(String name, String policy, ExceptionState state, List<String> problems, Instant expiresAt,
                               List<Finding> covered) {

    public ExceptionOutcome {
        problems = List.copyOf(problems);
        covered = List.copyOf(covered);
    }

    /** Active but needed by no finding: a waiver nobody needs, itself worth an auditor's attention. */
    public boolean unused() {
        return state == ExceptionState.Active && covered.isEmpty();
    }
}
