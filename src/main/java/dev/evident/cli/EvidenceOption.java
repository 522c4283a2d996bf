package dev.evident.cli;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.evidence.EvidenceFiles;
import dev.evident.evidence.OfflineEvidence;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** {@code audit --evidence-log}: an unwritable log is bad input (exit 2), named by its path. */
final class EvidenceOption {
    private EvidenceOption() {
    }

    static void append(Path file, Clock clock, Instant evaluatedAt, List<ControlPolicy> policies, List<PolicyEvaluation> evaluations,
            List<ControlException> exceptions) {
        try {
            OfflineEvidence.append(file, clock, evaluatedAt, policies, evaluations, exceptions);
        } catch (EvidenceFiles.UnreadableException e) {
            throw new InputException("--evidence-log " + e.getMessage());
        }
    }
}
