package dev.evident.operator;

import dev.evident.engine.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A snapshot read straight from the operator's informer caches: no API calls on the hot path. */
final class InformerSnapshot implements Snapshot {
    private final Instant now;
    private final Map<Class<?>, InformerEventSource<?, ?>> sources;

    InformerSnapshot(Instant now, Map<Class<?>, InformerEventSource<?, ?>> sources) {
        this.now = now;
        this.sources = sources;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> kind) {
        InformerEventSource<T, ?> source = source(kind);
        return source == null ? List.of() : source.list(o -> true).toList();
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
        InformerEventSource<T, ?> source = source(kind);
        return source == null ? List.of() : source.list(namespace, o -> true).toList();
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> InformerEventSource<T, ?> source(Class<T> kind) {
        return (InformerEventSource<T, ?>) sources.get(kind);
    }
}
