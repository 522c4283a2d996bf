package dev.evident.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Remediation;
import dev.evident.operator.OperatorNamespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The operator's evidence log. The reconciler calls it (only the leader reconciles, so only the leader
 * writes); the first call opens the log in {@code evident.evidence.dir}, resumes the chain, loads the
 * signing key and starts the heartbeat. Every record written is mirrored to stdout as one JSON line
 * through the logger {@code evident.evidence}. Write failures never throw: records stay queued, are written
 * again with each call and each heartbeat, and {@link #writeHealthy()} is false meanwhile.
 */
@ApplicationScoped
public class EvidenceRecorder {
    /** Where each record is mirrored, one JSON line, for the cluster's log pipeline. */
    static final Logger MIRROR = Logger.getLogger("evident.evidence");
    private static final Logger LOG = Logger.getLogger(EvidenceRecorder.class);
    public static final String SOURCE = "operator";

    private final Clock clock;
    private final KubernetesClient client;
    private final OperatorNamespace namespace;
    private final EvidenceMetrics metrics;
    private final boolean enabled;
    private final Path directory;
    private final Duration heartbeatInterval;
    private final EvidenceLog.Settings settings;
    private final String signingSecret;
    private final String signingKey;
    private static final int FLUSH_EVERY = 1000;
    private final Set<String> policies = new TreeSet<>();
    /** Per policy, the evaluation whose findings were recorded last: a diff following it needs no full comparison. */
    private final Map<String, PolicyEvaluation> lastRecorded = new HashMap<>();
    private int unflushed;
    private EvidenceLog log;
    private RecordedState state;
    private ScheduledExecutorService timer;
    private volatile boolean signing;

    public EvidenceRecorder(Clock clock, KubernetesClient client, OperatorNamespace namespace, MeterRegistry registry,
            @ConfigProperty(name = "evident.evidence.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "evident.evidence.dir", defaultValue = "/var/lib/evident/evidence") Path directory,
            @ConfigProperty(name = "evident.evidence.heartbeat-interval", defaultValue = "1m") Duration heartbeatInterval,
            @ConfigProperty(name = "evident.evidence.retention", defaultValue = "400d") Duration retention,
            @ConfigProperty(name = "evident.evidence.segment-max-bytes", defaultValue = "67108864") long segmentMaxBytes,
            @ConfigProperty(name = "evident.evidence.segment-max-age", defaultValue = "1d") Duration segmentMaxAge,
            @ConfigProperty(name = "evident.evidence.checkpoint-interval", defaultValue = "1h") Duration checkpointInterval,
            @ConfigProperty(name = "evident.evidence.signing-secret", defaultValue = "evident-evidence-signing") String signingSecret,
            @ConfigProperty(name = "evident.evidence.signing-key", defaultValue = "private.pem") String signingKey) {
        this.clock = clock;
        this.client = client;
        this.namespace = namespace;
        this.metrics = new EvidenceMetrics(registry);
        this.enabled = enabled;
        this.directory = directory;
        this.heartbeatInterval = heartbeatInterval;
        this.settings = new EvidenceLog.Settings(segmentMaxBytes, segmentMaxAge, retention, checkpointInterval);
        this.signingSecret = signingSecret;
        this.signingKey = signingKey;
    }

    /** Opens the log on first use: on the leader, once it reconciles. */
    private synchronized EvidenceLog log() {
        if (log == null && enabled) {
            log = EvidenceLog.openDirectory(directory, clock, settings);
            state = Files.isDirectory(directory) && !EvidenceFiles.segments(directory).isEmpty() ? RecordedState.of(directory) : new RecordedState();
            log.onWritten(r -> {
                MIRROR.info(r.line());
                if (RecordTypes.CHECKPOINT.equals(r.type())) {
                    publishCheckpoint(r);
                }
            });
            log.warnings().forEach(LOG::warn);
            metrics.bind(log, () -> signing);
            loadSigningKey();
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "evident-evidence-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long millis = heartbeatInterval.toMillis();
            timer.scheduleAtFixedRate(this::heartbeat, millis, millis, TimeUnit.MILLISECONDS);
            LOG.infof("evidence log %s: resumed at seq %d, heartbeat every %s, checkpoints %s", directory,
                    log.head() == null ? 0 : log.head().seq(), heartbeatInterval, signing ? "signed" : "NOT signed");
        }
        return log;
    }

    /**
     * Publishes a checkpoint outside the log as well (besides the stdout mirror): an Event on the operator's
     * namespace, so that whoever keeps the cluster's Events (or an event exporter) holds a copy of the chain
     * head that a rewrite of the log's volume cannot reach.
     */
    private void publishCheckpoint(EvidenceRecord checkpoint) {
        String now = java.time.format.DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        try {
            client.v1().events().inNamespace(namespace.name()).resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                    .withNewMetadata().withNamespace(namespace.name()).withGenerateName("evident-evidence-checkpoint-")
                    .addToLabels(dev.evident.engine.Labels.MANAGED_BY, dev.evident.engine.Labels.MANAGED_BY_VALUE).endMetadata()
                    .withNewInvolvedObject().withApiVersion("v1").withKind("Namespace").withName(namespace.name()).endInvolvedObject()
                    .withType("Normal").withReason("EvidenceCheckpoint")
                    .withMessage(checkpoint.line())
                    .withNewSource().withComponent("evident").endSource().withReportingComponent("evident")
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (RuntimeException e) {
            if (!checkpointEventFailed) {
                LOG.warnf("could not publish evidence checkpoint %d as an Event (it is on stdout): %s", checkpoint.seq(), e.getMessage());
                checkpointEventFailed = true;
            }
        }
    }

    private boolean checkpointEventFailed;

    private void loadSigningKey() {
        String why;
        try {
            Secret secret = client.secrets().inNamespace(namespace.name()).withName(signingSecret).get();
            String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(signingKey);
            if (encoded != null) {
                var key = Checkpoints.privateKey(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
                String publicPem = secret.getData().get("public.pem");
                String keyId = publicPem == null ? null
                        : Checkpoints.keyId(Checkpoints.publicKey(new String(Base64.getDecoder().decode(publicPem), StandardCharsets.UTF_8)));
                log.signWith(new Checkpoints.Signer(key, keyId));
                signing = true;
                return;
            }
            why = "Secret " + namespace.name() + "/" + signingSecret + (secret == null ? " not found" : " has no key " + signingKey);
        } catch (KubernetesClientException | IllegalArgumentException e) {
            why = "cannot read Secret " + namespace.name() + "/" + signingSecret + ": " + e.getMessage();
        }
        signing = false;
        LOG.warnf("evidence checkpoints are NOT signed (%s): a rewritten log tail cannot be detected with a public key; "
                + "see README 'Evidence for auditors' (metric evident_evidence_signing 0)", why);
    }

    /**
     * After each evaluation: a policy record when its spec version is new to the log, a finding record per
     * changed result (and per finding no longer produced), and a run summary.
     */
    public synchronized void evaluated(ControlPolicy policy, PolicyEvaluation evaluation, Instant evaluatedAt) {
        evaluated(policy, evaluation, EvaluationDiff.full(), evaluatedAt);
    }

    /** The same, comparing only what the diff replaced when the evaluation before it is the one recorded last. */
    public synchronized void evaluated(ControlPolicy policy, PolicyEvaluation evaluation, EvaluationDiff diff, Instant evaluatedAt) {
        if (log() == null) {
            return;
        }
        policyVersion(policy, evaluation);
        if (evaluation.valid()) {
            policies.add(evaluation.policy());
            if (diff.follows(lastRecorded.get(evaluation.policy()))) {
                state.findingChanges(evaluation.policy(), diff, change -> record(RecordTypes.FINDING, change));
            } else {
                state.findingChanges(evaluation, change -> record(RecordTypes.FINDING, change));
            }
        }
        lastRecorded.put(evaluation.policy(), evaluation);
        run(evaluation, evaluatedAt);
        log.checkpointIfDue();
        log.flush();
    }

    /** A policy record when the spec hash differs from the one the log has in force for the policy. */
    public synchronized void policyVersion(ControlPolicy policy, PolicyEvaluation evaluation) {
        if (log() != null && state.specChanged(evaluation)) {
            policies.add(evaluation.policy());
            record(RecordTypes.POLICY, EvidenceData.policy(policy, evaluation, SOURCE));
        }
    }

    public synchronized void run(PolicyEvaluation evaluation, Instant evaluatedAt) {
        if (log() != null) {
            record(RecordTypes.RUN, EvidenceData.run(evaluation, evaluatedAt, SOURCE));
        }
    }

    /**
     * A remediation: the object before, the object as the API server returned it after the write (null when
     * deleted or refused), and whether re-evaluating the control over it verified the repair.
     */
    public synchronized void remediation(String policy, Finding finding, Remediation plan, Object before, Object written,
            boolean verified, String error) {
        if (log() == null) {
            return;
        }
        record(RecordTypes.REMEDIATION, EvidenceData.remediation(finding, plan.summary(), before, written, verified ? "success" : "failure", error));
        log.flush();
    }

    /** A deleted policy: its findings are removed and its controls leave force. */
    public synchronized void policyDeleted(ControlPolicy policy) {
        if (log() == null) {
            return;
        }
        String name = policy.getMetadata().getName();
        state.removals(name).forEach(removal -> record(RecordTypes.FINDING, removal));
        record(RecordTypes.POLICY, EvidenceData.policyDeleted(name, EvidenceData.changedBy(policy).orElse(null)));
        policies.remove(name);
        lastRecorded.remove(name);
        log.flush();
    }

    /** A ControlException changed state (for the exceptions issue to call). */
    public synchronized void exception(ObjectNode data) {
        if (log() != null) {
            record(RecordTypes.EXCEPTION, data);
            log.flush();
        }
    }

    synchronized void heartbeat() {
        try {
            record(RecordTypes.HEARTBEAT, EvidenceData.heartbeat(heartbeatInterval.toSeconds(), List.copyOf(policies)));
            log.checkpointIfDue();
            log.flush();
        } catch (RuntimeException e) {
            LOG.error("evidence heartbeat failed", e);
        }
    }

    private void record(String type, ObjectNode data) {
        state.apply(log.appendQueued(type, data));
        // A first evaluation of a large cluster records a finding per object: written as it goes, not held.
        if (++unflushed >= FLUSH_EVERY) {
            unflushed = 0;
            log.flush();
        }
    }

    /** False while records are queued because the disk refused them (full, read-only, I/O error). */
    public synchronized boolean writeHealthy() {
        return log == null || log.healthy();
    }

    /** The last write error, for a condition message (null when healthy). */
    public synchronized String writeError() {
        return log == null || log.healthy() ? null : log.lastError();
    }

    public boolean signing() {
        return signing;
    }

    public Path directory() {
        return directory;
    }

    /** Writes what is queued before the process ends. */
    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
            }
            if (log != null && !log.flush()) {
                LOG.errorf("evidence log %s: %d record(s) could not be written before shutdown: %s", directory, log.queued(), log.lastError());
            }
        }
    }
}
