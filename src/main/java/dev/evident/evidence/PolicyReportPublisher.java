package dev.evident.evidence;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Writes each policy's results as OpenReports {@code Report}/{@code ClusterReport} (preferred) or wgpolicyk8s.io
 * {@code PolicyReport}/{@code ClusterPolicyReport}, whichever CRD the cluster has ({@code evident.policy-reports.api}:
 * auto, openreports, wgpolicyk8s, none), so Policy Reporter shows Evident beside other tools. A report is written
 * only when its content changed. Reports are owned by the policy (garbage-collected with it); a namespace that no
 * longer has findings keeps an empty report rather than a stale one (the default ClusterRole grants no deletes).
 * Failures are logged, never thrown: reports are a view, the evidence log is the record.
 */
@ApplicationScoped
public class PolicyReportPublisher {
    private static final Logger LOG = Logger.getLogger(PolicyReportPublisher.class);
    private static final Duration RECHECK = Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final Clock clock;
    private final String mode;
    private final int maxResults;
    /** Per report (apiVersion/kind/namespace/name), the content last written. */
    private final Map<String, String> written = new ConcurrentHashMap<>();
    /** Per policy, the reports written for it, and per finding key the result and since when. */
    private final Map<String, Set<String>> reportsOf = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Since>> since = new ConcurrentHashMap<>();
    private volatile Optional<PolicyReports.Api> api;
    private volatile Instant checkedAt;

    private record Since(String result, Instant time) {
    }

    public PolicyReportPublisher(KubernetesClient client, Clock clock,
            @ConfigProperty(name = "evident.policy-reports.api", defaultValue = "auto") String mode,
            @ConfigProperty(name = "evident.policy-reports.max-results", defaultValue = "500") int maxResults) {
        this.client = client;
        this.clock = clock;
        this.mode = mode;
        this.maxResults = maxResults;
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

    /** Writes the policy's reports that changed since the last write. */
    public void publish(ControlPolicy policy, PolicyEvaluation evaluation) {
        Optional<PolicyReports.Api> target = api();
        if (target.isEmpty() || !evaluation.valid()) {
            return;
        }
        String name = policy.getMetadata().getName();
        Map<String, Instant> times = times(name, evaluation.findings());
        List<GenericKubernetesResource> reports = PolicyReports.build(target.get(), policy, evaluation, times, maxResults);
        Set<String> now = new HashSet<>();
        for (GenericKubernetesResource report : reports) {
            now.add(id(report));
            write(report);
        }
        // A namespace left without findings gets an empty report rather than keeping stale results.
        for (String gone : reportsOf.getOrDefault(name, Set.of())) {
            if (!now.contains(gone)) {
                String namespace = gone.split("\\|", -1)[2];
                write(PolicyReports.empty(target.get(), policy, namespace.isEmpty() ? null : namespace));
                now.add(gone);
            }
        }
        reportsOf.put(name, now);
    }

    private Map<String, Instant> times(String policy, List<Finding> findings) {
        Map<String, Since> previous = since.getOrDefault(policy, Map.of());
        Map<String, Since> next = new HashMap<>();
        Instant now = clock.instant();
        for (Finding f : findings) {
            Since s = previous.get(f.key());
            next.put(f.key(), s != null && s.result().equals(f.result().wire()) ? s : new Since(f.result().wire(), now));
        }
        since.put(policy, next);
        Map<String, Instant> times = new HashMap<>();
        next.forEach((k, v) -> times.put(k, v.time()));
        return times;
    }

    private void write(GenericKubernetesResource report) {
        String id = id(report);
        String content = Serialization.asJson(Map.of("meta", Map.of("labels", report.getMetadata().getLabels(),
                "annotations", Optional.ofNullable(report.getMetadata().getAnnotations()).orElse(Map.of())), "body", report.getAdditionalProperties()));
        if (content.equals(written.get(id))) {
            return;
        }
        try {
            String namespace = report.getMetadata().getNamespace();
            var resources = client.genericKubernetesResources(api.orElseThrow().context(namespace != null));
            Resource<GenericKubernetesResource> resource = namespace == null
                    ? resources.resource(report) : resources.inNamespace(namespace).resource(report);
            GenericKubernetesResource existing = resource.get();
            if (existing == null) {
                resource.create();
            } else {
                report.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                resource.update();
            }
            written.put(id, content);
        } catch (KubernetesClientException e) {
            LOG.warnf("policy report %s not written: %s", id, e.getMessage());
        }
    }

    /** Forgets a deleted policy (its reports go with it through their owner reference). */
    public void forget(String policy) {
        Set<String> ids = reportsOf.remove(policy);
        if (ids != null) {
            ids.forEach(written::remove);
        }
        since.remove(policy);
    }

    static String id(GenericKubernetesResource r) {
        return r.getApiVersion() + "|" + r.getKind() + "|" + Optional.ofNullable(r.getMetadata().getNamespace()).orElse("") + "|"
                + r.getMetadata().getName();
    }
}
