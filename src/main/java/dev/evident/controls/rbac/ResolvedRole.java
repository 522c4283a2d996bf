package dev.evident.controls.rbac;

import dev.evident.engine.LabelSelectors;
import dev.evident.engine.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The role a binding refers to, with the rules it grants, resolved as the API server does.
 *
 * @param role    "ClusterRole name" or "Role name"
 * @param name    the roleRef's name
 * @param found   whether the role is in the snapshot
 * @param invalid why the API server would reject the roleRef (it then grants nothing), or null
 * @param rules   the rules, each with the role it comes from (aggregated ClusterRoles add their sources')
 */
public record ResolvedRole(String role, String name, boolean found, String invalid, List<SourcedRule> rules) {

    /** One rule and where it is written: rules[index] of role. */
    public record SourcedRule(String role, int index, PolicyRule rule) {
        @Override
        public String toString() {
            return role + " rules[" + index + "] (apiGroups " + list(rule.getApiGroups()) + ", resources " + list(rule.getResources())
                    + (rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? "" : ", resourceNames " + list(rule.getResourceNames()))
                    + ", verbs " + list(rule.getVerbs()) + ")";
        }

        private static String list(List<String> values) {
            return values == null ? "[]" : values.stream().map(v -> v == null || v.isEmpty() ? "\"\"" : v).toList().toString();
        }
    }

    /** The role bound by a ClusterRoleBinding or RoleBinding (namespace null for a ClusterRoleBinding). */
    public static ResolvedRole of(Snapshot snapshot, HasMetadata binding, RoleRef roleRef) {
        if (roleRef == null || roleRef.getName() == null) {
            return new ResolvedRole("no role", null, false, null, List.of());
        }
        String kind = roleRef.getKind() == null ? "ClusterRole" : roleRef.getKind();
        String role = kind + " " + roleRef.getName();
        boolean clusterBinding = binding instanceof ClusterRoleBinding;
        if (clusterBinding && !"ClusterRole".equals(kind) || !"ClusterRole".equals(kind) && !"Role".equals(kind)) {
            String describe = binding.getKind() + " " + (clusterBinding ? "" : binding.getMetadata().getNamespace() + "/") + binding.getMetadata().getName();
            return new ResolvedRole(role, roleRef.getName(), false, describe + " refers to " + role + ", but a "
                    + (clusterBinding ? "ClusterRoleBinding can only refer to a ClusterRole" : "RoleBinding only to a Role or ClusterRole")
                    + ": the API server rejects it, so it grants nothing", List.of());
        }
        if ("Role".equals(kind)) {
            Optional<Role> r = snapshot.get(Role.class, binding.getMetadata().getNamespace(), roleRef.getName());
            return new ResolvedRole(role, roleRef.getName(), r.isPresent(), null, r.map(x -> sourced(role, x.getRules())).orElse(List.of()));
        }
        Optional<ClusterRole> r = snapshot.get(ClusterRole.class, null, roleRef.getName());
        return new ResolvedRole(role, roleRef.getName(), r.isPresent(), null, r.map(x -> clusterRoleRules(snapshot, x)).orElse(List.of()));
    }

    /**
     * A ClusterRole's own rules and, with an aggregationRule, those of every ClusterRole its selectors match
     * (recursively, as the aggregation controller converges), so that an export taken before the controller
     * ran, or a manifest, is judged on what the role will hold.
     */
    static List<SourcedRule> clusterRoleRules(Snapshot snapshot, ClusterRole root) {
        List<SourcedRule> rules = new ArrayList<>();
        Set<String> visited = new LinkedHashSet<>();
        List<ClusterRole> pending = new ArrayList<>(List.of(root));
        List<ClusterRole> all = null;
        while (!pending.isEmpty()) {
            ClusterRole role = pending.remove(0);
            if (!visited.add(role.getMetadata().getName())) {
                continue;
            }
            rules.addAll(sourced("ClusterRole " + role.getMetadata().getName(), role.getRules()));
            if (role.getAggregationRule() == null || role.getAggregationRule().getClusterRoleSelectors() == null) {
                continue;
            }
            if (all == null) {
                all = snapshot.list(ClusterRole.class).stream().sorted(Comparator.comparing(c -> c.getMetadata().getName())).toList();
            }
            for (LabelSelector selector : role.getAggregationRule().getClusterRoleSelectors()) {
                if (selector == null) {
                    continue;
                }
                for (ClusterRole candidate : all) {
                    if (!visited.contains(candidate.getMetadata().getName())
                            && LabelSelectors.matches(selector, candidate.getMetadata().getLabels())) {
                        pending.add(candidate);
                    }
                }
            }
        }
        return rules;
    }

    private static List<SourcedRule> sourced(String role, List<PolicyRule> rules) {
        List<SourcedRule> out = new ArrayList<>();
        if (rules != null) {
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i) != null) {
                    out.add(new SourcedRule(role, i, rules.get(i)));
                }
            }
        }
        return out;
    }
}
