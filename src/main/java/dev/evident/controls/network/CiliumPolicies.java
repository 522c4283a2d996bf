package dev.evident.controls.network;

import dev.evident.api.v1alpha1.NetworkDefaultDenySpec.PolicyType;
import dev.evident.engine.LabelSelectors;
import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which directions a Cilium policy (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy; cilium.io/v2) denies by
 * default for every pod of a namespace, judged as conservatively as NetworkDefaultDeny judges a NetworkPolicy.
 *
 * <p>Cilium's rule (default policy enforcement mode): an endpoint selected by a rule that has an {@code ingress} or
 * {@code ingressDeny} section (a non-empty list; an empty one is as if omitted) is in default-deny at ingress, unless
 * the rule sets {@code enableDefaultDeny.ingress: false} (Cilium 1.15 and later); likewise for egress. A rule counts
 * when its endpointSelector selects every pod of the namespace (empty, or only requirements on the namespace's name
 * {@code io.kubernetes.pod.namespace} or labels {@code io.cilium.k8s.namespace.labels.*}, which a CNP has implicitly
 * anyway) and its allow rules of that direction allow nothing: each is empty ({@code {}}, Cilium's documented way to
 * enter default-deny without allowing a peer), or for egress with allowDns only opens port 53. Deny rules never allow,
 * so their content does not matter. Rules with a nodeSelector are host policies and never count.
 */
final class CiliumPolicies {
    static final ResourceKind NAMESPACED = new ResourceKind("cilium.io", "v2", "CiliumNetworkPolicy", "ciliumnetworkpolicies", true);
    static final ResourceKind CLUSTERWIDE = new ResourceKind("cilium.io", "v2", "CiliumClusterwideNetworkPolicy",
            "ciliumclusterwidenetworkpolicies", false);

    private static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";
    private static final String NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";
    /** Label sources a selector key may carry that still mean a Kubernetes label; others (reserved:, cidr:) are not pods. */
    private static final List<String> SOURCES = List.of("k8s:", "any:");
    /** Peer selectors an egress rule may combine with DNS-only ports: each only narrows where port 53 goes. */
    private static final Set<String> EGRESS_PEERS = Set.of("toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toServices", "toFQDNs",
            "toGroups", "toNodes");
    private static final String DNS_PORT = "53";

    private CiliumPolicies() {
    }

    /** The directions some rule of the policy (spec, or any of specs) denies by default for every pod of the namespace. */
    static Set<PolicyType> deniedTypes(GenericKubernetesResource policy, Namespace namespace, boolean allowDns) {
        Set<PolicyType> denied = EnumSet.noneOf(PolicyType.class);
        for (Map<?, ?> rule : rules(policy)) {
            if (rule.containsKey("nodeSelector") || !(rule.get("endpointSelector") instanceof Map<?, ?> selector)
                    || !selectsEveryPod(selector, namespace)) {
                continue;
            }
            if (defaultDeny(rule, "ingress") && list(rule.get("ingress")).stream().allMatch(CiliumPolicies::isEmptyRule)) {
                denied.add(PolicyType.Ingress);
            }
            if (defaultDeny(rule, "egress")
                    && list(rule.get("egress")).stream().allMatch(r -> isEmptyRule(r) || allowDns && isDnsOnly(r))) {
                denied.add(PolicyType.Egress);
            }
        }
        return denied;
    }

    private static List<Map<?, ?>> rules(GenericKubernetesResource policy) {
        List<Map<?, ?>> rules = new ArrayList<>();
        Map<String, Object> properties = policy.getAdditionalProperties();
        if (properties.get("spec") instanceof Map<?, ?> spec) {
            rules.add(spec);
        }
        for (Object rule : list(properties.get("specs"))) {
            if (rule instanceof Map<?, ?> m) {
                rules.add(m);
            }
        }
        return rules;
    }

