package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.testing.FaultInjectingDispatcher;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a Fabric8 mock API server in CRUD mode (watches included), with faults a test may turn on
 * ({@link FaultInjectingDispatcher}), and points the operator at it.
 * Declared once, globally, on ControlPolicyReconcilerTest: every Quarkus test application gets its own.
 */
public class MockKubernetes implements QuarkusTestResourceLifecycleManager {
    private static final Map<String, String> PROPERTIES = Map.of(
            "kubernetes.trust.certificates", "true",
            "kubernetes.namespace", "evident-system",
            "kubernetes.auth.tryKubeConfig", "false",
            "kubernetes.auth.tryServiceAccount", "false");
    private KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        var crds = List.of(CustomResourceDefinitionContext.fromCustomResourceType(ControlPolicy.class),
                CustomResourceDefinitionContext.fromCustomResourceType(ControlException.class));
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new FaultInjectingDispatcher(crds), false);
        server.init();
        // quarkus.kubernetes-client.* are fixed at build time, so a restarted test application (another
        // test profile) could not be pointed at a new server through them; Fabric8's own system
        // properties are read whenever a client is built.
        PROPERTIES.forEach(System::setProperty);
        System.setProperty("kubernetes.master", server.createClient().getConfiguration().getMasterUrl());
        return Map.of();
    }

    @Override
    public void stop() {
        // Plain tests in the same JVM (the audit command's --cluster) must not inherit them.
        PROPERTIES.keySet().forEach(System::clearProperty);
        System.clearProperty("kubernetes.master");
        if (server != null) {
            server.destroy();
        }
    }
}
