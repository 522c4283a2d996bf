package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlExceptionSpec;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.evidence.EvidenceRecord;
import dev.evident.evidence.RecordTypes;
import dev.evident.evidence.RecordedState;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Incremental evaluation gives exactly what a full one gives: after seeded random sequences of changes to every
 * kind the baseline policy reads (and some it does not), each followed by both evaluations over the same objects,
 * the two are equal finding for finding, in the same order. Changes are reported as the operator's mapper would
 * report them: to the policy only when they can affect it.
 */
class IncrementalEvaluationTest {
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration RESYNC = Duration.ofMinutes(10);
    private static final int NAMESPACES = 12;

    private final Engine engine = new Engine(StandardControls.catalog(), "evident");
    private final Map<String, HasMetadata> objects = new LinkedHashMap<>();
    private Random random;
    private Instant now = START;
    private int changes;

    @Test
    void incrementalEqualsFullAfterRandomChanges() throws Exception {
        ControlPolicy policy = baseline();
        int incrementalRuns = 0;
        for (long seed = 1; seed <= 40; seed++) {
            random = new Random(seed);
            objects.clear();
            now = START;
            IncrementalEvaluation incremental = new IncrementalEvaluation(engine, Clock.fixed(START, ZoneOffset.UTC), RESYNC);
            // Consumers that keep state per finding: one applies each diff, the other compares everything.
            DriftTracker driftByDiff = new DriftTracker();
            DriftTracker driftWhole = new DriftTracker();
            RecordedState recordedByDiff = new RecordedState();
            RecordedState recordedWhole = new RecordedState();
            PolicyEvaluation previous = null;
            cluster();
            if (seed % 2 == 1) {
                exceptions();
            }
            for (int step = 0; step < 60; step++) {
                int batch = 1 + random.nextInt(3);
                for (int i = 0; i < batch; i++) {
                    HasMetadata changed = change();
                    if (changed instanceof GenericKubernetesResource generic) {
                        // Optional kinds reach the operator as "this kind changed" for the policies reading it.
                        engine.catalog().genericReads().stream().filter(k -> k.kind().equals(generic.getKind()))
                                .forEach(k -> incremental.changedKind(k, List.of(policy.getMetadata().getName())));
                    } else if (affects(policy, changed)) {
                        incremental.changed(changed, List.of(policy.getMetadata().getName()));
                    }
                }
                now = now.plusSeconds(random.nextInt(5));
                InMemorySnapshot snapshot = InMemorySnapshot.of(now, objects.values());
                PolicyEvaluation full = engine.evaluate(policy, snapshot);
                IncrementalEvaluation.Reevaluation reevaluation = incremental.reevaluate(policy, snapshot);
                PolicyEvaluation incrementally = reevaluation.evaluation();
                assertThat(incrementally).as("seed %d step %d", seed, step).isEqualTo(full);
                String name = policy.getMetadata().getName();
                assertThat(driftByDiff.update(name, incrementally, reevaluation.diff(), now)).as("drift, seed %d step %d", seed, step)
                        .isEqualTo(driftWhole.update(name, full, EvaluationDiff.full(), now));
                List<ObjectNode> byDiff = new ArrayList<>();
                if (reevaluation.diff().follows(previous)) {
                    recordedByDiff.findingChanges(name, reevaluation.diff(), byDiff::add);
                } else {
                    recordedByDiff.findingChanges(incrementally, byDiff::add);
                }
                List<ObjectNode> whole = recordedWhole.findingChanges(full);
                assertThat(byDiff).as("evidence records, seed %d step %d", seed, step).isEqualTo(whole);
                byDiff.forEach(r -> recordedByDiff.apply(new EvidenceRecord(0, "t", RecordTypes.FINDING, r, null, null)));
                whole.forEach(r -> recordedWhole.apply(new EvidenceRecord(0, "t", RecordTypes.FINDING, r, null, null)));
                previous = incrementally;
                if (!incremental.lastWasFull(policy.getMetadata().getName())) {
                    incrementalRuns++;
                }
            }
        }
        // The comparison means something only if most evaluations took the incremental path.
        assertThat(incrementalRuns).isGreaterThan(40 * 60 * 3 / 4);
    }

