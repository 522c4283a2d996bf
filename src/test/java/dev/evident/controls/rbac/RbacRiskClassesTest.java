package dev.evident.controls.rbac;

import static dev.evident.controls.rbac.RbacFixtures.crb;
import static dev.evident.controls.rbac.RbacFixtures.group;
import static dev.evident.controls.rbac.RbacFixtures.sa;
import static dev.evident.controls.rbac.RbacFixtures.user;
import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.RbacLeastPrivilegeSpec;
import dev.evident.api.v1alpha1.RbacRiskSpec;
import dev.evident.api.v1alpha1.SubjectRef;
import dev.evident.controls.rbac.RbacLeastPrivilege.Holding;
import dev.evident.controls.rbac.RbacLeastPrivilege.Status;
import dev.evident.engine.Finding;
import dev.evident.engine.Fixtures;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.AggregationRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The risk catalogue of RbacLeastPrivilege (issue 12 item 1): each class on and off, its allow-list, aggregated roles. */
class RbacRiskClassesTest {
    private final RbacLeastPrivilege control = new RbacLeastPrivilege();

    private static RoleBinding rb(String namespace, String name, String clusterRole, Subject... subjects) {
        return new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(clusterRole).endRoleRef()
                .withSubjects(subjects).build();
    }

    private static PolicyRule rule(String group, String resources, String verbs) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(Arrays.asList(resources.split(",")))
                .withVerbs(Arrays.asList(verbs.split(","))).build();
    }

    private static ClusterRole role(String name, PolicyRule... rules) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withRules(rules).build();
    }

    /** Every class switched on, no allow-list but the global one (kube-system ServiceAccounts). */
    private static ControlSpec allOn(Consumer<RbacLeastPrivilegeSpec> more) {
        return Fixtures.configured(RbacLeastPrivilege.TYPE, c -> {
            RbacLeastPrivilegeSpec s = new RbacLeastPrivilegeSpec();
            s.setAllowedSubjects(new ArrayList<>(List.of(new SubjectRef("ServiceAccount", "kube-system", "*"))));
            for (RiskClass risk : RiskClass.values()) {
                risk.settings(s).setEnabled(true);
            }
            more.accept(s);
            c.setRbacLeastPrivilege(s);
        });
    }

    private static ControlSpec allOn() {
        return allOn(s -> { });
    }

    private static ControlSpec defaults() {
        return Fixtures.configured(RbacLeastPrivilege.TYPE, c -> c.setRbacLeastPrivilege(new RbacLeastPrivilegeSpec()));
    }

    private List<Finding> evaluate(ControlSpec spec, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(namespace("payments"), namespace("web")));
        all.addAll(List.of(objects));
        return control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
    }

    private Finding only(ControlSpec spec, HasMetadata... objects) {
        List<Finding> findings = evaluate(spec, objects);
        assertEquals(1, findings.size(), () -> "findings: " + findings);
        return findings.get(0);
    }

    private void assertFails(String reason, ClusterRole role) {
        Finding f = only(allOn(), role, crb("b", role.getMetadata().getName(), user("mallory")));
        assertEquals(Result.FAIL, f.result(), f::message);
        assertEquals(reason, f.reason(), f::message);
        assertTrue(f.message().contains("User mallory"), f.message());
        assertTrue(f.message().contains("ClusterRole " + role.getMetadata().getName() + " rules["), "names the rule: " + f.message());
    }

    private void assertPasses(ClusterRole role) {
        Finding f = only(allOn(), role, crb("b", role.getMetadata().getName(), user("mallory")));
        assertEquals(Result.PASS, f.result(), f::message);
        assertEquals("NoPowerfulGrant", f.reason());
    }

    // --- each class: how to fail, how to pass -----------------------------------------------------------

    @Test
    void secretsRead() {
        assertFails("SecretsReadGrant", role("r", rule("", "secrets", "list")));
        assertFails("SecretsReadGrant", role("r", rule("", "configmaps,secrets", "get,watch")));
        assertFails("SecretsReadGrant", role("r", rule("*", "*", "get")));
        assertPasses(role("r", new PolicyRuleBuilder(rule("", "secrets", "get")).withResourceNames("my-own-secret").build()));
        assertPasses(role("r", rule("", "configmaps", "get,list,watch")));
        assertPasses(role("r", rule("", "secrets", "create")));
        assertPasses(role("r", rule("example.com", "secrets", "get")));
    }

    @Test
    void podExec() {
        assertFails("PodExecGrant", role("r", rule("", "pods/exec", "create")));
        assertFails("PodExecGrant", role("r", rule("", "pods/attach", "create")));
        assertFails("PodExecGrant", role("r", rule("", "pods/portforward", "*")));
        assertFails("PodExecGrant", role("r", rule("", "*/exec", "create")));
        assertPasses(role("r", rule("", "pods/exec", "get")));
        assertPasses(role("r", rule("", "pods,pods/log", "get")));
    }

    @Test
    void workloadCreate() {
        assertFails("WorkloadCreateGrant", role("r", rule("", "pods", "create")));
        assertFails("WorkloadCreateGrant", role("r", rule("apps", "deployments", "create")));
        assertFails("WorkloadCreateGrant", role("r", rule("batch", "cronjobs", "*")));
        assertPasses(role("r", rule("apps", "deployments", "get,update,patch")));
        assertPasses(role("r", rule("example.com", "deployments", "create")));
    }

    @Test
    void nodeProxy() {
        assertFails("NodeProxyGrant", role("r", rule("", "nodes/proxy", "get")));
        assertPasses(role("r", rule("", "nodes,nodes/status", "get")));
    }

    @Test
    void tokenRequest() {
        assertFails("TokenRequestGrant", role("r", rule("", "serviceaccounts/token", "create")));
        assertPasses(role("r", rule("", "serviceaccounts", "get,list")));
    }

    @Test
    void certificateApprovalNeedsTheApprovalSubresourceAndASigner() {
        PolicyRule approval = rule("certificates.k8s.io", "certificatesigningrequests/approval", "update");
        PolicyRule signers = new PolicyRuleBuilder(rule("certificates.k8s.io", "signers", "approve"))
                .withResourceNames("kubernetes.io/kube-apiserver-client").build();
        assertFails("CertificateApprovalGrant", role("r", approval, signers));
        assertPasses(role("r", approval));
        assertPasses(role("r", signers));
    }

    @Test
    void wildcardAnyResourceWidensTheClass() {
        ClusterRole podsAll = role("r", rule("", "pods", "*"));
        ClusterRole writeAll = role("r", rule("apps", "*", "create,patch"));
        ClusterRole keda = role("keda", rule("external.metrics.k8s.io", "*", "*"));
        for (ClusterRole r : List.of(podsAll, writeAll)) {
            Finding narrow = only(allOn(), r, crb("b", "r", user("mallory")));
            assertEquals(false, narrow.message().contains("wildcard"), narrow.message());
            Finding wide = only(allOn(s -> s.getRisks().getWildcard().setAnyResource(true)), r, crb("b", "r", user("mallory")));
            assertEquals(Result.FAIL, wide.result());
            assertTrue(wide.message().contains("gives wildcard"), wide.message());
        }
        Finding f = only(allOn(s -> s.getRisks().getWildcard().setAnyResource(true)), keda, crb("b", "keda", user("mallory")));
        assertEquals(Result.PASS, f.result(), f::message);
    }

    @Test
    void systemMastersIsAboutTheSubjectWhateverTheRoleAndTheGlobalAllowList() {
        ControlSpec spec = allOn(s -> s.getAllowedSubjects().add(new SubjectRef("Group", null, "system:masters")));
        Finding f = only(spec, role("viewer", rule("", "pods", "get")), crb("masters-view", "viewer", group("system:masters")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("SystemMastersBinding", f.reason());
        assertTrue(f.message().contains("Group system:masters"), f.message());

        ClusterRoleBinding bootstrap = new ClusterRoleBindingBuilder(crb("cluster-admin", "cluster-admin", group("system:masters")))
                .editMetadata().withLabels(Map.of("kubernetes.io/bootstrapping", "rbac-defaults")).endMetadata().build();
        assertEquals(Result.PASS, only(spec, bootstrap).result(), "the API server's own binding");

        ControlSpec allowed = allOn(s -> s.getRisks().getSystemMasters().getAllowedSubjects().add(new SubjectRef("Group", null, "system:masters")));
        assertEquals(Result.PASS, only(allowed, role("viewer", rule("", "pods", "get")), crb("masters-view", "viewer", group("system:masters"))).result());
    }

    // --- switches and allow-lists ------------------------------------------------------------------------

    @Test
    void defaultsKeepTodaysVerdicts() {
        ClusterRole reader = role("secret-reader", rule("", "secrets", "get,list,watch"), rule("", "pods/exec", "create"),
                rule("apps", "deployments", "create"), rule("", "nodes/proxy", "get"), rule("", "serviceaccounts/token", "create"));
        Finding f = only(defaults(), reader, crb("b", "secret-reader", user("mallory")));
        assertEquals(Result.PASS, f.result(), f::message);
        assertEquals("NoPowerfulGrant", f.reason());
        Finding masters = only(defaults(), role("viewer", rule("", "pods", "get")), crb("m", "viewer", group("system:masters")));
        assertEquals(Result.PASS, masters.result(), masters::message);
    }

    @ParameterizedTest
    @EnumSource(value = RiskClass.class, names = {"CLUSTER_ADMIN", "WILDCARD", "ESCALATION", "ANONYMOUS"})
    void classesOnByDefaultCanBeSwitchedOff(RiskClass risk) {
        ClusterRole role = switch (risk) {
            case CLUSTER_ADMIN -> role("cluster-admin", rule("", "pods", "get"));
            case WILDCARD -> role("r", rule("apps", "*", "*"));
            case ESCALATION -> role("r", rule("rbac.authorization.k8s.io", "clusterroles", "escalate"));
            default -> role("r", rule("", "pods", "get"));
        };
        String name = role.getMetadata().getName();
        Subject subject = risk == RiskClass.ANONYMOUS ? user("system:anonymous") : user("mallory");
        assertEquals(risk.reason(), only(defaults(), role, crb("b", name, subject)).reason());
        ControlSpec off = Fixtures.configured(RbacLeastPrivilege.TYPE, c -> {
            RbacLeastPrivilegeSpec s = new RbacLeastPrivilegeSpec();
            risk.settings(s).setEnabled(false);
            c.setRbacLeastPrivilege(s);
        });
        Finding f = only(off, role, crb("b", name, subject));
        assertEquals(Result.PASS, f.result(), f::message);
    }

    @Test
    void eachClassHasItsOwnAllowListAndTheGlobalOneCovers() {
        ClusterRole reader = role("reader", rule("", "secrets", "get"), rule("", "pods/exec", "create"));
        ControlSpec spec = allOn(s -> {
            s.getRisks().getSecretsRead().getAllowedSubjects().add(new SubjectRef("ServiceAccount", "monitoring", "*"));
            s.getRisks().getPodExec().getAllowedSubjects().add(new SubjectRef("Group", null, "sre-*"));
        });
        List<Finding> findings = evaluate(spec, reader,
                crb("a", "reader", sa("monitoring", "prometheus")),
                crb("b", "reader", group("sre-oncall")),
                crb("c", "reader", sa("kube-system", "anything")));
        Finding a = findings.get(0);
        assertEquals("PodExecGrant", a.reason(), "secretsRead allowed, podExec not: " + a.message());
        assertEquals(false, a.message().contains("secretsRead"), a.message());
        Finding b = findings.get(1);
        assertEquals("SecretsReadGrant", b.reason(), b.message());
        assertEquals(false, b.message().contains("podExec"), b.message());
        assertEquals(Result.PASS, findings.get(2).result(), "the global allow-list covers every role class");
        assertEquals("PowerfulGrantAllowed", findings.get(2).reason());
    }

    @Test
    void anonymousHasItsOwnAllowList() {
        ControlSpec spec = allOn(s -> s.getRisks().getAnonymous().getAllowedSubjects().add(new SubjectRef("Group", null, "system:unauthenticated")));
        List<Finding> findings = evaluate(spec, role("viewer", rule("", "pods", "get")),
                crb("a", "viewer", group("system:unauthenticated")), crb("b", "viewer", user("system:anonymous")));
        assertEquals(Result.PASS, findings.get(0).result());
        assertEquals("AnonymousBinding", findings.get(1).reason());
    }

    @Test
    void oneFindingNamesEveryFailingClassWithItsRuleAndSubjects() {
        ClusterRole god = role("god", rule("*", "*", "*"));
        Finding f = only(allOn(), god, crb("b", "god", user("mallory"), sa("kube-system", "gc")));
        assertEquals("WildcardGrant", f.reason());
        for (RiskClass risk : List.of(RiskClass.WILDCARD, RiskClass.ESCALATION, RiskClass.SECRETS_READ, RiskClass.POD_EXEC,
                RiskClass.WORKLOAD_CREATE, RiskClass.NODE_PROXY, RiskClass.TOKEN_REQUEST, RiskClass.CERTIFICATE_APPROVAL)) {
            assertTrue(f.message().contains("gives " + risk.field() + " ("), risk + " in " + f.message());
        }
        assertTrue(f.message().contains("ClusterRole god rules[0] (apiGroups [*], resources [*], verbs [*])"), f.message());
        assertEquals(false, f.message().contains("kube-system/gc"), f.message());
    }

    // --- aggregated ClusterRoles ---------------------------------------------------------------------------

    private static ClusterRole labelled(String name, Map<String, String> labels, PolicyRule... rules) {
        return new ClusterRoleBuilder(role(name, rules)).editMetadata().withLabels(labels).endMetadata().build();
    }

    private static ClusterRole aggregated(String name, Map<String, String> labels, String selectorKey) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withAggregationRule(new AggregationRuleBuilder().addNewClusterRoleSelector()
                        .addToMatchLabels(selectorKey, "true").endClusterRoleSelector().build())
                .build();
    }

    @Test
    void aggregatedClusterRoleHoldsTheRulesOfTheRolesItsSelectorsMatch() {
        ClusterRole monitoring = aggregated("monitoring", Map.of(), "example.com/aggregate-to-monitoring");
        ClusterRole secrets = labelled("secret-reader", Map.of("example.com/aggregate-to-monitoring", "true"), rule("", "secrets", "list"));
        ClusterRole other = labelled("exec", Map.of("example.com/aggregate-to-other", "true"), rule("", "pods/exec", "create"));
        Finding f = only(allOn(), monitoring, secrets, other, crb("m", "monitoring", user("mallory")));
        assertEquals("SecretsReadGrant", f.reason(), f.message());
        assertTrue(f.message().contains("ClusterRole secret-reader rules[0]"), f.message());
        assertEquals(false, f.message().contains("podExec"), "not selected: " + f.message());
    }

    @Test
    void aggregationIsResolvedTransitivelyAndSurvivesCycles() {
        ClusterRole admin = aggregated("admin", Map.of("example.com/aggregate-to-root", "true"), "example.com/aggregate-to-admin");
        ClusterRole edit = new ClusterRoleBuilder(aggregated("edit", Map.of("example.com/aggregate-to-admin", "true"), "example.com/aggregate-to-edit")).build();
        ClusterRole leaf = labelled("exec", Map.of("example.com/aggregate-to-edit", "true"), rule("", "pods/exec", "create"));
        ClusterRole cyclic = aggregated("root", Map.of("example.com/aggregate-to-edit", "true"), "example.com/aggregate-to-root");
        Finding f = only(allOn(), admin, edit, leaf, cyclic, crb("a", "admin", user("mallory")));
        assertEquals("PodExecGrant", f.reason(), f.message());
        assertTrue(f.message().contains("ClusterRole exec rules[0]"), f.message());
    }

    // --- access review ------------------------------------------------------------------------------------

    @Test
    void accessReviewListsEveryClassEverySubjectHoldsJudgedOrNot() {
        ControlSpec spec = Fixtures.configured(RbacLeastPrivilege.TYPE, c -> {
            RbacLeastPrivilegeSpec s = new RbacLeastPrivilegeSpec();
            s.getRisks().getSecretsRead().setEnabled(true);
            s.getRisks().getSecretsRead().getAllowedSubjects().add(new SubjectRef("ServiceAccount", "monitoring", "prometheus"));
            c.setRbacLeastPrivilege(s);
        });
        List<HasMetadata> objects = List.of(namespace("payments"),
                role("reader", rule("", "secrets", "get"), rule("", "pods/exec", "create")),
                crb("prom", "reader", sa("monitoring", "prometheus")),
                rb("payments", "dev", "reader", user("dave")),
                crb("viewer", "view", user("vic")));
        List<Holding> rows = control.accessReview(Fixtures.context(control, spec, objects.toArray(HasMetadata[]::new)));
        assertEquals(List.of(
                new Holding("ServiceAccount monitoring/prometheus", RiskClass.SECRETS_READ, "ClusterRoleBinding prom", "ClusterRole reader", null,
                        "reads secrets: ClusterRole reader rules[0] (apiGroups [\"\"], resources [secrets], verbs [get])", Status.ALLOWED),
                new Holding("ServiceAccount monitoring/prometheus", RiskClass.POD_EXEC, "ClusterRoleBinding prom", "ClusterRole reader", null,
                        "create on pods/exec, pods/attach or pods/portforward: ClusterRole reader rules[1] (apiGroups [\"\"], resources [pods/exec], verbs [create])",
                        Status.NOT_JUDGED),
                new Holding("User dave", RiskClass.SECRETS_READ, "RoleBinding payments/dev", "ClusterRole reader", "payments",
                        "reads secrets: ClusterRole reader rules[0] (apiGroups [\"\"], resources [secrets], verbs [get])", Status.FAIL),
                new Holding("User dave", RiskClass.POD_EXEC, "RoleBinding payments/dev", "ClusterRole reader", "payments",
                        "create on pods/exec, pods/attach or pods/portforward: ClusterRole reader rules[1] (apiGroups [\"\"], resources [pods/exec], verbs [create])",
                        Status.NOT_JUDGED)),
                rows.stream().sorted(java.util.Comparator.comparing(Holding::subject).thenComparing(Holding::risk)).toList());
    }

    // --- validation ---------------------------------------------------------------------------------------

    @Test
    void validateNamesTheRiskAllowListAtFault() {
        ControlSpec spec = allOn(s -> s.getRisks().getPodExec().getAllowedSubjects().add(new SubjectRef("ServiceAccount", null, "ci")));
        assertEquals(List.of("rbacLeastPrivilege.risks.podExec.allowedSubjects[0].namespace: required for a ServiceAccount (use * for any namespace)"),
                control.validate(spec));
    }

    @Test
    void everyClassHasSettings() {
        RbacLeastPrivilegeSpec s = new RbacLeastPrivilegeSpec();
        for (RiskClass risk : RiskClass.values()) {
            RbacRiskSpec settings = risk.settings(s);
            assertEquals(List.of(), settings.getAllowedSubjects(), risk.field());
            assertEquals(List.of(RiskClass.ANONYMOUS, RiskClass.CLUSTER_ADMIN, RiskClass.WILDCARD, RiskClass.ESCALATION).contains(risk),
                    settings.isEnabled(), risk.field());
        }
    }
}
