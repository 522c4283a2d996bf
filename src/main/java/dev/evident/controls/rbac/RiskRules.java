package dev.evident.controls.rbac;

import dev.evident.controls.rbac.ResolvedRole.SourcedRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which role risk classes a role's rules grant, and the rule that grants each. Rules match as in the
 * Kubernetes RBAC authorizer: {@code *} matches any verb, resource or group, {@code *}/sub any resource's
 * subresource sub, and "pods" does not include "pods/exec".
 */
public final class RiskRules {
    /**
     * API groups whose resources give power over the cluster: secrets, pods and workloads, RBAC, admission
     * webhooks, certificates, CRDs, API services, network and disruption policies, storage. Wildcards count
     * only in these (or in {@code *}): a rule limited to other groups, such as KEDA's on
     * external.metrics.k8s.io, is not powerful.
     */
    public static final Set<String> SENSITIVE_API_GROUPS = Set.of("*", "", "apps", "batch", "extensions", "policy",
            "rbac.authorization.k8s.io", "admissionregistration.k8s.io", "certificates.k8s.io", "apiextensions.k8s.io",
            "apiregistration.k8s.io", "authentication.k8s.io", "networking.k8s.io", "storage.k8s.io");
    static final String CLUSTER_ADMIN = "cluster-admin";
    private static final String RBAC = "rbac.authorization.k8s.io";
    private static final String CERTIFICATES = "certificates.k8s.io";
    private static final List<String> ESCALATION_VERBS = List.of("escalate", "bind", "impersonate");
    /** What escalate, bind and impersonate act on, by group: * verbs on them include those verbs. */
    private static final List<GroupResource> ESCALATION_TARGETS = List.of(
            new GroupResource(RBAC, "roles"), new GroupResource(RBAC, "clusterroles"), new GroupResource("", "users"),
            new GroupResource("", "groups"), new GroupResource("", "serviceaccounts"),
            new GroupResource("authentication.k8s.io", "uids"), new GroupResource("authentication.k8s.io", "userextras"));
    private static final List<String> WRITE_VERBS = List.of("create", "update", "patch", "delete", "deletecollection");
    private static final List<GroupResource> WORKLOADS = List.of(
            new GroupResource("", "pods"), new GroupResource("", "replicationcontrollers"),
            new GroupResource("apps", "deployments"), new GroupResource("apps", "replicasets"),
            new GroupResource("apps", "statefulsets"), new GroupResource("apps", "daemonsets"),
            new GroupResource("extensions", "deployments"), new GroupResource("extensions", "replicasets"),
            new GroupResource("extensions", "daemonsets"), new GroupResource("batch", "jobs"), new GroupResource("batch", "cronjobs"));

    private record GroupResource(String group, String resource) {
    }

    private RiskRules() {
    }

    /**
     * The role classes the rules grant, each with why (naming the rule). cluster-admin is recognised by its
     * name too, so that a binding to it is judged even when the export lacks the role.
     */
    public static Map<RiskClass, String> grants(String clusterRoleName, List<SourcedRule> rules, boolean wildcardAnyResource) {
        Map<RiskClass, String> grants = new EnumMap<>(RiskClass.class);
        if (CLUSTER_ADMIN.equals(clusterRoleName)) {
            grants.put(RiskClass.CLUSTER_ADMIN, "ClusterRole cluster-admin: full access to the cluster");
        }
        SourcedRule approval = null;
        SourcedRule signers = null;
        for (SourcedRule sourced : rules) {
            PolicyRule rule = sourced.rule();
            put(grants, RiskClass.WILDCARD, wildcard(rule, wildcardAnyResource), sourced);
            put(grants, RiskClass.ESCALATION, escalation(rule), sourced);
            put(grants, RiskClass.SECRETS_READ, unnamed(rule) && allows(rule, "", "secrets", "get", "list", "watch")
                    ? "reads secrets" : null, sourced);
            put(grants, RiskClass.POD_EXEC, unnamed(rule) && (allows(rule, "", "pods/exec", "create")
                    || allows(rule, "", "pods/attach", "create") || allows(rule, "", "pods/portforward", "create"))
                    ? "create on pods/exec, pods/attach or pods/portforward" : null, sourced);
            put(grants, RiskClass.WORKLOAD_CREATE, workloadCreate(rule), sourced);
            put(grants, RiskClass.NODE_PROXY, allowsAnyVerb(rule, "", "nodes/proxy") ? "nodes/proxy (the kubelet API)" : null, sourced);
            put(grants, RiskClass.TOKEN_REQUEST, unnamed(rule) && allows(rule, "", "serviceaccounts/token", "create")
                    ? "create on serviceaccounts/token" : null, sourced);
            if (approval == null && allows(rule, CERTIFICATES, "certificatesigningrequests/approval", "update", "patch")) {
                approval = sourced;
            }
            if (signers == null && allows(rule, CERTIFICATES, "signers", "approve")) {
                signers = sourced;
            }
        }
        if (approval != null && signers != null) {
            grants.put(RiskClass.CERTIFICATE_APPROVAL, "approves certificate signing requests: " + approval
                    + (approval.equals(signers) ? "" : " with " + signers));
        }
        return grants;
    }