    @Test
    void policyChangeResyncAndUnknownKindsEvaluateEverything() throws Exception {
        ControlPolicy policy = baseline();
        random = new Random(7);
        cluster();
        IncrementalEvaluation incremental = new IncrementalEvaluation(engine, Clock.fixed(START, ZoneOffset.UTC), RESYNC);
        String name = policy.getMetadata().getName();
        incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()));
        assertThat(incremental.lastWasFull(name)).isTrue();

        incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()));
        assertThat(incremental.lastWasFull(name)).as("nothing changed").isFalse();

        incremental.changed(new PodBuilder().withNewMetadata().withName("p").withNamespace("team-1").endMetadata().build(), List.of(name));
        incremental.changed(new GenericKubernetesResourceBuilder().withApiVersion("velero.io/v1").withKind("Schedule")
                .withNewMetadata().withName("daily").withNamespace("velero").endMetadata().build(), List.of(name));
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()))).isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, objects.values())));

        // Cilium policies (an optional kind NetworkDefaultDeny reads) changed: NET-001 is re-judged whole.
        List<HasMetadata> withCilium = new ArrayList<>(objects.values());
        withCilium.add(new GenericKubernetesResourceBuilder().withApiVersion("cilium.io/v2")
                .withKind("CiliumClusterwideNetworkPolicy").withNewMetadata().withName("deny-all").endMetadata()
                .addToAdditionalProperties("spec", Map.of("endpointSelector", Map.of(), "ingress", List.of(Map.of()))).build());
        engine.catalog().genericReads().forEach(kind -> incremental.changedKind(kind, List.of(name)));
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, withCilium))).isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, withCilium)));
        assertThat(incremental.lastWasFull(name)).isFalse();

        policy.getSpec().getControls().get(1).getPodSecurityLevel().setLevel("baseline");
        policy.getMetadata().setGeneration(2L);
        PolicyEvaluation changed = incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()));
        assertThat(incremental.lastWasFull(name)).as("policy changed").isTrue();
        assertThat(changed).isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, objects.values())));

        policy.getSpec().getControls().get(1).getPodSecurityLevel().setLevel("restricted");
        policy.getMetadata().setGeneration(null);
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()))).isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, objects.values())));
        assertThat(incremental.lastWasFull(name)).as("no generation: spec compared").isTrue();

        now = now.plus(RESYNC);
        incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()));
        assertThat(incremental.lastWasFull(name)).as("resync").isTrue();
    }

    @Test
    void aControlExceptionComingOrGoingMakesTheNextEvaluationFull() throws Exception {
        ControlPolicy policy = baseline();
        random = new Random(5);
        cluster();
        String name = policy.getMetadata().getName();
        IncrementalEvaluation incremental = new IncrementalEvaluation(engine, Clock.fixed(START, ZoneOffset.UTC), RESYNC);
        incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()));
        HasMetadata exception = new KubernetesSerialization().unmarshal(
                Files.readString(Path.of("examples/exceptions/managed-control-plane.yaml")), dev.evident.api.v1alpha1.ControlException.class);
        List<HasMetadata> withException = new ArrayList<>(objects.values());
        withException.add(exception);
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, withException)))
                .isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, withException)));
        assertThat(incremental.lastWasFull(name)).isTrue();
        incremental.changed(namespace("team-1"), List.of(name));
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, withException)))
                .isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, withException)));
        assertThat(incremental.lastWasFull(name)).as("the same exceptions: incremental").isFalse();
        // Deleted: the evaluation that still carried its effect is not reused.
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values())))
                .isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, objects.values())));
        assertThat(incremental.lastWasFull(name)).isTrue();
        incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()));
        assertThat(incremental.lastWasFull(name)).isFalse();
    }

    @Test
    void ownWritesAreRejudgedUntilTheirOverlayExpires() throws Exception {
        ControlPolicy policy = baseline();
        random = new Random(3);
        cluster();
        String name = policy.getMetadata().getName();
        Instant[] clock = {START};
        IncrementalEvaluation incremental = new IncrementalEvaluation(engine, new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return clock[0]; }
        }, RESYNC);
        incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()));
        // Evident writes a NetworkPolicy; the snapshot shows it (overlaid), then, the write expired unobserved, not.
        HasMetadata written = networkPolicy("team-2", "evident-default-deny");
        incremental.wrote(written);
        objects.put(key(written), written);
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()))).isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, objects.values())));
        objects.remove(key(written));
        now = now.plus(RecentWrites.MAX_AGE).plusSeconds(1);
        assertThat(incremental.evaluate(policy, InMemorySnapshot.of(now, objects.values()))).isEqualTo(engine.evaluate(policy, InMemorySnapshot.of(now, objects.values())));
        assertThat(incremental.lastWasFull(name)).isFalse();
    }

    private static ControlPolicy baseline() throws Exception {
        ControlPolicy policy = new KubernetesSerialization().unmarshal(Files.readString(Path.of("examples/policies/soc2-baseline.yaml")), ControlPolicy.class);
        policy.getMetadata().setUid("uid-1");
        policy.getMetadata().setGeneration(1L);
        return policy;
    }

    /** As PolicyMapper: namespaced objects matter only in namespaces the policy does not exclude and selects (or that are not known). */
    private boolean affects(ControlPolicy policy, HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        if (object instanceof Namespace || namespace == null || object instanceof Pod && "kube-system".equals(namespace)) {
            return true;
        }
        if (policy.getSpec().getExcludedNamespaces().contains(namespace)) {
            return false;
        }
        HasMetadata ns = objects.get("Namespace//" + namespace);
        return ns == null || ns.getMetadata().getLabels() == null || !ns.getMetadata().getLabels().containsKey("evident.dev/exempt");
    }

    /**
     * ControlExceptions on the baseline: two Active ones overlapping in team-2 (the first by name takes a finding) and
     * an Expired one overlapping the first in team-3 (whose findings then need a full evaluation to list).
     */
    private void exceptions() {
        put(exception("a-active", List.of("NET-001", "PSS-001"), List.of("team-1", "team-2", "team-3"), START.plus(Duration.ofDays(30))));
        put(exception("b-expired", List.of("NET-001"), List.of("team-3", "team-4"), START.minus(Duration.ofHours(1))));
        put(exception("c-active", List.of("NET-001"), List.of("team-2", "team-5"), START.plus(Duration.ofDays(20))));
    }

    private static ControlException exception(String name, List<String> controls, List<String> namespaces, Instant expiresAt) {
        ControlException e = new ControlException();
        e.getMetadata().setName(name);
        e.getMetadata().setNamespace("evident");
        e.getMetadata().setCreationTimestamp(START.minus(Duration.ofDays(10)).toString());
        ControlExceptionSpec spec = new ControlExceptionSpec();
        spec.setPolicy("soc2-baseline");
        spec.setControls(controls);
        spec.setNamespaces(namespaces);
        spec.setJustification("accepted risk while the team migrates, see the ticket");
        spec.setApprovedBy("security-lead@example.com");
        spec.setExpiresAt(expiresAt.toString());
        e.setSpec(spec);
        return e;
    }

    private void cluster() {
        put(new StorageClassBuilder().withNewMetadata().withName("gp3").endMetadata()
                .withProvisioner("ebs.csi.aws.com").addToParameters("encrypted", "true").build());
        put(new ClusterRoleBuilder().withNewMetadata().withName("edit").endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get").endRule().build());
        put(new ClusterRoleBuilder().withNewMetadata().withName("cluster-admin").endMetadata()
                .addNewRule().withApiGroups("*").withResources("*").withVerbs("*").endRule().build());
        put(new GenericKubernetesResourceBuilder().withApiVersion("apiextensions.k8s.io/v1").withKind("CustomResourceDefinition")
                .withNewMetadata().withName("gateways.gateway.networking.k8s.io").endMetadata().build());
        put(new NamespaceBuilder().withNewMetadata().withName("kube-system").endMetadata().build());
        put(new NamespaceBuilder().withNewMetadata().withName("evident").endMetadata().build());
        for (int i = 0; i < NAMESPACES; i++) {
            if (random.nextInt(4) > 0) {
                put(namespace("team-" + i));
            }
        }
    }

    /** One random change to the objects; returns the object changed (as it was, when deleted). */
    private HasMetadata change() {
        changes++;
        String ns = random.nextInt(10) == 0 ? pick("kube-system", "evident") : "team-" + random.nextInt(NAMESPACES);
        String name = pick("a", "b", "evident-default-deny");
        List<Supplier<HasMetadata>> makers = new ArrayList<>(List.of(
                () -> namespace(ns),
                () -> networkPolicy(ns, name),
                () -> new RoleBindingBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                        .withNewRoleRef().withKind(pick("ClusterRole", "Role")).withName(pick("edit", "cluster-admin", "a")).endRoleRef()
                        .addNewSubject().withKind("Group").withName(pick("devs", "system:anonymous")).endSubject().build(),
                () -> new RoleBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                        .addNewRule().withApiGroups("").withResources(pick("secrets", "pods")).withVerbs(pick("get", "*")).endRule().build(),
                () -> new ClusterRoleBuilder().withNewMetadata().withName(pick("edit", "view")).endMetadata()
                        .addNewRule().withApiGroups("").withResources(pick("secrets", "pods")).withVerbs(pick("get", "*")).endRule().build(),
                () -> new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                        .withNewRoleRef().withKind("ClusterRole").withName(pick("edit", "cluster-admin")).endRoleRef()
                        .addNewSubject().withKind("User").withName(pick("alice", "bob")).endSubject().build(),
                () -> new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                        .withNewSpec().withStorageClassName(pick("gp3", "plain", null)).endSpec().build(),
                () -> new PersistentVolumeBuilder().withNewMetadata().withName("pv-" + name).endMetadata()
                        .withNewSpec().withStorageClassName(pick("gp3", "plain")).endSpec().build(),
                () -> new StorageClassBuilder().withNewMetadata().withName(pick("gp3", "plain")).endMetadata()
                        .withProvisioner("ebs.csi.aws.com").addToParameters("encrypted", pick("true", "false")).build(),
                () -> new SecretBuilder().withNewMetadata().withNamespace(ns).withName("web-tls").endMetadata()
                        .withType(pick("kubernetes.io/tls", "Opaque")).build(),
                () -> new IngressBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withNewSpec()
                        .addNewTl().withHosts(ns + ".example.com").withSecretName("web-tls").endTl()
                        .addNewRule().withHost(pick(ns + ".example.com", "other.example.com")).endRule().endSpec().build(),
                () -> new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                        .addToData(pick("db_password", "color"), pick("hunter2", "blue")).build(),
                () -> new DeploymentBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withNewSpec()
                        .withNewTemplate().withNewSpec().addNewContainer().withName("app").addNewEnv().withName(pick("API_TOKEN", "MODE"))
                        .withValue(pick("xyz", "fast")).endEnv().endContainer().endSpec().endTemplate().endSpec().build(),
                () -> Serialization.unmarshal("""
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: Gateway
                        metadata: {name: %s, namespace: %s}
                        spec:
                          gatewayClassName: example
                          listeners:
                          - name: https
                            protocol: HTTPS
                            port: 443
                            hostname: %s.example.com
                            tls:
                              certificateRefs:
                              - {name: web-tls, namespace: %s}
                        """.formatted(name, ns, ns, pick(ns, "team-0")), GenericKubernetesResource.class),
                () -> new PodBuilder().withNewMetadata().withNamespace("kube-system").withName("kube-apiserver-node").addToLabels("component", "kube-apiserver")
                        .endMetadata().withNewSpec().addNewContainer().withName("kube-apiserver")
                        .withCommand("kube-apiserver", pick("--encryption-provider-config=/etc/enc.yaml", "--v=2")).endContainer().endSpec().build()));
        HasMetadata object = makers.get(random.nextInt(makers.size())).get();
        HasMetadata existing = objects.get(key(object));
        if (existing != null && random.nextInt(3) == 0) {
            objects.remove(key(object));
            return existing;
        }
        put(object);
        return object;
    }

    private Namespace namespace(String name) {
        NamespaceBuilder ns = new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("pod-security.kubernetes.io/enforce", pick("baseline", "restricted", "privileged")).endMetadata();
        if (random.nextInt(5) == 0) {
            ns.editMetadata().addToLabels("evident.dev/exempt", "true").endMetadata();
        }
        if (random.nextInt(8) == 0) {
            ns.withNewStatus().withPhase("Terminating").endStatus();
        }
        return ns.build();
    }

    private static HasMetadata networkPolicy(String ns, String name) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .addToLabels("app.kubernetes.io/managed-by", name.startsWith("evident") ? "evident" : "someone").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress")
                .addNewEgress().addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort().endEgress()
                .endSpec().build();
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private void put(HasMetadata object) {
        object.getMetadata().setResourceVersion(String.valueOf(changes));
        objects.put(key(object), object);
    }

    private static String key(HasMetadata o) {
        return o.getKind() + "/" + Optional.ofNullable(o.getMetadata().getNamespace()).orElse("") + "/" + o.getMetadata().getName();
    }
}
