package dev.evident.metrics;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests the operator's Kubernetes client sends, as {@code evident_api_requests_total{verb,resource,code}},
 * so that what Evident costs the API server (idle, and while it rolls a policy out) can be read off its own metrics.
 * Registered as a Fabric8 HTTP client interceptor. Labels follow the API server's own request attributes: verb as
 * the server names it (get, list, watch, create, update, patch, delete, deletecollection), resource the plural name
 * with its subresource ({@code controlpolicies/status}), never an object or namespace name, so the series stay
 * bounded by the kinds the operator uses. A watch counts once, when it is opened (its upgrade or first response).
 * An attempt that got no response counts with code {@code error}, but Fabric8 tells interceptors of one only when it
 * is about to retry, so the last attempt of a request that never got through is not counted.
 */
public final class ApiRequestMetrics implements Interceptor {
    public static final String NAME = "evident.api.requests";
    /** Fabric8 keeps interceptors by name; one name means one counter however often the client is rebuilt. */
    public static final String INTERCEPTOR = "evident-api-requests";
    /** After a namespace name, these are subresources of the namespace, not a resource in it (as the API server reads paths). */
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** The labels of one request. */
    public record Request(String verb, String resource) {
    }

    private final MeterRegistry registry;
    /**
     * Counted here and read by the registry when scraped: the informers' first lists and watches go out while the
     * application starts, before Quarkus has added the Prometheus registry to the composite one, and a plain
     * counter's increments from then are lost (they showed as 0).
     */
    private final Map<List<String>, LongAdder> counts = new ConcurrentHashMap<>();

    public ApiRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        count(request, String.valueOf(response.code()));
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        count(request, "error");
    }

    private void count(HttpRequest request, String code) {
        Request r = classify(request.method(), request.uri());
        counts.computeIfAbsent(List.of(r.verb(), r.resource(), code), k -> {
            LongAdder count = new LongAdder();
            FunctionCounter.builder(NAME, count, LongAdder::doubleValue)
                    .description("Requests the operator sent to the Kubernetes API server, by verb, resource and response code")
                    .tags("verb", k.get(0), "resource", k.get(1), "code", k.get(2))
                    .register(registry);
            return count;
        }).increment();
    }

    /**
     * The verb and resource of a request, read from its method and path the way the API server reads them
     * ({@code /api/v1/namespaces/a/networkpolicies/b} is a get of networkpolicies). Paths that name no resource
     * ({@code /api}, {@code /apis/group/version}, {@code /version}, ...) are {@code discovery}.
     */
    public static Request classify(String method, URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
        int prefix = parts.isEmpty() ? 0 : switch (parts.get(0)) {
            case "api" -> 2;
            case "apis" -> 3;
            default -> -1;
        };
        if (prefix < 0 || parts.size() <= prefix) {
            return new Request(verb(method, true, uri), "discovery");
        }
        List<String> rest = parts.subList(prefix, parts.size());
        if (rest.get(0).equals("namespaces") && rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
            rest = rest.subList(2, rest.size()); // namespaces/<ns>/<resource>...
        }
        String resource = rest.size() > 2 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
        return new Request(verb(method, rest.size() > 1, uri), resource);
    }

    private static String verb(String method, boolean named, URI uri) {
        return switch (method.toUpperCase(java.util.Locale.ROOT)) {
            case "GET", "HEAD" -> watch(uri) ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> "other";
        };
    }

    private static boolean watch(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return false;
        }
        for (String parameter : query.split("&")) {
            if (parameter.equals("watch=true") || parameter.equals("watch=1")) {
                return true;
            }
        }
        return false;
    }
}
