package dev.evident.engine;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Shares one immutable empty map among the empty {@code additionalProperties} of objects kept for evaluation (the
 * operator's caches, the audit's snapshot). Every Fabric8 model
 * object (metadata, spec, each container, rule and port) carries its own empty LinkedHashMap for fields the model
 * does not know: at 10,000 namespaces that was over 600,000 maps, about 34 MB of a 250 MB heap. Snapshot objects are
 * never modified (controls build plans with builders, which copy), so an immutable map is safe; equality is unchanged.
 */
public final class EmptyMaps {
    /** A model class's additionalProperties getter and setter (null when it has none) and its getters of nested objects. */
    private record Accessors(Method get, Method set, List<Method> children) {
    }

    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            List<Method> children = new ArrayList<>();
            for (Method m : type.getMethods()) {
                if (m.getParameterCount() == 0 && m.getName().startsWith("get") && !Modifier.isStatic(m.getModifiers())
                        && (KubernetesResource.class.isAssignableFrom(m.getReturnType()) || Collection.class.isAssignableFrom(m.getReturnType()))) {
                    children.add(m);
                }
            }
            try {
                return new Accessors(type.getMethod("getAdditionalProperties"), type.getMethod("setAdditionalProperties", Map.class), List.copyOf(children));
            } catch (NoSuchMethodException e) {
                return new Accessors(null, null, List.copyOf(children));
            }
        }
    };

    private EmptyMaps() {
    }

    /** Replaces every empty additionalProperties map in the object's tree with the shared one. */
    public static void share(Object object) {
        if (!(object instanceof KubernetesResource)) {
            return;
        }
        try {
            Accessors accessors = ACCESSORS.get(object.getClass());
            if (accessors.get() != null && accessors.get().invoke(object) instanceof Map<?, ?> map && map.isEmpty()) {
                accessors.set().invoke(object, Map.of());
            }
            for (Method child : accessors.children()) {
                Object value = child.invoke(object);
                if (value instanceof Collection<?> items) {
                    items.forEach(EmptyMaps::share);
                } else {
                    share(value);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Best effort: an object left as it was is only larger, never different.
        }
    }
}
