package dev.evident.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * A kind a control reads, and how narrowly the operator may watch it. Selectors only narrow the watch
 * (and the --cluster listing); controls still check every object the snapshot gives them, because an
 * offline snapshot is not filtered.
 *
 * @param namespace     only this namespace, or null for all
 * @param labelSelector a label selector string ("component=kube-apiserver"), or null
 * @param fieldSelector a field selector string ("type=kubernetes.io/tls"), or null
 */
public record Read(Class<? extends HasMetadata> kind, String namespace, String labelSelector, String fieldSelector) {

    public static Read all(Class<? extends HasMetadata> kind) {
        return new Read(kind, null, null, null);
    }

    /** The narrowest read that covers both: equal parts stay, differing parts widen to "everything". */
    public Read union(Read other) {
        if (!kind.equals(other.kind)) {
            throw new IllegalArgumentException("different kinds " + kind + " and " + other.kind);
        }
        return new Read(kind,
                Objects.equals(namespace, other.namespace) ? namespace : null,
                Objects.equals(labelSelector, other.labelSelector) ? labelSelector : null,
                Objects.equals(fieldSelector, other.fieldSelector) ? fieldSelector : null);
    }
}
