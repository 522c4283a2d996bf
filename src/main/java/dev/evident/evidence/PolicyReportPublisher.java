package dev.evident.evidence;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Writes each policy's results as OpenReports {@code Report}/{@code ClusterReport} (preferred) or wgpolicyk8s.io
 * {@code PolicyReport}/{@code ClusterPolicyReport}, whichever CRD the cluster has ({@code evident.policy-reports.api}:
 * auto, openreports, wgpolicyk8s, none), so Policy Reporter shows Evident beside other tools. A report is written
 * only when its content changed, by one thread apart from the reconciles, each report built from its policy's
 * latest evaluation when its turn comes; after an incremental evaluation only the namespaces it touched are
 * rebuilt. Reports are owned by the policy (garbage-collected with it); a namespace that no longer has findings
 * keeps an empty report rather than a stale one (the default ClusterRole grants no deletes). Failures are logged,
 * never thrown: reports are a view, the evidence log is the record.
 */
@ApplicationScoped
public class PolicyReportPublisher {
    private static final Logger LOG = Logger.getLogger(PolicyReportPublisher.class);
    private static final Duration RECHECK = Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final Clock clock;
    private final String mode;
    private final int maxResults;
    /** Writes reports off the reconcile thread: a first evaluation of 10,000 namespaces is 10,000 reports to write. */
    private final Executor writer;
    /** Per report (apiVersion/kind/namespace/name), a digest of the content last written and its resourceVersion. */
    private final Map<String, Written> written = new ConcurrentHashMap<>();
    /** Per policy, what was published last: the reports are built from it when their turn to be written comes. */
    private final Map<String, Published> published = new ConcurrentHashMap<>();
    /** Reports to (re)build and write, in order, each once however often it changed meanwhile. */
    private final Set<Pending> pending = new LinkedHashSet<>();
    private boolean draining;
    private volatile Optional<PolicyReports.Api> api;
    private volatile Instant checkedAt;

    private record Since(Result result, Instant time) {
    }

    private record Written(String digest, String resourceVersion) {
    }

    private record Pending(String policy, String namespace) {
    }

    /**
     * @param since      per finding, its result and since when (for the result's timestamp), updated in place
     * @param namespaces the namespaces with a report ("" for the cluster's), so a namespace left without findings
     *                   gets an empty report
     */
    private record Published(ControlPolicy policy, PolicyEvaluation evaluation, Map<Finding.Id, Since> since, Set<String> namespaces) {
    }

