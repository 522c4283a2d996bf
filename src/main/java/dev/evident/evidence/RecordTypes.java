package dev.evident.evidence;

/** The record types of the evidence log (the {@code type} field). */
public final class RecordTypes {
    /** A finding's result changed (or the finding went away: result {@code removed}). */
    public static final String FINDING = "finding";
    /** Evident repaired (or failed to repair) an object, with the object before and after. */
    public static final String REMEDIATION = "remediation";
    /** A ControlException changed state (approved, active, expired, revoked). */
    public static final String EXCEPTION = "exception";
    /** A new version of a policy's spec came into force (or the policy was deleted). */
    public static final String POLICY = "policy";
    /** An evaluation summary of one policy. */
    public static final String RUN = "run";
    /** Written at a fixed interval while evaluating, so a period without records is visibly a gap. */
    public static final String HEARTBEAT = "heartbeat";
    /** The chain head (seq, hash, time) signed with Ed25519. */
    public static final String CHECKPOINT = "checkpoint";
    /** Segments up to a seq were removed by retention. */
    public static final String RETENTION = "retention";
    /** Bytes found after the last complete record on restart (a partial write), kept verbatim. */
    public static final String RECOVERED = "recovered";

    private RecordTypes() {
    }
}