    private static void put(Map<RiskClass, String> grants, RiskClass risk, String why, SourcedRule rule) {
        if (why != null && !grants.containsKey(risk)) {
            grants.put(risk, why + ": " + rule);
        }
    }

    /** Why the rule is a wildcard grant, or null. */
    static String wildcard(PolicyRule rule, boolean anyResource) {
        List<String> groups = sensitiveGroups(rule);
        if (groups.isEmpty()) {
            return null;
        }
        List<String> verbs = values(rule.getVerbs());
        List<String> resources = values(rule.getResources());
        if (verbs.contains("*") && resources.contains("*")) {
            return "* verbs on * resources in API groups " + groups;
        }
        if (!anyResource) {
            return null;
        }
        if (verbs.contains("*") && !resources.isEmpty()) {
            return "* verbs on " + resources + " in API groups " + groups;
        }
        List<String> writes = verbs.stream().filter(WRITE_VERBS::contains).toList();
        if (resources.contains("*") && !writes.isEmpty()) {
            return "write verbs " + writes + " on * resources in API groups " + groups;
        }
        return null;
    }

    /** Why the rule grants escalate, bind or impersonate, or null. */
    static String escalation(PolicyRule rule) {
        for (String verb : values(rule.getVerbs())) {
            if (ESCALATION_VERBS.contains(verb)) {
                return "verb " + verb;
            }
        }
        if (!values(rule.getVerbs()).contains("*")) {
            return null;
        }
        for (GroupResource target : ESCALATION_TARGETS) {
            if (matchesGroup(rule, target.group()) && matchesResource(rule, target.resource())) {
                return "* verbs on " + target.resource() + ", which include escalate, bind or impersonate";
            }
        }
        return null;
    }

    private static String workloadCreate(PolicyRule rule) {
        if (!unnamed(rule)) {
            return null;
        }
        for (GroupResource workload : WORKLOADS) {
            if (allows(rule, workload.group(), workload.resource(), "create")) {
                return "create on " + workload.resource();
            }
        }
        return null;
    }

    /** The rule's API groups that hold sensitive resources; no apiGroups (rejected by the API server) counts as core. */
    static List<String> sensitiveGroups(PolicyRule rule) {
        return groups(rule).stream().filter(SENSITIVE_API_GROUPS::contains)
                .map(g -> g.isEmpty() ? "\"\" (core)" : g).distinct().toList();
    }

    /** Whether the rule allows one of the verbs on the resource (or subresource, "pods/exec") of the group. */
    static boolean allows(PolicyRule rule, String group, String resource, String... verbs) {
        if (!matchesGroup(rule, group) || !matchesResource(rule, resource)) {
            return false;
        }
        List<String> ruleVerbs = values(rule.getVerbs());
        if (ruleVerbs.contains("*")) {
            return true;
        }
        for (String verb : verbs) {
            if (ruleVerbs.contains(verb)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allowsAnyVerb(PolicyRule rule, String group, String resource) {
        return matchesGroup(rule, group) && matchesResource(rule, resource) && !values(rule.getVerbs()).isEmpty();
    }

    private static boolean matchesGroup(PolicyRule rule, String group) {
        List<String> groups = groups(rule);
        return groups.contains("*") || groups.contains(group);
    }

    private static boolean matchesResource(PolicyRule rule, String resource) {
        int slash = resource.indexOf('/');
        for (String r : values(rule.getResources())) {
            if (r.equals("*") || r.equals(resource) || slash > 0 && r.equals("*" + resource.substring(slash))) {
                return true;
            }
        }
        return false;
    }

    /** A rule limited by resourceNames reaches only the named objects (and never a create). */
    private static boolean unnamed(PolicyRule rule) {
        return rule.getResourceNames() == null || rule.getResourceNames().isEmpty();
    }

    private static List<String> groups(PolicyRule rule) {
        return rule.getApiGroups() == null || rule.getApiGroups().isEmpty() ? List.of("") : values(rule.getApiGroups());
    }

    private static List<String> values(List<String> values) {
        return values == null ? List.of() : values.stream().map(v -> v == null ? "" : v).toList();
    }
}
