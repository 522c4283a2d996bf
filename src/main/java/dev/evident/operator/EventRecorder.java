package dev.evident.operator;

import dev.evident.engine.Labels;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a ControlPolicy (or a ControlException): what Evident detected and did, visible with
 * {@code kubectl describe controlpolicy}. Both kinds are cluster-scoped, so their Events live in the
 * namespace {@value #EVENT_NAMESPACE}, as for Nodes. One recorder per kind, as windows are kept by name.
 *
 * <p>Bounded, so that a rollout over thousands of namespaces cannot fill etcd: the same Event repeated
 * within an hour raises its count (a JSON merge patch, which Fabric8 precedes with a GET: deploy/ grants
 * get on events); and per policy and reason at most {@value #MAX_PER_WINDOW} new Events a minute are
 * created, the rest counted into one summary Event when the minute is over ({@link #flush}). A failure
 * to record is logged once per reason and status code, never fatal.
 */
public class EventRecorder {
    public static final String EVENT_NAMESPACE = "default";
    public static final String COMPONENT = "evident";
    /** The API server rejects longer Event messages on some versions; the log keeps the full text. */
    private static final int MAX_MESSAGE = 4096;
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    /** A repeat of the same Event within this window raises its count instead of adding an Event. */
    static final Duration AGGREGATION_WINDOW = Duration.ofHours(1);
    /** New Events per policy and reason per {@link #SUMMARY_WINDOW}; the rest go into a summary. */
    static final int MAX_PER_WINDOW = 10;
    static final Duration SUMMARY_WINDOW = Duration.ofMinutes(1);
    private static final int REMEMBERED = 1024;
    private static final int SAMPLES = 5;

    private record Recorded(String name, Instant at, int count) {
    }

    /** New Events of one policy and reason in the current window, and those held back for the summary. */
    private static final class Window {
        final Instant start;
        final String type;
        int created;
        int suppressed;
        final List<String> samples = new ArrayList<>();

        Window(Instant start, String type) {
            this.start = start;
            this.type = type;
        }
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
    /** Per policy name, per reason. */
    private final Map<String, Map<String, Window>> windows = new ConcurrentHashMap<>();
    private final Set<String> failuresLogged = ConcurrentHashMap.newKeySet();

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void normal(HasMetadata policy, String reason, String message) {
        record(policy, "Normal", reason, message);
    }

    public void warning(HasMetadata policy, String reason, String message) {
        record(policy, "Warning", reason, message);
    }

    private void record(HasMetadata policy, String type, String reason, String message) {
        String text = fitted(message);
        String key = policy.getMetadata().getUid() + "|" + policy.getMetadata().getName() + "|" + type + "|" + reason + "|" + text;
        Instant now = clock.instant();
        Recorded seen;
        synchronized (recent) {
            seen = recent.get(key);
        }
        if (seen != null && seen.at().plus(AGGREGATION_WINDOW).isAfter(now)) {
            switch (bump(policy, reason, seen, now, text)) {
                case COUNTED -> {
                    synchronized (recent) {
                        recent.put(key, new Recorded(seen.name(), seen.at(), seen.count() + 1));
                    }
                    return;
                }
                case FAILED -> {
                    return; // logged; a duplicate Event would be the flood aggregation exists to prevent
                }
                case GONE -> {
                    // expired or deleted: record it afresh below
                }
            }
        }
        if (!admit(policy, type, reason, text, now)) {
            return;
        }
        String name = create(policy, type, reason, text, now);
        if (name != null) {
            synchronized (recent) {
                recent.put(key, new Recorded(name, now, 1));
            }
        }
    }

    /** Whether the window of this policy and reason has room for one more new Event; counts it either way. */
    private boolean admit(HasMetadata policy, String type, String reason, String text, Instant now) {
        Map<String, Window> byReason = windows.computeIfAbsent(policy.getMetadata().getName(), p -> new ConcurrentHashMap<>());
        synchronized (byReason) {
            Window window = byReason.get(reason);
            if (window != null && !window.start.plus(SUMMARY_WINDOW).isAfter(now)) {
                emitSummary(policy, reason, window);
                window = null;
            }
            if (window == null) {
                window = new Window(now, type);
                byReason.put(reason, window);
            }
            if (window.created < MAX_PER_WINDOW) {
                window.created++;
                return true;
            }
            window.suppressed++;
            if (window.samples.size() < SAMPLES) {
                window.samples.add(text.length() > 200 ? text.substring(0, 197) + "..." : text);
            }
            return false;
        }
    }

    /**
     * Records the summaries of this policy's windows that are over; returns how long until the next one is
     * due, so that the caller can come back then (a rollout that stops still gets its last summary).
     */
    public Optional<Duration> flush(HasMetadata policy) {
        Map<String, Window> byReason = windows.get(policy.getMetadata().getName());
        if (byReason == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Duration next = null;
        synchronized (byReason) {
            for (var it = byReason.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Window window = e.getValue();
                Instant end = window.start.plus(SUMMARY_WINDOW);
                if (!end.isAfter(now)) {
                    emitSummary(policy, e.getKey(), window);
                    it.remove();
                } else if (window.suppressed > 0) {
                    Duration left = Duration.between(now, end);
                    next = next == null || left.compareTo(next) < 0 ? left : next;
                }
            }
        }
        return Optional.ofNullable(next);
    }

    /** Drops a deleted policy's windows after recording their summaries. */
    public void forget(HasMetadata policy) {
        Map<String, Window> byReason = windows.remove(policy.getMetadata().getName());
        if (byReason != null) {
            synchronized (byReason) {
                byReason.forEach((reason, window) -> emitSummary(policy, reason, window));
            }
        }
    }

    private void emitSummary(HasMetadata policy, String reason, Window window) {
        if (window.suppressed == 0) {
            return;
        }
        String message = window.suppressed + " more " + reason + " Events between " + StatusFactory.format(window.start) + " and "
                + StatusFactory.format(window.start.plus(SUMMARY_WINDOW)) + " were not recorded one by one (at most " + MAX_PER_WINDOW
                + " a minute per policy and reason; status, metrics and the operator log have every one); for example: "
                + String.join(" | ", window.samples);
        create(policy, window.type, reason, fitted(message),
                clock.instant());
    }

    private static String fitted(String message) {
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
    }

    private String create(HasMetadata policy, String type, String reason, String text, Instant at) {
        String now = StatusFactory.format(at);
        var event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(EVENT_NAMESPACE)
                .withName(policy.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT))
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(policy.getApiVersion())
                        .withKind(policy.getKind())
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
            return event.getMetadata().getName();
        } catch (KubernetesClientException e) {
            logFailure(policy, reason, e.getCode(), "create", "could not record Event: " + Remediator.describe(e), text);
            return null;
        }
    }

    private enum Bump { COUNTED, GONE, FAILED }

    /** Counts a repeat on the existing Event, as kubelet and controllers do. */
    private Bump bump(HasMetadata policy, String reason, Recorded seen, Instant at, String text) {
        try {
            client.v1().events().inNamespace(EVENT_NAMESPACE).withName(seen.name())
                    .patch(PatchContext.of(PatchType.JSON_MERGE),
                            Serialization.asJson(Map.of("count", seen.count() + 1, "lastTimestamp", StatusFactory.format(at))));
            return Bump.COUNTED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Bump.GONE;
            }
            logFailure(policy, reason, e.getCode(), "count", "could not raise the count of Event " + seen.name() + ": " + Remediator.describe(e), text);
            return Bump.FAILED;
        }
    }

    /** Once per policy, reason and HTTP status at WARN (a missing permission would otherwise flood the log), then at DEBUG. */
    private void logFailure(HasMetadata policy, String reason, int code, String action, String detail, String message) {
        String once = policy.getMetadata().getName() + "|" + reason + "|" + code + "|" + action;
        if (failuresLogged.add(once)) {
            LOG.warnf("%s %s, Event %s: %s; further failures like this are logged at DEBUG (message: %s)",
                    policy.getKind(), policy.getMetadata().getName(), reason, detail, message);
        } else {
            LOG.debugf("%s %s, Event %s: %s (message: %s)", policy.getKind(), policy.getMetadata().getName(), reason, detail, message);
        }
    }
}
