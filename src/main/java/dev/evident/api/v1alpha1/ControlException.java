package dev.evident.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A control of a policy knowingly not met for some objects, with a justification, an approver and an end date.
 * Cluster-scoped.
 */
@Group(ControlPolicy.GROUP)
@Version(ControlPolicy.VERSION)
@ShortNames({"cex", "cexs"})
@AdditionalPrinterColumn(name = "Policy", jsonPath = ".spec.policy", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Covered", jsonPath = ".status.coveredCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".spec.expiresAt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ControlException extends CustomResource<ControlExceptionSpec, ControlExceptionStatus> {
    public static final String KIND = "ControlException";
    /** What {@code kubectl explain controlexception} shows for the kind, its spec and its status (see CrdUpToDateTest). */
    public static final String DESCRIPTION = "A waiver: controls of one ControlPolicy knowingly not met for some namespaces or named objects, "
            + "with a justification, an approver, a ticket and an expiry no further than the operator's maximum (default 90 days) from "
            + "creation. Matching findings become excepted (not violations, not remediated) until expiresAt. Cluster-scoped; short name cex.";
    public static final String SPEC_DESCRIPTION = "What is waived (policy, controls, namespaces or objectSelector), why, who approved it, "
            + "and until when.";
    public static final String STATUS_DESCRIPTION = "What Evident last observed: Active, Expired or Invalid, the findings the exception "
            + "covers, whether it is unused, and the Ready condition. Written by the operator only.";

    @Override
    protected ControlExceptionStatus initStatus() {
        return new ControlExceptionStatus();
    }
}
