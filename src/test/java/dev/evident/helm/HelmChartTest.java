package dev.evident.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Read;
import dev.evident.metrics.EvidentMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Helm chart renders, lints strictly, and stays in step with deploy/, crds/, the metrics and the README. */
class HelmChartTest {
    /** Value sets besides the defaults: each must lint and render. */
    static final Map<String, Map<String, Object>> VALUE_SETS = Map.of(
            "everything on", Map.of(
                    "prometheusRule", Map.of("enabled", true),
                    "metrics", Map.of("serviceMonitor", Map.of("enabled", true)),
                    "dashboard", Map.of("enabled", true),
                    "policies", Map.of("soc2Baseline", Map.of("enabled", true)),
                    "rbac", Map.of("bindingRemediation", true)),
            "audit only", Map.of("auditOnly", true, "rbac", Map.of("bindingRemediation", true), "prometheusRule", Map.of("enabled", true)),
            "single replica, no persistence", Map.of("replicaCount", 1, "leaderElection", Map.of("enabled", false),
                    "evidence", Map.of("persistence", Map.of("enabled", false))),
            "shared evidence volume", Map.of("evidence", Map.of("persistence", Map.of("accessMode", "ReadWriteMany", "storageClass", "efs"))));
    /** Write verbs: what auditOnly must not grant on anything users own. */
    static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection", "bind", "escalate", "impersonate", "*");
    /** What the operator writes that is its own, not a user's: its policies' status and finalizers, and Events. */
    /** Evident's own objects and output: its policies' and exceptions' status, Events, and the policy reports it publishes. */
    static final Set<String> OPERATOR_OWNED = Set.of("evident.dev/controlpolicies", "evident.dev/controlpolicies/status",
            "evident.dev/controlpolicies/finalizers", "evident.dev/controlexceptions", "evident.dev/controlexceptions/status",
            "evident.dev/controlexceptions/finalizers", "/events",
            "openreports.io/reports", "openreports.io/clusterreports", "wgpolicyk8s.io/policyreports", "wgpolicyk8s.io/clusterpolicyreports");

    @TempDir
    Path work;

