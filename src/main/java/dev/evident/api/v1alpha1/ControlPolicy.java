package dev.evident.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
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

    @Override
    protected ControlPolicyStatus initStatus() {
        return new ControlPolicyStatus();
    }
}
