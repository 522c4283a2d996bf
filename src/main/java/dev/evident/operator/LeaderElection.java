package dev.evident.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Two or more replicas elect a leader through a Lease in the operator's namespace; only the leader
 * starts informers and reconciles, the others wait ready to take over. A leader that loses its lease
 * (it could not renew it in time) exits, so two instances never remediate at once.
 */
@Singleton
public class LeaderElection implements ConfigurationServiceCustomizer {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final boolean enabled;
    private final String leaseName;
    private final String namespace;
    private final String identity;
    private final AtomicBoolean leading = new AtomicBoolean();
    private volatile boolean shuttingDown;

    public LeaderElection(OperatorNamespace operatorNamespace,
            @ConfigProperty(name = "evident.leader-election.enabled") boolean enabled,
            @ConfigProperty(name = "evident.leader-election.lease-name") String leaseName) {
        this.enabled = enabled;
        this.leaseName = leaseName;
        this.namespace = operatorNamespace.name();
        // Pod names are unique in a cluster; the suffix also keeps two local processes apart.
        this.identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("evident") + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public Consumer<ConfigurationServiceOverrider> overrider() {
        return overrider -> {
            if (!enabled) {
                return;
            }
            LeaderCallbacks callbacks = new LeaderCallbacks(
                    () -> {
                        leading.set(true);
                        LOG.infof("%s leads (Lease %s/%s)", identity, namespace, leaseName);
                    },
                    this::stoppedLeading,
                    leader -> LOG.infof("leader is now %s", leader));
            overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(leaseName, namespace,
                    LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                    LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                    LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                    identity, callbacks, false));
        };
    }

    /**
     * JOSDK's own exit-on-stop-leading calls System.exit from the shutdown thread on a normal stop, which
     * hangs the JVM; so the exit is done here, and only when the lease was lost, not on shutdown.
     */
    private void stoppedLeading() {
        boolean wasLeading = leading.getAndSet(false);
        if (shuttingDown || !wasLeading) {
            return;
        }
        LOG.errorf("%s lost the lease %s/%s; exiting so that only the new leader acts", identity, namespace, leaseName);
        Thread exit = new Thread(() -> System.exit(1), "evident-lost-lease-exit");
        exit.setDaemon(false);
        exit.start();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown = true;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean leading() {
        return leading.get();
    }

    public String identity() {
        return identity;
    }
}
