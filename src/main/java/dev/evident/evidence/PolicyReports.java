package dev.evident.evidence;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds PolicyReport-shaped objects from an evaluation (pure): one report per policy and namespace, named
 * {@code evident-<policy>}, and one cluster-wide report for cluster-scoped objects. Never one per object.
 * Each result carries the SOC 2 criteria in {@code properties.criteria}. A report holds at most maxResults
 * results (failures and errors first); the summary still counts them all and the annotation
 * {@code evident.dev/results-omitted} says how many were left out.
 */
public final class PolicyReports {
    public static final String SOURCE = "evident";
    public static final String OMITTED = "evident.dev/results-omitted";

    /** The two APIs Policy Reporter reads. */
    public enum Api {
        OPENREPORTS("openreports.io/v1alpha1", "Report", "ClusterReport"),
        WGPOLICY("wgpolicyk8s.io/v1alpha2", "PolicyReport", "ClusterPolicyReport");

        public final String apiVersion;
        public final String namespacedKind;
        public final String clusterKind;

        Api(String apiVersion, String namespacedKind, String clusterKind) {
            this.apiVersion = apiVersion;
            this.namespacedKind = namespacedKind;
            this.clusterKind = clusterKind;
        }

        /** Where the namespaced (or, with namespaced false, the cluster) kind lives, without discovery. */
        public io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext context(boolean namespaced) {
            String kind = namespaced ? namespacedKind : clusterKind;
            return new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup(apiVersion.substring(0, apiVersion.indexOf('/'))).withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1))
                    .withKind(kind).withPlural(kind.toLowerCase(java.util.Locale.ROOT) + "s").withNamespaced(namespaced).build();
        }
    }

    private PolicyReports() {
    }

    public static String name(String policy) {
        return "evident-" + policy;
    }

    /**
     * The reports for one evaluation. since gives, per finding key, when its current result was first seen
     * (the result's timestamp), so unchanged findings give unchanged reports.
     */
    public static List<GenericKubernetesResource> build(Api api, ControlPolicy policy, PolicyEvaluation evaluation,
            Map<String, Instant> since, int maxResults) {
        List<GenericKubernetesResource> reports = new ArrayList<>();
        byNamespace(evaluation).forEach((namespace, findings) -> reports.add(report(api, policy, namespace.isEmpty() ? null : namespace, findings,
                f -> since.getOrDefault(f.key(), Instant.EPOCH), maxResults)));
        return reports;
    }

    /** An evaluation's findings by the namespace of their report ("" for the cluster's), in namespace order. */
    static Map<String, List<Finding>> byNamespace(PolicyEvaluation evaluation) {
        Map<String, List<Finding>> byNamespace = new TreeMap<>();
        for (ControlEvaluation control : evaluation.controls()) {
            for (Finding f : control.findings()) {
                byNamespace.computeIfAbsent(reportNamespace(f), k -> new ArrayList<>()).add(f);
            }
        }
        return byNamespace;
    }

    /** The namespace of the report a finding goes in: "" for the cluster's. */
    static String reportNamespace(Finding f) {
        return f.object().namespace() == null ? "" : f.object().namespace();
    }

    /**
     * The findings of one report ("" for the cluster's), found by binary search in each control's findings (sorted by
     * namespace, as the engine orders them) instead of a pass over all.
     */
    static List<Finding> findingsOf(PolicyEvaluation evaluation, String namespace) {
        String key = namespace.isEmpty() ? "null" : namespace;
        List<Finding> found = new ArrayList<>();
        for (ControlEvaluation control : evaluation.controls()) {
            List<Finding> findings = control.findings();
            int lo = 0;
            int hi = findings.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (String.valueOf(findings.get(mid).object().namespace()).compareTo(key) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            for (int i = lo; i < findings.size() && key.equals(String.valueOf(findings.get(i).object().namespace())); i++) {
                if (reportNamespace(findings.get(i)).equals(namespace)) {
                    found.add(findings.get(i));
                }
            }
        }
        return found;
    }

    /** A report with no results, for a namespace (or the cluster, namespace null) that has no findings any more. */
    public static GenericKubernetesResource empty(Api api, ControlPolicy policy, String namespace) {
        return report(api, policy, namespace, List.of(), f -> Instant.EPOCH, 0);
    }

    /** The report of one namespace (null: the cluster's); since gives when each finding's current result was first seen. */
    static GenericKubernetesResource report(Api api, ControlPolicy policy, String namespace, List<Finding> findings,
            Function<Finding, Instant> since, int maxResults) {
        GenericKubernetesResource report = new GenericKubernetesResource();
        report.setApiVersion(api.apiVersion);
        report.setKind(namespace == null ? api.clusterKind : api.namespacedKind);
        String policyName = policy.getMetadata().getName();
        ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name(policyName)).withNamespace(namespace)
                .addToLabels(Labels.MANAGED_BY, "evident").addToLabels(Labels.POLICY, policyName);
        if (policy.getMetadata().getUid() != null) {
            meta.addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion(ControlPolicy.API_VERSION).withKind(ControlPolicy.KIND)
                    .withName(policyName).withUid(policy.getMetadata().getUid()).build());
        }
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing((Finding f) -> f.result().isProblem() ? 0 : 1).thenComparing(Finding::key));
        int omitted = Math.max(0, sorted.size() - maxResults);
        if (omitted > 0) {
            meta.addToAnnotations(OMITTED, Integer.toString(omitted));
        }
        report.setMetadata(meta.build());
        Map<String, Object> props = report.getAdditionalProperties();
        props.put("source", SOURCE);
        if (namespace != null) {
            props.put("scope", Map.of("apiVersion", "v1", "kind", "Namespace", "name", namespace));
        }
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (String s : List.of("pass", "fail", "warn", "error", "skip")) {
            summary.put(s, 0);
        }
        findings.forEach(f -> summary.merge(result(f.result()), 1, Integer::sum));
        props.put("summary", summary);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Finding f : sorted.subList(0, sorted.size() - omitted)) {
            results.add(result(policyName, f, since.apply(f)));
        }
        props.put("results", results);
        return report;
    }

    private static Map<String, Object> result(String policy, Finding f, Instant since) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("source", SOURCE);
        r.put("policy", policy);
        r.put("rule", f.control());
        r.put("category", f.type());
        r.put("result", result(f.result()));
        r.put("scored", true);
        r.put("timestamp", Map.of("seconds", since.getEpochSecond(), "nanos", 0));
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("kind", f.object().kind());
        if (f.object().namespace() != null && !"Namespace".equals(f.object().kind())) {
            resource.put("namespace", f.object().namespace());
        }
        resource.put("name", f.object().name());
        r.put("resources", List.of(resource));
        if (f.message() != null && !f.message().isEmpty()) {
            r.put("message", f.message());
        }
        Map<String, String> properties = new TreeMap<>();
        properties.put("criteria", String.join(",", f.criteria()));
        if (f.reason() != null && !f.reason().isEmpty()) {
            properties.put("reason", f.reason());
        }
        properties.put("evidentResult", f.result().wire());
        r.put("properties", properties);
        return r;
    }

    /** pass, fail, error as they are; excepted and notApplicable are skip (the evidentResult property tells which). */
    static String result(Result result) {
        return switch (result) {
            case PASS -> "pass";
            case FAIL -> "fail";
            case ERROR -> "error";
            case EXCEPTED, NOT_APPLICABLE -> "skip";
        };
    }
}
