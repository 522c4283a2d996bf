package dev.evident.engine;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;

/**
 * A snapshot over a fixed collection of objects: the audit command's input, and the tests'. An optional
 * custom kind counts as served when the input holds an object of that kind or its CustomResourceDefinition.
 */
public final class InMemorySnapshot implements Snapshot {
    private final Instant now;
    private final Map<Class<?>, List<HasMetadata>> byKind = new HashMap<>();
    private final Map<Class<?>, Map<String, List<HasMetadata>>> byKindAndNamespace = new HashMap<>();
    /** The first object of each kind and name, for lookups without a namespace (one Namespace among thousands). */
    private final Map<Class<?>, Map<String, HasMetadata>> firstByName = new HashMap<>();
    /** Generic objects by "apiVersion kind". */
    private final Map<String, List<GenericKubernetesResource>> generic = new HashMap<>();
    private final Set<String> definitions = new HashSet<>();

    private InMemorySnapshot(Instant now, Collection<? extends HasMetadata> objects) {
        this.now = now;
        for (HasMetadata o : objects) {
            if ("CustomResourceDefinition".equals(o.getKind()) && o.getMetadata() != null) {
                definitions.add(o.getMetadata().getName());
            }
            if (o instanceof GenericKubernetesResource g) {
                generic.computeIfAbsent(g.getApiVersion() + " " + g.getKind(), k -> new ArrayList<>()).add(g);
            }
            byKind.computeIfAbsent(o.getClass(), k -> new ArrayList<>()).add(o);
            String ns = o.getMetadata() == null ? null : o.getMetadata().getNamespace();
            if (ns != null) {
                byKindAndNamespace.computeIfAbsent(o.getClass(), k -> new HashMap<>())
                        .computeIfAbsent(ns, k -> new ArrayList<>()).add(o);
            }
            if (o.getMetadata() != null && o.getMetadata().getName() != null) {
                firstByName.computeIfAbsent(o.getClass(), k -> new HashMap<>()).putIfAbsent(o.getMetadata().getName(), o);
            }
        }
    }

    public static InMemorySnapshot of(Instant now, Collection<? extends HasMetadata> objects) {
        return new InMemorySnapshot(now, objects);
    }

    public static InMemorySnapshot of(Instant now, HasMetadata... objects) {
        return new InMemorySnapshot(now, List.of(objects));
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> List<T> list(Class<T> kind) {
        return (List<T>) List.copyOf(byKind.getOrDefault(kind, List.of()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
        return (List<T>) List.copyOf(byKindAndNamespace.getOrDefault(kind, Map.of()).getOrDefault(namespace, List.of()));
    }

    @Override
    public <T extends HasMetadata> Optional<T> get(Class<T> kind, String namespace, String name) {
        if (namespace != null) {
            return Snapshot.super.get(kind, namespace, name);
        }
        return Optional.ofNullable(firstByName.getOrDefault(kind, Map.of()).get(name)).map(kind::cast);
    }

    @Override
    public boolean serves(ResourceKind kind) {
        return definitions.contains(kind.crdName()) || generic.containsKey(kind.apiVersion() + " " + kind.kind());
    }

    @Override
    public List<GenericKubernetesResource> list(ResourceKind kind) {
        return List.copyOf(generic.getOrDefault(kind.apiVersion() + " " + kind.kind(), List.of()));
    }
}
