package dev.evident.controls.rbac;

import static dev.evident.controls.rbac.RbacFixtures.crb;
import static dev.evident.controls.rbac.RbacFixtures.group;
import static dev.evident.controls.rbac.RbacFixtures.sa;
import static dev.evident.controls.rbac.RbacFixtures.user;
import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.RbacLeastPrivilegeSpec;
import dev.evident.api.v1alpha1.SubjectRef;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RbacLeastPrivilegeTest {
    private final RbacLeastPrivilege control = new RbacLeastPrivilege();

    // --- fixtures -------------------------------------------------------------------------------------

    private static RoleBinding rb(String namespace, String name, String roleKind, String role, Subject... subjects) {
        return new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind(roleKind).withName(role).endRoleRef()
                .withSubjects(subjects).build();
    }

    private static ClusterRole clusterRole(String name, List<String> verbs, List<String> resources) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("*").withVerbs(verbs).withResources(resources).build()).build();
    }

    private static Role role(String namespace, String name, List<String> verbs, List<String> resources) {
        return new RoleBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("").withVerbs(verbs).withResources(resources).build()).build();
    }

    private static ClusterRole clusterAdmin() {
        return clusterRole("cluster-admin", List.of("*"), List.of("*"));
    }

    private static ControlSpec spec(Consumer<RbacLeastPrivilegeSpec> settings) {
        return Fixtures.configured(RbacLeastPrivilege.TYPE, c -> {
            RbacLeastPrivilegeSpec s = new RbacLeastPrivilegeSpec();
            s.setAllowedSubjects(new ArrayList<>(List.of(
                    new SubjectRef("Group", null, "system:masters"),
                    new SubjectRef("ServiceAccount", "kube-system", "*"))));
            settings.accept(s);
            c.setRbacLeastPrivilege(s);
        });
    }

    private static ControlSpec defaults() {
        return spec(s -> { });
    }

    private static ControlSpec removeSubjects() {
        return spec(s -> s.setRemediation(RbacLeastPrivilegeSpec.Remediation.RemoveSubjects));
    }

    private List<Finding> evaluate(ControlSpec spec, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(namespace("payments"), namespace("web"), namespace("kube-system")));
        all.addAll(List.of(objects));
        return control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
    }

    private Finding only(ControlSpec spec, HasMetadata... objects) {
        List<Finding> findings = evaluate(spec, objects);
        assertEquals(1, findings.size(), () -> "findings: " + findings);
        return findings.get(0);
    }

    // --- powerful grants ------------------------------------------------------------------------------

    @Test
    void clusterAdminViaClusterRoleBindingToUnlistedUserFails() {
        Finding f = only(defaults(), clusterAdmin(), crb("alice-admin", "cluster-admin", user("alice")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("ClusterAdminGrant", f.reason());
        assertEquals(new ObjectRef("ClusterRoleBinding", null, "alice-admin"), f.object());
        assertTrue(f.message().contains("User alice"), f.message());
        assertTrue(f.message().contains("report only"), f.message());
        assertNull(f.remediation());
    }

    @Test
    void clusterAdminViaRoleBindingFails() {
        Finding f = only(defaults(), clusterAdmin(), rb("payments", "ops-admin", "ClusterRole", "cluster-admin", group("ops")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("ClusterAdminGrant", f.reason());
        assertEquals(new ObjectRef("RoleBinding", "payments", "ops-admin"), f.object());
        assertTrue(f.message().contains("Group ops"), f.message());
    }

    @Test
    void roleBindingsOutsideSelectedNamespacesAreNotEvaluated() {
        List<Finding> findings = evaluate(defaults(), clusterAdmin(), rb("kube-system", "x", "ClusterRole", "cluster-admin", user("bob")));
        assertEquals(List.of(), findings);
    }

    @Test
    void clusterAdminToAllowedGroupPasses() {
        Finding f = only(defaults(), clusterAdmin(), crb("masters", "cluster-admin", group("system:masters")));
        assertEquals(Result.PASS, f.result());
        assertEquals("PowerfulGrantAllowed", f.reason());
    }

    @Test
    void serviceAccountNameWildcardInAllowList() {
        List<Finding> findings = evaluate(defaults(), clusterAdmin(),
                crb("a", "cluster-admin", sa("kube-system", "replicaset-controller")),
                crb("b", "cluster-admin", sa("payments", "replicaset-controller")));
        assertEquals(Result.PASS, findings.get(0).result());
        assertEquals(Result.FAIL, findings.get(1).result());
        assertTrue(findings.get(1).message().contains("ServiceAccount payments/replicaset-controller"), findings.get(1).message());
    }

    @Test
    void namespaceAndNameGlobsInAllowList() {
        ControlSpec spec = spec(s -> {
            s.getAllowedSubjects().add(new SubjectRef("ServiceAccount", "team-*", "deploy*"));
            s.getAllowedSubjects().add(new SubjectRef("Group", null, "platform-*-admins"));
        });
        List<Finding> findings = evaluate(spec, clusterAdmin(),
                crb("a", "cluster-admin", sa("team-payments", "deployer")),
                crb("b", "cluster-admin", sa("team-payments", "builder")),
                crb("c", "cluster-admin", sa("payments", "deployer")),
                crb("d", "cluster-admin", group("platform-eu-admins")),
                crb("e", "cluster-admin", group("platform-admins")),
                crb("f", "cluster-admin", user("platform-eu-admins")));
        assertEquals(List.of(Result.PASS, Result.FAIL, Result.FAIL, Result.PASS, Result.FAIL, Result.FAIL),
                findings.stream().map(Finding::result).toList());
    }

    @Test
    void roleBindingServiceAccountWithoutNamespaceMeansTheBindingsNamespace() {
        ControlSpec spec = spec(s -> s.getAllowedSubjects().add(new SubjectRef("ServiceAccount", "payments", "ci")));
        Finding f = only(spec, clusterAdmin(), rb("payments", "ci", "ClusterRole", "cluster-admin", sa(null, "ci")));
        assertEquals(Result.PASS, f.result());
    }

    @Test
    void wildcardRuleIsPowerful() {
        Finding f = only(defaults(), clusterRole("god", List.of("*"), List.of("*")), crb("god", "god", user("carol")));
        assertEquals(Result.FAIL, f.result());
        assertTrue(f.message().contains("* verbs on * resources"), f.message());
    }

    @Test
    void wildcardVerbsOnOrdinaryResourcesIsNotPowerful() {
        Finding f = only(defaults(), clusterRole("pods-all", List.of("*"), List.of("pods", "configmaps")), crb("p", "pods-all", user("carol")));
        assertEquals(Result.PASS, f.result());
        assertEquals("NoPowerfulGrant", f.reason());
    }

    @Test
    void wildcardVerbsOnRolesIncludeEscalate() {
        Finding f = only(defaults(), clusterRole("rbac-all", List.of("*"), List.of("clusterroles")), crb("r", "rbac-all", user("carol")));
        assertEquals(Result.FAIL, f.result());
        assertTrue(f.message().contains("clusterroles"), f.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"escalate", "bind", "impersonate"})
    void escalateBindImpersonateViaNamespacedRoleFail(String verb) {
        Finding f = only(defaults(), role("web", "dangerous", List.of("get", verb), List.of("roles", "users")),
                rb("web", "dangerous", "Role", "dangerous", user("dave")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("EscalationGrant", f.reason());
        assertTrue(f.message().contains("verb " + verb), f.message());
    }

    @Test
    void roleResolvesInTheBindingsNamespace() {
        Finding f = only(defaults(),
                role("payments", "reader", List.of("bind"), List.of("roles")),
                role("web", "reader", List.of("get"), List.of("pods")),
                rb("web", "reader", "Role", "reader", user("erin")));
        assertEquals(Result.PASS, f.result());
        assertEquals("NoPowerfulGrant", f.reason());
    }

    @Test
    void roleNotInSnapshotIsJudgedOnItsName() {
        List<Finding> findings = evaluate(defaults(),
                crb("a", "cluster-admin", user("alice")),
                crb("b", "some-operator", user("alice")));
        assertEquals(Result.FAIL, findings.get(0).result());
        assertTrue(findings.get(0).message().contains("judged on its name only"), findings.get(0).message());
        assertEquals(Result.PASS, findings.get(1).result());
        assertEquals("RoleNotFound", findings.get(1).reason());
        assertTrue(findings.get(1).message().contains("judged on its name only"), findings.get(1).message());
    }

    // --- roleRef kinds (issue 7 item 9) --------------------------------------------------------------

    private static ClusterRoleBinding crbToRole(String name, String role, Subject... subjects) {
        return new ClusterRoleBindingBuilder(crb(name, role, subjects)).editRoleRef().withKind("Role").endRoleRef().build();
    }

    @Test
    void clusterRoleBindingToRoleGrantsNothingWhicheverRoleComesFirst() {
        Role powerful = role("web", "ops", List.of("*"), List.of("*"));
        Role harmless = role("payments", "ops", List.of("get"), List.of("pods"));
        ClusterRoleBinding binding = crbToRole("ops", "ops", user("alice"), user("system:anonymous"));
        for (List<HasMetadata> order : List.of(List.<HasMetadata>of(powerful, harmless, binding), List.<HasMetadata>of(harmless, powerful, binding))) {
            Finding f = only(defaults(), order.toArray(HasMetadata[]::new));
            assertEquals(Result.NOT_APPLICABLE, f.result(), f::message);
            assertEquals("InvalidRoleRef", f.reason());
            assertTrue(f.message().contains("ClusterRoleBinding can only refer to a ClusterRole"), f.message());
            assertNull(f.remediation());
        }
    }

    @Test
    void roleBindingToAnUnknownRoleKindGrantsNothing() {
        Finding f = only(defaults(), clusterAdmin(), rb("web", "odd", "Clusterrole", "cluster-admin", user("alice")));
        assertEquals(Result.NOT_APPLICABLE, f.result());
        assertEquals("InvalidRoleRef", f.reason());
    }

    // --- wildcards judged per API group (issue 7 item 10) -----------------------------------------------

    private static ClusterRole clusterRoleInGroups(String name, List<String> groups, List<String> verbs, List<String> resources) {
        return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups(groups).withVerbs(verbs).withResources(resources).build()).build();
    }

    @Test
    void wildcardOnAGroupWithoutSensitiveResourcesIsNotPowerful() {
        // KEDA's real ClusterRole keda-external-metrics-reader.
        Finding f = only(defaults(), clusterRoleInGroups("keda-external-metrics-reader", List.of("external.metrics.k8s.io"), List.of("*"), List.of("*")),
                crb("keda-hpa", "keda-external-metrics-reader", sa("kube-system", "horizontal-pod-autoscaler"), user("carol")));
        assertEquals(Result.PASS, f.result(), f::message);
        assertEquals("NoPowerfulGrant", f.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "apps", "batch", "rbac.authorization.k8s.io", "admissionregistration.k8s.io",
            "certificates.k8s.io", "apiextensions.k8s.io", "*"})
    void wildcardOnASensitiveGroupIsPowerful(String group) {
        Finding f = only(defaults(), clusterRoleInGroups("all-of-group", List.of("metrics.k8s.io", group), List.of("*"), List.of("*")),
                crb("b", "all-of-group", user("carol")));
        assertEquals(Result.FAIL, f.result(), f::message);
        assertTrue(f.message().contains("* verbs on * resources"), f.message());
    }

    @Test
    void wildcardRuleWithoutApiGroupsIsJudgedAsCore() {
        ClusterRole noGroups = new ClusterRoleBuilder().withNewMetadata().withName("no-groups").endMetadata()
                .withRules(new PolicyRuleBuilder().withVerbs("*").withResources("*").build()).build();
        Finding f = only(defaults(), noGroups, crb("b", "no-groups", user("carol")));
        assertEquals(Result.FAIL, f.result(), f::message);
    }

    // --- anonymous --------------------------------------------------------------------------------------

    @Test
    void anonymousUserFailsWhateverTheRole() {
        Finding f = only(defaults(), clusterRole("viewer", List.of("get"), List.of("pods")),
                crb("anon", "viewer", user("system:anonymous")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("AnonymousBinding", f.reason());
        assertTrue(f.message().contains("User system:anonymous"), f.message());
    }

    @Test
    void unauthenticatedGroupFailsEvenWhenAllowListed() {
        ControlSpec spec = spec(s -> s.getAllowedSubjects().add(new SubjectRef("Group", null, "*")));
        Finding f = only(spec, rb("web", "public", "ClusterRole", "view", group("system:unauthenticated")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("AnonymousBinding", f.reason());
    }

    @Test
    void anonymousAllowedWhenForbidAnonymousIsOff() {
        ControlSpec spec = spec(s -> s.setForbidAnonymous(false));
        Finding f = only(spec, clusterRole("viewer", List.of("get"), List.of("pods")), crb("anon", "viewer", user("system:anonymous")));
        assertEquals(Result.PASS, f.result());
    }

    // --- remediation --------------------------------------------------------------------------------------

    @Test
    void removeSubjectsRemovesOnlyTheOffendingOnes() {
        ClusterRoleBinding original = crb("mixed", "cluster-admin", group("system:masters"), user("alice"), user("system:anonymous"));
        Finding f = only(removeSubjects(), clusterAdmin(), original);
        assertEquals(Result.FAIL, f.result());
        assertEquals("AnonymousBinding", f.reason());
        Remediation.Update plan = assertInstanceOf(Remediation.Update.class, f.remediation());
        assertEquals(original, plan.original());
        assertEquals(List.of(group("system:masters")), ((ClusterRoleBinding) plan.updated()).getSubjects());
        assertEquals("mixed", plan.updated().getMetadata().getName());
        assertEquals(3, original.getSubjects().size(), "the original is not modified");
        assertTrue(plan.summary().contains("User alice") && plan.summary().contains("User system:anonymous"), plan.summary());
    }

    @Test
    void removeSubjectsOnRoleBindingKeepsItsKind() {
        RoleBinding original = rb("payments", "admins", "ClusterRole", "cluster-admin", user("alice"), sa("kube-system", "gc"));
        Finding f = only(removeSubjects(), clusterAdmin(), original);
        Remediation.Update plan = assertInstanceOf(Remediation.Update.class, f.remediation());
        RoleBinding updated = assertInstanceOf(RoleBinding.class, plan.updated());
        assertEquals(List.of(sa("kube-system", "gc")), updated.getSubjects());
        assertEquals("payments", updated.getMetadata().getNamespace());
    }

    @Test
    void removeSubjectsDeletesWhenNoSubjectWouldRemain() {
        ClusterRoleBinding original = crb("alice-admin", "cluster-admin", user("alice"), user("bob"));
        Finding f = only(removeSubjects(), clusterAdmin(), original);
        Remediation.Delete plan = assertInstanceOf(Remediation.Delete.class, f.remediation());
        assertEquals(original, plan.original());
        assertTrue(plan.summary().startsWith("delete ClusterRoleBinding alice-admin"), plan.summary());
    }

    @Test
    void bootstrappingBindingIsNeverRemediated() {
        ClusterRoleBinding original = new ClusterRoleBindingBuilder(crb("system:public-info-viewer", "system:public-info-viewer",
                group("system:authenticated"), group("system:unauthenticated")))
                .editMetadata().withLabels(Map.of("kubernetes.io/bootstrapping", "rbac-defaults")).endMetadata().build();
        Finding f = only(removeSubjects(), original);
        assertEquals(Result.FAIL, f.result());
        assertEquals("AnonymousBinding", f.reason());
        assertNull(f.remediation());
        assertTrue(f.message().contains("kubernetes.io/bootstrapping"), f.message());
    }

    @Test
    void operatorsOwnServiceAccountsAreNotRemoved() {
        ClusterRoleBinding original = crb("evident", "cluster-admin", sa("evident-system", "evident"), user("alice"));
        ControlSpec spec = removeSubjects();
        Finding f = control.evaluate(Fixtures.context(control, spec, "evident-system", clusterAdmin(), original)).get(0);
        Remediation.Update plan = assertInstanceOf(Remediation.Update.class, f.remediation());
        assertEquals(List.of(sa("evident-system", "evident")), ((ClusterRoleBinding) plan.updated()).getSubjects());
        assertTrue(f.message().contains("operator's own namespace"), f.message());
    }

    @Test
    void passingBindingHasNoPlan() {
        Finding f = only(removeSubjects(), clusterAdmin(), crb("masters", "cluster-admin", group("system:masters")));
        assertEquals(Result.PASS, f.result());
        assertNull(f.remediation());
    }

    @Test
    void oneFindingPerEvaluatedBinding() {
        List<Finding> findings = evaluate(defaults(), clusterAdmin(),
                crb("a", "cluster-admin", group("system:masters")),
                crb("b", "view", user("x")),
                rb("payments", "c", "ClusterRole", "edit", user("y")),
                rb("web", "d", "ClusterRole", "cluster-admin", user("z")));
        assertEquals(4, findings.size());
    }

    // --- validation --------------------------------------------------------------------------------------

    @Test
    void validateNamesTheFieldAtFault() {
        ControlSpec spec = spec(s -> {
            s.getAllowedSubjects().add(new SubjectRef("Robot", null, "r2d2"));
            s.getAllowedSubjects().add(new SubjectRef("User", null, null));
            s.getAllowedSubjects().add(new SubjectRef("ServiceAccount", null, "ci"));
        });
        assertEquals(List.of(
                "rbacLeastPrivilege.allowedSubjects[2].kind: must be one of User, Group, ServiceAccount, got 'Robot'",
                "rbacLeastPrivilege.allowedSubjects[3].name: required",
                "rbacLeastPrivilege.allowedSubjects[4].namespace: required for a ServiceAccount (use * for any namespace)"),
                control.validate(spec));
        assertEquals(List.of(), control.validate(defaults()));
    }

    @Test
    void globMatchesRunsOfCharacters() {
        assertTrue(RbacLeastPrivilege.glob("*", "anything"));
        assertTrue(RbacLeastPrivilege.glob("system:*", "system:masters"));
        assertTrue(RbacLeastPrivilege.glob("a.b", "a.b"));
        assertEquals(false, RbacLeastPrivilege.glob("a.b", "aXb"));
        assertEquals(false, RbacLeastPrivilege.glob("system:*", "masters"));
        assertTrue(RbacLeastPrivilege.glob("a*b*c", "aXbYbZc"));
        assertTrue(RbacLeastPrivilege.glob("a*a", "aa"));
        assertEquals(false, RbacLeastPrivilege.glob("a*a", "a"), "prefix and suffix may not overlap");
        assertEquals(false, RbacLeastPrivilege.glob("ab*ba", "aba"));
        assertTrue(RbacLeastPrivilege.glob("**", ""));
        assertTrue(RbacLeastPrivilege.glob("*.*", "a.b.c"));
        assertEquals(false, RbacLeastPrivilege.glob("*x*", "abc"));
        assertTrue(RbacLeastPrivilege.glob("team-*-admins", "team--admins"));
    }

    /** Issue 8: a backtracking matcher runs for minutes here; the linear one answers at once. */
    @Test
    void globWithManyStarsDoesNotBacktrack() {
        String pattern = "*a*a*a*a*a*a*a*a*a*a*a*c";
        String name = "a".repeat(65);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertEquals(false, RbacLeastPrivilege.glob(pattern, name));
            assertTrue(RbacLeastPrivilege.glob(pattern, name + "c"));
            assertEquals(false, RbacLeastPrivilege.glob("****b", "a".repeat(200)));
        });
        ControlSpec spec = spec(s -> s.getAllowedSubjects().add(new SubjectRef("User", null, pattern)));
        Finding f = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> only(spec, clusterAdmin(), crb("a", "cluster-admin", user(name))));
        assertEquals(Result.FAIL, f.result());
    }

    /** The linear matcher agrees with a plain regex on random short patterns and values. */
    @Test
    void globAgreesWithRegexOnRandomInputs() {
        java.util.Random random = new java.util.Random(20261124);
        for (int i = 0; i < 20_000; i++) {
            String pattern = randomString(random, "ab*", 6);
            String value = randomString(random, "ab", 8);
            String regex = java.util.Arrays.stream(pattern.split("\\*", -1)).map(java.util.regex.Pattern::quote)
                    .collect(java.util.stream.Collectors.joining(".*"));
            assertEquals(value.matches(regex), RbacLeastPrivilege.glob(pattern, value), pattern + " vs " + value);
        }
    }

    private static String randomString(java.util.Random random, String alphabet, int maxLength) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
