package dev.evident.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.StandardControls;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.Remediation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Drift to repair on the real API server against a floor: N namespaces under an Enforce policy (NetworkDefaultDeny
 * and PodSecurityLevel), the managed NetworkPolicy deleted in random namespaces one at a time, the time from the
 * delete to the ADDED event of the re-created object as an admin watch sees it. The floor is the least any
 * repairer can do: a bare Fabric8 watch in this JVM that re-creates its own NetworkPolicy ("floor") on delete, on
 * the same server, in the same run, timed the same way, after a warm-up of both. Namespaces start compliant (the managed objects are created
 * from the engine's own plans), so the operator starts from a full evaluation and then works per event. Prints p50
 * and p99 of both and their ratio (goal p99 <= 1.5x the floor's). A measurement, not a gate:
 * {@code ./mvnw -B verify -DskipITs=false -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DriftRepairIT -Devident.drift.namespaces=100,5000}.
 */
class DriftRepairIT {
    private static final String POLICY = "drift-bench";
    private static final int DELETES = 200;
    private static final int WARM_UP = 20;

    @Test
    void driftToRepairAgainstABareWatch() throws Exception {
        String sizes = System.getProperty("evident.drift.namespaces", "");
        Assumptions.assumeFalse(sizes.isBlank(), "set -Devident.drift.namespaces=100,5000 to measure (not part of the CI run)");
        for (int namespaces : Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray()) {
            measure(namespaces);
        }
    }

    private void measure(int namespaces) throws Exception {
        Path dir = Path.of("target", "drift-apiserver").toAbsolutePath();
        RealApiServer.deleteRecursively(dir);
        try (RealApiServer server = RealApiServer.start(dir); KubernetesClient admin = server.adminClient()) {
            for (HasMetadata o : RealApiServer.evidentCrds(admin)) { // every CRD the operator watches, ControlException included
                admin.resource(o).create();
            }
            Path kubeconfig = OperatorProcess.installAndLogIn(server, admin);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.resources(ControlPolicy.class).list() != null);
            ControlPolicy policy = dev.evident.engine.Fixtures.policy(POLICY, Mode.Enforce,
                    dev.evident.engine.Fixtures.networkDefaultDeny("NET-001", true), dev.evident.engine.Fixtures.podSecurityLevel("PSS-001", "restricted"));
            policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("bench", "drift").build());
            policy = admin.resource(policy).create();
            long start = System.nanoTime();
            populate(admin, policy, namespaces);
            System.out.printf("[DriftRepairIT] %,d namespaces created compliant in %d s%n", namespaces, (System.nanoTime() - start) / 1_000_000_000);

            int port = OperatorProcess.freePort();
            Process operator = OperatorProcess.start(kubeconfig, port, Path.of("target", "drift-operator-" + namespaces + ".log"));
            Map<String, CountDownLatch> added = new ConcurrentHashMap<>();
            Map<String, Long> addedAt = new ConcurrentHashMap<>();
            try (Watch timing = admin.network().v1().networkPolicies().inAnyNamespace().watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, NetworkPolicy np) {
                        if (action == Action.ADDED) {
                            String key = np.getMetadata().getNamespace() + "/" + np.getMetadata().getName();
                            addedAt.put(key, System.nanoTime());
                            CountDownLatch latch = added.get(key);
                            if (latch != null) {
                                latch.countDown();
                            }
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
                 Watch floor = floor(admin)) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
                    ControlPolicy p = admin.resources(ControlPolicy.class).withName(POLICY).get();
                    assertThat(p.getStatus().getControls()).allSatisfy(c -> assertThat(c.getCompliant()).isEqualTo(namespaces));
                });
                Random random = new Random(1);
                for (int i = 0; i < WARM_UP; i++) { // first repairs load classes and compile: not what drift costs later
                    String ns = "drift-" + random.nextInt(namespaces);
                    repairTime(admin, ns, NetworkDefaultDeny.MANAGED_NAME, added, addedAt);
                    repairTime(admin, ns, "floor", added, addedAt);
                }
                List<Long> evident = new ArrayList<>();
                List<Long> bare = new ArrayList<>();
                for (int i = 0; i < DELETES; i++) {
                    String ns = "drift-" + random.nextInt(namespaces);
                    evident.add(repairTime(admin, ns, NetworkDefaultDeny.MANAGED_NAME, added, addedAt));
                    bare.add(repairTime(admin, ns, "floor", added, addedAt));
                }
                System.out.printf("[DriftRepairIT] %,d namespaces: Evident's repair times in order (ms): %s%n", namespaces,
                        evident.stream().map(t -> String.valueOf(t / 1_000_000)).toList());
                evident.sort(null);
                bare.sort(null);
                long p50 = evident.get(DELETES / 2);
                long p99 = evident.get(DELETES * 99 / 100);
                long f50 = bare.get(DELETES / 2);
                long f99 = bare.get(DELETES * 99 / 100);
                System.out.printf("[DriftRepairIT] %,d namespaces, %d deletes: Evident p50 %.1f ms p99 %.1f ms; bare watch p50 %.1f ms p99 %.1f ms;"
                                + " ratio p50 %.2f, p99 %.2f (goal p99 <= 1.5)%n",
                        namespaces, DELETES, p50 / 1e6, p99 / 1e6, f50 / 1e6, f99 / 1e6, (double) p50 / f50, (double) p99 / f99);
            } finally {
                operator.destroy();
                operator.waitFor();
            }
        }
    }

    /** Deletes the object and waits for the watch to report it back; nanoseconds from the delete call. */
    private static long repairTime(KubernetesClient admin, String ns, String name, Map<String, CountDownLatch> added, Map<String, Long> addedAt)
            throws InterruptedException {
        String key = ns + "/" + name;
        CountDownLatch latch = new CountDownLatch(1);
        added.put(key, latch);
        long start = System.nanoTime();
        admin.network().v1().networkPolicies().inNamespace(ns).withName(name).delete();
        assertThat(latch.await(30, TimeUnit.SECONDS)).as("%s re-created", key).isTrue();
        added.remove(key);
        Thread.sleep(50); // let both repairers settle before the next delete
        return addedAt.get(key) - start;
    }

    /** The floor: a bare watch that re-creates its NetworkPolicy when it is deleted. */
    private static Watch floor(KubernetesClient admin) {
        return admin.network().v1().networkPolicies().inAnyNamespace().withLabel("bench", "floor").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, NetworkPolicy np) {
                if (action == Action.DELETED) {
                    admin.network().v1().networkPolicies().inNamespace(np.getMetadata().getNamespace()).resource(floorPolicy()).create();
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    private static NetworkPolicy floorPolicy() {
        return new NetworkPolicyBuilder().withNewMetadata().withName("floor").addToLabels("bench", "floor").endMetadata()
                .withNewSpec().withNewPodSelector().addToMatchLabels("app", "none").endPodSelector().withPolicyTypes("Ingress").endSpec().build();
    }

    /** Compliant namespaces: the pod-security label, the managed NetworkPolicy as the engine plans it, and the floor's object. */
    private static void populate(KubernetesClient admin, ControlPolicy policy, int namespaces) throws Exception {
        Engine engine = new Engine(StandardControls.catalog(), null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < namespaces; i++) {
            String ns = "drift-" + i;
            done.add(pool.submit(() -> {
                Namespace namespace = new NamespaceBuilder().withNewMetadata().withName(ns).addToLabels("bench", "drift")
                        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build();
                admin.namespaces().resource(namespace).create();
                for (Finding f : engine.evaluate(policy, InMemorySnapshot.of(Instant.now(), namespace)).findings()) {
                    if (f.remediation() instanceof Remediation.Apply apply) {
                        admin.resource(apply.target()).create();
                    }
                }
                admin.network().v1().networkPolicies().inNamespace(ns).resource(floorPolicy()).create();
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }
}
