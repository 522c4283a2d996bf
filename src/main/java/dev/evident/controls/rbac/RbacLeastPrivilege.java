package dev.evident.controls.rbac;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.RbacLeastPrivilegeSpec;
import dev.evident.api.v1alpha1.SubjectRef;
import dev.evident.controls.Glob;
import dev.evident.engine.Affected;
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
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * No binding gives a risk class it judges ({@link RiskClass}) to a subject outside that class's allow-lists.
 * Role classes (clusterAdmin, wildcard, escalation, secretsRead, podExec, workloadCreate, nodeProxy,
 * tokenRequest, certificateApproval) are about what the bound role grants ({@link RiskRules}); subject
 * classes (anonymous, systemMasters) about who is bound, whatever the role.
 *
 * <p>Every ClusterRoleBinding and every RoleBinding in a selected namespace gives one finding; its reason is
 * that of the first class it fails, its message names every failing class, the rule that grants it and the
 * subjects. Aggregated ClusterRoles are resolved through their aggregationRule. A roleRef to a role the
 * snapshot lacks is judged on its name only; a roleRef the API server rejects (a ClusterRoleBinding to a
 * Role) grants nothing and is notApplicable (InvalidRoleRef), whichever Role of that name exists.
 *
 * <p>Remediation (only with {@code remediation: RemoveSubjects}) removes the offending subjects, or
 * deletes the binding when none would remain. Never planned for bindings labelled
 * {@value Labels#RBAC_BOOTSTRAPPING} (the API server restores them) nor for ServiceAccounts of the
 * operator's own namespace (that could remove Evident's own access).
 */
