package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicySpec;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.exceptions.Exceptions;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Duration;
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
    /** The order of a control's findings: by namespace, kind and name, ties in the order the control gave them. */
    public static final Comparator<Finding> ORDER = Comparator.comparing((Finding f) -> String.valueOf(f.object().namespace()))
            .thenComparing(f -> f.object().kind())
            .thenComparing(f -> f.object().name());

    private final ControlCatalog catalog;
    private final PolicyValidator validator;
    private final String operatorNamespace;
    private final Duration maxExceptionDuration;

    /** @param operatorNamespace where Evident runs (null offline); see {@link ControlContext}. */
    public Engine(ControlCatalog catalog, String operatorNamespace) {
        this(catalog, operatorNamespace, Exceptions.DEFAULT_MAX_DURATION);
    }

    /** @param maxExceptionDuration how far after its creation a ControlException may expire (longer ones are Invalid) */
    public Engine(ControlCatalog catalog, String operatorNamespace, Duration maxExceptionDuration) {
        this.catalog = catalog;
        this.validator = new PolicyValidator(catalog);
        this.operatorNamespace = operatorNamespace;
        this.maxExceptionDuration = maxExceptionDuration;
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
            ControlContext context = context(policy, controlSpec, namespaces, snapshot);
            controls.add(new ControlEvaluation(controlSpec.getId(), controlSpec.getType(), context.mode(), context.criteria(),
                    evaluateSafely(control, context)));
        }
        // ControlExceptions come from the snapshot like any object, so every caller of the engine honours them alike.
        Exceptions.Applied applied = Exceptions.apply(policy, controls, snapshot.list(ControlException.class), snapshot.now(), maxExceptionDuration);
        return new PolicyEvaluation(name, SpecHash.of(spec), List.of(), applied.controls(), applied.outcomes());
    }

    /**
     * Re-evaluates one control of a valid policy over the selected namespaces, narrowed to {@code namespace}
     * when it is not null (an empty list of namespaces when it is the empty string): how the operator checks
     * that a remediation it wrote left the object compliant, without re-judging the whole cluster.
     */
    public List<Finding> evaluateControl(ControlPolicy policy, String controlId, Snapshot snapshot, String namespace) {
        ControlPolicySpec spec = policy.getSpec();
        ControlSpec controlSpec = spec.getControls().stream().filter(c -> controlId.equals(c.getId())).findFirst().orElseThrow();
        Control control = catalog.find(controlSpec.getType()).orElseThrow();
        List<Namespace> namespaces = namespace == null ? selectedNamespaces(spec, snapshot) : selected(spec, snapshot, namespace);
        ControlContext context = context(policy, controlSpec, namespaces, snapshot);
        ControlEvaluation evaluation = new ControlEvaluation(controlId, controlSpec.getType(), context.mode(), context.criteria(),
                evaluateSafely(control, context));
        return Exceptions.apply(policy, List.of(evaluation), snapshot.list(ControlException.class), snapshot.now(), maxExceptionDuration)
                .controls().get(0).findings();
    }

    private ControlContext context(ControlPolicy policy, ControlSpec controlSpec, List<Namespace> namespaces, Snapshot snapshot) {
        ControlPolicySpec spec = policy.getSpec();
        Control control = catalog.find(controlSpec.getType()).orElseThrow();
        List<String> criteria = controlSpec.getCriteria() == null || controlSpec.getCriteria().isEmpty()
                ? control.defaultCriteria() : controlSpec.getCriteria();
        Mode mode = controlSpec.getMode() != null ? controlSpec.getMode() : spec.getMode() == null ? Mode.Audit : spec.getMode();
        return new ControlContext(policy, controlSpec, criteria, mode, namespaces, snapshot, operatorNamespace);
    }

    /** A control that throws yields one error finding instead of taking the whole policy down. */
    private static List<Finding> evaluateSafely(Control control, ControlContext context) {
        try {
            List<Finding> findings = new ArrayList<>(control.evaluate(context));
            findings.sort(ORDER);
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

    /** The one namespace if the policy selects it (a lookup by name, not a scan of every namespace), else none. */
    private static List<Namespace> selected(ControlPolicySpec spec, Snapshot snapshot, String namespace) {
        if (namespace.isEmpty() || spec.getExcludedNamespaces() != null && spec.getExcludedNamespaces().contains(namespace)) {
            return List.of();
        }
        return snapshot.get(Namespace.class, null, namespace)
                .filter(ns -> LabelSelectors.matches(spec.getNamespaceSelector(), ns.getMetadata().getLabels()))
                .map(List::of)
                .orElse(List.of());
    }
}
