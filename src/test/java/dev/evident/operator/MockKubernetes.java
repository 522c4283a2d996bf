package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts a Fabric8 mock API server in CRUD mode (watches included) and points the operator at it. */
public class MockKubernetes implements QuarkusTestResourceLifecycleManager {
    private KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        var crd = CustomResourceDefinitionContext.fromCustomResourceType(ControlPolicy.class);
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of(crd)), false);
        server.init();
        var config = server.createClient().getConfiguration();
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", config.getMasterUrl(),
                "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "evident-system");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
