package dev.evident.controls.rbac;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.RbacLeastPrivilegeSpec;
import dev.evident.api.v1alpha1.SubjectRef;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Remediation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * No powerful grant reaches a subject outside the allow-list, and (with forbidAnonymous) nothing is bound
 * to anonymous or unauthenticated requests. A powerful grant is a binding to ClusterRole
 * {@value #CLUSTER_ADMIN}, or to a role with a rule that has {@code *} in both verbs and resources, or
 * one of the verbs escalate, bind, impersonate. A {@code *} verb on the resources those three verbs act
 * on (roles, clusterroles; users, groups, serviceaccounts, uids, userextras) counts too, because it
 * includes them.
 *
 * <p>Every ClusterRoleBinding and every RoleBinding in a selected namespace gives one finding. A roleRef
 * to a role the snapshot lacks is judged on its name only. Aggregated ClusterRoles are judged on the rules
 * they hold at the time. Anonymous subjects fail even when the allow-list matches them.
 *
 * <p>Remediation (only with {@code remediation: RemoveSubjects}) removes the offending subjects, or
 * deletes the binding when none would remain. Never planned for bindings labelled
 * {@value Labels#RBAC_BOOTSTRAPPING} (the API server restores them) nor for ServiceAccounts of the
 * operator's own namespace (that could remove Evident's own access).
 */
public final class RbacLeastPrivilege implements Control {
    public static final String TYPE = "RbacLeastPrivilege";
    public static final String CLUSTER_ADMIN = "cluster-admin";
    public static final String ANONYMOUS_USER = "system:anonymous";
    public static final String UNAUTHENTICATED_GROUP = "system:unauthenticated";
    private static final Set<String> SUBJECT_KINDS = Set.of("User", "Group", "ServiceAccount");
    private static final Set<String> POWERFUL_VERBS = Set.of("escalate", "bind", "impersonate");
    /**
     * API groups whose resources give power over the cluster: secrets, pods and workloads, RBAC, admission
     * webhooks, certificates, CRDs, API services, network and disruption policies. {@code *} verbs on
     * {@code *} resources counts only in these (or in {@code *}): a rule limited to other groups, such as
     * KEDA's on external.metrics.k8s.io, is not powerful.
     */
    public static final Set<String> SENSITIVE_API_GROUPS = Set.of("*", "", "apps", "batch", "extensions", "policy",
            "rbac.authorization.k8s.io", "admissionregistration.k8s.io", "certificates.k8s.io", "apiextensions.k8s.io",
            "apiregistration.k8s.io", "authentication.k8s.io", "networking.k8s.io", "storage.k8s.io");
    private static final Set<String> POWERFUL_VERB_TARGETS = Set.of(
            "roles", "clusterroles", "users", "groups", "serviceaccounts", "uids", "userextras");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC6.1", "CC6.3");
    }

    @Override
    public List<Read> reads() {
        return List.of(Read.all(ClusterRoleBinding.class), Read.all(RoleBinding.class),
                Read.all(ClusterRole.class), Read.all(Role.class));
    }

    @Override
    public List<String> validate(ControlSpec spec) {
        RbacLeastPrivilegeSpec settings = spec.getRbacLeastPrivilege();
        List<String> problems = new ArrayList<>();
        if (settings == null || settings.getAllowedSubjects() == null) {
            return problems;
        }
        for (int i = 0; i < settings.getAllowedSubjects().size(); i++) {
            SubjectRef s = settings.getAllowedSubjects().get(i);
            String at = "rbacLeastPrivilege.allowedSubjects[" + i + "]";
            if (s == null) {
                problems.add(at + ": must not be null");
                continue;
            }
            if (s.getKind() == null || !SUBJECT_KINDS.contains(s.getKind())) {
                problems.add(at + ".kind: must be one of User, Group, ServiceAccount, got '" + s.getKind() + "'");
            }
            if (s.getName() == null || s.getName().isBlank()) {
                problems.add(at + ".name: required");
            }
            if ("ServiceAccount".equals(s.getKind()) && (s.getNamespace() == null || s.getNamespace().isBlank())) {
                problems.add(at + ".namespace: required for a ServiceAccount (use * for any namespace)");
            }
        }
        return problems;
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        RbacLeastPrivilegeSpec settings = Optional.ofNullable(ctx.spec().getRbacLeastPrivilege()).orElseGet(RbacLeastPrivilegeSpec::new);
        List<Finding> findings = new ArrayList<>();
        for (ClusterRoleBinding b : ctx.snapshot().list(ClusterRoleBinding.class)) {
            findings.add(evaluate(ctx, settings, new Binding(b, b.getRoleRef(), b.getSubjects(),
                    subjects -> new ClusterRoleBindingBuilder(b).withSubjects(subjects).build())));
        }
        for (Namespace ns : ctx.namespaces()) {
            for (RoleBinding b : ctx.snapshot().list(RoleBinding.class, ns.getMetadata().getName())) {
                findings.add(evaluate(ctx, settings, new Binding(b, b.getRoleRef(), b.getSubjects(),
                        subjects -> new RoleBindingBuilder(b).withSubjects(subjects).build())));
            }
        }
        return findings;
    }

    /** What ClusterRoleBinding and RoleBinding have in common, and how to copy one with other subjects. */
    private record Binding(HasMetadata object, RoleRef roleRef, List<Subject> subjects, Function<List<Subject>, HasMetadata> withSubjects) {
        Binding {
            subjects = subjects == null ? List.of() : subjects.stream().filter(Objects::nonNull).toList();
        }

        String namespace() {
            return object.getMetadata().getNamespace();
        }

        String describe() {
            return object.getKind() + " " + (namespace() == null ? "" : namespace() + "/") + object.getMetadata().getName();
        }
    }

    /**
     * What the bound role grants: why it is powerful (null when not), and whether the role was found.
     * invalid says why the roleRef cannot be bound at all (null when it can).
     */
    private record Grant(String role, String powerful, boolean found, String invalid) {
        Grant(String role, String powerful, boolean found) {
            this(role, powerful, found, null);
        }
    }

    private Finding evaluate(ControlContext ctx, RbacLeastPrivilegeSpec settings, Binding binding) {
        ObjectRef ref = ObjectRef.of(binding.object());
        Grant grant = grant(ctx, binding);
        if (grant.invalid() != null) {
            return ctx.notApplicable(ref, "InvalidRoleRef", grant.invalid());
        }
        List<Subject> anonymous = settings.isForbidAnonymous()
                ? binding.subjects().stream().filter(RbacLeastPrivilege::isAnonymous).toList() : List.of();
        List<Subject> unlisted = grant.powerful() == null ? List.of()
                : binding.subjects().stream().filter(s -> !anonymous.contains(s) && !allowed(settings, s, binding.namespace())).toList();
        String notFound = grant.found() ? "" : " (" + grant.role() + " is not in the snapshot, so it was judged on its name only)";

        if (anonymous.isEmpty() && unlisted.isEmpty()) {
            if (grant.powerful() == null) {
                return ctx.pass(ref, grant.found() ? "NoPowerfulGrant" : "RoleNotFound", grant.role() + " grants nothing powerful" + notFound);
            }
            return ctx.pass(ref, "PowerfulGrantAllowed", grant.role() + " (" + grant.powerful() + ") is bound only to allowed subjects" + notFound);
        }
        List<Subject> offending = new ArrayList<>(anonymous);
        offending.addAll(unlisted);
        String reason = anonymous.isEmpty() ? "PowerfulGrant" : "AnonymousBinding";
        StringBuilder message = new StringBuilder();
        if (!anonymous.isEmpty()) {
            message.append(grant.role()).append(" is bound to anonymous requests: ").append(describe(anonymous));
        }
        if (!unlisted.isEmpty()) {
            message.append(message.isEmpty() ? "" : "; ").append(grant.role()).append(" (").append(grant.powerful())
                    .append(") is bound to subjects outside allowedSubjects: ").append(describe(unlisted));
        }
        message.append(notFound);
        Remediation plan = plan(ctx, settings, binding, offending, message);
        return ctx.fail(ref, reason, message.toString(), plan);
    }

    /** The plan that removes the offending subjects, or null (with the message saying why). */
    private static Remediation plan(ControlContext ctx, RbacLeastPrivilegeSpec settings, Binding binding, List<Subject> offending, StringBuilder message) {
        if (settings.getRemediation() != RbacLeastPrivilegeSpec.Remediation.RemoveSubjects) {
            message.append("; report only (remediation: Report)");
            return null;
        }
        var labels = binding.object().getMetadata().getLabels();
        if (labels != null && labels.containsKey(Labels.RBAC_BOOTSTRAPPING)) {
            message.append("; not remediated: the binding is labelled ").append(Labels.RBAC_BOOTSTRAPPING)
                    .append(", the API server owns and restores it");
            return null;
        }
        List<Subject> kept = offending.stream().filter(s -> isOperatorServiceAccount(ctx, s, binding.namespace())).toList();
        List<Subject> removed = offending.stream().filter(s -> !kept.contains(s)).toList();
        if (!kept.isEmpty()) {
            message.append("; ").append(describe(kept)).append(" not removed: ServiceAccounts of the operator's own namespace keep their access");
        }
        if (removed.isEmpty()) {
            return null;
        }
        List<Subject> remaining = binding.subjects().stream().filter(s -> !removed.contains(s)).toList();
        if (remaining.isEmpty()) {
            return new Remediation.Delete(binding.object(), "delete " + binding.describe() + " (every subject is offending: " + describe(removed) + ")");
        }
        return new Remediation.Update(binding.object(), binding.withSubjects().apply(remaining),
                "remove " + describe(removed) + " from " + binding.describe());
    }

    private static Grant grant(ControlContext ctx, Binding binding) {
        RoleRef roleRef = binding.roleRef();
        if (roleRef == null || roleRef.getName() == null) {
            return new Grant("no role", null, false);
        }
        String kind = roleRef.getKind() == null ? "ClusterRole" : roleRef.getKind();
        String role = kind + " " + roleRef.getName();
        boolean clusterBinding = binding.object() instanceof ClusterRoleBinding;
        if (clusterBinding && !"ClusterRole".equals(kind) || !"ClusterRole".equals(kind) && !"Role".equals(kind)) {
            return new Grant(role, null, false, binding.describe() + " refers to " + role + ", but a "
                    + (clusterBinding ? "ClusterRoleBinding can only refer to a ClusterRole" : "RoleBinding only to a Role or ClusterRole")
                    + ": the API server rejects it, so it grants nothing");
        }
        Optional<List<PolicyRule>> rules = "Role".equals(kind)
                ? ctx.snapshot().get(Role.class, binding.namespace(), roleRef.getName()).map(Role::getRules)
                : ctx.snapshot().get(ClusterRole.class, null, roleRef.getName()).map(ClusterRole::getRules);
        if ("ClusterRole".equals(kind) && CLUSTER_ADMIN.equals(roleRef.getName())) {
            return new Grant(role, "full access to the cluster", rules.isPresent());
        }
        if (rules.isEmpty()) {
            return new Grant(role, null, false);
        }
        for (PolicyRule rule : rules.get()) {
            String why = powerful(rule);
            if (why != null) {
                return new Grant(role, why, true);
            }
        }
        return new Grant(role, null, true);
    }

    /** Why a rule is powerful, or null. */
    static String powerful(PolicyRule rule) {
        if (rule == null) {
            return null;
        }
        List<String> verbs = rule.getVerbs() == null ? List.of() : rule.getVerbs();
        List<String> resources = rule.getResources() == null ? List.of() : rule.getResources();
        if (verbs.contains("*") && resources.contains("*")) {
            List<String> sensitive = sensitiveGroups(rule);
            if (!sensitive.isEmpty()) {
                return "* verbs on * resources in API groups " + sensitive;
            }
        }
        for (String verb : verbs) {
            if (POWERFUL_VERBS.contains(verb)) {
                return "verb " + verb;
            }
        }
        if (verbs.contains("*")) {
            for (String resource : resources) {
                if (POWERFUL_VERB_TARGETS.contains(resource)) {
                    return "* verbs on " + resource + ", which include escalate, bind or impersonate";
                }
            }
        }
        return null;
    }

    /**
     * The rule's API groups that hold sensitive resources. A rule without apiGroups (which the API server
     * rejects) is judged as if it named the core group, so that a manifest cannot pass by leaving them out.
     */
    static List<String> sensitiveGroups(PolicyRule rule) {
        List<String> groups = rule.getApiGroups() == null || rule.getApiGroups().isEmpty() ? List.of("") : rule.getApiGroups();
        return groups.stream().filter(g -> g == null || SENSITIVE_API_GROUPS.contains(g))
                .map(g -> g == null || g.isEmpty() ? "\"\" (core)" : g).distinct().toList();
    }

    private static boolean isAnonymous(Subject s) {
        return "User".equals(s.getKind()) && ANONYMOUS_USER.equals(s.getName())
                || "Group".equals(s.getKind()) && UNAUTHENTICATED_GROUP.equals(s.getName());
    }

    /** A RoleBinding's ServiceAccount subject without a namespace means the binding's namespace, as in Kubernetes. */
    private static String subjectNamespace(Subject s, String bindingNamespace) {
        return s.getNamespace() == null || s.getNamespace().isEmpty() ? bindingNamespace : s.getNamespace();
    }

    private static boolean allowed(RbacLeastPrivilegeSpec settings, Subject s, String bindingNamespace) {
        if (settings.getAllowedSubjects() == null) {
            return false;
        }
        for (SubjectRef a : settings.getAllowedSubjects()) {
            if (a == null || !Objects.equals(a.getKind(), s.getKind()) || !glob(a.getName(), s.getName())) {
                continue;
            }
            if (!"ServiceAccount".equals(s.getKind()) || glob(a.getNamespace(), subjectNamespace(s, bindingNamespace))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOperatorServiceAccount(ControlContext ctx, Subject s, String bindingNamespace) {
        return ctx.operatorNamespace() != null && "ServiceAccount".equals(s.getKind())
                && ctx.operatorNamespace().equals(subjectNamespace(s, bindingNamespace));
    }

    /**
     * {@code *} matches any run of characters; everything else matches itself. Linear in the value for a
     * given pattern: the literal parts between stars are found leftmost-first, which is always a match if any
     * exists, so nothing is ever retried (a regex would backtrack exponentially on many stars).
     */
    static boolean glob(String pattern, String value) {
        if (pattern == null || value == null) {
            return false;
        }
        String[] parts = pattern.split("\\*", -1);
        if (parts.length == 1) {
            return pattern.equals(value);
        }
        String first = parts[0];
        String last = parts[parts.length - 1];
        if (value.length() < first.length() + last.length() || !value.startsWith(first) || !value.endsWith(last)) {
            return false;
        }
        int from = first.length();
        int end = value.length() - last.length();
        for (int i = 1; i < parts.length - 1; i++) {
            int at = value.indexOf(parts[i], from);
            if (at < 0 || at + parts[i].length() > end) {
                return false;
            }
            from = at + parts[i].length();
        }
        return true;
    }

    private static String describe(List<Subject> subjects) {
        return subjects.stream()
                .map(s -> s.getKind() + " " + (s.getNamespace() == null || s.getNamespace().isEmpty() ? "" : s.getNamespace() + "/") + s.getName())
                .collect(Collectors.joining(", "));
    }
}
