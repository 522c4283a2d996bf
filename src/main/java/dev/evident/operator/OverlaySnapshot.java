package dev.evident.operator;

import dev.evident.engine.ResourceKind;
import dev.evident.engine.Snapshot;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A snapshot with Evident's own recent writes laid over it until the caches behind it catch up ({@link RecentWrites}). */
final class OverlaySnapshot implements Snapshot {
    private final Snapshot base;
    private final RecentWrites recentWrites;

    OverlaySnapshot(Snapshot base, RecentWrites recentWrites) {
        this.base = base;
        this.recentWrites = recentWrites;
    }

    @Override
    public Instant now() {
        return base.now();
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> kind) {
        return recentWrites.overlay(kind, null, base.list(kind));
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
        return recentWrites.overlay(kind, namespace, base.list(kind, namespace));
    }

    /** The base's indexed lookup, with a recent write of that object (or its deletion) laid over it. */
    @Override
    public <T extends HasMetadata> Optional<T> get(Class<T> kind, String namespace, String name) {
        return recentWrites.overlayOne(kind, namespace, name, base.get(kind, namespace, name).orElse(null));
    }

    @Override
    public boolean serves(ResourceKind kind) {
        return base.serves(kind);
    }

    @Override
    public Optional<String> unreadable(ResourceKind kind) {
        return base.unreadable(kind);
    }

    @Override
    public List<GenericKubernetesResource> list(ResourceKind kind) {
        return recentWrites.overlay(kind, null, base.list(kind));
    }

    @Override
    public List<GenericKubernetesResource> list(ResourceKind kind, String namespace) {
        return recentWrites.overlay(kind, namespace, base.list(kind, namespace));
    }
}
