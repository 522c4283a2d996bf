package dev.evident.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A set of controls by type; the standard one is dev.evident.controls.StandardControls. */
public final class ControlCatalog {
    private final Map<String, Control> byType = new LinkedHashMap<>();

    public ControlCatalog(List<Control> controls) {
        for (Control c : controls) {
            if (byType.put(c.type(), c) != null) {
                throw new IllegalArgumentException("two controls answer to type " + c.type());
            }
        }
    }

    public Optional<Control> find(String type) {
        return Optional.ofNullable(type == null ? null : byType.get(type));
    }

    public Set<String> types() {
        return byType.keySet();
    }

    /**
     * Every kind any control reads, Namespaces first, one read per kind (the union of the controls'
     * selectors): what the operator watches and --cluster lists.
     */
    public Collection<Read> reads() {
        Map<Class<? extends HasMetadata>, Read> byKind = new LinkedHashMap<>();
        byKind.put(Namespace.class, Read.all(Namespace.class));
        byType.values().forEach(c -> c.reads().forEach(r -> byKind.merge(r.kind(), r, Read::union)));
        return byKind.values();
    }

    /** Every optional custom kind any control reads, once each. */
    public List<ResourceKind> genericReads() {
        return byType.values().stream().flatMap(c -> c.genericReads().stream()).distinct().toList();
    }
}
