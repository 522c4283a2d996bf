package dev.evident.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The object a finding is about. namespace is null for cluster-scoped objects other than Namespaces. */
public record ObjectRef(String kind, String namespace, String name) {

    public static ObjectRef of(HasMetadata o) {
        return new ObjectRef(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
    }

    /** A namespace as the subject of a namespace-level control: its own name is also its namespace. */
    public static ObjectRef namespace(String name) {
        return new ObjectRef("Namespace", name, name);
    }

    @Override
    public String toString() {
        return kind + " " + (namespace == null || "Namespace".equals(kind) ? name : namespace + "/" + name);
    }
}
