package dev.evident.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;

/** A Fabric8 mock API server in CRUD mode with a client, for tests outside the Quarkus application. */
public final class CrudApiServer implements AutoCloseable {
    public final KubernetesMockServer server;
    public final KubernetesClient client;

    private CrudApiServer() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
    }

    public static CrudApiServer start() {
        return new CrudApiServer();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
