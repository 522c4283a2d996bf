package dev.evident.operator;

import dev.evident.exceptions.ExceptionOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What each ControlException did to the latest evaluation of its policy, as the policy reconciler found it;
 * the exception reconciler writes the exceptions' status from it, so that status says what was applied, never
 * what should have been. Tells the exception reconciler which exceptions' outcome changed.
 */
@ApplicationScoped
public class ExceptionBook {
    private final Map<String, ExceptionOutcome> byException = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byPolicy = new ConcurrentHashMap<>();
    private volatile Consumer<String> onChange = name -> { };

    /** Called with the name of each exception whose outcome changed or went. */
    void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }

    /** The outcomes of one evaluation of a policy (none when it is invalid), replacing that policy's previous ones. */
    synchronized void record(String policy, List<ExceptionOutcome> outcomes) {
        Set<String> names = outcomes.stream().map(ExceptionOutcome::name).collect(Collectors.toSet());
        Set<String> before = byPolicy.put(policy, names);
        for (ExceptionOutcome o : outcomes) {
            if (!o.equals(byException.put(o.name(), o))) {
                onChange.accept(o.name());
            }
        }
        Set<String> gone = new HashSet<>(before == null ? Set.of() : before);
        gone.removeAll(names);
        for (String name : gone) {
            ExceptionOutcome last = byException.get(name);
            if (last != null && policy.equals(last.policy())) {
                byException.remove(name);
                onChange.accept(name);
            }
        }
    }

    /** A deleted policy: its exceptions no longer apply to anything. */
    void forget(String policy) {
        record(policy, List.of());
        byPolicy.remove(policy);
    }

    Optional<ExceptionOutcome> outcome(String exception) {
        return Optional.ofNullable(byException.get(exception));
    }
}