    @Inject
    public PolicyReportPublisher(KubernetesClient client, Clock clock,
            @ConfigProperty(name = "evident.policy-reports.api", defaultValue = "auto") String mode,
            @ConfigProperty(name = "evident.policy-reports.max-results", defaultValue = "500") int maxResults) {
        this(client, clock, mode, maxResults, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "evident-policy-reports");
            t.setDaemon(true);
            return t;
        }));
    }

    /** With the executor that writes the reports (tests: the calling thread, or none to measure the reconcile's part). */
    public PolicyReportPublisher(KubernetesClient client, Clock clock, String mode, int maxResults, Executor writer) {
        this.client = client;
        this.clock = clock;
        this.mode = mode;
        this.maxResults = maxResults;
        this.writer = writer;
    }

    /** The API to write: the configured one, or (auto) the one the cluster serves, OpenReports first. */
    Optional<PolicyReports.Api> api() {
        Instant now = clock.instant();
        if (api == null || (api.isEmpty() && "auto".equals(mode) && now.isAfter(checkedAt.plus(RECHECK)))) {
            checkedAt = now;
            api = switch (mode) {
                case "openreports" -> Optional.of(PolicyReports.Api.OPENREPORTS);
                case "wgpolicyk8s" -> Optional.of(PolicyReports.Api.WGPOLICY);
                case "none" -> Optional.empty();
                default -> served(PolicyReports.Api.OPENREPORTS).or(() -> served(PolicyReports.Api.WGPOLICY));
            };
            LOG.infof("policy reports: %s", api.map(a -> a.apiVersion + " " + a.namespacedKind + "/" + a.clusterKind)
                    .orElse("none (no OpenReports or wgpolicyk8s.io CRD found" + ("auto".equals(mode) ? "; checking again in 5 min)" : ")")));
        }
        return api;
    }

    private Optional<PolicyReports.Api> served(PolicyReports.Api candidate) {
        try {
            return client.supports(candidate.apiVersion, candidate.namespacedKind) ? Optional.of(candidate) : Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    /** Queues the policy's reports that may have changed: all of them, or with a diff only the namespaces it touched. */
    public void publish(ControlPolicy policy, PolicyEvaluation evaluation) {
        publish(policy, evaluation, EvaluationDiff.full());
    }

    public void publish(ControlPolicy policy, PolicyEvaluation evaluation, EvaluationDiff diff) {
        if (api().isEmpty() || !evaluation.valid()) {
            return;
        }
        String name = policy.getMetadata().getName();
        Published before = published.get(name);
        Instant now = clock.instant();
        Set<String> touched = new TreeSet<>();
        Published next;
        if (before != null && diff.follows(before.evaluation())) {
            Set<Finding.Id> kept = new HashSet<>();
            for (Finding f : diff.added()) {
                kept.add(f.id());
                before.since().compute(f.id(), (id, s) -> s != null && s.result() == f.result() ? s : new Since(f.result(), now));
                touched.add(PolicyReports.reportNamespace(f));
            }
            for (Finding f : diff.removed()) {
                if (!kept.contains(f.id())) {
                    before.since().remove(f.id());
                }
                touched.add(PolicyReports.reportNamespace(f));
            }
            before.namespaces().addAll(touched);
            next = new Published(policy, evaluation, before.since(), before.namespaces());
        } else {
            Map<Finding.Id, Since> previous = before == null ? Map.of() : before.since();
            Map<Finding.Id, Since> since = new ConcurrentHashMap<>();
            for (ControlEvaluation control : evaluation.controls()) {
                for (Finding f : control.findings()) {
                    Since s = previous.get(f.id());
                    since.put(f.id(), s != null && s.result() == f.result() ? s : new Since(f.result(), now));
                    touched.add(PolicyReports.reportNamespace(f));
                }
            }
            // A namespace left without findings gets an empty report rather than keeping stale results.
            if (before != null) {
                touched.addAll(before.namespaces());
            }
            Set<String> namespaces = ConcurrentHashMap.newKeySet();
            namespaces.addAll(touched);
            next = new Published(policy, evaluation, since, namespaces);
        }
        published.put(name, next);
        synchronized (pending) {
            touched.forEach(namespace -> pending.add(new Pending(name, namespace)));
            if (draining) {
                return;
            }
            draining = true;
        }
        writer.execute(this::drain);
    }

    /** Writes the queued reports, each built from its policy's latest evaluation. */
    private void drain() {
        while (true) {
            Pending next;
            synchronized (pending) {
                Iterator<Pending> it = pending.iterator();
                if (!it.hasNext()) {
                    draining = false;
                    return;
                }
                next = it.next();
                it.remove();
            }
            try {
                write(next);
            } catch (RuntimeException e) {
                LOG.warnf("policy report of %s in %s not written: %s", next.policy(), next.namespace().isEmpty() ? "the cluster" : next.namespace(), e.getMessage());
            }
        }
    }

    private void write(Pending next) {
        Published p = published.get(next.policy());
        Optional<PolicyReports.Api> target = api;
        if (p == null || target == null || target.isEmpty()) {
            return; // the policy was deleted meanwhile
        }
        List<Finding> findings = PolicyReports.findingsOf(p.evaluation(), next.namespace());
        GenericKubernetesResource report = PolicyReports.report(target.get(), p.policy(), next.namespace().isEmpty() ? null : next.namespace(),
                findings, f -> {
                    Since s = p.since().get(f.id());
                    return s == null ? Instant.EPOCH : s.time();
                }, maxResults);
        String id = id(report);
        Written last = written.get(id);
        if (findings.isEmpty() && last == null) {
            return; // never written: nothing stale to empty
        }
        String digest = digest(report);
        if (last != null && digest.equals(last.digest())) {
            return;
        }
        try {
            written.put(id, new Written(digest, store(target.get(), report, last == null ? null : last.resourceVersion())));
        } catch (KubernetesClientException e) {
            LOG.warnf("policy report %s not written: %s", id, e.getMessage());
        }
    }

    /**
     * Creates or replaces a report, with the resourceVersion written last when there is one (one request instead of a
     * read and a write); on a conflict, or when it is not there, it reads and tries once more.
     */
    private String store(PolicyReports.Api target, GenericKubernetesResource report, String knownVersion) {
        String namespace = report.getMetadata().getNamespace();
        var resources = client.genericKubernetesResources(target.context(namespace != null));
        Resource<GenericKubernetesResource> resource = namespace == null ? resources.resource(report) : resources.inNamespace(namespace).resource(report);
        try {
            if (knownVersion == null) {
                return resource.create().getMetadata().getResourceVersion();
            }
            report.getMetadata().setResourceVersion(knownVersion);
            return resource.update().getMetadata().getResourceVersion();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 404) {
                throw e;
            }
        }
        GenericKubernetesResource existing = resource.get();
        if (existing == null) {
            report.getMetadata().setResourceVersion(null);
            return resource.create().getMetadata().getResourceVersion();
        }
        report.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        return resource.update().getMetadata().getResourceVersion();
    }

    /** A digest of what a report says (labels, annotations, body): equal content, equal digest. */
    private static String digest(GenericKubernetesResource report) {
        // The owner is part of it: a policy deleted and created again under its name owns new reports.
        String content = Serialization.asJson(Map.of("meta", Map.of("labels", report.getMetadata().getLabels(),
                "owners", Optional.ofNullable(report.getMetadata().getOwnerReferences()).orElse(List.of()),
                "annotations", Optional.ofNullable(report.getMetadata().getAnnotations()).orElse(Map.of())), "body", report.getAdditionalProperties()));
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets a deleted policy (its reports go with it through their owner reference). */
    public void forget(String policy) {
        Published p = published.remove(policy);
        if (p != null && api != null && api.isPresent()) {
            for (String namespace : p.namespaces()) {
                written.remove(id(PolicyReports.empty(api.get(), p.policy(), namespace.isEmpty() ? null : namespace)));
            }
        }
    }

    static String id(GenericKubernetesResource r) {
        return r.getApiVersion() + "|" + r.getKind() + "|" + Optional.ofNullable(r.getMetadata().getNamespace()).orElse("") + "|"
                + r.getMetadata().getName();
    }
}
