package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An extensions/v1beta1 or networking.k8s.io/v1beta1 Ingress in the networking.k8s.io/v1 shape, as the API
 * server converts it: {@code backend} becomes {@code defaultBackend}, {@code serviceName}/{@code servicePort}
 * become {@code service.name}/{@code service.port.number|name}, a missing pathType is ImplementationSpecific.
 * Hosts and tls have the same shape in both.
 */
final class IngressV1beta1 {
    private IngressV1beta1() {
    }

    static void convert(ObjectNode ingress) {
        if (!(ingress.get("spec") instanceof ObjectNode spec)) {
            return;
        }
        if (spec.get("backend") instanceof ObjectNode backend) {
            spec.remove("backend");
            spec.set("defaultBackend", backend(backend));
        }
        for (JsonNode rule : spec.path("rules")) {
            for (JsonNode path : rule.path("http").path("paths")) {
                if (path instanceof ObjectNode p) {
                    if (p.get("backend") instanceof ObjectNode backend) {
                        p.set("backend", backend(backend));
                    }
                    if (!p.has("pathType")) {
                        p.put("pathType", "ImplementationSpecific");
                    }
                }
            }
        }
    }

    private static ObjectNode backend(ObjectNode old) {
        if (!old.has("serviceName") && !old.has("servicePort")) {
            return old; // a resource backend, same shape
        }
        ObjectNode service = old.objectNode();
        service.set("name", old.get("serviceName"));
        JsonNode port = old.get("servicePort");
        if (port != null) {
            service.putObject("port").set(port.isNumber() ? "number" : "name", port);
        }
        ObjectNode backend = old.objectNode();
        backend.set("service", service);
        return backend;
    }
}
