package dev.evident.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.engine.ControlCatalog;
import dev.evident.engine.Read;
import dev.evident.operator.ControlPolicyReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The plain install manifests grant exactly what the operator needs and run it hardened. */
class DeployManifestsTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    @Test
    void clusterRoleLetsTheOperatorReadEveryKindTheControlsRead() throws IOException {
        ClusterRole role = find(ClusterRole.class);
        for (Read read : ControlCatalog.standard().reads()) {
            String group = HasMetadata.getGroup(read.kind());
            String plural = HasMetadata.getPlural(read.kind());
            for (String verb : List.of("get", "list", "watch")) {
                assertThat(grants(role, group, plural, verb)).as("%s %s.%s", verb, plural, group).isTrue();
            }
        }
    }

    @Test
    void clusterRoleCoversTheReconcilersDeclaredRules() throws IOException {
        ClusterRole role = find(ClusterRole.class);
        RBACRule[] rules = ControlPolicyReconciler.class.getAnnotationsByType(RBACRule.class);
        assertThat(rules).isNotEmpty();
        for (RBACRule rule : rules) {
            for (String group : rule.apiGroups()) {
                for (String resource : rule.resources()) {
                    for (String verb : rule.verbs()) {
                        assertThat(grants(role, group, resource, verb)).as("%s %s.%s", verb, resource, group).isTrue();
                    }
                }
            }
        }
        for (String sub : List.of("controlpolicies", "controlpolicies/status")) {
            assertThat(grants(role, "evident.dev", sub, "patch")).as(sub).isTrue();
        }
        assertThat(grants(role, "evident.dev", "controlpolicies/finalizers", "update")).isTrue();
    }

    @Test
    void clusterRoleHasNoWildcardsAndCannotDeleteUsersObjects() throws IOException {
        ClusterRole role = find(ClusterRole.class);
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("secrets").as("no Secret access in this version");
        }
    }

    @Test
    void deploymentRunsRestrictedWithProbes() throws IOException {
        Deployment deployment = find(Deployment.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("evident");
        var container = pod.getContainers().get(0);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    static boolean grants(ClusterRole role, String group, String resource, String verb) {
        return role.getRules().stream().anyMatch(r -> r.getApiGroups().contains(group)
                && r.getResources().contains(resource) && r.getVerbs().contains(verb));
    }

    static <T> T find(Class<T> type) throws IOException {
        List<Object> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("deploy"))) {
            for (Path f : files.sorted().toList()) {
                Object parsed = YAML.unmarshal(Files.readString(f), KubernetesResource.class);
                if (parsed instanceof List<?> list) all.addAll(list); else all.add(parsed);
            }
        }
        return all.stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in deploy/"));
    }
}
