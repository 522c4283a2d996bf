package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;

/**
 * Writes a policy's whole status with one JSON Patch on the status subresource. Done here rather than
 * through UpdateControl.patchStatus: JOSDK 5.3.2 filters the watch events that arrive while its own status
 * update is in flight, and a deletion that lands in that window was then not reconciled until the next
 * resync (operator-framework/java-operator-sdk#3394), leaving the policy stuck on its finalizer. A
 * status-only change does not bump metadata.generation, so this write does not re-trigger a reconcile.
 */
final class StatusWriter {
    private final KubernetesClient client;

    StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    void write(ControlPolicy policy, ControlPolicyStatus status) {
        // "add" replaces /status as a whole (fields that became absent go too) and works when there is none yet.
        String patch = Serialization.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
        // On the object rather than by name: Fabric8 reads an object patched by name from the server first, one
        // GET per status write (nearly all of its reads during a rollout).
        client.resource(policy).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), patch);
    }
}
