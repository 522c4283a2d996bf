package dev.evident.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.exceptions.ExceptionOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** {@code audit --evidence-log FILE}: appends one run's records to a single-file log, creating it. */
public final class OfflineEvidence {
    public static final String SOURCE = "audit";

    private OfflineEvidence() {
    }

    /**
     * Appends, per policy: a policy record when its spec hash is new to the log, an exception record per
     * ControlException whose state is new to the log, a finding record per changed result, and a run summary.
     * Throws UnreadableException when the file cannot be written.
     */
    public static EvidenceLog append(Path file, Clock clock, Instant evaluatedAt, List<ControlPolicy> policies, List<PolicyEvaluation> evaluations,
            List<ControlException> exceptions) {
        RecordedState state = java.nio.file.Files.exists(file) ? RecordedState.of(EvidenceFiles.records(file)) : new RecordedState();
        EvidenceLog log = EvidenceLog.openFile(file, clock);
        log.onWritten(state::apply);
        for (int i = 0; i < evaluations.size(); i++) {
            PolicyEvaluation evaluation = evaluations.get(i);
            if (state.specChanged(evaluation)) {
                log.append(RecordTypes.POLICY, EvidenceData.policy(policies.get(i), evaluation, SOURCE));
            }
            for (ExceptionOutcome o : evaluation.exceptions()) {
                if (state.exceptionChanged(o.name(), o.state().name())) {
                    exceptions.stream().filter(e -> o.name().equals(e.getMetadata().getName())).findFirst().ifPresent(e ->
                            log.append(RecordTypes.EXCEPTION, EvidenceData.exception(e, o.state().name(), o.covered().size(), o.problems())));
                }
            }
            for (ObjectNode change : state.findingChanges(evaluation)) {
                log.append(RecordTypes.FINDING, change);
            }
            log.append(RecordTypes.RUN, EvidenceData.run(evaluation, evaluatedAt, SOURCE));
        }
        if (!log.flush()) {
            throw new EvidenceFiles.UnreadableException(file + ": cannot write the evidence log: " + log.lastError());
        }
        return log;
    }
}
