package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evident.engine.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The cluster objects of an offline audit, collected as the manifests stream by: only the typed objects the
 * controls read are kept. Objects without a namespace get the default one (as {@code kubectl apply -n});
 * namespaces named by objects but absent from the input are taken as existing, with no labels known.
 */
final class Inventory implements Consumer<Manifest> {
    /** The namespace kubectl gives an object without one when neither -n nor the context names another. */
    static final String KUBECTL_DEFAULT_NAMESPACE = "default";

    private final ObjectDecoder decoder;
    private final String defaultNamespace;
    private final List<HasMetadata> objects = new ArrayList<>();
    private final List<String> notEvaluated = new ArrayList<>();
    private final Set<String> namespacesNamed = new TreeSet<>();
    private final Set<String> namespacesPresent = new TreeSet<>();
    /** Where each object was read, as {@link #where}: a string per object would be a fifth of the audit's heap at scale. */
    private final Map<ObjectRef, Long> seen = new HashMap<>();
    private final List<String> sources = new ArrayList<>();
    private long clusterObjects;

    Inventory(ObjectDecoder decoder, String defaultNamespace) {
        this.decoder = decoder;
        this.defaultNamespace = defaultNamespace == null ? KUBECTL_DEFAULT_NAMESPACE : defaultNamespace;
    }

    @Override
    public void accept(Manifest manifest) {
        if (ObjectDecoder.isPolicy(manifest)) {
            return; // a policy beside the resources is not a cluster object to judge
        }
        clusterObjects++;
        ObjectDecoder.Decoded decoded = decoder.object(manifest);
        HasMetadata object = decoded.object();
        if (object == null) {
            if (decoded.notEvaluated() != null) {
                notEvaluated.add(decoded.notEvaluated());
            }
            if (decoder.isNamespaced(manifest)) {
                JsonNode namespace = manifest.body().path("metadata").path("namespace");
                namespacesNamed.add(namespace.isTextual() && !namespace.asText().isEmpty() ? namespace.asText() : defaultNamespace);
            }
            return;
        }
        if (object instanceof Namespaced || object instanceof GenericKubernetesResource && decoder.isNamespaced(manifest)) {
            if (object.getMetadata().getNamespace() == null || object.getMetadata().getNamespace().isEmpty()) {
                object.getMetadata().setNamespace(defaultNamespace);
            }
            namespacesNamed.add(object.getMetadata().getNamespace());
        } else if (object instanceof Namespace) {
            namespacesPresent.add(object.getMetadata().getName());
        }
        ObjectRef ref = ObjectRef.of(object);
        // a Namespace is named by its name alone, whatever namespace its metadata gives
        ObjectRef key = "Namespace".equals(ref.kind()) ? new ObjectRef(ref.kind(), null, ref.name()) : ref;
        Long first = seen.putIfAbsent(key, where(manifest));
        if (first != null) {
            throw new InputException(manifest.where() + ": " + Text.escape(key.toString()) + " is also at " + sources.get((int) (first >>> 32))
                    + ":" + (int) (long) first + "; which one is meant is unclear (duplicate object)");
        }
        objects.add(object);
    }

    /** The source (an index into {@link #sources}) and line of a manifest, in one number. */
    private long where(Manifest manifest) {
        if (sources.isEmpty() || !sources.get(sources.size() - 1).equals(manifest.source())) {
            sources.add(manifest.source());
        }
        return (long) (sources.size() - 1) << 32 | manifest.line();
    }

    /** Objects that are neither ControlPolicies nor empty documents: zero means there is nothing to audit. */
    long clusterObjects() {
        return clusterObjects;
    }

    List<String> notEvaluated() {
        return notEvaluated;
    }

    /** Namespaces named by objects but absent from the input, taken as existing with no labels known. */
    Set<String> assumedNamespaces() {
        Set<String> assumed = new TreeSet<>(namespacesNamed);
        assumed.removeAll(namespacesPresent);
        return assumed;
    }

    /** The typed objects, and a Namespace (no labels) for each namespace assumed to exist. */
    List<HasMetadata> objects() {
        List<HasMetadata> all = new ArrayList<>(objects);
        for (String name : assumedNamespaces()) {
            all.add(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build());
        }
        return all;
    }
}
