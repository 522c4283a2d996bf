package dev.evident.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.controls.StandardControls;
import dev.evident.engine.Read;
import dev.evident.engine.ResourceKind;
import dev.evident.operator.ControlPolicyReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
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
    void operatorMayReadEveryKindTheControlsRead() throws IOException {
        ClusterRole role = find(ClusterRole.class);
        List<Role> roles = all(Role.class);
        for (Read read : StandardControls.catalog().reads()) {
            String group = HasMetadata.getGroup(read.kind());
            String plural = HasMetadata.getPlural(read.kind());
            for (String verb : List.of("get", "list", "watch")) {
                boolean clusterWide = grants(role.getRules(), group, plural, verb);
                // A read pinned to one namespace is granted there only, by a Role.
                boolean inNamespace = read.namespace() != null && roles.stream()
                        .anyMatch(r -> read.namespace().equals(r.getMetadata().getNamespace()) && grants(r.getRules(), group, plural, verb));
                assertThat(clusterWide || inNamespace).as("%s %s.%s", verb, plural, group).isTrue();
            }
        }
    }

    @Test
    void operatorMayWatchEveryOptionalKindAndItsDefinition() throws IOException {
        List<PolicyRule> rules = find(ClusterRole.class).getRules();
        assertThat(StandardControls.catalog().genericReads()).isNotEmpty();
        for (ResourceKind kind : StandardControls.catalog().genericReads()) {
            for (String verb : List.of("list", "watch")) {
                assertThat(grants(rules, kind.group(), kind.plural(), verb)).as("%s %s.%s", verb, kind.plural(), kind.group()).isTrue();
                // OptionalKinds watches the kind's CRD by name to learn when it is installed
                assertThat(grants(rules, "apiextensions.k8s.io", "customresourcedefinitions", verb)).as("%s customresourcedefinitions", verb).isTrue();
            }
        }
    }

    @Test
    void podsAreReadInKubeSystemOnly() throws IOException {
        assertThat(grants(find(ClusterRole.class).getRules(), "", "pods", "list")).isFalse();
        RoleBinding binding = all(RoleBinding.class).stream().filter(b -> "kube-system".equals(b.getMetadata().getNamespace())).findFirst().orElseThrow();
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("evident");
            assertThat(s.getNamespace()).isEqualTo("evident-system");
        });
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
                        assertThat(grants(role.getRules(), group, resource, verb)).as("%s %s.%s", verb, resource, group).isTrue();
                    }
                }
            }
        }
        for (String sub : List.of("controlpolicies", "controlpolicies/status")) {
            assertThat(grants(role.getRules(), "evident.dev", sub, "patch")).as(sub).isTrue();
        }
        assertThat(grants(role.getRules(), "evident.dev", "controlpolicies/finalizers", "update")).isTrue();
        for (String verb : List.of("list", "watch")) {
            assertThat(grants(role.getRules(), "evident.dev", "controlexceptions", verb)).as("controlexceptions " + verb).isTrue();
        }
        assertThat(grants(role.getRules(), "evident.dev", "controlexceptions/status", "patch")).isTrue();
        assertThat(grants(role.getRules(), "evident.dev", "controlexceptions/finalizers", "update")).isTrue();
    }

    @Test
    void defaultRolesHaveNoWildcardsNoEscalationAndNoDeletes() throws IOException {
        List<PolicyRule> rules = new ArrayList<>(find(ClusterRole.class).getRules());
        all(Role.class).forEach(r -> rules.addAll(r.getRules()));
        for (PolicyRule rule : rules) {
            assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate", "delete", "deletecollection");
            assertThat(rule.getResources()).doesNotContain("*");
            if (rule.getResources().contains("secrets")) {
                assertThat(rule.getVerbs()).as("Secrets are only read").containsOnly("get", "list", "watch");
            }
        }
        assertThat(grants(rules, "rbac.authorization.k8s.io", "clusterrolebindings", "update"))
                .as("binding writes only through deploy/optional").isFalse();
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

    @Test
    void replicasElectALeaderAndOneStaysAvailable() throws IOException {
        assertThat(find(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
        assertThat(all(Role.class)).anySatisfy(r -> {
            assertThat(r.getMetadata().getNamespace()).isEqualTo("evident-system");
            assertThat(grants(r.getRules(), "coordination.k8s.io", "leases", "update")).isTrue();
        });
        assertThat(find(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    }

    static boolean grants(List<PolicyRule> rules, String group, String resource, String verb) {
        return rules.stream().anyMatch(r -> r.getApiGroups().contains(group)
                && r.getResources().contains(resource) && r.getVerbs().contains(verb));
    }

    static <T> T find(Class<T> type) throws IOException {
        return all(type).stream().findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in deploy/"));
    }

    /** Objects of a type in deploy/*.yaml (what `kubectl apply -f deploy/` installs; not deploy/optional). */
    static <T> List<T> all(Class<T> type) throws IOException {
        List<Object> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("deploy"))) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Object parsed = YAML.unmarshal(Files.readString(f), KubernetesResource.class);
                if (parsed instanceof List<?> list) all.addAll(list); else all.add(parsed);
            }
        }
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
