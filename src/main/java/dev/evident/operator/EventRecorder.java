package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a ControlPolicy: what Evident detected and did, visible with
 * {@code kubectl describe controlpolicy}. Policies are cluster-scoped, so their Events live in the
 * namespace {@value #EVENT_NAMESPACE}, as for Nodes. The same Event repeated within an hour (a
 * remediation the API server keeps refusing) raises its count instead of flooding the namespace. A failure
 * to record is logged, never fatal.
 */
public class EventRecorder {
    public static final String EVENT_NAMESPACE = "default";
    public static final String COMPONENT = "evident";
    /** The API server rejects longer Event messages on some versions; the log keeps the full text. */
    private static final int MAX_MESSAGE = 4096;
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    /** A repeat of the same Event within this window raises its count instead of adding an Event. */
    static final Duration AGGREGATION_WINDOW = Duration.ofHours(1);
    private static final int REMEMBERED = 1024;

    private record Recorded(String name, Instant at, int count) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    /** The latest Events by policy, type, reason and message; bounded, oldest forgotten first. */
    private final Map<String, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > REMEMBERED;
        }
    };

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
        String key = policy.getMetadata().getUid() + "|" + policy.getMetadata().getName() + "|" + type + "|" + reason + "|" + text;
        Recorded seen;
        synchronized (recent) {
            seen = recent.get(key);
        }
        if (seen != null && seen.at().plus(AGGREGATION_WINDOW).isAfter(clock.instant()) && bump(seen, now)) {
            synchronized (recent) {
                recent.put(key, new Recorded(seen.name(), seen.at(), seen.count() + 1));
            }
            return;
        }
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
            synchronized (recent) {
                recent.put(key, new Recorded(event.getMetadata().getName(), clock.instant(), 1));
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record Event %s on ControlPolicy %s: %s (message: %s)", reason, policy.getMetadata().getName(), e.getMessage(), message);
        }
    }

    /** Counts a repeat on the existing Event, as kubelet and controllers do; false when it is gone. */
    private boolean bump(Recorded seen, String now) {
        try {
            client.v1().events().inNamespace(EVENT_NAMESPACE).withName(seen.name())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("count", seen.count() + 1, "lastTimestamp", now)));
            return true;
        } catch (KubernetesClientException e) {
            return false;
        }
    }
}
