package dev.evident.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;

/**
 * Which of a control's findings a change to one object can change (see {@link Control#affectedBy}): all of
 * them, those of one namespace (findings about that Namespace or an object in it), or the cluster's (findings
 * about cluster-scoped objects).
 *
 * @param namespace the namespace whose findings can change, or null for the cluster's (when not {@code all})
 */
public record Affected(boolean all, String namespace) {
    public static final Affected ALL = new Affected(true, null);
    public static final Affected CLUSTER = new Affected(false, null);

    public static Affected namespace(String namespace) {
        return new Affected(false, namespace);
    }

    /** The namespace a change to this object touches: its own, or its name for a Namespace; null when cluster-scoped. */
    public static Affected namespaceOf(HasMetadata object) {
        if (object instanceof Namespace) {
            return namespace(object.getMetadata().getName());
        }
        return object.getMetadata().getNamespace() == null ? CLUSTER : namespace(object.getMetadata().getNamespace());
    }
}
