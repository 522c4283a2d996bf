package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlSpec;
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

    /** One finding per object the control judges. */
    List<Finding> evaluate(ControlContext context);
}
