package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicySpec;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Policy + snapshot -> findings. Pure: no client, no clock, no I/O, so the operator and the audit
 * command give the same answers for the same objects.
 */
public final class Engine {
    private final ControlCatalog catalog;
    private final PolicyValidator validator;
    private final String operatorNamespace;

    /** @param operatorNamespace where Evident runs (null offline); see {@link ControlContext}. */
    public Engine(ControlCatalog catalog, String operatorNamespace) {
        this.catalog = catalog;
        this.validator = new PolicyValidator(catalog);
        this.operatorNamespace = operatorNamespace;
    }

    public ControlCatalog catalog() {
        return catalog;
    }

    public PolicyEvaluation evaluate(ControlPolicy policy, Snapshot snapshot) {
        String name = policy.getMetadata() == null ? null : policy.getMetadata().getName();
        List<String> problems = validator.validate(policy);
        if (!problems.isEmpty()) {
            return new PolicyEvaluation(name, policy.getSpec() == null ? null : SpecHash.of(policy.getSpec()), problems, List.of());
        }
        ControlPolicySpec spec = policy.getSpec();
        List<Namespace> namespaces = selectedNamespaces(spec, snapshot);
        List<ControlEvaluation> controls = new ArrayList<>();
        for (ControlSpec controlSpec : spec.getControls()) {
            Control control = catalog.find(controlSpec.getType()).orElseThrow();
            List<String> criteria = controlSpec.getCriteria() == null || controlSpec.getCriteria().isEmpty()
                    ? control.defaultCriteria() : controlSpec.getCriteria();
            Mode mode = controlSpec.getMode() != null ? controlSpec.getMode() : spec.getMode() == null ? Mode.Audit : spec.getMode();
            ControlContext context = new ControlContext(policy, controlSpec, criteria, mode, namespaces, snapshot, operatorNamespace);
            controls.add(new ControlEvaluation(controlSpec.getId(), controlSpec.getType(), mode, criteria, evaluateSafely(control, context)));
        }
        return new PolicyEvaluation(name, SpecHash.of(spec), List.of(), controls);
    }

    /** A control that throws yields one error finding instead of taking the whole policy down. */
    private static List<Finding> evaluateSafely(Control control, ControlContext context) {
        try {
            List<Finding> findings = new ArrayList<>(control.evaluate(context));
            findings.sort(Comparator.comparing((Finding f) -> String.valueOf(f.object().namespace()))
                    .thenComparing(f -> f.object().kind())
                    .thenComparing(f -> f.object().name()));
            return findings;
        } catch (RuntimeException e) {
            ObjectRef policyRef = new ObjectRef(ControlPolicy.KIND, null, context.policyName());
            return List.of(context.error(policyRef, "ControlError", control.type() + " failed: " + e));
        }
    }

    /** Namespaces the policy selects, minus the excluded ones, sorted by name. */
    public static List<Namespace> selectedNamespaces(ControlPolicySpec spec, Snapshot snapshot) {
        Set<String> excluded = new HashSet<>(spec.getExcludedNamespaces() == null ? List.of() : spec.getExcludedNamespaces());
        return snapshot.list(Namespace.class).stream()
                .filter(ns -> !excluded.contains(ns.getMetadata().getName()))
                .filter(ns -> LabelSelectors.matches(spec.getNamespaceSelector(), ns.getMetadata().getLabels()))
                .sorted(Comparator.comparing(ns -> ns.getMetadata().getName()))
                .toList();
    }
}
