package dev.evident.controls.encryption;

import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every listener of a Gateway API {@code Gateway} (gateway.networking.k8s.io v1, or v1beta1 of the same shape) in a
 * selected namespace that names a hostname serves TLS: protocol HTTPS or TLS, and either terminates TLS with
 * certificateRefs that are all Secrets of type {@value IngressTLS#TLS_SECRET_TYPE} (in the Gateway's namespace unless
 * the ref names another), or (protocol TLS, mode Passthrough) passes TLS through to the backend, which holds the
 * certificate this control cannot see. Only the Secrets' metadata and type are read.
 *
 * <p>Listeners without a hostname are not judged: they answer any host name, and on port 80 they commonly only
 * redirect to HTTPS, which only the attached routes show. A Gateway with no hostname listener is notApplicable.
 * A cross-namespace certificateRef also needs a ReferenceGrant in the Secret's namespace; that grant is not
 * checked (without it the listener does not serve at all, so it never serves plain text), and the finding says so.
 * Where the Gateway API is not installed the control gives one notApplicable finding. Report only.
 */
public final class GatewayTLS implements Control {
    public static final String TYPE = "GatewayTLS";
    static final ResourceKind GATEWAY = new ResourceKind("gateway.networking.k8s.io", "v1", "Gateway", "gateways", true);
    static final ResourceKind GATEWAY_V1BETA1 = new ResourceKind("gateway.networking.k8s.io", "v1beta1", "Gateway", "gateways", true);
    private static final String PASSTHROUGH = "Passthrough";

    /** Why a listener is not covered, most serious first; the finding's reason is the most serious one's. */
    enum Gap {
        PLAIN_PROTOCOL("PlainTextListener"),
        NO_CERTIFICATE("ListenerWithoutCertificate"),
        REF_NOT_SECRET("CertificateRefNotSecret"),
        SECRET_MISSING("TlsSecretMissing"),
        SECRET_WRONG_TYPE("TlsSecretWrongType");

        final String reason;

        Gap(String reason) {
            this.reason = reason;
        }
    }

    private record Uncovered(String listener, Gap gap, String detail) {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC6.7");
    }

    @Override
    public List<Read> reads() {
        // Every Secret (as IngressTLS), so that a missing Secret is told from one of the wrong type; cached without data.
        return List.of(Read.all(Secret.class));
    }

    @Override
    public List<ResourceKind> genericReads() {
        // Both versions: a cluster may serve only v1beta1 (Gateway API before 1.0); where both are served they are the
        // same objects, judged once.
        return List.of(GATEWAY, GATEWAY_V1BETA1);
    }

    /**
     * A Gateway's finding depends on its Namespace only through the selection, so a Namespace change reaches that
     * namespace's findings; a Gateway may take its certificate from a Secret in another namespace, so a Secret change
     * (like a change of Gateways, or of whether the Gateway API is served) re-judges everything.
     */
    @Override
    public Affected affectedBy(HasMetadata object) {
        return object instanceof Namespace ? Affected.namespaceOf(object) : Affected.ALL;
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        List<ResourceKind> served = genericReads().stream().filter(ctx.snapshot()::serves).toList();
        ObjectRef definition = new ObjectRef("CustomResourceDefinition", null, GATEWAY.crdName());
        if (served.isEmpty()) {
            Optional<String> unreadable = genericReads().stream().flatMap(k -> ctx.snapshot().unreadable(k).stream()).findFirst();
            if (unreadable.isPresent()) {
                return List.of(ctx.error(definition, "GatewaysUnreadable", "Gateways could not be read: " + unreadable.get()));
            }
            return List.of(ctx.notApplicable(definition, "GatewayApiNotInstalled",
                    "the Gateway API (" + GATEWAY.crdName() + ") is not installed: no Gateway to judge"));
        }
        List<Finding> findings = new ArrayList<>();
        for (Namespace ns : ctx.namespaces()) {
            Map<String, GenericKubernetesResource> gateways = new LinkedHashMap<>();
            for (ResourceKind kind : served) {
                ctx.snapshot().list(kind, ns.getMetadata().getName()).forEach(g -> gateways.putIfAbsent(g.getMetadata().getName(), g));
            }
            gateways.values().forEach(g -> findings.add(evaluate(ctx, g)));
        }
        return findings;
    }

