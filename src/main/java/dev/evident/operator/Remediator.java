package dev.evident.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.engine.Labels;
import dev.evident.engine.Remediation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Writes remediation plans and returns what the API server wrote, for the caller to verify. Managed objects
 * and narrow field sets go through server-side apply with the plan's field manager, so Evident owns exactly
 * the fields it sets; since apply never removes a field another manager added, a managed object that still
 * differs afterwards is replaced as a whole ({@link #replaceManaged}). A user's object is only ever
 * rewritten or deleted by an explicit plan (Update/Delete), whose original the caller records first
 * ({@link #recordOriginal(Remediation)}); a rewritten object is annotated {@value Labels#REWRITTEN_BY}.
 * Without server-side apply (the test mock server), managed objects are created or replaced and narrow
 * applies onto other objects become JSON merge patches of the desired labels and annotations.
 */
public class Remediator {
    /** Logger whose lines carry whole originals, so an operator can restore what Evident changed. */
    static final Logger ORIGINALS = Logger.getLogger("evident.originals");
    /** Top-level fields that are not the object's content: never compared, never copied by a replace. */
    private static final Set<String> NOT_CONTENT = Set.of("apiVersion", "kind", "metadata", "status");

    private final KubernetesClient client;
    private final boolean serverSideApply;

    public Remediator(KubernetesClient client, boolean serverSideApply) {
        this.client = client;
        this.serverSideApply = serverSideApply;
    }

    /**
     * Writes the plan for policy {@code policy}; returns the object as the API server returned it, or null
     * when the plan deleted it. Throws KubernetesClientException when the API server refuses.
     */
    public HasMetadata apply(Remediation plan, String policy) {
        if (plan instanceof Remediation.Apply a) {
            return apply(a);
        }
        if (plan instanceof Remediation.Update u) {
            // A copy: the plan stays what the control planned (and what status and evidence show).
            HasMetadata updated = Serialization.jsonMapper().convertValue(u.updated(), u.updated().getClass());
            Map<String, String> annotations = new LinkedHashMap<>(Objects.requireNonNullElse(updated.getMetadata().getAnnotations(), Map.of()));
            annotations.put(Labels.REWRITTEN_BY, withPolicy(annotations.get(Labels.REWRITTEN_BY), policy));
            updated.getMetadata().setAnnotations(annotations);
            return client.resource(updated).update();
        }
        Remediation.Delete d = (Remediation.Delete) plan;
        client.resource(d.original()).delete();
        HasMetadata left = client.resource(d.original()).get();
        if (left != null && left.getMetadata().getDeletionTimestamp() == null) {
            throw new KubernetesClientException("the API server accepted the delete but the object is still there");
        }
        return null;
    }

    private static String withPolicy(String current, String policy) {
        Set<String> policies = new LinkedHashSet<>();
        if (current != null && !current.isBlank()) {
            Arrays.stream(current.split(",")).map(String::trim).filter(p -> !p.isEmpty()).forEach(policies::add);
        }
        policies.add(policy);
        return String.join(",", policies);
    }

    /** Whether an Update plan would change nothing: the updated object has the original's content, labels and annotations. */
    static boolean changesNothing(Remediation plan) {
        return plan instanceof Remediation.Update u && sameContent(u.original(), u.updated())
                && Objects.equals(labels(u.original()), labels(u.updated()))
                && Objects.equals(annotations(u.original()), annotations(u.updated()));
    }

    /** Same content besides metadata and status: spec, or for RBAC objects subjects/roleRef/rules. */
    static boolean sameContent(HasMetadata a, HasMetadata b) {
        return content(a).equals(content(b));
    }

    private static Map<String, JsonNode> content(HasMetadata o) {
        ObjectNode tree = Serialization.jsonMapper().valueToTree(o);
        Map<String, JsonNode> content = new LinkedHashMap<>();
        tree.fields().forEachRemaining(e -> {
            if (!NOT_CONTENT.contains(e.getKey()) && !e.getValue().isNull()) {
                content.put(e.getKey(), e.getValue());
            }
        });
        return content;
    }

    private static Map<String, String> labels(HasMetadata o) {
        return Objects.requireNonNullElse(o.getMetadata().getLabels(), Map.of());
    }

    private static Map<String, String> annotations(HasMetadata o) {
        return Objects.requireNonNullElse(o.getMetadata().getAnnotations(), Map.of());
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

    private HasMetadata apply(Remediation.Apply plan) {
        HasMetadata desired = plan.desired();
        if (serverSideApply) {
            return client.resource(desired).fieldManager(plan.fieldManager()).forceConflicts().serverSideApply();
        }
        HasMetadata existing = client.resource(desired).get();
        if (existing == null) {
            return client.resource(desired).create();
        }
        if (Labels.isManaged(existing)) {
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            return client.resource(desired).update();
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (desired.getMetadata().getLabels() != null) metadata.put("labels", desired.getMetadata().getLabels());
        if (desired.getMetadata().getAnnotations() != null) metadata.put("annotations", desired.getMetadata().getAnnotations());
        return client.resource(existing).patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", metadata)));
    }

    /** Whether a full replace may bring the object back to the plan: Evident created it and owns it whole. */
    static boolean replaceable(Remediation plan, HasMetadata written) {
        return plan instanceof Remediation.Apply a && Remediation.FIELD_MANAGER.equals(a.fieldManager())
                && written != null && Labels.isManaged(written) && Labels.isManaged(a.desired());
    }

    /**
     * Brings a managed object back to exactly the plan's content, removing fields other managers added
     * (which server-side apply leaves in place): a replace of the written version, so a concurrent change
     * makes it fail (409) rather than be overwritten unseen. Labels and annotations others added stay.
     */
    HasMetadata replaceManaged(Remediation.Apply plan, HasMetadata written) {
        ObjectNode tree = Serialization.jsonMapper().valueToTree(written);
        ObjectNode desired = Serialization.jsonMapper().valueToTree(plan.desired());
        Set<String> fields = new LinkedHashSet<>();
        tree.fieldNames().forEachRemaining(fields::add);
        fields.stream().filter(f -> !NOT_CONTENT.contains(f)).forEach(tree::remove);
        desired.fields().forEachRemaining(e -> {
            if (!NOT_CONTENT.contains(e.getKey())) {
                tree.set(e.getKey(), e.getValue());
            }
        });
        ObjectNode metadata = (ObjectNode) tree.get("metadata");
        ObjectNode labels = metadata.get("labels") instanceof ObjectNode existing ? existing : metadata.putObject("labels");
        desired.path("metadata").path("labels").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
        HasMetadata replacement = Serialization.jsonMapper().convertValue(tree, written.getClass());
        return client.resource(replacement).update();
    }

    static String describe(KubernetesClientException e) {
        if (e.getCode() > 0) {
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
            return e.getCode() + " " + message;
        }
        return e.getMessage();
    }

    /** Object names for messages: Kind namespace/name. */
    static String name(HasMetadata o) {
        return o.getKind() + " " + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + "/") + o.getMetadata().getName();
    }

    static Set<String> policiesOf(String rewrittenBy) {
        return rewrittenBy == null ? Set.of() : Arrays.stream(rewrittenBy.split(",")).map(String::trim).collect(Collectors.toSet());
    }
}
