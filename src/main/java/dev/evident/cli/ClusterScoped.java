package dev.evident.cli;

import java.util.Set;

/** Common cluster-scoped kinds no control reads: they name no namespace, even without metadata.namespace. */
final class ClusterScoped {
    static final Set<String> KINDS = Set.of(
            "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass", "CSIDriver", "CSINode",
            "VolumeAttachment", "CustomResourceDefinition", "APIService", "PriorityClass", "RuntimeClass", "IngressClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding", "PodSecurityPolicy", "CertificateSigningRequest", "FlowSchema",
            "PriorityLevelConfiguration", "ComponentStatus", "ClusterIssuer", "ControlPolicy", "ControlException");

    private ClusterScoped() {
    }
}
