package dev.evident.engine;

/**
 * A kind defined by a CustomResourceDefinition that may or may not be installed (Velero's Schedule, Cilium's
 * network policies, Gateway API): controls read such objects as generic resources, so Evident needs no Java
 * model of them, and ask the snapshot whether the kind is served at all.
 *
 * @param plural the resource name in URLs and RBAC rules ("schedules"); with the group, the CRD's name
 */
public record ResourceKind(String group, String version, String kind, String plural, boolean namespaced) {

    public String apiVersion() {
        return group + "/" + version;
    }

    /** The name of the CustomResourceDefinition that defines this kind ("schedules.velero.io"). */
    public String crdName() {
        return plural + "." + group;
    }

    @Override
    public String toString() {
        return kind + " (" + apiVersion() + ")";
    }
}