    @Test
    void defaultsAndEveryValueSetLintStrictly() throws IOException {
        Map<String, Map<String, Object>> sets = new LinkedHashMap<>();
        sets.put("defaults", Map.of());
        sets.putAll(VALUE_SETS);
        sets.put("examples/helm/values-production.yaml", HelmChart.yamlMap(Path.of("examples", "helm", "values-production.yaml")));
        for (var set : sets.entrySet()) {
            LintResult lint = HelmChart.lintStrict(set.getValue(), work.resolve(String.valueOf(set.getKey().hashCode())));
            assertThat(lint.isFailed()).as("helm lint --strict with %s: %s", set.getKey(), lint.getMessages()).isFalse();
            assertThat(lint.getMessages()).as(set.getKey()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
        }
    }

    @Test
    void defaultsRenderAnHaLeastPrivilegeInstall() {
        HelmChart.Rendered r = HelmChart.render(Map.of());
        assertThat(r.objects()).extracting(o -> o.path("kind").asText()).containsExactlyInAnyOrder(
                "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Role", "RoleBinding",
                "Deployment", "PodDisruptionBudget", "Service", "PersistentVolumeClaim");
        JsonNode deployment = r.one("Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("evident");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        JsonNode c = r.container();
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(c.at("/securityContext/capabilities/drop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(c.at("/resources/requests/memory").asText()).isNotEmpty();
        assertThat(c.at("/resources/limits/memory").asText()).isNotEmpty();
        assertThat(c.path("image").asText()).isEqualTo("evident/evident-operator:" + chartYaml().path("appVersion").asText());
        assertThat(r.env()).containsEntry("EVIDENT_LEADER_ELECTION_ENABLED", "true")
                .containsEntry("EVIDENT_LEADER_ELECTION_LEASE_NAME", "evident-operator")
                .containsEntry("EVIDENT_AUDIT_ONLY", "false")
                .containsEntry("EVIDENT_RESYNC_INTERVAL", "600s")
                .containsKey("EVIDENT_OPERATOR_NAMESPACE");
        // The evidence log on the PVC, kept on uninstall; the ReadWriteOnce volume keeps replicas on one node.
        JsonNode pvc = r.one("PersistentVolumeClaim");
        assertThat(pvc.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
        assertThat(pod.path("volumes")).anySatisfy(v -> assertThat(v.at("/persistentVolumeClaim/claimName").asText()).isEqualTo(pvc.at("/metadata/name").asText()));
        assertThat(c.path("volumeMounts")).anySatisfy(m -> assertThat(m.path("mountPath").asText()).isEqualTo(r.env().get("EVIDENT_EVIDENCE_DIR")));
        assertThat(pod.at("/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution")).hasSize(1);
        assertThat(r.one("PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(1);
    }

    @Test
    void aSharedVolumeSpreadsReplicasAndEmptyDirWarnsThatEvidenceIsLost() {
        JsonNode spread = HelmChart.render(Map.of("evidence.persistence.accessMode", "ReadWriteMany")).one("Deployment");
        assertThat(spread.at("/spec/template/spec/affinity/podAntiAffinity").isObject()).isTrue();
        assertThat(spread.at("/spec/template/spec/affinity/podAffinity").isMissingNode()).isTrue();

        HelmChart.Rendered emptyDir = HelmChart.render(Map.of("evidence.persistence.enabled", false));
        assertThat(emptyDir.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(emptyDir.one("Deployment").at("/spec/template/spec/volumes"))
                .anySatisfy(v -> assertThat(v.path("emptyDir").isObject() && "evidence".equals(v.path("name").asText())).isTrue());
        assertThat(HelmChart.notes(Map.of("evidence.persistence.enabled", false))).contains("evidence.persistence.enabled=false").contains("LOST");
        assertThat(HelmChart.notes(Map.of())).contains("kubectl get controlpolicies").contains("/q/metrics").doesNotContain("LOST");
    }

    @Test
    void monitoringObjectsForThePrometheusOperator() {
        HelmChart.Rendered r = HelmChart.render(Map.of("metrics.serviceMonitor.enabled", true, "prometheusRule.enabled", true,
                "metrics.serviceMonitor.labels.release", "kube-prometheus-stack"));
        JsonNode monitor = r.one("ServiceMonitor");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo(r.one("Service").at("/spec/ports/0/name").asText());
        assertThat(monitor.at("/spec/selector/matchLabels")).isEqualTo(r.one("Service").at("/spec/selector"));
        assertThat(r.one("PrometheusRule").path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        // The operator-down rule watches the job a ServiceMonitor gives the targets: the Service's name.
        assertThat(Alerts.rules(r)).filteredOn(a -> "EvidentOperatorDown".equals(a.path("alert").asText())).singleElement()
                .satisfies(a -> assertThat(a.path("expr").asText()).contains("job=\"" + r.one("Service").at("/metadata/name").asText() + "\""));
    }

    @Test
    void alertThresholdsAndDurationsComeFromValues() {
        List<JsonNode> rules = Alerts.rules(HelmChart.render(Map.of("prometheusRule.enabled", true, "alerts.controlViolated.for", "4h",
                "alerts.complianceScoreLow.threshold", 75, "operator.resyncIntervalSeconds", 300, "alerts.driftDetected.enabled", false)));
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        rules.forEach(rule -> byName.put(rule.path("alert").asText(), rule));
        assertThat(byName).doesNotContainKey("EvidentDriftDetected");
        assertThat(byName.get("EvidentControlViolated").path("for").asText()).isEqualTo("4h");
        assertThat(byName.get("EvidentComplianceScoreLow").path("expr").asText()).endsWith("< 75");
        assertThat(byName.get("EvidentEvaluationStale").path("expr").asText()).endsWith("> 600");
    }

    @Test
    void podDisruptionBudgetApiVersionFollowsTheCluster() {
        assertThat(HelmChart.render("1.20.2", null, Map.of()).one("PodDisruptionBudget").path("apiVersion").asText()).isEqualTo("policy/v1beta1");
        assertThat(HelmChart.render("1.21.0", null, Map.of()).one("PodDisruptionBudget").path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(HelmChart.render("1.30.1", null, Map.of()).one("PodDisruptionBudget").path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThatThrownBy(() -> HelmChart.render("1.19.0", null, Map.of())).hasMessageContaining("kubeVersion");
    }

    @Test
    void auditOnlyGrantsNoWriteOnUserResourcesAndTurnsRemediationOff() {
        HelmChart.Rendered r = HelmChart.render(Map.of("auditOnly", true, "rbac.bindingRemediation", true));
        List<String> writes = new ArrayList<>();
        for (JsonNode role : concat(r.ofKind("ClusterRole"), r.ofKind("Role"))) {
            for (String grant : Rbac.grants(role)) {
                String[] gvr = grant.split(" ");
                if (WRITE_VERBS.contains(gvr[1]) && !OPERATOR_OWNED.contains(gvr[0])
                        && !(gvr[0].equals("coordination.k8s.io/leases"))) {
                    writes.add(grant);
                }
            }
        }
        assertThat(writes).as("write grants on user resources with auditOnly").isEmpty();
        assertThat(r.ofKind("ClusterRole")).hasSize(1);
        assertThat(r.env()).containsEntry("EVIDENT_AUDIT_ONLY", "true");
        // Without auditOnly, the same render grants what Enforce writes.
        Set<String> enforce = Rbac.grants(HelmChart.render(Map.of()).one("ClusterRole"));
        assertThat(enforce).contains("/namespaces patch", "networking.k8s.io/networkpolicies create", "networking.k8s.io/ingresses patch");
    }

    @Test
    void clusterRoleAndNamespacedRolesMatchDeploy() throws IOException {
        HelmChart.Rendered r = HelmChart.render(Map.of());
        assertThat(Rbac.grants(r.one("ClusterRole"))).isEqualTo(Rbac.grants(Rbac.deployObject("02-clusterrole.yaml", "ClusterRole")));
        Map<String, Set<String>> chartRoles = Rbac.rolesByNamespace(r.ofKind("Role"));
        Map<String, Set<String>> deployRoles = Rbac.rolesByNamespace(Rbac.deployObjects("04-namespaced-roles.yaml", "Role"));
        assertThat(chartRoles).isEqualTo(deployRoles);
        // Every Role and ClusterRole is bound to the chart's ServiceAccount.
        for (JsonNode binding : concat(r.ofKind("RoleBinding"), r.ofKind("ClusterRoleBinding"))) {
            assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("evident");
            assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(HelmChart.NAMESPACE);
        }
        // The opt-in binding remediation is deploy/optional/rbac-remediation.yaml.
        HelmChart.Rendered remediation = HelmChart.render(Map.of("rbac.bindingRemediation", true));
        assertThat(Rbac.grants(remediation.named("ClusterRole", "evident-rbac-remediation")))
                .isEqualTo(Rbac.grants(Rbac.deployObject("optional/rbac-remediation.yaml", "ClusterRole")));
    }

    @Test
    void clusterRoleCoversEveryKindTheControlsRead() {
        Set<String> grants = Rbac.grants(HelmChart.render(Map.of()).one("ClusterRole"));
        Set<String> namespaced = new TreeSet<>();
        HelmChart.render(Map.of()).ofKind("Role").forEach(role -> namespaced.addAll(Rbac.grants(role)));
        for (Read read : StandardControls.catalog().reads()) {
            String resource = HasMetadata.getGroup(read.kind()) + "/" + HasMetadata.getPlural(read.kind());
            for (String verb : List.of("get", "list", "watch")) {
                Set<String> where = read.namespace() != null ? namespaced : grants;
                assertThat(where).as("%s %s", resource, verb).contains(resource + " " + verb);
            }
        }
    }

    @Test
    void deploymentMatchesDeploy() throws IOException {
        JsonNode chart = HelmChart.render(Map.of()).one("Deployment");
        JsonNode deploy = Rbac.deployObject("05-deployment.yaml", "Deployment");
        JsonNode chartPod = chart.at("/spec/template/spec");
        JsonNode deployPod = deploy.at("/spec/template/spec");
        assertThat(chart.at("/spec/replicas")).isEqualTo(deploy.at("/spec/replicas"));
        assertThat(chartPod.at("/containers/0/securityContext")).isEqualTo(deployPod.at("/containers/0/securityContext"));
        assertThat(chartPod.at("/containers/0/resources")).isEqualTo(deployPod.at("/containers/0/resources"));
        assertThat(chartPod.at("/containers/0/image")).isEqualTo(deployPod.at("/containers/0/image"));
        assertThat(chartPod.at("/securityContext/seccompProfile")).isEqualTo(deployPod.at("/securityContext/seccompProfile"));
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertThat(chartPod.at("/containers/0/" + probe + "/httpGet")).isEqualTo(deployPod.at("/containers/0/" + probe + "/httpGet"));
        }
    }

    @Test
    void chartCrdsAreTheTopLevelCrds() throws IOException {
        assertThat(fileNames(HelmChart.DIR.resolve("crds"))).isEqualTo(fileNames(Path.of("crds")));
        for (String name : fileNames(Path.of("crds"))) {
            assertThat(Files.readString(HelmChart.DIR.resolve("crds").resolve(name)))
                    .as("helm/evident/crds/%s differs from crds/%s; copy it: cp crds/%s helm/evident/crds/", name, name, name)
                    .isEqualTo(Files.readString(Path.of("crds", name)));
        }
    }

    @Test
    void chartVersionFollowsTheProjectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>evident</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        String version = m.group(1).replace("-SNAPSHOT", "");
        assertThat(chartYaml().path("version").asText()).isEqualTo(version);
        assertThat(chartYaml().path("appVersion").asText()).isEqualTo(version);
        assertThat(chartYaml().path("kubeVersion").asText()).isNotEmpty();
    }

    @Test
    void schemaRejectsWrongTypesAndUnknownKeys() {
        assertThatThrownBy(() -> HelmChart.render(Map.of("replicaCount", "two"))).hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> HelmChart.render(Map.of("auditOnly", "yes-please"))).hasMessageContaining("auditOnly");
        assertThatThrownBy(() -> HelmChart.render(Map.of("alerts.complianceScoreLow.threshold", "high"))).hasMessageContaining("threshold");
        assertThatThrownBy(() -> HelmChart.render(Map.of("replicas", 3))).hasMessageContaining("replicas");
        assertThatThrownBy(() -> HelmChart.render(Map.of("policies.soc2Baseline.mode", "Sometimes"))).hasMessageContaining("mode");
        assertThatThrownBy(() -> HelmChart.render(Map.of("replicaCount", 2, "leaderElection.enabled", false)))
                .hasMessageContaining("leaderElection.enabled");
    }

    @Test
    void everyTopLevelValueIsCommented() throws IOException {
        List<String> lines = Files.readAllLines(HelmChart.DIR.resolve("values.yaml"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.matches("^[a-zA-Z][a-zA-Z0-9]*:.*")) {
                assertThat(lines.get(i - 1)).as("comment above %s", line).startsWith("#");
            }
        }
    }

    @Test
    void alertRulesUseOnlyExportedMetricsAndHaveRunbooks() throws IOException {
        List<JsonNode> rules = Alerts.rules(HelmChart.render(Map.of("prometheusRule.enabled", true)));
        assertThat(rules).extracting(r -> r.path("alert").asText()).contains(
                "EvidentControlViolated", "EvidentNewViolation", "EvidentDriftDetected", "EvidentComplianceScoreLow",
                "EvidentEvaluationStale", "EvidentRemediationFailing", "EvidentPolicyInvalid", "EvidentOperatorDown");
        String readme = Files.readString(Path.of("README.md"));
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertUsesExportedMetrics(alert, rule.path("expr").asText());
            assertThat(rule.at("/labels/severity").asText()).as(alert).isIn("critical", "warning", "info");
            assertThat(rule.at("/annotations/summary").asText()).as(alert).isNotBlank();
            assertThat(rule.at("/annotations/description").asText()).as(alert).isNotBlank();
            assertThat(readme.contains("#### " + alert)).as("README has a runbook \"#### %s\" (section Alerts)", alert).isTrue();
        }
    }

    /**
     * Alerts on metrics that other issues add (exceptions, evidence log) are in the chart but disabled. When
     * the operator starts exporting their metric, this fails as the reminder to enable them by default.
     */
    @Test
    void alertsDisabledByDefaultWaitForTheirMetric() throws IOException {
        JsonNode alertValues = HelmChart.YAML.readTree(HelmChart.DIR.resolve("values.yaml").toFile()).path("alerts");
        Map<String, Object> enableAll = new LinkedHashMap<>();
        enableAll.put("prometheusRule.enabled", true);
        List<String> disabled = new ArrayList<>();
        alertValues.fields().forEachRemaining(e -> {
            if (!e.getValue().path("enabled").asBoolean()) {
                disabled.add(e.getKey());
                enableAll.put("alerts." + e.getKey() + ".enabled", true);
            }
        });
        Set<String> defaults = new TreeSet<>(Alerts.rules(HelmChart.render(Map.of("prometheusRule.enabled", true))).stream().map(r -> r.path("alert").asText()).toList());
        String readme = Files.readString(Path.of("README.md"));
        for (JsonNode rule : Alerts.rules(HelmChart.render(enableAll))) {
            String alert = rule.path("alert").asText();
            if (defaults.contains(alert)) {
                continue;
            }
            Set<String> missing = new TreeSet<>(PromQl.metrics(rule.path("expr").asText()).keySet());
            missing.removeAll(EvidentMetrics.PROMETHEUS_CATALOGUE.keySet());
            assertThat(missing).as("%s is disabled by default (alerts %s) but the operator now exports its metric: "
                    + "set enabled: true in values.yaml and write its runbook", alert, disabled).isNotEmpty();
            assertThat(readme.contains(alert)).as("README mentions the coming alert %s", alert).isTrue();
        }
    }

    @Test
    void dashboardIsValidAndEveryPanelQueriesExportedMetrics() throws IOException {
        HelmChart.Rendered r = HelmChart.render(Map.of("dashboard.enabled", true));
        JsonNode configMap = r.one("ConfigMap");
        assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        String json = configMap.at("/data/evident-compliance.json").asText();
        assertThat(json).isEqualTo(Files.readString(HelmChart.DIR.resolve("files/dashboard.json")).stripTrailing());
        JsonNode dashboard = new ObjectMapper().readTree(json);
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            if (!"row".equals(p.path("type").asText())) panels.add(p);
        });
        assertThat(panels).hasSizeGreaterThanOrEqualTo(10);
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(panel.path("targets")).as("queries of panel %s", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(expr).as("query of panel %s", title).isNotBlank();
                assertUsesExportedMetrics("panel " + title, expr);
                used.addAll(PromQl.metrics(expr).keySet());
            }
        }
        used.remove("up");
        assertThat(used).as("the dashboard shows every metric the operator exports")
                .containsExactlyInAnyOrderElementsOf(EvidentMetrics.PROMETHEUS_CATALOGUE.keySet());
    }

    @Test
    void promQlReaderFindsMetricsAndLabels() {
        assertThat(PromQl.metrics("sum by (policy, control) ((evident_drift_detected_total unless evident_drift_detected_total offset 10m) "
                + "or increase(evident_drift_detected_total{policy=~\"a|b\"}[10m])) > 0 and on (policy) absent(up{job=\"x\"} == 1)"))
                .containsOnlyKeys("evident_drift_detected_total", "up")
                .containsEntry("evident_drift_detected_total", Set.of("policy"))
                .containsEntry("up", Set.of("job"));
        assertThat(PromQl.metrics("time() - max by (policy) (evident_last_evaluation_timestamp_seconds) > 1200"))
                .containsOnlyKeys("evident_last_evaluation_timestamp_seconds");
        assertThat(PromQl.metrics("count(max by (policy) (evident_policy_valid) == 0) or vector(0)")).containsOnlyKeys("evident_policy_valid");
    }

    @Test
    void optionalBaselinePolicyIsAuditByDefault() {
        JsonNode policy = HelmChart.render(Map.of("policies.soc2Baseline.enabled", true)).one("ControlPolicy");
        assertThat(policy.at("/spec/mode").asText()).isEqualTo("Audit");
        assertThat(policy.at("/spec/controls")).hasSize(6);
        assertThat(policy.at("/spec/controls/2/rbacLeastPrivilege/allowedSubjects"))
                .anySatisfy(s -> assertThat(s.path("name").asText() + "@" + s.path("namespace").asText()).isEqualTo("evident@" + HelmChart.NAMESPACE));
    }

    static void assertUsesExportedMetrics(String where, String expr) {
        Map<String, Set<String>> metrics = PromQl.metrics(expr);
        assertThat(metrics).as("%s uses no metric: %s", where, expr).isNotEmpty();
        metrics.forEach((metric, labels) -> {
            if (metric.equals("up")) {
                return; // Prometheus' own per-target metric
            }
            assertThat(EvidentMetrics.PROMETHEUS_CATALOGUE).as("%s: metric %s is not one the operator exports", where, metric).containsKey(metric);
            assertThat(EvidentMetrics.PROMETHEUS_CATALOGUE.get(metric)).as("%s: labels of %s", where, metric).containsAll(labels);
        });
    }

    private static JsonNode chartYaml() {
        try {
            return HelmChart.YAML.readTree(HelmChart.DIR.resolve("Chart.yaml").toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
