package dev.evident.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A set of SOC 2 controls that the selected namespaces of a cluster must hold. Cluster-scoped. */
@Group(ControlPolicy.GROUP)
@Version(ControlPolicy.VERSION)
@ShortNames({"cpol", "cpols"})
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Controls", jsonPath = ".status.controlCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Violations", jsonPath = ".status.violations.total", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Score", jsonPath = ".status.score", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ControlPolicy extends CustomResource<ControlPolicySpec, ControlPolicyStatus> {
    public static final String GROUP = "evident.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "ControlPolicy";
    /**
     * What {@code kubectl explain controlpolicy} shows for the kind, its spec and its status. The CRD generator
     * cannot take descriptions for these three, so the committed CRD carries them (see CrdUpToDateTest).
     */
    public static final String DESCRIPTION = "A set of SOC 2 controls that the selected namespaces of a cluster must hold. Evident "
            + "evaluates it continuously, remediates where mode is Enforce, and records status, Events and metrics as audit evidence. "
            + "Cluster-scoped; short name cpol.";
    public static final String SPEC_DESCRIPTION = "What the policy requires: the mode (Audit or Enforce), which namespaces it applies to, "
            + "and its controls, each mapped to SOC 2 Trust Services Criteria.";
    public static final String STATUS_DESCRIPTION = "What Evident last observed: the spec version in force (specHash), the score, the "
            + "Ready and Compliant conditions, one summary per control and the first violations. Written by the operator only.";

    @Override
    protected ControlPolicyStatus initStatus() {
        return new ControlPolicyStatus();
    }
}
