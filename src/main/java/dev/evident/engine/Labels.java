package dev.evident.engine;

/** Label and annotation keys Evident reads and writes, in one place. */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "evident";
    public static final String POLICY = "evident.dev/policy";
    public static final String CONTROL = "evident.dev/control";
    public static final String PSS_ENFORCE = "pod-security.kubernetes.io/enforce";
    /** On RBAC objects the API server creates and reconciles itself (any value). */
    public static final String RBAC_BOOTSTRAPPING = "kubernetes.io/bootstrapping";
    /** "true" on the cluster's default StorageClass; the beta key is still honoured by Kubernetes. */
    public static final String DEFAULT_STORAGE_CLASS = "storageclass.kubernetes.io/is-default-class";
    public static final String DEFAULT_STORAGE_CLASS_BETA = "storageclass.beta.kubernetes.io/is-default-class";
    public static final String CERT_MANAGER_CLUSTER_ISSUER = "cert-manager.io/cluster-issuer";
    public static final String CERT_MANAGER_ISSUER = "cert-manager.io/issuer";
    /**
     * On a user's object Evident rewrote (an Update plan): the policies whose remediation did it, comma
     * separated, so that deleting a policy can name the edits that deletion does not undo.
     */
    public static final String REWRITTEN_BY = "evident.dev/rewritten-by";
    /** Label of the control-plane static pods kubeadm and most installers create (component=kube-apiserver). */
    public static final String COMPONENT = "component";
    public static final String COMPONENT_APISERVER = "kube-apiserver";

    private Labels() {
    }

    /** Whether Evident created and owns the object (it may then restore or replace it as a whole). */
    public static boolean isManaged(io.fabric8.kubernetes.api.model.HasMetadata o) {
        java.util.Map<String, String> labels = o.getMetadata().getLabels();
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY));
    }
}
