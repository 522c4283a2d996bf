package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicySpec;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Policies, contexts and namespaces for control tests: plain objects, no server. */
public final class TestPolicies {
    public static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    public static final String POLICY = "soc2-test";

    private TestPolicies() {
    }

    /** A control spec of the given type with id {@code T-001}; {@code settings} fills its block. */
    public static ControlSpec control(String type, Consumer<ControlSpec> settings) {
        ControlSpec spec = new ControlSpec();
        spec.setId("T-001");
        spec.setType(type);
        settings.accept(spec);
        return spec;
    }

    /** A policy named {@value #POLICY} holding the controls, with the default namespace exclusions. */
    public static ControlPolicy policy(Mode mode, ControlSpec... controls) {
        ControlPolicySpec spec = new ControlPolicySpec();
        spec.setMode(mode);
        spec.setControls(List.of(controls));
        ControlPolicy policy = new ControlPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName(POLICY).build());
        policy.setSpec(spec);
        return policy;
    }

    /**
     * The context the engine would give {@code control} for {@code spec} over {@code objects} (Namespaces
     * among them are what the policy selects from), offline (no operator namespace), in Audit mode.
     */
    public static ControlContext context(Control control, ControlSpec spec, HasMetadata... objects) {
        return context(control, spec, null, objects);
    }

    /** As {@link #context(Control, ControlSpec, HasMetadata...)}, with the operator running in operatorNamespace. */
    public static ControlContext context(Control control, ControlSpec spec, String operatorNamespace, HasMetadata... objects) {
        ControlPolicy policy = policy(Mode.Audit, spec);
        Snapshot snapshot = InMemorySnapshot.of(NOW, objects);
        return new ControlContext(policy, spec, control.defaultCriteria(), Mode.Audit,
                Engine.selectedNamespaces(policy.getSpec(), snapshot), snapshot, operatorNamespace);
    }

    public static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    }
}
