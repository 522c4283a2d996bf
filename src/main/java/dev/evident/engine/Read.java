package dev.evident.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A kind a control reads, and how narrowly the operator may watch it. Selectors only narrow the watch
 * (and the --cluster listing); controls still check every object the snapshot gives them, because an
 * offline snapshot is not filtered.
 *
 * @param namespace     only this namespace, or null for all
 * @param labelSelector a label selector string ("component=kube-apiserver"), or null
 * @param fieldSelector a field selector string ("type=kubernetes.io/tls"), or null
 * @param slim          what the operator keeps of each object before caching it (dropping what the control does not
 *                      need, such as configuration values), or null to keep it whole. The control must judge a slimmed
 *                      object exactly as the whole one, so that live and offline findings agree.
 */
public record Read(Class<? extends HasMetadata> kind, String namespace, String labelSelector, String fieldSelector,
                   UnaryOperator<HasMetadata> slim) {

    public Read(Class<? extends HasMetadata> kind, String namespace, String labelSelector, String fieldSelector) {
        this(kind, namespace, labelSelector, fieldSelector, null);
    }

    public static Read all(Class<? extends HasMetadata> kind) {
        return new Read(kind, null, null, null);
    }

    /** This read with objects slimmed before caching. */
    public Read slimmedBy(UnaryOperator<HasMetadata> slimming) {
        return new Read(kind, namespace, labelSelector, fieldSelector, slimming);
    }

    /**
     * The narrowest read that covers both: equal parts stay, differing parts widen to "everything" (two
     * different slimming functions widen to keeping whole objects, as either may drop what the other needs).
     */
    public Read union(Read other) {
        if (!kind.equals(other.kind)) {
            throw new IllegalArgumentException("different kinds " + kind + " and " + other.kind);
        }
        return new Read(kind,
                Objects.equals(namespace, other.namespace) ? namespace : null,
                Objects.equals(labelSelector, other.labelSelector) ? labelSelector : null,
                Objects.equals(fieldSelector, other.fieldSelector) ? fieldSelector : null,
                Objects.equals(slim, other.slim) ? slim : null);
    }
}
