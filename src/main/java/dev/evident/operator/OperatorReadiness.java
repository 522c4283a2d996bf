package dev.evident.operator;

import io.javaoperatorsdk.operator.Operator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the leader's informers have synced, or when this replica is a standby waiting for the
 * lease. Replaces the extension's own check, which keeps a standby unready forever and would stall
 * every rolling update of a two-replica Deployment.
 */
@Readiness
@ApplicationScoped
public class OperatorReadiness implements HealthCheck {
    private final Operator operator;
    private final LeaderElection leaderElection;

    public OperatorReadiness(Operator operator, LeaderElection leaderElection) {
        this.operator = operator;
        this.leaderElection = leaderElection;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("evident operator");
        if (leaderElection.enabled()) {
            response.withData("identity", leaderElection.identity());
            if (!leaderElection.leading()) {
                return response.withData("role", "standby").up().build();
            }
            response.withData("role", "leader");
        }
        var runtime = operator.getRuntimeInfo();
        boolean synced = runtime.isStarted() && runtime.allEventSourcesAreHealthy();
        if (!synced) {
            response.withData("unhealthy", String.valueOf(runtime.unhealthyEventSources()));
        }
        return response.status(synced).build();
    }
}
