package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.bench.EngineBenchmark;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Read;
import dev.evident.evidence.EvidenceRecorder;
import dev.evident.evidence.PolicyReportPublisher;
import dev.evident.testing.CrudApiServer;
import dev.evident.metrics.EvidentMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CPU per drift event on the operator's reconcile path, against the cost of evaluating one namespace, at 1,000 and
 * 10,000 namespaces: the informer stores hold the synthetic cluster of {@link EngineBenchmark}; each event deletes
 * or restores one namespace's default-deny NetworkPolicy (or flips its pod-security label) in the store, tells
 * {@link IncrementalEvaluation} as the mapper would, and runs what a reconcile runs on the result: incremental
 * evaluation, drift tracking, status, metrics, the evidence log (written to a temporary directory) and deciding which
 * policy reports to rebuild (their writer thread is left out). The goal's ratio is taken from medians of interleaved
 * samples: after each event, one floor sample (every control over a random namespace). One thread, CPU time of that thread: events per CPU second is what
 * one core sustains. Prints ratios, asserts nothing about time. Not part of the default run (the name does not end
 * in Test): {@code ./mvnw -B test -Dtest=EventBenchmark}.
 */
class EventBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String[] PARTS = {"drift tracking", "status", "metrics", "next timed change", "evidence", "policy reports"};
    private CrudApiServer api;

    @org.junit.jupiter.api.BeforeEach
    void start() {
        api = CrudApiServer.start();
    }

    @org.junit.jupiter.api.AfterEach
    void stop() {
        api.close();
    }

    @Test
    void cpuPerEventAgainstOneNamespace() throws Exception {
        ControlPolicy policy = new KubernetesSerialization()
                .unmarshal(Files.readString(Path.of("examples/policies/soc2-baseline.yaml")), ControlPolicy.class);
        policy.getMetadata().setUid("uid-1");
        policy.getMetadata().setGeneration(1L);
        run(policy, 1_000, false); // JIT warm-up
        for (int namespaces : new int[] {1_000, 10_000}) {
            run(policy, namespaces, true);
        }
    }

    private void run(ControlPolicy policy, int namespaces, boolean print) throws java.io.IOException {
        Engine engine = new Engine(StandardControls.catalog(), "evident");
        List<HasMetadata> cluster = new java.util.ArrayList<>(EngineBenchmark.cluster(namespaces));
        // A ControlException in force, as on most real clusters: evaluations stay incremental with it.
        cluster.add(new KubernetesSerialization().unmarshal(Files.readString(Path.of("examples/exceptions/managed-control-plane.yaml")),
                dev.evident.api.v1alpha1.ControlException.class));
        Map<Class<?>, SlimItemStore<?>> stores = stores(engine, cluster);
        String name = policy.getMetadata().getName();

        // Floors: a full evaluation per namespace, and every control evaluated over one namespace.
        long start = cpu();
        int fullRounds = Math.max(3, 30_000 / namespaces);
        for (int i = 0; i < fullRounds; i++) {
            engine.evaluate(policy, new InformerSnapshot(NOW, stores, null));
        }
        double fullNanos = (cpu() - start) / (double) fullRounds;
        Random random = new Random(1);
        int singleRounds = 5_000;
        start = cpu();
        for (int i = 0; i < singleRounds; i++) {
            String ns = "team-" + random.nextInt(namespaces);
            InformerSnapshot snapshot = new InformerSnapshot(NOW, stores, null);
            policy.getSpec().getControls().forEach(c -> engine.evaluateControl(policy, c.getId(), snapshot, ns));
        }
        double oneNamespaceNanos = (cpu() - start) / (double) singleRounds;

        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        IncrementalEvaluation incremental = new IncrementalEvaluation(engine, clock, Duration.ofHours(1));
        DriftTracker drift = new DriftTracker();
        StatusFactory statusFactory = new StatusFactory(clock, Duration.ofMinutes(10));
        EvidentMetrics metrics = new EvidentMetrics(new SimpleMeterRegistry());
        EvidenceRecorder evidence = new EvidenceRecorder(clock, api.client, new OperatorNamespace("evident-system"), new SimpleMeterRegistry(), true,
                Files.createTempDirectory("event-benchmark"), Duration.ofHours(1), Duration.ofDays(400), 64L << 20, Duration.ofDays(1),
                Duration.ofHours(1), "evident-evidence-signing", "private.pem");
        // Reports are written by their own thread; what the reconcile pays is deciding which to rebuild.
        PolicyReportPublisher reports = new PolicyReportPublisher(api.client, clock, "openreports", 500, task -> { });
        IncrementalEvaluation.Reevaluation first = incremental.reevaluate(policy, new InformerSnapshot(NOW, stores, null));
        drift.update(name, first.evaluation(), first.diff(), NOW);
        evidence.evaluated(policy, first.evaluation(), first.diff(), NOW);
        reports.publish(policy, first.evaluation(), first.diff());

        int events = namespaces >= 10_000 ? 2_000 : 4_000;
        long engineNanos = 0;
        long[] parts = new long[PARTS.length];
        // Per event, its whole cost and one floor sample taken right after it: the medians compare the two under the
        // same conditions, which the averages (moved by a compilation or a busy neighbour) do not.
        long[] eventSamples = new long[events];
        long[] floorSamples = new long[events];
        long[] evaluationSamples = new long[events];
        PolicyEvaluation evaluation = first.evaluation();
        for (int i = 0; i < events; i++) {
            HasMetadata changed = change(stores, "team-" + random.nextInt(namespaces), random);
            long t0 = cpu();
            incremental.changed(changed, List.of(name));
            IncrementalEvaluation.Reevaluation next = incremental.reevaluate(policy, new InformerSnapshot(NOW, stores, null));
            evaluation = next.evaluation();
            long t1 = cpu();
            drift.update(name, evaluation, next.diff(), NOW);
            long t2 = cpu();
            statusFactory.evaluated(policy, evaluation, Map.of(), RemediationOutcome.NONE, null);
            long t3 = cpu();
            metrics.recordEvaluation(evaluation, NOW, 0);
            long t4 = cpu();
            evaluation.changesAt();
            long t5 = cpu();
            evidence.evaluated(policy, evaluation, next.diff(), NOW);
            long t6 = cpu();
            reports.publish(policy, evaluation, next.diff());
            long t7 = cpu();
            engineNanos += t1 - t0;
            parts[0] += t2 - t1;
            parts[1] += t3 - t2;
            parts[2] += t4 - t3;
            parts[3] += t5 - t4;
            parts[4] += t6 - t5;
            parts[5] += t7 - t6;
            eventSamples[i] = t7 - t0;
            evaluationSamples[i] = t1 - t0;
            String floorNamespace = "team-" + random.nextInt(namespaces);
            InformerSnapshot floorSnapshot = new InformerSnapshot(NOW, stores, null);
            long f0 = cpu();
            policy.getSpec().getControls().forEach(c -> engine.evaluateControl(policy, c.getId(), floorSnapshot, floorNamespace));
            floorSamples[i] = cpu() - f0;
            assertThat(incremental.lastWasFull(name)).isFalse();
        }
        assertThat(evaluation).isEqualTo(engine.evaluate(policy, new InformerSnapshot(NOW, stores, null)));
        if (!print) {
            return;
        }
        double perEventEngine = engineNanos / (double) events;
        long bookkeepingNanos = java.util.Arrays.stream(parts).sum();
        double perEvent = (engineNanos + bookkeepingNanos) / (double) events;
        double perNamespace = fullNanos / namespaces;
        System.out.printf("[EventBenchmark] %,d namespaces (%,d findings): full evaluation %.1f ms (%.1f us per namespace); "
                        + "all controls over one namespace %.1f us%n",
                namespaces, first.evaluation().findings().size(), fullNanos / 1e6, perNamespace / 1e3, oneNamespaceNanos / 1e3);
        StringBuilder line = new StringBuilder(String.format("[EventBenchmark] %,d namespaces: per event %.1f us CPU = incremental evaluation %.1f us",
                namespaces, perEvent / 1e3, perEventEngine / 1e3));
        for (int i = 0; i < PARTS.length; i++) {
            line.append(String.format(" + %s %.1f us", PARTS[i], parts[i] / 1e3 / events));
        }
        System.out.println(line);
        java.util.Arrays.sort(eventSamples);
        java.util.Arrays.sort(floorSamples);
        java.util.Arrays.sort(evaluationSamples);
        System.out.printf("[EventBenchmark] %,d namespaces: per event p50 / p90 / p99: %.1f / %.1f / %.1f us (evaluation %.1f / %.1f / %.1f us)%n",
                namespaces, eventSamples[events / 2] / 1e3, eventSamples[events * 9 / 10] / 1e3, eventSamples[events * 99 / 100] / 1e3,
                evaluationSamples[events / 2] / 1e3, evaluationSamples[events * 9 / 10] / 1e3, evaluationSamples[events * 99 / 100] / 1e3);
        double medianEvent = eventSamples[events / 2];
        double medianFloor = floorSamples[events / 2];
        System.out.printf("[EventBenchmark] %,d namespaces: medians, interleaved: per event %.1f us, one namespace %.1f us, ratio %.1fx (goal <= 10x)%n",
                namespaces, medianEvent / 1e3, medianFloor / 1e3, medianEvent / medianFloor);
        System.out.printf("[EventBenchmark] %,d namespaces: per event / one namespace = %.1fx (evaluation alone %.1fx; goal <= 10x); "
                        + "per event / full evaluation per namespace = %.1fx; events per CPU second %,.0f (goal >= 500)%n",
                namespaces, perEvent / oneNamespaceNanos, perEventEngine / oneNamespaceNanos, perEvent / perNamespace, 1e9 / perEvent);
    }

    /** Deletes or restores the namespace's deny-all NetworkPolicy, or flips its pod-security label; returns the object. */
    @SuppressWarnings("unchecked")
    private static HasMetadata change(Map<Class<?>, SlimItemStore<?>> stores, String ns, Random random) {
        if (random.nextInt(4) == 0) {
            SlimItemStore<Namespace> namespaces = (SlimItemStore<Namespace>) stores.get(Namespace.class);
            Namespace before = namespaces.get(ns);
            String level = "restricted".equals(before.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce")) ? "baseline" : "restricted";
            Namespace after = new NamespaceBuilder(before).editMetadata().addToLabels("pod-security.kubernetes.io/enforce", level).endMetadata().build();
            namespaces.put(ns, after);
            return after;
        }
        SlimItemStore<NetworkPolicy> policies = (SlimItemStore<NetworkPolicy>) stores.get(NetworkPolicy.class);
        String key = ns + "/deny-all";
        NetworkPolicy existing = policies.get(key);
        if (existing != null) {
            policies.remove(key);
            return existing;
        }
        NetworkPolicy restored = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder().withNewMetadata().withNamespace(ns)
                .withName("deny-all").endMetadata().withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress")
                .endSpec().build();
        policies.put(key, restored);
        return restored;
    }

    private static Map<Class<?>, SlimItemStore<?>> stores(Engine engine, List<HasMetadata> objects) {
        Map<Class<?>, SlimItemStore<?>> stores = new HashMap<>();
        stores.put(Namespace.class, new SlimItemStore<>());
        stores.put(dev.evident.api.v1alpha1.ControlException.class, new SlimItemStore<>());
        for (Read read : engine.catalog().reads()) {
            stores.put(read.kind(), new SlimItemStore<>(read.slim()));
        }
        for (HasMetadata o : objects) {
            put(stores.get(o.getClass()), o);
        }
        return stores;
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> void put(SlimItemStore<T> store, HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        store.put(ns == null ? o.getMetadata().getName() : ns + "/" + o.getMetadata().getName(), (T) o);
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
