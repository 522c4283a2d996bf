package dev.evident.controls.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The API server keeps an audit trail: where it runs as a visible pod, it has an audit policy
 * ({@value #POLICY_FLAG}) and somewhere to send events ({@value #LOG_FLAG} or {@value #WEBHOOK_FLAG}). When the
 * policy file itself is provided (audit {@code --control-plane-config DIR}), it must log at least Metadata for
 * every request on secrets, RBAC objects and pods/exec: the first rule that matches a request decides its
 * level, as in the API server, and a request no rule matches is not logged. Rules limited to some users,
 * groups, verbs, namespaces or names decide only for those requests: a logging one does not cover the
 * target, a level None one is named in the message as an exception.
 *
 * <p>One finding per API server pod; notApplicable where no pod is visible (managed control planes: cover it
 * with a ControlException citing the provider's attestation: examples/exceptions/managed-control-plane.yaml). Never remediated.
 */
public final class AuditLogging implements Control {
    public static final String TYPE = "AuditLogging";
    public static final String POLICY_FLAG = "--audit-policy-file";
    public static final String LOG_FLAG = "--audit-log-path";
    public static final String WEBHOOK_FLAG = "--audit-webhook-config-file";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What must be audited: a group and a resource (with subresource). */
    private record Target(String description, String group, String resource, String subresource) {
    }

    private static final List<Target> TARGETS = List.of(
            new Target("secrets", "", "secrets", null),
            new Target("pods/exec", "", "pods", "exec"),
            new Target("roles", "rbac.authorization.k8s.io", "roles", null),
            new Target("rolebindings", "rbac.authorization.k8s.io", "rolebindings", null),
            new Target("clusterroles", "rbac.authorization.k8s.io", "clusterroles", null),
            new Target("clusterrolebindings", "rbac.authorization.k8s.io", "clusterrolebindings", null));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC7.2", "CC7.3", "CC6.8");
    }

    @Override
    public List<Read> reads() {
        return List.of(ApiServer.PODS);
    }

    @Override
    public Affected affectedBy(HasMetadata object) {
        return ApiServer.affectedBy(object);
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        return ApiServer.judgeEachPod(ctx, "audit logging", AuditLogging::evaluate);
    }

    private static Finding evaluate(ControlContext ctx, Pod pod) {
        ObjectRef ref = ObjectRef.of(pod);
        Optional<String> policyFile = ApiServer.flag(pod, POLICY_FLAG);
        if (policyFile.isEmpty()) {
            return ctx.fail(ref, "AuditPolicyMissing", "kube-apiserver runs without " + POLICY_FLAG
                    + ", so it records no audit events; not remediated: the flag must be set on the control plane", null);
        }
        Optional<String> log = ApiServer.flag(pod, LOG_FLAG);
        Optional<String> webhook = ApiServer.flag(pod, WEBHOOK_FLAG);
        if (log.isEmpty() && webhook.isEmpty()) {
            return ctx.fail(ref, "AuditBackendMissing", "kube-apiserver has an audit policy but neither " + LOG_FLAG + " nor " + WEBHOOK_FLAG
                    + ", so audit events go nowhere; not remediated: the flag must be set on the control plane", null);
        }
        String backend = log.map(p -> LOG_FLAG + "=" + p).orElse(WEBHOOK_FLAG);
        Optional<GenericKubernetesResource> policy = ApiServer.configFile(ctx.snapshot(), "audit.k8s.io", "Policy", policyFile.get());
        if (policy.isEmpty()) {
            return ctx.pass(ref, "AuditLoggingConfigured", "kube-apiserver runs with " + POLICY_FLAG + "=" + policyFile.get() + " and " + backend
                    + "; the policy's rules were not checked (offline, give its file with --control-plane-config)");
        }
        JsonNode rules = JSON.valueToTree(policy.get().getAdditionalProperties()).path("rules");
        List<String> missing = new ArrayList<>();
        List<String> covered = new ArrayList<>();
        for (Target target : TARGETS) {
            Coverage c = coverage(rules, target);
            (c.logged() ? covered : missing).add(target.description() + " (" + c.detail() + ")");
        }
        String where = ApiServer.source(policy.get());
        if (!missing.isEmpty()) {
            return ctx.fail(ref, "AuditPolicyIncomplete", "the audit policy " + where + " does not log at least Metadata for every request on "
                    + String.join(", ", missing) + "; not remediated: edit the policy on the control plane", null);
        }
        return ctx.pass(ref, "AuditLoggingConfigured", "kube-apiserver runs with " + POLICY_FLAG + " and " + backend + "; the audit policy "
                + where + " logs " + String.join(", ", covered));
    }

    /** Whether every request on the target is logged at Metadata or more, and which rule says so (or why not). */
    private record Coverage(boolean logged, String detail) {
    }

    private static Coverage coverage(JsonNode rules, Target target) {
        List<String> exceptions = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            if (!matches(rule, target)) {
                continue;
            }
            String level = rule.path("level").asText("None");
            boolean partial = partial(rule, target);
            if ("None".equals(level)) {
                if (!partial) {
                    return new Coverage(false, "rules[" + i + "] sets level None");
                }
                exceptions.add("rules[" + i + "]");
            } else if (!partial) {
                return new Coverage(true, "level " + level + " by rules[" + i + "]"
                        + (exceptions.isEmpty() ? "" : ", except requests matched by the narrower level None " + String.join(", ", exceptions)));
            }
        }
        return new Coverage(false, "no rule logs every request on it");
    }

    /** Whether the rule applies to some requests on the target: its resources (none listed = all) match. */
    private static boolean matches(JsonNode rule, Target target) {
        JsonNode resources = rule.path("resources");
        if (!resources.isArray() || resources.isEmpty()) {
            return !rule.path("nonResourceURLs").isArray() || rule.path("nonResourceURLs").isEmpty();
        }
        for (JsonNode gr : resources) {
            if (!gr.path("group").asText("").equals(target.group())) {
                continue;
            }
            JsonNode names = gr.path("resources");
            if (!names.isArray() || names.isEmpty()) {
                return true;
            }
            for (JsonNode n : names) {
                if (matchesResource(n.asText(), target)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matchesResource(String pattern, Target t) {
        if (pattern.equals("*")) {
            return true;
        }
        if (t.subresource() == null) {
            return pattern.equals(t.resource());
        }
        return pattern.equals(t.resource() + "/" + t.subresource()) || pattern.equals("*/" + t.subresource())
                || pattern.equals(t.resource() + "/*");
    }

    /** A rule limited to some users, groups, verbs, namespaces or object names decides only for those requests. */
    private static boolean partial(JsonNode rule, Target target) {
        for (String field : List.of("users", "userGroups", "verbs", "namespaces")) {
            if (rule.path(field).isArray() && !rule.path(field).isEmpty()) {
                return true;
            }
        }
        for (JsonNode gr : rule.path("resources")) {
            if (gr.path("group").asText("").equals(target.group()) && gr.path("resourceNames").isArray() && !gr.path("resourceNames").isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
