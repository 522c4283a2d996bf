package dev.evident.controls.network;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec.PolicyType;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Remediation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every selected namespace denies the required traffic directions by default: some NetworkPolicy there
 * selects all pods and allows nothing in that direction (for egress, nothing but DNS when allowDns).
 * Policies that allow more traffic on top do not matter; a policy with a narrower podSelector does not
 * count. Remediation creates or restores the managed policy {@value #MANAGED_NAME}.
 */
public final class NetworkDefaultDeny implements Control {
    public static final String TYPE = "NetworkDefaultDeny";
    public static final String MANAGED_NAME = "evident-default-deny";
    private static final int DNS_PORT = 53;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC6.6", "CC6.1");
    }

    @Override
    public List<Read> reads() {
        return List.of(Read.all(NetworkPolicy.class));
    }

    @Override
    public List<String> validate(ControlSpec spec) {
        NetworkDefaultDenySpec settings = spec.getNetworkDefaultDeny();
        if (settings != null && (settings.getPolicyTypes() == null || settings.getPolicyTypes().isEmpty())) {
            return List.of("networkDefaultDeny.policyTypes: at least one of Ingress, Egress is required");
        }
        return List.of();
    }

    /** Findings are per namespace and read only objects in it. */
    @Override
    public Affected affectedBy(HasMetadata object) {
        return Affected.namespaceOf(object);
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        NetworkDefaultDenySpec settings = Optional.ofNullable(ctx.spec().getNetworkDefaultDeny()).orElseGet(NetworkDefaultDenySpec::new);
        Set<PolicyType> required = EnumSet.copyOf(settings.getPolicyTypes());
        List<Finding> findings = new ArrayList<>();
        for (Namespace ns : ctx.namespaces()) {
            findings.add(evaluate(ctx, settings, required, ns));
        }
        return findings;
    }

    private Finding evaluate(ControlContext ctx, NetworkDefaultDenySpec settings, Set<PolicyType> required, Namespace ns) {
        String namespace = ns.getMetadata().getName();
        ObjectRef ref = ObjectRef.namespace(namespace);
        List<NetworkPolicy> policies = ctx.snapshot().list(NetworkPolicy.class, namespace);
        NetworkPolicy desired = desired(ctx, namespace, settings);
        Optional<NetworkPolicy> named = policies.stream().filter(p -> MANAGED_NAME.equals(p.getMetadata().getName())).findFirst();
        boolean namedIsManaged = named.map(Labels::isManaged).orElse(false);

        Set<PolicyType> covered = EnumSet.noneOf(PolicyType.class);
        List<String> satisfying = new ArrayList<>();
        for (NetworkPolicy p : policies) {
            if (namedIsManaged && p == named.get() && !Objects.equals(p.getSpec(), desired.getSpec())) {
                continue; // a drifted managed policy is repaired even when it still happens to deny enough
            }
            Set<PolicyType> denied = deniedTypes(p, settings.isAllowDns());
            denied.retainAll(required);
            if (!denied.isEmpty()) {
                covered.addAll(denied);
                satisfying.add(p.getMetadata().getName());
            }
        }
        if (covered.containsAll(required)) {
            return ctx.pass(ref, "DefaultDenyPresent", "default-deny " + required + " by NetworkPolicy " + String.join(", ", satisfying));
        }
        Set<PolicyType> missing = EnumSet.copyOf(required);
        missing.removeAll(covered);
        if (ControlContext.isTerminating(ns)) {
            return ctx.notApplicable(ref, "NamespaceTerminating", "namespace is being deleted");
        }
        if (named.isPresent() && !namedIsManaged) {
            return ctx.fail(ref, "NameConflict", "no default-deny for " + missing + "; NetworkPolicy " + MANAGED_NAME
                    + " exists but is not managed by Evident, so it is left alone and nothing is created", null);
        }
        String reason = namedIsManaged ? "ManagedPolicyDrifted" : "DefaultDenyMissing";
        String message = namedIsManaged
                ? "managed NetworkPolicy " + MANAGED_NAME + " was changed; no default-deny for " + missing
                : "no NetworkPolicy selecting all pods denies " + missing;
        if (namespace.equals(ctx.operatorNamespace())) {
            return ctx.fail(ref, reason, message + "; not remediated in the operator's own namespace, where a default-deny could cut Evident off from the API server", null);
        }
        Remediation plan = new Remediation.Apply(desired, Remediation.FIELD_MANAGER,
                (namedIsManaged ? "restore" : "create") + " NetworkPolicy " + namespace + "/" + MANAGED_NAME + " denying " + required
                        + (settings.isAllowDns() && required.contains(PolicyType.Egress) ? " (DNS egress allowed)" : ""));
        return ctx.fail(ref, reason, message, plan);
    }

    /** The directions a policy denies by default: selects every pod, declares the type, and allows nothing (or only DNS). */
    static Set<PolicyType> deniedTypes(NetworkPolicy policy, boolean allowDns) {
        Set<PolicyType> denied = EnumSet.noneOf(PolicyType.class);
        NetworkPolicySpec spec = policy.getSpec();
        if (spec == null || !selectsAllPods(spec.getPodSelector())) {
            return denied;
        }
        Set<PolicyType> types = effectiveTypes(spec);
        if (types.contains(PolicyType.Ingress) && isEmpty(spec.getIngress())) {
            denied.add(PolicyType.Ingress);
        }
        if (types.contains(PolicyType.Egress)
                && (isEmpty(spec.getEgress()) || allowDns && spec.getEgress().stream().allMatch(NetworkDefaultDeny::isDnsOnly))) {
            denied.add(PolicyType.Egress);
        }
        return denied;
    }

    /** Kubernetes' rule: without policyTypes a policy is Ingress, plus Egress when it has egress rules. */
    private static Set<PolicyType> effectiveTypes(NetworkPolicySpec spec) {
        Set<PolicyType> types = EnumSet.noneOf(PolicyType.class);
        if (spec.getPolicyTypes() == null || spec.getPolicyTypes().isEmpty()) {
            types.add(PolicyType.Ingress);
            if (!isEmpty(spec.getEgress())) {
                types.add(PolicyType.Egress);
            }
            return types;
        }
        for (String t : spec.getPolicyTypes()) {
            if ("Ingress".equals(t)) types.add(PolicyType.Ingress);
            if ("Egress".equals(t)) types.add(PolicyType.Egress);
        }
        return types;
    }

    private static boolean selectsAllPods(LabelSelector selector) {
        return selector == null
                || (isEmpty(selector.getMatchExpressions()) && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()));
    }

    /** A rule that opens port 53 only; a rule without ports opens every port. */
    private static boolean isDnsOnly(NetworkPolicyEgressRule rule) {
        if (isEmpty(rule.getPorts())) {
            return false;
        }
        for (NetworkPolicyPort port : rule.getPorts()) {
            IntOrString p = port.getPort();
            boolean is53 = p != null && p.getIntVal() != null && p.getIntVal() == DNS_PORT && port.getEndPort() == null;
            boolean dnsProtocol = port.getProtocol() == null || "UDP".equals(port.getProtocol()) || "TCP".equals(port.getProtocol());
            if (!is53 || !dnsProtocol) {
                return false;
            }
        }
        return true;
    }

    static NetworkPolicy desired(ControlContext ctx, String namespace, NetworkDefaultDenySpec settings) {
        List<String> types = settings.getPolicyTypes().stream().distinct().sorted().map(Enum::name).toList();
        NetworkPolicyBuilder builder = new NetworkPolicyBuilder()
                .withMetadata(ctx.managedMetadata(namespace, MANAGED_NAME))
                .withNewSpec()
                .withNewPodSelector().endPodSelector()
                .withPolicyTypes(types)
                .endSpec();
        if (settings.isAllowDns() && types.contains(PolicyType.Egress.name())) {
            builder.editSpec().withEgress(new NetworkPolicyEgressRuleBuilder()
                    .addNewPort().withProtocol("UDP").withPort(new IntOrString(DNS_PORT)).endPort()
                    .addNewPort().withProtocol("TCP").withPort(new IntOrString(DNS_PORT)).endPort()
                    .build()).endSpec();
        }
        return builder.build();
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
