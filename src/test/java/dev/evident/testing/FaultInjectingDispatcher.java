package dev.evident.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The CRUD mock API server with faults laid over it, off until a test turns them on: a share of requests answered
 * 500 or 429 (with Retry-After), a share of writes answered 409 Conflict, a share of watch requests answered
 * 410 Gone (the informer must list again). Requests impersonating {@value #EXEMPT_USER} (the test's own client)
 * never fail. It also records every write it is sent (method, path, the name a create carries, status returned).
 *
 * <p>Controlled over HTTP on the server itself, so that a test in another class loader (Quarkus') can reach it:
 * {@code POST /faults?error500=0.2&error429=0.1&conflict409=0.2&gone410=0.5} sets the shares (absent = 0),
 * {@code GET /faults/writes} returns the writes so far, one per line, and {@code DELETE /faults/writes} forgets them.
 */
public final class FaultInjectingDispatcher extends KubernetesCrudDispatcher {
    public static final String EXEMPT_USER = "evident-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Random random = new Random(13);
    private volatile Map<String, Double> shares = Map.of();
    private final List<String> writes = new ArrayList<>();

    public FaultInjectingDispatcher(List<CustomResourceDefinitionContext> crds) {
        super(crds);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if (path.startsWith("/faults")) {
            return control(request);
        }
        boolean exempt = EXEMPT_USER.equals(request.getHeader("Impersonate-User"));
        boolean write = !"GET".equals(request.getMethod());
        // getBytes does not consume the body, which the CRUD dispatcher reads next.
        String created = write && !exempt && "POST".equals(request.getMethod())
                ? name(new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8)) : "";
        MockResponse response = exempt ? null : fault(write, path.contains("watch=true"));
        if (response == null) {
            response = super.dispatch(request);
        }
        if (write && !exempt) {
            synchronized (writes) {
                writes.add(request.getMethod() + " " + path + " " + created + " " + response.code());
            }
        }
        return response;
    }

    private static String name(String body) {
        try {
            return JSON.readTree(body).path("metadata").path("name").asText("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private synchronized MockResponse fault(boolean write, boolean watch) {
        double r = random.nextDouble();
        if (watch) {
            return r < shares.getOrDefault("gone410", 0.0) ? status(410, "Gone", "too old resource version") : null;
        }
        double error500 = shares.getOrDefault("error500", 0.0);
        double error429 = shares.getOrDefault("error429", 0.0);
        if (r < error500) {
            return status(500, "InternalError", "injected fault");
        }
        if (r < error500 + error429) {
            return status(429, "TooManyRequests", "injected fault").addHeader("Retry-After", "1");
        }
        if (write && random.nextDouble() < shares.getOrDefault("conflict409", 0.0)) {
            return status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again");
        }
        return null;
    }

    private MockResponse control(RecordedRequest request) {
        if (request.getPath().startsWith("/faults/writes")) {
            synchronized (writes) {
                String body = String.join("\n", writes);
                if ("DELETE".equals(request.getMethod())) {
                    writes.clear();
                }
                return new MockResponse().setResponseCode(200).setBody(body);
            }
        }
        Map<String, Double> parsed = new HashMap<>();
        int q = request.getPath().indexOf('?');
        if (q >= 0) {
            for (String pair : request.getPath().substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                parsed.put(kv[0], Double.parseDouble(kv[1]));
            }
        }
        shares = Map.copyOf(parsed);
        return new MockResponse().setResponseCode(200).setBody("ok");
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
    }
}