    private Finding evaluate(ControlContext ctx, GenericKubernetesResource gateway) {
        ObjectRef ref = ObjectRef.of(gateway);
        List<Uncovered> uncovered = new ArrayList<>();
        List<String> terminated = new ArrayList<>();
        List<String> passthrough = new ArrayList<>();
        List<String> crossNamespace = new ArrayList<>();
        int hostless = 0;
        for (Map<?, ?> listener : listeners(gateway)) {
            String hostname = string(listener.get("hostname"));
            if (hostname.isEmpty()) {
                hostless++;
                continue;
            }
            String name = "listener " + string(listener.get("name")) + " (" + hostname + ")";
            String protocol = string(listener.get("protocol"));
            Map<?, ?> tls = listener.get("tls") instanceof Map<?, ?> m ? m : Map.of();
            if (!"HTTPS".equals(protocol) && !"TLS".equals(protocol)) {
                uncovered.add(new Uncovered(name, Gap.PLAIN_PROTOCOL, "protocol " + (protocol.isEmpty() ? "unset" : protocol)
                        + ", not HTTPS or TLS"));
            } else if (PASSTHROUGH.equals(tls.get("mode"))) {
                if ("TLS".equals(protocol)) {
                    passthrough.add(name);
                } else {
                    uncovered.add(new Uncovered(name, Gap.NO_CERTIFICATE, "tls.mode Passthrough is only valid with protocol TLS"));
                }
            } else {
                Optional<Uncovered> problem = certificateProblem(ctx, gateway, name, tls, crossNamespace);
                problem.ifPresentOrElse(uncovered::add, () -> terminated.add(name));
            }
        }
        String notes = (crossNamespace.isEmpty() ? "" : "; cross-namespace certificateRefs " + String.join(", ", crossNamespace)
                + ": their ReferenceGrant is not checked")
                + (hostless == 0 ? "" : "; " + hostless + " listener(s) without hostname not judged");
        if (terminated.isEmpty() && passthrough.isEmpty() && uncovered.isEmpty()) {
            return ctx.notApplicable(ref, "NoHostnames", "no listener names a hostname: listeners without one answer any host name "
                    + "(often only redirecting to HTTPS), which this control cannot judge without the routes");
        }
        if (uncovered.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!terminated.isEmpty()) {
                parts.add("TLS with " + IngressTLS.TLS_SECRET_TYPE + " Secrets for " + String.join(", ", terminated));
            }
            if (!passthrough.isEmpty()) {
                parts.add("TLS passed through to the backend, which holds the certificate (not judged), for " + String.join(", ", passthrough));
            }
            return ctx.pass(ref, "AllHostnamesCovered", String.join("; ", parts) + notes);
        }
        String reason = uncovered.stream().map(Uncovered::gap).min(Comparator.naturalOrder()).orElseThrow().reason;
        String advice = uncovered.stream().anyMatch(u -> u.gap() == Gap.PLAIN_PROTOCOL)
                ? "; a plain-text listener that only redirects to HTTPS can be recorded in a ControlException" : "";
        return ctx.fail(ref, reason, "listeners without TLS: " + uncovered.stream().map(u -> u.listener() + ": " + u.detail())
                .collect(Collectors.joining(", ")) + notes + advice + "; not remediated", null);
    }

    /** Why a terminating listener's certificates are not usable, or empty when every certificateRef is a TLS Secret. */
    private static Optional<Uncovered> certificateProblem(ControlContext ctx, GenericKubernetesResource gateway, String listener, Map<?, ?> tls,
            List<String> crossNamespace) {
        List<?> refs = tls.get("certificateRefs") instanceof List<?> l ? l : List.of();
        if (refs.isEmpty()) {
            return Optional.of(new Uncovered(listener, Gap.NO_CERTIFICATE, "no tls.certificateRefs"));
        }
        String own = gateway.getMetadata().getNamespace();
        List<String> elsewhere = new ArrayList<>();
        for (Object o : refs) {
            Map<?, ?> ref = o instanceof Map<?, ?> m ? m : Map.of();
            String group = string(ref.get("group"));
            String kind = ref.get("kind") == null ? "Secret" : string(ref.get("kind"));
            String name = string(ref.get("name"));
            String namespace = string(ref.get("namespace")).isEmpty() ? own : string(ref.get("namespace"));
            if (!group.isEmpty() || !"Secret".equals(kind)) {
                return Optional.of(new Uncovered(listener, Gap.REF_NOT_SECRET, "certificateRef " + kind + (group.isEmpty() ? "" : "." + group)
                        + " " + name + " is not a Secret, which this control cannot judge"));
            }
            String secretName = namespace.equals(own) ? name : namespace + "/" + name;
            Optional<Secret> secret = ctx.snapshot().get(Secret.class, namespace, name);
            if (secret.isEmpty()) {
                return Optional.of(new Uncovered(listener, Gap.SECRET_MISSING, "no " + IngressTLS.TLS_SECRET_TYPE + " Secret " + secretName));
            }
            if (!IngressTLS.TLS_SECRET_TYPE.equals(secret.get().getType())) {
                return Optional.of(new Uncovered(listener, Gap.SECRET_WRONG_TYPE, "Secret " + secretName + " has type " + secret.get().getType()
                        + ", not " + IngressTLS.TLS_SECRET_TYPE));
            }
            if (!namespace.equals(own)) {
                elsewhere.add(secretName);
            }
        }
        crossNamespace.addAll(elsewhere); // noted only for listeners that are otherwise covered
        return Optional.empty();
    }

    private static List<Map<?, ?>> listeners(GenericKubernetesResource gateway) {
        List<Map<?, ?>> listeners = new ArrayList<>();
        if (gateway.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("listeners") instanceof List<?> list) {
            list.stream().filter(Map.class::isInstance).forEach(l -> listeners.add((Map<?, ?>) l));
        }
        return listeners;
    }

    private static String string(Object o) {
        return o == null ? "" : String.valueOf(o);
    }
}