public final class RbacLeastPrivilege implements Control {
    public static final String TYPE = "RbacLeastPrivilege";
    public static final String ANONYMOUS_USER = "system:anonymous";
    public static final String UNAUTHENTICATED_GROUP = "system:unauthenticated";
    public static final String SYSTEM_MASTERS = "system:masters";
    private static final Set<String> SUBJECT_KINDS = Set.of("User", "Group", "ServiceAccount");

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
        if (settings == null) {
            return problems;
        }
        validate("rbacLeastPrivilege.allowedSubjects", settings.getAllowedSubjects(), problems);
        if (settings.getRisks() != null) {
            for (RiskClass risk : RiskClass.values()) {
                validate("rbacLeastPrivilege.risks." + risk.field() + ".allowedSubjects", risk.settings(settings).getAllowedSubjects(), problems);
            }
        }
        return problems;
    }

    private static void validate(String path, List<SubjectRef> subjects, List<String> problems) {
        if (subjects == null) {
            return;
        }
        for (int i = 0; i < subjects.size(); i++) {
            SubjectRef s = subjects.get(i);
            String at = path + "[" + i + "]";
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
    }

    /**
     * A binding's findings depend on the binding and the role it references: a RoleBinding or Role touches its
     * namespace, a ClusterRoleBinding the cluster's findings. A ClusterRole may be bound anywhere and aggregated into
     * other ClusterRoles, so its change re-judges everything.
     */
    @Override
    public Affected affectedBy(HasMetadata object) {
        return object instanceof ClusterRole ? Affected.ALL : Affected.namespaceOf(object);
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        RbacLeastPrivilegeSpec settings = settings(ctx);
        return bindings(ctx).stream().map(b -> evaluate(ctx, settings, b)).toList();
    }

    /** What one subject holds through one binding, and how the control judges it. */
    public enum Status { FAIL, ALLOWED, NOT_JUDGED }

    /**
     * One risk class a subject holds through a binding: the row of an access review.
     *
     * @param namespace where the grant applies (a RoleBinding's namespace), or null for the whole cluster
     * @param why       what grants it, naming the rule
     */
    public record Holding(String subject, RiskClass risk, String binding, String role, String namespace, String why, Status status) {
    }

    /**
     * Every risk class every subject holds through the bindings this control evaluates, whether the policy
     * judges the class or not: the access review an auditor asks for (CC6.2, CC6.3).
     */
    public List<Holding> accessReview(ControlContext ctx) {
        RbacLeastPrivilegeSpec settings = settings(ctx);
        List<Holding> rows = new ArrayList<>();
        for (Binding binding : bindings(ctx)) {
            ResolvedRole role = ResolvedRole.of(ctx.snapshot(), binding.object(), binding.roleRef());
            if (role.invalid() == null) {
                rows.addAll(holdings(settings, binding, role));
            }
        }
        return rows;
    }

    private static RbacLeastPrivilegeSpec settings(ControlContext ctx) {
        return Optional.ofNullable(ctx.spec().getRbacLeastPrivilege()).orElseGet(RbacLeastPrivilegeSpec::new);
    }

    private static List<Binding> bindings(ControlContext ctx) {
        List<Binding> bindings = new ArrayList<>();
        for (ClusterRoleBinding b : ctx.snapshot().list(ClusterRoleBinding.class)) {
            bindings.add(new Binding(b, b.getRoleRef(), b.getSubjects(),
                    subjects -> new ClusterRoleBindingBuilder(b).withSubjects(subjects).build()));
        }
        for (Namespace ns : ctx.namespaces()) {
            for (RoleBinding b : ctx.snapshot().list(RoleBinding.class, ns.getMetadata().getName())) {
                bindings.add(new Binding(b, b.getRoleRef(), b.getSubjects(),
                        subjects -> new RoleBindingBuilder(b).withSubjects(subjects).build()));
            }
        }
        return bindings;
    }

    /** What ClusterRoleBinding and RoleBinding have in common, and how to copy one with other subjects. */
    private record Binding(HasMetadata object, RoleRef roleRef, List<Subject> subjects, Function<List<Subject>, HasMetadata> withSubjects) {
        Binding {
            subjects = subjects == null ? List.of() : subjects.stream().filter(Objects::nonNull).toList();
        }

        String namespace() {
            return object.getMetadata().getNamespace();
        }

        boolean bootstrapping() {
            var labels = object.getMetadata().getLabels();
            return labels != null && labels.containsKey(Labels.RBAC_BOOTSTRAPPING);
        }

        String describe() {
            return object.getKind() + " " + (namespace() == null ? "" : namespace() + "/") + object.getMetadata().getName();
        }
    }

    /** Each (subject, class) the binding gives, in class order, with the control's verdict on it. */
    private static List<Holding> holdings(RbacLeastPrivilegeSpec settings, Binding binding, ResolvedRole role) {
        boolean anyResource = settings.getRisks() != null && settings.getRisks().getWildcard() != null
                && settings.getRisks().getWildcard().isAnyResource();
        Map<RiskClass, String> grants = RiskRules.grants(role.role().startsWith("ClusterRole ") ? role.name() : null, role.rules(), anyResource);
        List<Holding> rows = new ArrayList<>();
        for (RiskClass risk : RiskClass.values()) {
            for (Subject s : binding.subjects()) {
                String why = risk.roleClass() ? grants.get(risk)
                        : risk == RiskClass.ANONYMOUS ? (isAnonymous(s) ? "bound to anonymous requests" : null)
                        : isSystemMasters(s) && !binding.bootstrapping() ? "bound to Group system:masters, which bypasses RBAC" : null;
                if (why == null) {
                    continue;
                }
                boolean allowed = allowed(risk.settings(settings).getAllowedSubjects(), s, binding.namespace())
                        || risk.roleClass() && allowed(settings.getAllowedSubjects(), s, binding.namespace());
                Status status = !risk.enabled(settings) ? Status.NOT_JUDGED : allowed ? Status.ALLOWED : Status.FAIL;
                rows.add(new Holding(describe(s, binding.namespace()), risk, binding.describe(), role.role(), binding.namespace(), why, status));
            }
        }
        return rows;
    }

    private Finding evaluate(ControlContext ctx, RbacLeastPrivilegeSpec settings, Binding binding) {
        ObjectRef ref = ObjectRef.of(binding.object());
        ResolvedRole role = ResolvedRole.of(ctx.snapshot(), binding.object(), binding.roleRef());
        if (role.invalid() != null) {
            return ctx.notApplicable(ref, "InvalidRoleRef", role.invalid());
        }
        List<Holding> holdings = holdings(settings, binding, role);
        String notFound = role.found() || role.name() == null ? "" : " (" + role.role() + " is not in the snapshot, so it was judged on its name only)";
        Map<RiskClass, List<Holding>> failing = new LinkedHashMap<>();
        Set<RiskClass> judged = new LinkedHashSet<>();
        for (Holding h : holdings) {
            if (h.status() == Status.FAIL) {
                failing.computeIfAbsent(h.risk(), k -> new ArrayList<>()).add(h);
            }
            if (h.status() != Status.NOT_JUDGED) {
                judged.add(h.risk());
            }
        }
        if (failing.isEmpty()) {
            if (judged.isEmpty()) {
                return ctx.pass(ref, role.found() ? "NoPowerfulGrant" : "RoleNotFound", role.role() + " grants nothing powerful" + notFound);
            }
            return ctx.pass(ref, "PowerfulGrantAllowed", role.role() + " (" + judged.stream().map(RiskClass::field).collect(Collectors.joining(", "))
                    + ") is bound only to allowed subjects" + notFound);
        }
        StringBuilder message = new StringBuilder();
        Set<String> offending = new LinkedHashSet<>();
        for (Map.Entry<RiskClass, List<Holding>> e : failing.entrySet()) {
            List<String> subjects = e.getValue().stream().map(Holding::subject).distinct().toList();
            offending.addAll(subjects);
            message.append(message.isEmpty() ? "" : "; ");
            if (e.getKey() == RiskClass.ANONYMOUS) {
                message.append(role.role()).append(" is bound to anonymous requests: ").append(String.join(", ", subjects));
            } else {
                message.append(role.role()).append(" gives ").append(e.getKey().field()).append(" (").append(e.getValue().get(0).why())
                        .append(") to subjects outside allowedSubjects: ").append(String.join(", ", subjects));
            }
        }
        message.append(notFound);
        List<Subject> offendingSubjects = binding.subjects().stream().filter(s -> offending.contains(describe(s, binding.namespace()))).toList();
        Remediation plan = plan(ctx, settings, binding, offendingSubjects, message);
        return ctx.fail(ref, failing.keySet().iterator().next().reason(), message.toString(), plan);
    }

    /** The plan that removes the offending subjects, or null (with the message saying why). */
    private static Remediation plan(ControlContext ctx, RbacLeastPrivilegeSpec settings, Binding binding, List<Subject> offending, StringBuilder message) {
        if (settings.getRemediation() != RbacLeastPrivilegeSpec.Remediation.RemoveSubjects) {
            message.append("; report only (remediation: Report)");
            return null;
        }
        if (binding.bootstrapping()) {
            message.append("; not remediated: the binding is labelled ").append(Labels.RBAC_BOOTSTRAPPING)
                    .append(", the API server owns and restores it");
            return null;
        }
        List<Subject> kept = offending.stream().filter(s -> isOperatorServiceAccount(ctx, s, binding.namespace())).toList();
        List<Subject> removed = offending.stream().filter(s -> !kept.contains(s)).toList();
        if (!kept.isEmpty()) {
            message.append("; ").append(describe(kept, binding.namespace())).append(" not removed: ServiceAccounts of the operator's own namespace keep their access");
        }
        if (removed.isEmpty()) {
            return null;
        }
        List<Subject> remaining = binding.subjects().stream().filter(s -> !removed.contains(s)).toList();
        if (remaining.isEmpty()) {
            return new Remediation.Delete(binding.object(), "delete " + binding.describe() + " (every subject is offending: " + describe(removed, binding.namespace()) + ")");
        }
        return new Remediation.Update(binding.object(), binding.withSubjects().apply(remaining),
                "remove " + describe(removed, binding.namespace()) + " from " + binding.describe());
    }

    private static boolean isAnonymous(Subject s) {
        return "User".equals(s.getKind()) && ANONYMOUS_USER.equals(s.getName())
                || "Group".equals(s.getKind()) && UNAUTHENTICATED_GROUP.equals(s.getName());
    }

    private static boolean isSystemMasters(Subject s) {
        return "Group".equals(s.getKind()) && SYSTEM_MASTERS.equals(s.getName());
    }

    /** A RoleBinding's ServiceAccount subject without a namespace means the binding's namespace, as in Kubernetes. */
    private static String subjectNamespace(Subject s, String bindingNamespace) {
        return s.getNamespace() == null || s.getNamespace().isEmpty() ? bindingNamespace : s.getNamespace();
    }

    private static boolean allowed(List<SubjectRef> allowList, Subject s, String bindingNamespace) {
        if (allowList == null) {
            return false;
        }
        for (SubjectRef a : allowList) {
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

    static boolean glob(String pattern, String value) {
        return Glob.matches(pattern, value);
    }

    /** "User alice", "Group ops", "ServiceAccount ns/name" (a RoleBinding's namespace when the subject names none). */
    private static String describe(Subject s, String bindingNamespace) {
        String ns = "ServiceAccount".equals(s.getKind()) ? subjectNamespace(s, bindingNamespace) : s.getNamespace();
        return s.getKind() + " " + (ns == null || ns.isEmpty() ? "" : ns + "/") + s.getName();
    }

    private static String describe(List<Subject> subjects, String bindingNamespace) {
        return subjects.stream().map(s -> describe(s, bindingNamespace)).collect(Collectors.joining(", "));
    }
}
