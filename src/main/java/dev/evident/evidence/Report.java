package dev.evident.evidence;

import java.util.List;

/**
 * An auditor's period report, built from evidence records by {@link ReportBuilder}. Field names are the JSON
 * format's contract (README "Evidence for auditors"). Shares are fractions of the period (0-1, four decimals).
 */
public record Report(Period period, String generatedAt, Chain chain, Evidence evidence, List<Criterion> criteria,
                     List<Violation> violations, List<ExceptionEntry> exceptions, List<PolicyVersion> policyVersions) {

    public record Period(String from, String to, long seconds) {
    }

    /** Whether the log the report was built from verified, and what it covers. */
    public record Chain(boolean verified, String problem, long records, long firstSeq, long lastSeq, String headHash,
                        int checkpoints, int signedCheckpoints, List<String> notes) {
    }

    /** When there was no evidence: no heartbeat or run record for longer than maxSilenceSeconds. */
    public record Evidence(long maxSilenceSeconds, double noEvidenceShare, List<Gap> gaps) {
    }

    public record Gap(String from, String to, long seconds) {
    }

    /** States over the period: compliant, violating, noEvidence (a gap), notInForce (no policy held the control yet). */
    public record Shares(double compliant, double violating, double noEvidence, double notInForce) {
    }

    public record Criterion(String criterion, Shares shares, List<Control> controls, int violations) {
    }

    public record Control(String policy, String control, String type, Shares shares, int violations) {
    }

    /**
     * One violation: a finding that turned to fail (or error) and, when it ended within the period, how. resolution:
     * {@code remediated} (Evident's repair, verified), {@code fixed} (passed without a repair by Evident),
     * {@code excepted}, {@code removed} (the object or control went), {@code notApplicable}, or {@code open}.
     */
    public record Violation(long id, String policy, String control, String controlType, List<String> criteria, String namespace,
                            String kind, String name, String result, String reason, String detectedAt, long detectedSeq,
                            String remediatedAt, Long remediatedSeq, String resolution, Long timeToRemediateSeconds) {
    }

    public record ExceptionEntry(String name, String policy, List<String> controls, List<String> namespaces, String approvedBy,
                                 String ticket, String justification, String expiresAt, String stateAtEnd, List<StateChange> changes) {
    }

    public record StateChange(String time, String state, long seq) {
    }

    public record PolicyVersion(String policy, String specHash, Long generation, String changedBy, String source,
                                String inForceFrom, String inForceTo, long seq) {
    }
}
