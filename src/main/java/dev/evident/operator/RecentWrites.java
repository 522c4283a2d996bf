package dev.evident.operator;

import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What Evident itself just wrote, laid over the informer caches until they catch up. Without it a reconcile
 * that runs between a write and the watch event that reports it sees the object as it was before: a
 * label Evident has just set looks missing, the repair is written twice and counted as drift.
 *
 * <p>An entry stands in for the cached object only until the informer reports the written version
 * ({@link #observed}, called for every informer event) and only while the cache still holds exactly the
 * version the write replaced (or, for a create, nothing). As soon as the cache shows any other version
 * (someone changed it since), the cache is the truth again and the entry is dropped. Entries also expire,
 * so a lost watch event cannot pin an old view. Without {@link #observed}, an object Evident created and a
 * user deleted right after would look present until the entry expired.
 */
final class RecentWrites {
    static final Duration MAX_AGE = Duration.ofSeconds(30);

    /** kind: the object's class, or for a generic resource its "apiVersion kind" (one class serves them all). */
    private record Key(Object kind, String namespace, String name) {
    }

    /**
     * @param written       the object as the API server returned it, or null when Evident deleted it
     * @param replacedVersion resourceVersion of the object the write replaced, or null when it created it
     */
    private record Entry(HasMetadata written, String replacedVersion, Instant at) {
    }

    private final Clock clock;
    /** Told of every write and delete, before it is laid over the caches. */
    private final Consumer<HasMetadata> onWrite;
    private final Map<Object, Map<Key, Entry>> byKind = new ConcurrentHashMap<>();

    RecentWrites(Clock clock, Consumer<HasMetadata> onWrite) {
        this.clock = clock;
        this.onWrite = onWrite;
    }

    void wrote(HasMetadata before, HasMetadata written) {
        onWrite.accept(written);
        put(kindOf(written), written.getMetadata().getNamespace(), written.getMetadata().getName(),
                new Entry(written, version(before), clock.instant()));
    }

    void deleted(HasMetadata before) {
        onWrite.accept(before);
        put(kindOf(before), before.getMetadata().getNamespace(), before.getMetadata().getName(),
                new Entry(null, version(before), clock.instant()));
    }

    private void put(Object kind, String namespace, String name, Entry entry) {
        // A write over Evident's own earlier write that the cache has not seen yet still replaces, as far as the
        // cache is concerned, what that earlier write replaced.
        byKind.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).merge(new Key(kind, namespace, name), entry,
                (earlier, later) -> earlier.written() != null && Objects.equals(version(earlier.written()), later.replacedVersion())
                        ? new Entry(later.written(), earlier.replacedVersion(), later.at()) : later);
    }

    /** An informer event: once the informer has reported the version Evident wrote, the cache speaks for itself. */
    void observed(HasMetadata object) {
        Map<Key, Entry> entries = byKind.get(kindOf(object));
        if (entries == null || entries.isEmpty()) {
            return;
        }
        Key key = new Key(kindOf(object), object.getMetadata().getNamespace(), object.getMetadata().getName());
        entries.computeIfPresent(key, (k, entry) -> entry.written() == null
                || Objects.equals(version(entry.written()), version(object)) ? null : entry);
    }

    /** The cached objects of one kind (in one namespace, or all when namespace is null) with recent writes laid over. */
    <T extends HasMetadata> List<T> overlay(Class<T> kind, String namespace, List<T> cached) {
        return overlay(kind, kind, namespace, cached);
    }

    /** The cached objects of an optional custom kind, with recent writes laid over. */
    List<GenericKubernetesResource> overlay(ResourceKind kind, String namespace, List<GenericKubernetesResource> cached) {
        return overlay(kind.apiVersion() + " " + kind.kind(), GenericKubernetesResource.class, namespace, cached);
    }

    private <T extends HasMetadata> List<T> overlay(Object kindKey, Class<T> kind, String namespace, List<T> cached) {
        Map<Key, Entry> entries = byKind.get(kindKey);
        if (entries == null || entries.isEmpty()) {
            return cached;
        }
        Instant now = clock.instant();
        Map<Key, Entry> standIn = new HashMap<>();
        for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Entry> e = it.next();
            Key key = e.getKey();
            Entry entry = e.getValue();
            if (expired(entry, now)) {
                it.remove();
            } else if (namespace == null || namespace.equals(key.namespace())) {
                if (stale(find(cached, key), entry)) {
                    standIn.put(key, entry);
                } else {
                    it.remove();
                }
            }
        }
        if (standIn.isEmpty()) {
            return cached;
        }
        List<T> result = new ArrayList<>(cached.size() + standIn.size());
        for (T o : cached) {
            if (!standIn.containsKey(new Key(kindKey, o.getMetadata().getNamespace(), o.getMetadata().getName()))) {
                result.add(o);
            }
        }
        standIn.values().stream().map(Entry::written).filter(Objects::nonNull).map(kind::cast).forEach(result::add);
        return result;
    }

    /** One object as cached (null when absent) with a recent write of it laid over: for lookups by name. */
    <T extends HasMetadata> Optional<T> overlayOne(Class<T> kind, String namespace, String name, T cached) {
        Map<Key, Entry> entries = byKind.get(kind);
        Key key = new Key(kind, namespace, name);
        Entry entry = entries == null ? null : entries.get(key);
        if (entry == null) {
            return Optional.ofNullable(cached);
        }
        if (expired(entry, clock.instant()) || !stale(cached, entry)) {
            entries.remove(key, entry);
            return Optional.ofNullable(cached);
        }
        return Optional.ofNullable(entry.written() == null ? null : kind.cast(entry.written()));
    }

    private static Object kindOf(HasMetadata o) {
        return o instanceof GenericKubernetesResource g ? g.getApiVersion() + " " + g.getKind() : o.getClass();
    }

    private static boolean expired(Entry entry, Instant now) {
        return entry.at().plus(MAX_AGE).isBefore(now);
    }

    /** The cache has not seen the write yet: it still holds the replaced version (or nothing, after a create). */
    private static boolean stale(HasMetadata cached, Entry entry) {
        if (cached == null) {
            // Created by Evident and not cached yet; for a delete, the cache has caught up.
            return entry.written() != null && entry.replacedVersion() == null;
        }
        return Objects.equals(version(cached), entry.replacedVersion());
    }

    private static <T extends HasMetadata> T find(List<T> objects, Key key) {
        for (T o : objects) {
            var meta = o.getMetadata();
            if (key.name().equals(meta.getName()) && Objects.equals(key.namespace(), meta.getNamespace())) {
                return o;
            }
        }
        return null;
    }

    private static String version(HasMetadata o) {
        return o == null ? null : o.getMetadata().getResourceVersion();
    }
}
