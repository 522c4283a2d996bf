package dev.evident.operator;

import dev.evident.engine.Labels;
import dev.evident.engine.Remediation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Applies remediation plans. Managed objects and narrow field sets go through server-side apply with
 * the plan's field manager, so Evident owns exactly the fields it sets. A user's object is only ever
 * rewritten or deleted by an explicit plan (Update/Delete), whose original the caller records first
 * ({@link #recordOriginal(Remediation)}).
 * Without server-side apply (the test mock server), managed objects are created or replaced and narrow
 * applies onto other objects become JSON merge patches of the desired labels and annotations.
 */
public class Remediator {
    /** Logger whose lines carry whole originals, so an operator can restore what Evident changed. */
    static final Logger ORIGINALS = Logger.getLogger("evident.originals");

    private final KubernetesClient client;
    private final boolean serverSideApply;

    public Remediator(KubernetesClient client, boolean serverSideApply) {
        this.client = client;
        this.serverSideApply = serverSideApply;
    }

    /** Applies the plan; throws KubernetesClientException when the API server refuses. */
    public void apply(Remediation plan) {
        if (plan instanceof Remediation.Apply a) {
            apply(a);
        } else if (plan instanceof Remediation.Update u) {
            client.resource(u.updated()).update();
        } else if (plan instanceof Remediation.Delete d) {
            client.resource(d.original()).delete();
        }
    }

    /**
     * For plans that rewrite or delete a user's object: logs the full original as one JSON line and
     * returns it (for the Event), before anything is written. Null for plans on Evident's own objects.
     */
    static String recordOriginal(Remediation plan) {
        if (plan instanceof Remediation.Update u) {
            return recordOriginal("update", u.original());
        }
        if (plan instanceof Remediation.Delete d) {
            return recordOriginal("delete", d.original());
        }
        return null;
    }

    private static String recordOriginal(String action, HasMetadata original) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("action", action);
        line.put("kind", original.getKind());
        line.put("namespace", original.getMetadata().getNamespace());
        line.put("name", original.getMetadata().getName());
        line.put("original", original);
        String json = Serialization.asJson(line);
        ORIGINALS.info(json);
        return json;
    }

    private void apply(Remediation.Apply plan) {
        HasMetadata desired = plan.desired();
        if (serverSideApply) {
            client.resource(desired).fieldManager(plan.fieldManager()).forceConflicts().serverSideApply();
            return;
        }
        HasMetadata existing = client.resource(desired).get();
        if (existing == null) {
            client.resource(desired).create();
        } else if (Labels.isManaged(existing)) {
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            client.resource(desired).update();
        } else {
            Map<String, Object> metadata = new LinkedHashMap<>();
            if (desired.getMetadata().getLabels() != null) metadata.put("labels", desired.getMetadata().getLabels());
            if (desired.getMetadata().getAnnotations() != null) metadata.put("annotations", desired.getMetadata().getAnnotations());
            client.resource(existing).patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", metadata)));
        }
    }

    static String describe(KubernetesClientException e) {
        return e.getCode() > 0 ? e.getCode() + " " + e.getMessage() : e.getMessage();
    }
}
