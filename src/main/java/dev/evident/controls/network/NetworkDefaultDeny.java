package dev.evident.controls.network;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec.PolicyType;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Remediation;
import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every selected namespace denies the required traffic directions by default: some NetworkPolicy there
 * selects all pods and allows nothing in that direction (for egress, nothing but DNS when allowDns).
 * Policies that allow more traffic on top do not matter; a policy with a narrower podSelector does not
 * count. Where Cilium is installed, a CiliumNetworkPolicy in the namespace or a CiliumClusterwideNetworkPolicy
 * that denies by default for every pod of it counts too (see {@link CiliumPolicies}). Remediation creates or
 * restores the managed NetworkPolicy {@value #MANAGED_NAME}.
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
    public List<ResourceKind> genericReads() {
        return List.of(CiliumPolicies.NAMESPACED, CiliumPolicies.CLUSTERWIDE);
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
        Optional<NetworkPolicy> named = policies.stream().filter(p -> MANAGED_NAME.equals(p.getMetadata().getName())).findFirst();
        boolean namedIsManaged = named.map(Labels::isManaged).orElse(false);
        // built only when compared or planned: building it for every namespace was a quarter of an audit's time at 30,000
        NetworkPolicy desired = namedIsManaged ? desired(ctx, namespace, settings) : null;

        Set<PolicyType> covered = EnumSet.noneOf(PolicyType.class);
        // kind -> names of the policies that deny something required, for the message
        Map<String, List<String>> satisfying = new LinkedHashMap<>();
        for (NetworkPolicy p : policies) {
            if (namedIsManaged && p == named.get() && !Objects.equals(p.getSpec(), desired.getSpec())) {
                continue; // a drifted managed policy is repaired even when it still happens to deny enough
            }
            credit(deniedTypes(p, settings.isAllowDns()), required, covered, satisfying, "NetworkPolicy", p.getMetadata().getName());
        }
        List<GenericKubernetesResource> cilium = new ArrayList<>(ctx.snapshot().list(CiliumPolicies.NAMESPACED, namespace));
        cilium.addAll(ctx.snapshot().list(CiliumPolicies.CLUSTERWIDE));
        for (GenericKubernetesResource p : cilium) {
            credit(CiliumPolicies.deniedTypes(p, ns, settings.isAllowDns()), required, covered, satisfying, p.getKind(), p.getMetadata().getName());
        }
        if (covered.containsAll(required)) {
            return ctx.pass(ref, "DefaultDenyPresent", "default-deny " + required + " by " + describe(satisfying));
        }
        Set<PolicyType> missing = EnumSet.copyOf(required);
        missing.removeAll(covered);
        if (ControlContext.isTerminating(ns)) {
            return ctx.notApplicable(ref, "NamespaceTerminating", "namespace is being deleted");
        }
        Optional<String> unreadable = Stream.of(CiliumPolicies.NAMESPACED, CiliumPolicies.CLUSTERWIDE)
                .flatMap(k -> ctx.snapshot().unreadable(k).stream()).findFirst();
        if (unreadable.isPresent()) {
            // a Cilium policy Evident cannot see might deny by default: neither a fail nor a plan would be true
            return ctx.error(ref, "CiliumPoliciesUnreadable", "no NetworkPolicy denies " + missing + " and Cilium's policies could not be read: "
                    + unreadable.get());
        }
        if (named.isPresent() && !namedIsManaged) {
            return ctx.fail(ref, "NameConflict", "no default-deny for " + missing + "; NetworkPolicy " + MANAGED_NAME
                    + " exists but is not managed by Evident, so it is left alone and nothing is created", null);
        }
        boolean ciliumServed = ctx.snapshot().serves(CiliumPolicies.NAMESPACED) || ctx.snapshot().serves(CiliumPolicies.CLUSTERWIDE);
        String reason = namedIsManaged ? "ManagedPolicyDrifted" : "DefaultDenyMissing";
        String message = namedIsManaged
                ? "managed NetworkPolicy " + MANAGED_NAME + " was changed; no default-deny for " + missing
                : "no NetworkPolicy " + (ciliumServed ? "or Cilium policy " : "") + "selecting all pods denies " + missing
                        + (satisfying.isEmpty() ? "" : " (" + covered + " by " + describe(satisfying) + ")");
        if (namespace.equals(ctx.operatorNamespace())) {
            return ctx.fail(ref, reason, message + "; not remediated in the operator's own namespace, where a default-deny could cut Evident off from the API server", null);
        }
        Remediation plan = new Remediation.Apply(desired != null ? desired : desired(ctx, namespace, settings), Remediation.FIELD_MANAGER,
                (namedIsManaged ? "restore" : "create") + " NetworkPolicy " + namespace + "/" + MANAGED_NAME + " denying " + required
                        + (settings.isAllowDns() && required.contains(PolicyType.Egress) ? " (DNS egress allowed)" : ""));
        return ctx.fail(ref, reason, message, plan);
    }

    /** "NetworkPolicy a, b; CiliumNetworkPolicy c". */
    private static String describe(Map<String, List<String>> satisfying) {
        return satisfying.entrySet().stream().map(e -> e.getKey() + " " + String.join(", ", e.getValue())).collect(Collectors.joining("; "));
    }

    private static void credit(Set<PolicyType> denied, Set<PolicyType> required, Set<PolicyType> covered,
            Map<String, List<String>> satisfying, String kind, String name) {
        denied.retainAll(required);
        if (!denied.isEmpty()) {
            covered.addAll(denied);
            satisfying.computeIfAbsent(kind, k -> new ArrayList<>()).add(name);
        }
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
