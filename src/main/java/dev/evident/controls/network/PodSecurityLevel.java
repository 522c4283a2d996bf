package dev.evident.controls.network;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.PodSecurityLevelSpec.Level;
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
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Every selected namespace enforces at least the configured Pod Security Standards level through its
 * {@value Labels#PSS_ENFORCE} label (privileged < baseline < restricted). Remediation sets that one label
 * with its own field manager, so nothing else of the Namespace changes hands.
 */
public final class PodSecurityLevel implements Control {
    public static final String TYPE = "PodSecurityLevel";
    public static final String FIELD_MANAGER = "evident-pod-security";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC6.8");
    }

    @Override
    public List<Read> reads() {
        return List.of();
    }

    @Override
    public List<String> validate(ControlSpec spec) {
        if (spec.getPodSecurityLevel() == null) {
            return List.of("podSecurityLevel: required with type PodSecurityLevel");
        }
        String level = spec.getPodSecurityLevel().getLevel();
        if (!"baseline".equals(level) && !"restricted".equals(level)) {
            return List.of("podSecurityLevel.level: must be baseline or restricted, got '" + level + "'");
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
        Level required = Level.valueOf(ctx.spec().getPodSecurityLevel().getLevel());
        List<Finding> findings = new ArrayList<>();
        for (Namespace ns : ctx.namespaces()) {
            findings.add(evaluate(ctx, required, ns));
        }
        return findings;
    }

    private Finding evaluate(ControlContext ctx, Level required, Namespace ns) {
        String name = ns.getMetadata().getName();
        ObjectRef ref = ObjectRef.namespace(name);
        String actual = ns.getMetadata().getLabels() == null ? null : ns.getMetadata().getLabels().get(Labels.PSS_ENFORCE);
        Level level = parse(actual);
        if (level != null && level.compareTo(required) >= 0) {
            return ctx.pass(ref, "LevelSufficient", Labels.PSS_ENFORCE + "=" + actual + " meets " + required);
        }
        if (ControlContext.isTerminating(ns)) {
            return ctx.notApplicable(ref, "NamespaceTerminating", "namespace is being deleted");
        }
        String reason;
        String message;
        if (actual == null) {
            reason = "LabelMissing";
            message = "no " + Labels.PSS_ENFORCE + " label; " + required + " required";
        } else if (level == null) {
            reason = "LabelInvalid";
            message = Labels.PSS_ENFORCE + "=" + actual + " is not a Pod Security Standards level; " + required + " required";
        } else {
            reason = "LevelTooLow";
            message = Labels.PSS_ENFORCE + "=" + actual + " is below " + required;
        }
        Namespace desired = new NamespaceBuilder()
                .withNewMetadata().withName(name).addToLabels(Labels.PSS_ENFORCE, required.name()).endMetadata()
                .build();
        Remediation plan = new Remediation.Apply(desired, FIELD_MANAGER,
                "label Namespace " + name + " " + Labels.PSS_ENFORCE + "=" + required);
        return ctx.fail(ref, reason, message, plan);
    }

    private static Level parse(String value) {
        if (value == null) {
            return null;
        }
        for (Level l : Level.values()) {
            if (l.name().equals(value)) {
                return l;
            }
        }
        return null;
    }
}
