package dev.evident.controls.secrets;

import dev.evident.api.v1alpha1.SecretsInConfigSpec;
import dev.evident.controls.Glob;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * No credentials in configuration: container {@code env[].value} of workloads (Deployments, StatefulSets,
 * DaemonSets, Jobs, and so CronJobs through the Jobs they create) and ConfigMap {@code data} of selected namespaces. A value fails by its format
 * (a private key PEM block, an AWS access key id, a JWT, a GitHub or Slack token, a URL with a password)
 * whatever its key, or as any literal value under a key whose name suggests a credential ({@code keyNames}).
 * Keys in {@code allowedKeys} are never judged. Values are never printed: findings name the object, the
 * container or key, and the format only. Report only.
 *
 * <p>Live, the operator caches these kinds slimmed ({@link #slim}): names, env names and keys, each value
 * replaced by a marker of its format, so neither whole ConfigMaps nor configuration values sit in memory.
 * StatefulSets are the exception while EncryptedStorage reads them too (it needs their volumeClaimTemplates, and
 * two controls' slimming functions do not combine, see {@link Read#union}): they are cached whole.
 */
public final class SecretsInConfig implements Control {
    public static final String TYPE = "SecretsInConfig";
    /**
     * Not CronJobs: batch/v1 CronJob is served from Kubernetes 1.21 only, and an informer on a kind the API server
     * does not serve keeps the operator from ever becoming ready. Their Jobs are judged instead.
     */
    private static final List<Class<? extends HasMetadata>> KINDS = List.of(ConfigMap.class, Deployment.class, StatefulSet.class,
            DaemonSet.class, Job.class);
    /** One slimming function for all kinds, so that reads of the same kind by this control compare equal. */
    private static final UnaryOperator<HasMetadata> SLIM = SecretsInConfig::slim;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC6.1", "C1.1");
    }

    @Override
    public List<Read> reads() {
        return KINDS.stream().map(k -> Read.all(k).slimmedBy(SLIM)).toList();
    }

    /** Findings are per namespace and read only objects in it. */
    @Override
    public Affected affectedBy(HasMetadata object) {
        return Affected.namespaceOf(object);
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        SecretsInConfigSpec settings = Optional.ofNullable(ctx.spec().getSecretsInConfig()).orElseGet(SecretsInConfigSpec::new);
        List<Finding> findings = new ArrayList<>();
        for (Namespace ns : ctx.namespaces()) {
            String namespace = ns.getMetadata().getName();
            for (Class<? extends HasMetadata> kind : KINDS) {
                for (HasMetadata object : ctx.snapshot().list(kind, namespace)) {
                    findings.add(judge(ctx, settings, object));
                }
            }
        }
        return findings;
    }

    private static Finding judge(ControlContext ctx, SecretsInConfigSpec settings, HasMetadata object) {
        List<String> problems = new ArrayList<>();
        for (Value v : values(object)) {
            if (matchesAny(settings.getAllowedKeys(), v.key())) {
                continue;
            }
            ValueFormat format = ValueFormat.of(v.value());
            if (format.credential()) {
                problems.add(v.where() + " (" + format.description() + ")");
            } else if (format == ValueFormat.LITERAL && matchesAny(settings.getKeyNames(), v.key())) {
                problems.add(v.where() + " (a literal value under a credential-like name)");
            }
        }
        ObjectRef ref = ObjectRef.of(object);
        if (problems.isEmpty()) {
            return ctx.pass(ref, "NoCredentialsInConfig", "no credential-like value in " + (object instanceof ConfigMap ? "data" : "container env"));
        }
        return ctx.fail(ref, "CredentialsInConfig", "credentials in plain configuration (values masked): " + String.join("; ", problems)
                + "; move them to a Secret (env valueFrom.secretKeyRef) or allow the key in allowedKeys; report only", null);
    }

    /** A value, its key, and where it is ("container app env DB_PASSWORD", "data key tls.key"). */
    record Value(String where, String key, String value) {
    }

    /** Each value of the object, in a stable order. */
    static List<Value> values(HasMetadata object) {
        List<Value> values = new ArrayList<>();
        if (object instanceof ConfigMap cm) {
            if (cm.getData() != null) {
                new TreeMap<>(cm.getData()).forEach((k, v) -> values.add(new Value("data key " + k, k, v)));
            }
            return values;
        }
        PodSpec pod = podSpec(object);
        if (pod == null) {
            return values;
        }
        for (List<Container> containers : java.util.Arrays.asList(pod.getInitContainers(), pod.getContainers())) {
            for (Container c : containers == null ? List.<Container>of() : containers) {
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    if (e != null && e.getName() != null && e.getValue() != null) {
                        values.add(new Value("container " + c.getName() + " env " + e.getName(), e.getName(), e.getValue()));
                    }
                }
            }
        }
        return values;
    }

    private static PodSpec podSpec(HasMetadata object) {
        if (object instanceof Deployment d && d.getSpec() != null && d.getSpec().getTemplate() != null) {
            return d.getSpec().getTemplate().getSpec();
        }
        if (object instanceof StatefulSet s && s.getSpec() != null && s.getSpec().getTemplate() != null) {
            return s.getSpec().getTemplate().getSpec();
        }
        if (object instanceof DaemonSet d && d.getSpec() != null && d.getSpec().getTemplate() != null) {
            return d.getSpec().getTemplate().getSpec();
        }
        if (object instanceof Job j && j.getSpec() != null && j.getSpec().getTemplate() != null) {
            return j.getSpec().getTemplate().getSpec();
        }
        return null;
    }

    private static boolean matchesAny(List<String> patterns, String key) {
        if (patterns == null) {
            return false;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return patterns.stream().anyMatch(p -> p != null && Glob.matches(p.toLowerCase(Locale.ROOT), lower));
    }

    /**
     * What the operator caches of an object: identity, labels and owners (no annotations: kubectl's last-applied
     * one repeats every value), env names and ConfigMap keys with each value replaced by its format's marker.
     */
    static HasMetadata slim(HasMetadata object) {
        ObjectMeta meta = new ObjectMetaBuilder().withName(object.getMetadata().getName()).withNamespace(object.getMetadata().getNamespace())
                .withUid(object.getMetadata().getUid()).withResourceVersion(object.getMetadata().getResourceVersion())
                .withGeneration(object.getMetadata().getGeneration()).withLabels(object.getMetadata().getLabels())
                .withOwnerReferences(object.getMetadata().getOwnerReferences()).build();
        if (object instanceof ConfigMap cm) {
            Map<String, String> data = null;
            if (cm.getData() != null) {
                data = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : cm.getData().entrySet()) {
                    data.put(e.getKey(), ValueFormat.of(e.getValue()).marker());
                }
            }
            return new ConfigMapBuilder().withMetadata(meta).withData(data).build();
        }
        PodSpec pod = slim(podSpec(object));
        if (object instanceof Deployment) {
            return new DeploymentBuilder().withMetadata(meta).withNewSpec().withNewTemplate().withSpec(pod).endTemplate().endSpec().build();
        }
        if (object instanceof StatefulSet) {
            return new StatefulSetBuilder().withMetadata(meta).withNewSpec().withNewTemplate().withSpec(pod).endTemplate().endSpec().build();
        }
        if (object instanceof DaemonSet) {
            return new DaemonSetBuilder().withMetadata(meta).withNewSpec().withNewTemplate().withSpec(pod).endTemplate().endSpec().build();
        }
        if (object instanceof Job) {
            return new JobBuilder().withMetadata(meta).withNewSpec().withNewTemplate().withSpec(pod).endTemplate().endSpec().build();
        }
        return object;
    }

    private static PodSpec slim(PodSpec pod) {
        if (pod == null) {
            return null;
        }
        return new PodSpecBuilder().withInitContainers(slim(pod.getInitContainers())).withContainers(slim(pod.getContainers())).build();
    }

    private static List<Container> slim(List<Container> containers) {
        if (containers == null) {
            return null;
        }
        List<Container> slim = new ArrayList<>();
        for (Container c : containers) {
            if (c == null) {
                continue;
            }
            List<EnvVar> env = c.getEnv() == null ? null : c.getEnv().stream().filter(e -> e != null)
                    .map(e -> new EnvVarBuilder().withName(e.getName()).withValue(e.getValue() == null ? null : ValueFormat.of(e.getValue()).marker()).build())
                    .toList();
            slim.add(new ContainerBuilder().withName(c.getName()).withEnv(env).build());
        }
        return slim;
    }
}
