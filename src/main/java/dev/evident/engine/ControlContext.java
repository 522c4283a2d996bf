package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;

/**
 * Everything a control gets for one evaluation: its settings, the namespaces its policy selects,
 * the snapshot, and helpers that build findings and managed-object metadata consistently.
 *
 * @param operatorNamespace the namespace Evident runs in, or null offline; controls must not plan a
 *                          remediation there that could cut the operator off from the API server
 */
public record ControlContext(
        ControlPolicy policy,
        ControlSpec spec,
        List<String> criteria,
        Mode mode,
        List<Namespace> namespaces,
        Snapshot snapshot,
        String operatorNamespace) {

    /** A namespace being deleted: creating objects in it fails, so controls report instead of planning. */
    public static boolean isTerminating(Namespace ns) {
        return ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase())
                || ns.getMetadata().getDeletionTimestamp() != null;
    }

    public String policyName() {
        return policy.getMetadata().getName();
    }

    public Finding pass(ObjectRef object, String reason, String message) {
        return finding(object, Result.PASS, reason, message, null);
    }

    public Finding fail(ObjectRef object, String reason, String message, Remediation remediation) {
        return finding(object, Result.FAIL, reason, message, remediation);
    }

    public Finding notApplicable(ObjectRef object, String reason, String message) {
        return finding(object, Result.NOT_APPLICABLE, reason, message, null);
    }

    public Finding error(ObjectRef object, String reason, String message) {
        return finding(object, Result.ERROR, reason, message, null);
    }

    private Finding finding(ObjectRef object, Result result, String reason, String message, Remediation remediation) {
        return new Finding(policyName(), spec.getId(), spec.getType(), criteria, object, result, reason, message, remediation);
    }

    /**
     * Metadata for an object Evident creates and owns: the managed-by, policy and control labels, and an
     * owner reference to the policy (when it has a uid, i.e. it came from a cluster) so that deleting
     * the policy garbage-collects the object.
     */
    public ObjectMeta managedMetadata(String namespace, String name) {
        ObjectMetaBuilder meta = new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .addToLabels(Labels.POLICY, policyName())
                .addToLabels(Labels.CONTROL, spec.getId());
        String uid = policy.getMetadata().getUid();
        if (uid != null) {
            meta.addToOwnerReferences(new OwnerReferenceBuilder()
                    .withApiVersion(ControlPolicy.API_VERSION)
                    .withKind(ControlPolicy.KIND)
                    .withName(policyName())
                    .withUid(uid)
                    .withBlockOwnerDeletion(false)
                    .withController(false)
                    .build());
        }
        return meta.build();
    }
}
