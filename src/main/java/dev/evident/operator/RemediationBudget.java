package dev.evident.operator;

import java.time.Clock;
import java.time.Duration;

/**
 * Token bucket shared by all policies: at most {@code perSecond} remediation writes per second, with
 * bursts up to the same number, so that a new Enforce policy over thousands of namespaces does not
 * flood the API server. Informer events re-trigger reconciles at once, so a per-reconcile batch alone
 * would not limit anything; this does.
 */
final class RemediationBudget {
    private final Clock clock;
    private final double perSecond;
    private double tokens;
    private long lastRefillMillis;

    RemediationBudget(Clock clock, double perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("evident.remediation.max-per-second must be positive, got " + perSecond);
        }
        this.clock = clock;
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.lastRefillMillis = clock.millis();
    }

    synchronized boolean tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until the next write may go. */
    synchronized Duration untilNext() {
        refill();
        return tokens >= 1 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil((1 - tokens) * 1000 / perSecond));
    }

    private void refill() {
        long now = clock.millis();
        tokens = Math.min(perSecond, tokens + (now - lastRefillMillis) * perSecond / 1000.0);
        lastRefillMillis = now;
    }
}
