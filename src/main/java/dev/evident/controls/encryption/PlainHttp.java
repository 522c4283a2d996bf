package dev.evident.controls.encryption;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Optional;

/**
 * Annotations that tell an ingress controller to serve plain HTTP beside TLS: GCE's
 * {@value #ALLOW_HTTP} "true" and ingress-nginx's {@value #NGINX_SSL_REDIRECT} "false". Absent, the controller's
 * default applies, which this control does not judge.
 */
final class PlainHttp {
    static final String ALLOW_HTTP = "kubernetes.io/ingress.allow-http";
    static final String NGINX_SSL_REDIRECT = "nginx.ingress.kubernetes.io/ssl-redirect";

    private PlainHttp() {
    }

    /** The annotation (as {@code key: "value"}) that turns plain HTTP on, if any. */
    static Optional<String> allowedBy(HasMetadata ingress) {
        Map<String, String> a = ingress.getMetadata().getAnnotations();
        if (a == null) {
            return Optional.empty();
        }
        if ("true".equalsIgnoreCase(String.valueOf(a.get(ALLOW_HTTP)).trim())) {
            return Optional.of(ALLOW_HTTP + ": \"" + a.get(ALLOW_HTTP) + "\"");
        }
        if ("false".equalsIgnoreCase(String.valueOf(a.get(NGINX_SSL_REDIRECT)).trim())) {
            return Optional.of(NGINX_SSL_REDIRECT + ": \"" + a.get(NGINX_SSL_REDIRECT) + "\"");
        }
        return Optional.empty();
    }
}
