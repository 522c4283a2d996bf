package dev.evident.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Two or more replicas elect a leader through a Lease in the operator's namespace; only the leader
 * starts informers and reconciles, the others wait ready to take over. A leader that loses its lease
 * (it could not renew it in time) exits, so two instances never remediate at once.
 */
@Singleton
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final boolean enabled;
    private final String leaseName;
    private final String namespace;
    private final String identity;
    private final AtomicBoolean leading = new AtomicBoolean();
    private volatile boolean shuttingDown;
    private volatile boolean leadingAtShutdown;
    private final KubernetesClient client;
    private final Clock clock;

    public LeaderElection(OperatorNamespace operatorNamespace, KubernetesClient client, Clock clock,
            @ConfigProperty(name = "evident.leader-election.enabled") boolean enabled,
            @ConfigProperty(name = "evident.leader-election.lease-name") String leaseName) {
        this.enabled = enabled;
        this.client = client;
        this.clock = clock;
        this.leaseName = leaseName;
        this.namespace = operatorNamespace.name();
        // Pod names are unique in a cluster; the suffix also keeps two local processes apart.
        this.identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("evident") + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The Lease JOSDK elects through, handed over as a bean rather than by a configuration-service customizer:
     * with a customizer, Quarkus' operator SDK wraps the configuration service in one whose getKubernetesClient()
     * builds a new client on every call (JOSDK's defaults, not Quarkus' configuration), so
     * the informers ran on clients of their own that evident_api_requests_total never saw. Null when disabled.
     */
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElectionConfiguration() {
        if (!enabled) {
            return null;
        }
        LeaderCallbacks callbacks = new LeaderCallbacks(
                () -> {
                    leading.set(true);
                    LOG.infof("%s leads (Lease %s/%s)", identity, namespace, leaseName);
                },
                this::stoppedLeading,
                leader -> LOG.infof("leader is now %s", leader));
        return new LeaderElectionConfiguration(leaseName, namespace,
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                identity, callbacks, false);
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
        leadingAtShutdown = leading.get();
    }

    /**
     * After the operator has stopped (the SDK's own shutdown observer runs at the default priority, before
     * this one), hands the Lease over at once instead of letting it run out: JOSDK's elector does not
     * release it, which left every rolling update ~15 s without enforcement. Releasing means what the
     * Kubernetes elector does: no holder, a one-second lease; a standby takes it at its next retry.
     */
    void releaseLease(@Observes @Priority(9000) ShutdownEvent event) {
        if (!enabled || !leadingAtShutdown) {
            return;
        }
        try {
            LeaseLock lock = new LeaseLock(namespace, leaseName, identity);
            LeaderElectionRecord current = lock.get(client);
            if (current == null || !identity.equals(current.getHolderIdentity())) {
                return;
            }
            ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            lock.update(client, new LeaderElectionRecord(null, Duration.ofSeconds(1), now, now, current.getLeaderTransitions()));
            LOG.infof("%s released the lease %s/%s on shutdown", identity, namespace, leaseName);
        } catch (RuntimeException e) {
            LOG.warnf("could not release the lease %s/%s on shutdown (a standby takes over when it expires): %s", namespace, leaseName, e.getMessage());
        }
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
