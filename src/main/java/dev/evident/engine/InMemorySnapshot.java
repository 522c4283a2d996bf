package dev.evident.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A snapshot over a fixed collection of objects: the audit command's input, and the tests'. */
public final class InMemorySnapshot implements Snapshot {
    private final Instant now;
    private final Map<Class<?>, List<HasMetadata>> byKind = new HashMap<>();
    private final Map<Class<?>, Map<String, List<HasMetadata>>> byKindAndNamespace = new HashMap<>();
    /** The first object of each kind and name, for lookups without a namespace (one Namespace among thousands). */
    private final Map<Class<?>, Map<String, HasMetadata>> firstByName = new HashMap<>();

    private InMemorySnapshot(Instant now, Collection<? extends HasMetadata> objects) {
        this.now = now;
        for (HasMetadata o : objects) {
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
}