    /** The rule has a non-empty allow or deny section in the direction, and does not switch default-deny off there. */
    private static boolean defaultDeny(Map<?, ?> rule, String direction) {
        boolean hasRules = !list(rule.get(direction)).isEmpty() || !list(rule.get(direction + "Deny")).isEmpty();
        boolean switchedOff = rule.get("enableDefaultDeny") instanceof Map<?, ?> enable && Boolean.FALSE.equals(enable.get(direction));
        return hasRules && !switchedOff;
    }

    /**
     * Every requirement is on the namespace's name or labels and holds for this namespace; a requirement on any pod
     * label (or a malformed selector) means some pods may not be selected.
     */
    static boolean selectsEveryPod(Map<?, ?> selector, Namespace namespace) {
        Map<String, String> namespaceLabels = new HashMap<>();
        namespaceLabels.put(NAMESPACE_KEY, namespace.getMetadata().getName());
        if (namespace.getMetadata().getLabels() != null) {
            namespace.getMetadata().getLabels().forEach((k, v) -> namespaceLabels.put(NAMESPACE_LABELS_PREFIX + k, v));
        }
        LabelSelector plain = new LabelSelector();
        if (selector.get("matchLabels") instanceof Map<?, ?> labels) {
            Map<String, String> matchLabels = new HashMap<>();
            for (Map.Entry<?, ?> e : labels.entrySet()) {
                String key = namespaceKey(e.getKey());
                if (key == null || !(e.getValue() instanceof String value)) {
                    return false;
                }
                matchLabels.put(key, value);
            }
            plain.setMatchLabels(matchLabels);
        } else if (selector.get("matchLabels") != null) {
            return false;
        }
        List<LabelSelectorRequirement> expressions = new ArrayList<>();
        for (Object o : list(selector.get("matchExpressions"))) {
            if (!(o instanceof Map<?, ?> expression) || !(expression.get("operator") instanceof String operator)) {
                return false;
            }
            String key = namespaceKey(expression.get("key"));
            if (key == null) {
                return false;
            }
            List<String> values = new ArrayList<>();
            for (Object v : list(expression.get("values"))) {
                values.add(String.valueOf(v));
            }
            expressions.add(new LabelSelectorRequirement(key, operator, values));
        }
        plain.setMatchExpressions(expressions);
        return LabelSelectors.matches(plain, namespaceLabels);
    }

    /** The key without its label source when it names the namespace or one of its labels, else null. */
    private static String namespaceKey(Object key) {
        if (!(key instanceof String k)) {
            return null;
        }
        for (String source : SOURCES) {
            if (k.startsWith(source)) {
                k = k.substring(source.length());
                break;
            }
        }
        return k.equals(NAMESPACE_KEY) || k.startsWith(NAMESPACE_LABELS_PREFIX) ? k : null;
    }

    private static boolean isEmptyRule(Object rule) {
        return rule instanceof Map<?, ?> m && m.isEmpty();
    }

    /** An egress rule whose every port rule opens port 53 only (UDP, TCP or either); a rule without toPorts opens every port. */
    private static boolean isDnsOnly(Object rule) {
        if (!(rule instanceof Map<?, ?> m) || list(m.get("toPorts")).isEmpty()) {
            return false;
        }
        for (Object key : m.keySet()) {
            if (!"toPorts".equals(key) && !EGRESS_PEERS.contains(key)) {
                return false; // icmps and anything newer may open more than port 53
            }
        }
        for (Object portRule : list(m.get("toPorts"))) {
            if (!(portRule instanceof Map<?, ?> pr) || list(pr.get("ports")).isEmpty()
                    || pr.keySet().stream().anyMatch(k -> !"ports".equals(k) && !"rules".equals(k))) {
                return false;
            }
            for (Object port : list(pr.get("ports"))) {
                if (!(port instanceof Map<?, ?> p) || !DNS_PORT.equals(String.valueOf(p.get("port")))
                        || p.get("endPort") != null && !DNS_PORT.equals(String.valueOf(p.get("endPort")))
                        || p.get("protocol") != null && !Set.of("UDP", "TCP", "ANY").contains(String.valueOf(p.get("protocol")))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }
}
