package dev.evident.controls.encryption;

import dev.evident.api.v1alpha1.IngressTlsSpec;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Remediation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every host an Ingress (networking.k8s.io/v1) in a selected namespace names in spec.rules[].host is
 * covered by a spec.tls[] entry that lists it (a {@code *.example.com} entry covers exactly one more
 * label) and whose secretName is a Secret of type {@value #TLS_SECRET_TYPE} in the namespace. Only the
 * Secrets' metadata and type are read: the operator caches Secrets without their data.
 *
 * <p>Rules without a host are not judged: they answer any host name, and TLS for those requests is the
 * ingress controller's default certificate, which this control cannot see. An Ingress without any host
 * (only hostless rules or a defaultBackend) is therefore notApplicable, not pass.
 *
 * <p>Remediation (only when certManagerClusterIssuer is set) lets cert-manager issue the certificate:
 * it adds the {@value Labels#CERT_MANAGER_CLUSTER_ISSUER} annotation (unless the Ingress already names a
 * cert-manager issuer) and puts the hosts without a usable tls entry into one entry: an existing entry
 * whose Secret is missing or is {@code <ingress>-tls} (cert-manager issues into it), else a new entry
 * with secretName {@code <ingress>-tls}. Hosts listed by an entry whose Secret has the wrong type, or that
 * has no secretName, move out of it; entries whose Secret is only missing stay, cert-manager fills them.
 * Once every uncovered host only waits for its Secret and the Ingress names a cert-manager issuer, the
 * finding is {@code AwaitingCertificate} without a plan: nothing is left for Evident to write.
 */
public final class IngressTLS implements Control {
    public static final String TYPE = "IngressTLS";
    public static final String TLS_SECRET_TYPE = "kubernetes.io/tls";

    /** Why a host is not covered, most serious first; the finding's reason is the most serious one's. */
    enum Gap {
        NO_TLS_ENTRY("HostsWithoutTls"),
        NO_SECRET_NAME("HostsWithoutTls"),
        SECRET_MISSING("TlsSecretMissing"),
        SECRET_WRONG_TYPE("TlsSecretWrongType");

        final String reason;

        Gap(String reason) {
            this.reason = reason;
        }
    }

    private record Uncovered(String host, Gap gap, String detail) {
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
        // Every Secret, not only TLS ones, so that live and offline tell a missing Secret from one of the
        // wrong type alike; the operator caches Secrets without their data.
        return List.of(Read.all(Ingress.class), Read.all(Secret.class));
    }

    /** Findings are per namespace and read only objects in it. */
    @Override
    public Affected affectedBy(HasMetadata object) {
        return Affected.namespaceOf(object);
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        IngressTlsSpec settings = Optional.ofNullable(ctx.spec().getIngressTls()).orElseGet(IngressTlsSpec::new);
        List<Finding> findings = new ArrayList<>();
        for (Namespace ns : ctx.namespaces()) {
            for (Ingress ingress : ctx.snapshot().list(Ingress.class, ns.getMetadata().getName())) {
                findings.add(evaluate(ctx, settings, ingress));
            }
        }
        return findings;
    }

    private Finding evaluate(ControlContext ctx, IngressTlsSpec settings, Ingress ingress) {
        ObjectRef ref = ObjectRef.of(ingress);
        List<IngressRule> rules = ingress.getSpec() == null || ingress.getSpec().getRules() == null ? List.of() : ingress.getSpec().getRules();
        Set<String> hosts = new LinkedHashSet<>();
        rules.stream().map(IngressRule::getHost).filter(h -> h != null && !h.isEmpty()).forEach(hosts::add);
        long hostless = rules.stream().filter(r -> r.getHost() == null || r.getHost().isEmpty()).count();
        String hostlessNote = hostless == 0 ? "" : " (" + hostless + " rule(s) without host not judged)";
        if (hosts.isEmpty()) {
            return ctx.notApplicable(ref, "NoHosts", "no rule names a host: requests without a host name get the ingress controller's "
                    + "default certificate, which this control cannot judge");
        }
        List<Uncovered> uncovered = new ArrayList<>();
        for (String host : hosts) {
            uncovered(ctx, ingress, host).ifPresent(uncovered::add);
        }
        if (uncovered.isEmpty()) {
            Optional<String> plainHttp = PlainHttp.allowedBy(ingress);
            if (plainHttp.isPresent()) {
                return ctx.fail(ref, "PlainHttpAllowed", "every host has TLS, but " + plainHttp.get() + " tells the controller to serve them"
                        + " over plain HTTP too; not remediated: remove the annotation", null);
            }
            return ctx.pass(ref, "AllHostsCovered", "TLS with a " + TLS_SECRET_TYPE + " Secret for " + String.join(", ", hosts) + hostlessNote);
        }
        String reason = uncovered.stream().map(Uncovered::gap).min(Comparator.naturalOrder()).orElseThrow().reason;
        String message = "hosts not covered by TLS: " + uncovered.stream().map(u -> u.host() + " (" + u.detail() + ")")
                .collect(Collectors.joining(", ")) + hostlessNote;
        if (issuerAnnotated(ingress) && uncovered.stream().allMatch(u -> u.gap() == Gap.SECRET_MISSING)) {
            // Everything a remediation could do is done: the tls entries name the Secrets and cert-manager
            // is asked to issue them. Re-applying the same edit would change nothing.
            return ctx.fail(ref, "AwaitingCertificate", message + "; the Ingress asks cert-manager to issue them: waiting for cert-manager", null);
        }
        String issuer = settings.getCertManagerClusterIssuer();
        if (issuer == null || issuer.isBlank()) {
            return ctx.fail(ref, reason, message + "; no remediation: set ingressTls.certManagerClusterIssuer to let cert-manager issue certificates", null);
        }
        return ctx.fail(ref, reason, message, plan(ctx, ingress, uncovered, issuer));
    }

    private static boolean issuerAnnotated(Ingress ingress) {
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        return annotations != null && (annotations.containsKey(Labels.CERT_MANAGER_ISSUER) || annotations.containsKey(Labels.CERT_MANAGER_CLUSTER_ISSUER));
    }

    /** Why a host is not covered, or empty when some tls entry covers it with a usable Secret. */
    private static Optional<Uncovered> uncovered(ControlContext ctx, Ingress ingress, String host) {
        Uncovered first = null;
        for (var entry : tls(ingress)) {
            if (entry.getHosts() == null || entry.getHosts().stream().noneMatch(h -> covers(h, host))) {
                continue;
            }
            Uncovered u = secretProblem(ctx, ingress, host, entry.getSecretName());
            if (u == null) {
                return Optional.empty();
            }
            first = first == null ? u : first;
        }
        return Optional.of(first != null ? first : new Uncovered(host, Gap.NO_TLS_ENTRY, "no tls entry lists it"));
    }

    /** Null when secretName is a Secret of the TLS type in the Ingress' namespace. */
    private static Uncovered secretProblem(ControlContext ctx, Ingress ingress, String host, String secretName) {
        if (secretName == null || secretName.isEmpty()) {
            return new Uncovered(host, Gap.NO_SECRET_NAME, "its tls entry has no secretName");
        }
        Optional<Secret> secret = ctx.snapshot().get(Secret.class, ingress.getMetadata().getNamespace(), secretName);
        if (secret.isEmpty()) {
            return new Uncovered(host, Gap.SECRET_MISSING, "no " + TLS_SECRET_TYPE + " Secret " + secretName);
        }
        if (!TLS_SECRET_TYPE.equals(secret.get().getType())) {
            return new Uncovered(host, Gap.SECRET_WRONG_TYPE, "Secret " + secretName + " has type " + secret.get().getType() + ", not " + TLS_SECRET_TYPE);
        }
        return null;
    }

    /** Exact match (case-insensitive), or a wildcard {@code *.example.com} for exactly one more label. */
    static boolean covers(String tlsHost, String host) {
        if (tlsHost == null) {
            return false;
        }
        String t = tlsHost.toLowerCase();
        String h = host.toLowerCase();
        if (t.startsWith("*.")) {
            String suffix = t.substring(1);
            return h.endsWith(suffix) && h.length() > suffix.length() && h.indexOf('.') == h.length() - suffix.length();
        }
        return t.equals(h);
    }

    private static List<io.fabric8.kubernetes.api.model.networking.v1.IngressTLS> tls(Ingress ingress) {
        return ingress.getSpec() == null || ingress.getSpec().getTls() == null ? List.of() : ingress.getSpec().getTls();
    }

    private static Remediation plan(ControlContext ctx, Ingress ingress, List<Uncovered> uncovered, String issuer) {
        String name = ingress.getMetadata().getName();
        String ownSecret = name + "-tls";
        List<String> moved = uncovered.stream().filter(u -> u.gap() != Gap.SECRET_MISSING).map(Uncovered::host).toList();
        Set<String> unusable = uncovered.stream().filter(u -> u.gap() == Gap.SECRET_WRONG_TYPE || u.gap() == Gap.NO_SECRET_NAME)
                .map(Uncovered::host).collect(Collectors.toSet());

        List<io.fabric8.kubernetes.api.model.networking.v1.IngressTLS> entries = new ArrayList<>();
        for (var entry : tls(ingress)) {
            List<String> hosts = entry.getHosts() == null ? List.of() : entry.getHosts().stream()
                    .filter(h -> !unusable.contains(h) || secretProblem(ctx, ingress, h, entry.getSecretName()) == null).toList();
            if (!hosts.isEmpty() || entry.getHosts() == null || entry.getHosts().isEmpty()) {
                entries.add(new IngressTLSBuilder(entry).withHosts(hosts).build());
            }
        }
        List<String> steps = new ArrayList<>();
        if (!moved.isEmpty()) {
            int target = -1;
            for (int i = 0; i < entries.size() && target < 0; i++) {
                String secret = entries.get(i).getSecretName();
                Uncovered problem = secretProblem(ctx, ingress, "", secret);
                boolean missing = problem != null && problem.gap() == Gap.SECRET_MISSING;
                if (missing || problem == null && ownSecret.equals(secret)) {
                    target = i;
                }
            }
            if (target < 0) {
                entries.add(new IngressTLSBuilder().withSecretName(ownSecret).build());
                target = entries.size() - 1;
            }
            var entry = entries.get(target);
            List<String> hosts = new ArrayList<>(entry.getHosts() == null ? List.of() : entry.getHosts());
            moved.stream().filter(h -> !hosts.contains(h)).forEach(hosts::add);
            entries.set(target, new IngressTLSBuilder(entry).withHosts(hosts).build());
            steps.add("put " + String.join(", ", moved) + " in the tls entry of Secret " + entry.getSecretName());
        }
        Map<String, String> annotations = new LinkedHashMap<>(Optional.ofNullable(ingress.getMetadata().getAnnotations()).orElse(Map.of()));
        if (annotations.containsKey(Labels.CERT_MANAGER_ISSUER) || annotations.containsKey(Labels.CERT_MANAGER_CLUSTER_ISSUER)) {
            steps.add("keep the Ingress' own cert-manager issuer annotation");
        } else {
            annotations.put(Labels.CERT_MANAGER_CLUSTER_ISSUER, issuer);
            steps.add("annotate " + Labels.CERT_MANAGER_CLUSTER_ISSUER + "=" + issuer);
        }
        Ingress updated = new IngressBuilder(ingress)
                .editMetadata().withAnnotations(annotations).endMetadata()
                .editSpec().withTls(entries).endSpec()
                .build();
        return new Remediation.Update(ingress, updated, "update Ingress " + ingress.getMetadata().getNamespace() + "/" + name + ": "
                + String.join("; ", steps) + " so that cert-manager issues the certificates");
    }
}
