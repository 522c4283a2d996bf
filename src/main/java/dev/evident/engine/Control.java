package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * One kind of control. Implementations are pure: they read only the snapshot and the control's
 * settings in the context, and return findings, never touching a client or a clock.
 */
public interface Control {
    /** The value of {@code spec.controls[].type} this control answers to. */
    String type();

    /** SOC 2 criteria used when the policy names none. */
    List<String> defaultCriteria();

    /**
     * Kinds the control reads from the snapshot besides Namespaces: the operator watches them and maps
     * their changes to policies, the audit command lists them with --cluster.
     */
    List<Read> reads();

    /**
     * Kinds of optional CustomResourceDefinitions the control reads as generic resources: the operator
     * watches for the CRD and starts watching the kind once it is installed, without a restart.
     */
    default List<ResourceKind> genericReads() {
        return List.of();
    }

    /**
     * Problems in the control's settings that the CRD schema cannot express, each starting with the
     * field path relative to the control (for example {@code "podSecurityLevel.level: ..."}).
     */
    default List<String> validate(ControlSpec spec) {
        return List.of();
    }

    /**
     * Which findings a change to this object (a Namespace, or an object of a kind in {@link #reads()}) can change, so
     * that the operator re-evaluates only those. {@link Affected#ALL} (the default) is always safe. Anything narrower
     * is a promise: a namespace's findings depend only on that Namespace, the objects in it and objects whose change the
     * control answers with ALL (evaluating the control over that one namespace gives them exactly as a full evaluation
     * does, in the same order); the cluster's findings depend on no Namespace and no namespaced object; and none
     * depends on the passage of time.
     */
    default Affected affectedBy(HasMetadata object) {
        return Affected.ALL;
    }

    /** One finding per object the control judges. */
    List<Finding> evaluate(ControlContext context);
}
