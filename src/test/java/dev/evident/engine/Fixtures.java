package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicySpec;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec;
import dev.evident.api.v1alpha1.PodSecurityLevelSpec;
import dev.evident.controls.StandardControls;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain objects for engine and control tests. */
public final class Fixtures {
    public static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private Fixtures() {
    }

    public static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    public static Namespace namespace(String name) {
        return namespace(name, Map.of());
    }

    public static ControlPolicy policy(String name, Mode mode, ControlSpec... controls) {
        ControlPolicy p = new ControlPolicy();
        p.getMetadata().setName(name);
        ControlPolicySpec spec = new ControlPolicySpec();
        spec.setMode(mode);
        spec.setControls(new ArrayList<>(List.of(controls)));
        p.setSpec(spec);
        return p;
    }

    public static ControlSpec control(String id, String type) {
        ControlSpec c = new ControlSpec();
        c.setId(id);
        c.setType(type);
        return c;
    }

    /** A control of the given type with id {@code T-001}; {@code settings} fills its block. */
    public static ControlSpec configured(String type, java.util.function.Consumer<ControlSpec> settings) {
        ControlSpec spec = control("T-001", type);
        settings.accept(spec);
        return spec;
    }

    /**
     * The context the engine would give {@code control} for {@code spec} over {@code objects} (Namespaces
     * among them are what the policy selects from), offline (no operator namespace), in Audit mode.
     */
    public static ControlContext context(Control control, ControlSpec spec, io.fabric8.kubernetes.api.model.HasMetadata... objects) {
        return context(control, spec, null, objects);
    }

    /** As {@link #context(Control, ControlSpec, io.fabric8.kubernetes.api.model.HasMetadata...)}, with the operator in operatorNamespace. */
    public static ControlContext context(Control control, ControlSpec spec, String operatorNamespace, io.fabric8.kubernetes.api.model.HasMetadata... objects) {
        ControlPolicy policy = policy("soc2-test", Mode.Audit, spec);
        Snapshot snapshot = InMemorySnapshot.of(NOW, objects);
        return new ControlContext(policy, spec, control.defaultCriteria(), Mode.Audit,
                Engine.selectedNamespaces(policy.getSpec(), snapshot), snapshot, operatorNamespace);
    }

    public static ControlSpec networkDefaultDeny(String id, boolean allowDns, NetworkDefaultDenySpec.PolicyType... types) {
        ControlSpec c = control(id, "NetworkDefaultDeny");
        NetworkDefaultDenySpec s = new NetworkDefaultDenySpec();
        s.setAllowDns(allowDns);
        if (types.length > 0) {
            s.setPolicyTypes(new ArrayList<>(List.of(types)));
        }
        c.setNetworkDefaultDeny(s);
        return c;
    }

    public static ControlSpec podSecurityLevel(String id, String level) {
        ControlSpec c = control(id, "PodSecurityLevel");
        PodSecurityLevelSpec s = new PodSecurityLevelSpec();
        s.setLevel(level);
        c.setPodSecurityLevel(s);
        return c;
    }

    /** Evaluates one policy over the objects with the standard catalogue, offline (no operator namespace). */
    public static PolicyEvaluation evaluate(ControlPolicy policy, io.fabric8.kubernetes.api.model.HasMetadata... objects) {
        return new Engine(StandardControls.catalog(), null).evaluate(policy, InMemorySnapshot.of(NOW, objects));
    }
}
