package dev.evident.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlExceptionSpec;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.PolicyEvaluation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How evaluation cost grows with cluster size: the example soc2-baseline policy (all six controls) over
 * synthetic clusters of 100 and 5,000 namespaces, each namespace with a NetworkPolicy, a RoleBinding, a PVC,
 * an Ingress and a TLS Secret. Prints time and allocation per namespace and their ratio between the two
 * sizes (1.0 = perfectly linear). Not part of the default test run (the name does not end in Test):
 * {@code ./mvnw -B test -Dtest=EngineBenchmark}.
 */
public class EngineBenchmark {
    private static final int ROUNDS = 20;

    @Test
    void evaluationScalesLinearly() throws Exception {
        ControlPolicy policy = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(java.nio.file.Files.readString(Path.of("examples/policies/soc2-baseline.yaml")), ControlPolicy.class);
        Engine engine = new Engine(StandardControls.catalog(), null);
        measure(engine, policy, 1_000); // JIT warm-up over every control's code paths
        double[] small = measure(engine, policy, 100);
        double[] large = measure(engine, policy, 5_000);
        System.out.printf("[EngineBenchmark] 100 namespaces:   %.1f us/namespace, %.0f bytes allocated/namespace%n", small[0] / 1000, small[1]);
        System.out.printf("[EngineBenchmark] 5000 namespaces:  %.1f us/namespace, %.0f bytes allocated/namespace%n", large[0] / 1000, large[1]);
        System.out.printf("[EngineBenchmark] per-namespace cost ratio 5000/100: time %.2f, allocation %.2f%n", large[0] / small[0], large[1] / small[1]);
    }

    /** What ControlExceptions add: 5,000 namespaces with no exception, then with 200 (each waiving NET-001 in 10 namespaces). */
    @Test
    void exceptionsCostRelativeToEvaluation() throws Exception {
        ControlPolicy policy = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(java.nio.file.Files.readString(Path.of("examples/policies/soc2-baseline.yaml")), ControlPolicy.class);
        Engine engine = new Engine(StandardControls.catalog(), null);
        List<HasMetadata> plain = cluster(5_000);
        List<HasMetadata> waived = new ArrayList<>(plain);
        for (int e = 0; e < 200; e++) {
            ControlException exception = new ControlException();
            exception.getMetadata().setName("waiver-" + e);
            ControlExceptionSpec spec = new ControlExceptionSpec();
            spec.setPolicy(policy.getMetadata().getName());
            spec.setControls(List.of("NET-001"));
            List<String> namespaces = new ArrayList<>();
            for (int n = 0; n < 10; n++) {
                namespaces.add("team-" + (e * 10 + n));
            }
            spec.setNamespaces(namespaces);
            spec.setJustification("Synthetic waiver for the benchmark.");
            spec.setApprovedBy("bench");
            spec.setExpiresAt("2027-01-31T00:00:00Z");
            exception.setSpec(spec);
            waived.add(exception);
        }
        double[] without = measure(engine, policy, plain, 5_000);
        double[] with = measure(engine, policy, waived, 5_000);
        System.out.printf("[EngineBenchmark] 5000 namespaces, 0 / 200 exceptions: %.1f / %.1f us/namespace; ratio time %.2f, allocation %.2f%n",
                without[0] / 1000, with[0] / 1000, with[0] / without[0], with[1] / without[1]);
    }

    private static double[] measure(Engine engine, ControlPolicy policy, int namespaces) {
        return measure(engine, policy, cluster(namespaces), namespaces);
    }

    private static double[] measure(Engine engine, ControlPolicy policy, List<HasMetadata> objects, int namespaces) {
        InMemorySnapshot snapshot = InMemorySnapshot.of(Instant.parse("2026-11-23T12:00:00Z"), objects);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PolicyEvaluation evaluation = null;
        for (int i = 0; i < ROUNDS; i++) { // warm-up
            evaluation = engine.evaluate(policy, snapshot);
        }
        assertThat(evaluation.findings()).hasSizeGreaterThanOrEqualTo(namespaces * 5);
        long bytesBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        long start = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            engine.evaluate(policy, snapshot);
        }
        double nanosPerNamespace = (System.nanoTime() - start) / (double) ROUNDS / namespaces;
        double bytesPerNamespace = (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - bytesBefore) / (double) ROUNDS / namespaces;
        return new double[] {nanosPerNamespace, bytesPerNamespace};
    }

    /** The synthetic cluster: also the input of the operator benchmarks. */
    public static List<HasMetadata> cluster(int namespaces) {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(new StorageClassBuilder().withNewMetadata().withName("gp3").endMetadata()
                .withProvisioner("ebs.csi.aws.com").addToParameters("encrypted", "true").build());
        for (int i = 0; i < namespaces; i++) {
            String ns = "team-" + i;
            objects.add(new NamespaceBuilder().withNewMetadata().withName(ns)
                    .addToLabels("pod-security.kubernetes.io/enforce", i % 3 == 0 ? "baseline" : "restricted").endMetadata().build());
            if (i % 4 != 0) {
                objects.add(new NetworkPolicyBuilder().withNewMetadata().withNamespace(ns).withName("deny-all").endMetadata()
                        .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress")
                        .addNewEgress().addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort().endEgress()
                        .endSpec().build());
            }
            objects.add(new RoleBindingBuilder().withNewMetadata().withNamespace(ns).withName("devs").endMetadata()
                    .withNewRoleRef().withKind("ClusterRole").withName(i % 10 == 0 ? "cluster-admin" : "edit").endRoleRef()
                    .addNewSubject().withKind("Group").withName("devs-" + i).endSubject().build());
            objects.add(new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(ns).withName("data").endMetadata()
                    .withNewSpec().withStorageClassName("gp3").endSpec().build());
            objects.add(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("web-tls").endMetadata().withType("kubernetes.io/tls").build());
            objects.add(new IngressBuilder().withNewMetadata().withNamespace(ns).withName("web").endMetadata().withNewSpec()
                    .addNewTl().withHosts(ns + ".example.com").withSecretName("web-tls").endTl()
                    .addNewRule().withHost(ns + ".example.com").endRule().endSpec().build());
        }
        return objects;
    }
}
