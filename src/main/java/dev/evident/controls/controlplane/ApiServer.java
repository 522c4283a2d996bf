package dev.evident.controls.controlplane;

import dev.evident.engine.Affected;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Snapshot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The kube-apiserver as the controls that judge it see it: its static pods (namespace {@value #NAMESPACE},
 * label component=kube-apiserver), the flags on their command lines, and the configuration files those flags
 * name when the audit command is given them with {@code --control-plane-config}. Such a file is in the
 * snapshot as a generic object with its apiVersion and kind, named by its file name; live, the files are not
 * visible and controls judge the flags only.
 */
public final class ApiServer {
    public static final String NAMESPACE = "kube-system";
    /** How the controls read the API server pods: kube-system only, by label. */
    public static final Read PODS = new Read(Pod.class, NAMESPACE, Labels.COMPONENT + "=" + Labels.COMPONENT_APISERVER, null);
    /** Annotation on a configuration file object: the path it was read from. */
    public static final String SOURCE_ANNOTATION = "evident.dev/source";

    private ApiServer() {
    }

    /** The API server pods in the snapshot (read whatever namespaces the policy selects). */
    public static List<Pod> pods(Snapshot snapshot) {
        return snapshot.list(Pod.class, NAMESPACE).stream().filter(p -> {
            Map<String, String> labels = p.getMetadata().getLabels();
            return labels != null && Labels.COMPONENT_APISERVER.equals(labels.get(Labels.COMPONENT));
        }).toList();
    }

    /**
     * What a change reaches in the findings of a control that judges the API server: its pods are read whatever the
     * policy selects, so a Namespace change reaches none of them (re-judging that namespace's share, the pods' findings
     * when it is {@value #NAMESPACE}, gives them unchanged); a change of anything it reads, all of them.
     */
    public static Affected affectedBy(HasMetadata object) {
        return object instanceof Namespace ? Affected.namespaceOf(object) : Affected.ALL;
    }

    /**
     * One finding per API server pod, or one notApplicable finding when none is visible (a managed control plane:
     * the provider's attestation of {@code what} belongs in a ControlException, as in
     * examples/exceptions/managed-control-plane.yaml).
     */
    public static List<Finding> judgeEachPod(ControlContext ctx, String what, BiFunction<ControlContext, Pod, Finding> judge) {
        List<Finding> findings = pods(ctx.snapshot()).stream().map(p -> judge.apply(ctx, p)).toList();
        return findings.isEmpty() ? List.of(notVisible(ctx, what)) : findings;
    }

    private static Finding notVisible(ControlContext ctx, String what) {
        return ctx.notApplicable(new ObjectRef("Cluster", null, Labels.COMPONENT_APISERVER), "ApiServerNotVisible",
                "no kube-apiserver pod in " + NAMESPACE + " (a managed control plane?): record the provider's attestation of " + what
                        + " in a ControlException (evident.dev/v1alpha1) with objectSelector kind Cluster, names [kube-apiserver]; "
                        + "see examples/exceptions/managed-control-plane.yaml");
    }

    /**
     * The value of a flag on some container's command line ({@code --flag=value}, {@code --flag value}, or inside
     * a shell command line), or empty when the flag is absent or has no value.
     */
    public static Optional<String> flag(Pod pod, String flag) {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return Optional.empty();
        }
        for (Container c : pod.getSpec().getContainers()) {
            List<String> words = Stream.concat(
                            c.getCommand() == null ? Stream.empty() : c.getCommand().stream(),
                            c.getArgs() == null ? Stream.empty() : c.getArgs().stream())
                    .filter(a -> a != null)
                    .flatMap(a -> Stream.of(a.trim().split("\\s+")))
                    .toList();
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (w.startsWith(flag + "=") && w.length() > flag.length() + 1) {
                    return Optional.of(w.substring(flag.length() + 1));
                }
                if (w.equals(flag) && i + 1 < words.size() && !words.get(i + 1).startsWith("-")) {
                    return Optional.of(words.get(i + 1));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The configuration file of that kind that a flag value names (matched by file name), when it was provided;
     * kinds: {@code audit.k8s.io} Policy, {@code apiserver.config.k8s.io} EncryptionConfiguration.
     */
    public static Optional<GenericKubernetesResource> configFile(Snapshot snapshot, String group, String kind, String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return snapshot.list(GenericKubernetesResource.class).stream()
                .filter(r -> kind.equals(r.getKind()) && r.getApiVersion() != null && r.getApiVersion().startsWith(group + "/"))
                .filter(r -> file.equals(r.getMetadata().getName()))
                .findFirst();
    }

    /** Where a configuration file was read from, for messages. */
    public static String source(GenericKubernetesResource file) {
        Map<String, String> annotations = file.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(SOURCE_ANNOTATION) ? annotations.get(SOURCE_ANNOTATION) : file.getMetadata().getName();
    }
}
