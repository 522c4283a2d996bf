package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a ControlPolicy: what Evident detected and did, visible with
 * {@code kubectl describe controlpolicy}. Policies are cluster-scoped, so their Events live in the
 * namespace {@value #EVENT_NAMESPACE}, as for Nodes. A failure to record is logged, never fatal.
 */
public class EventRecorder {
    public static final String EVENT_NAMESPACE = "default";
    public static final String COMPONENT = "evident";
    /** The API server rejects longer Event messages on some versions; the log keeps the full text. */
    private static final int MAX_MESSAGE = 4096;
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void normal(ControlPolicy policy, String reason, String message) {
        record(policy, "Normal", reason, message);
    }

    public void warning(ControlPolicy policy, String reason, String message) {
        record(policy, "Warning", reason, message);
    }

    private void record(ControlPolicy policy, String type, String reason, String message) {
        String now = StatusFactory.format(clock.instant());
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        var event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(EVENT_NAMESPACE)
                .withName(policy.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT))
                .addToLabels(dev.evident.engine.Labels.MANAGED_BY, dev.evident.engine.Labels.MANAGED_BY_VALUE)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(ControlPolicy.API_VERSION)
                        .withKind(ControlPolicy.KIND)
                        .withName(policy.getMetadata().getName())
                        .withUid(policy.getMetadata().getUid())
                        .withResourceVersion(policy.getMetadata().getResourceVersion())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(text)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(EVENT_NAMESPACE).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record Event %s on ControlPolicy %s: %s (message: %s)", reason, policy.getMetadata().getName(), e.getMessage(), message);
        }
    }
}
