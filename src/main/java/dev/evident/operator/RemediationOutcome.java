package dev.evident.operator;

/** What one reconcile left undone: plans waiting for the write budget, and writes the API server refused. */
record RemediationOutcome(int pending, int failed) {
    static final RemediationOutcome NONE = new RemediationOutcome(0, 0);
}
