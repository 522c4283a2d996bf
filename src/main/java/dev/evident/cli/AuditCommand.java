package dev.evident.cli;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.controls.StandardControls;
import dev.evident.engine.ControlCatalog;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Finding;
import dev.evident.engine.Engine;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.exceptions.ExceptionOutcome;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Offline audit: evaluates ControlPolicies from files over manifests (or, read-only, over the current
 * cluster) with the operator's own engine, and prints a report on stdout.
 */
@Command(name = "audit",
        mixinStandardHelpOptions = true,
        description = "Evaluate ControlPolicies against manifests (or, read-only, a cluster) without installing anything.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no finding is fail or error",
            "1:at least one finding is fail or error",
            "2:bad input: unreadable or malformed file, invalid policy, bad option, cluster not reachable",
            "3:internal error"})
public final class AuditCommand implements Callable<Integer> {
    /** Lines of "not evaluated" on stderr before the rest is only counted. */
    private static final int MAX_NOTES = 50;

    /** Output formats. */
    public enum Format {
        table(TableReport::write),
        json(JsonReport::write),
        junit(JunitReport::write),
        accessReview(AccessReviewReport::write) { @Override public String toString() { return "access-review"; } };

        private final BiConsumer<AuditReport, PrintWriter> writer;

        Format(BiConsumer<AuditReport, PrintWriter> writer) {
            this.writer = writer;
        }
    }

    static final class Source {
        @Option(names = "--resources", paramLabel = "<file|dir|->",
                description = "Manifests to audit: a YAML/JSON file, a directory (recursive), or - for stdin.")
        String resources;

        @Option(names = "--cluster",
                description = "Instead of --resources, list the kinds the controls read from the current kubeconfig context (read-only).")
        boolean cluster;
    }

    static final class Rfc3339 implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an RFC 3339 time such as 2025-01-31T09:00:00Z");
            }
        }
    }

    static final class Days implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                long days = Long.parseLong(value.strip());
                if (days > 0) {
                    return Duration.ofDays(days);
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive number of days");
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "<file|dir>",
            description = "ControlPolicy and ControlException manifests: a file or a directory (recursive); may be repeated.")
    List<String> policy;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--output", defaultValue = "table", paramLabel = "table|json|junit|access-review",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format output;

    @Option(names = {"--namespace", "-n"}, paramLabel = "<name>",
            description = "Namespace of objects that carry none, as kubectl apply -n (default: default).")
    String namespace;

    @Option(names = "--control-plane-config", paramLabel = "<dir>",
            description = "The API server's audit policy and encryption configuration files (copied from a control-plane node), checked by AuditLogging and SecretsEncryptionAtRest.")
    String controlPlaneConfig;

    @Option(names = "--now", converter = Rfc3339.class, paramLabel = "<RFC3339 time>",
            description = "Evaluation time (default: now).")
    Instant now;

    @Option(names = "--max-exception-duration", converter = Days.class, defaultValue = "90", paramLabel = "<days>",
            description = "How many days after its creation a ControlException may expire, as the operator's evident.exceptions.max-duration "
                    + "(default: ${DEFAULT-VALUE}). A file without metadata.creationTimestamp is taken as created at the evaluation time.")
    Duration maxExceptionDuration;

    @Option(names = "--evidence-log", paramLabel = "<file>",
            description = "Append this run's evidence records (policy versions, changed findings, run summary) to this file, creating it.")
    java.nio.file.Path evidenceLog;

    private final InputStream stdin;
    private final Clock clock;

    public AuditCommand(InputStream stdin, Clock clock) {
        this.stdin = stdin;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        if (policy.contains(ManifestReader.STDIN)) {
            throw new InputException("--policy: stdin (-) is for --resources; give a file or directory");
        }
        ControlCatalog catalog = StandardControls.catalog();
        ManifestReader reader = new ManifestReader(stdin);
        ObjectDecoder decoder = new ObjectDecoder(catalog.reads(), catalog.genericReads());
        List<String> notEvaluated = new ArrayList<>();
        List<Manifest> exceptionManifests = new ArrayList<>();
        List<Manifest> policyManifests = readPolicies(reader, notEvaluated, exceptionManifests);
        List<ControlPolicy> policies = policyManifests.stream().map(decoder::policy).toList();
        List<ControlException> exceptions = exceptionManifests.stream().map(decoder::exception).toList();

        List<HasMetadata> objects;
        Set<String> assumed = Set.of();
        if (source.cluster) {
            objects = ClusterReader.fromKubeconfig().read(catalog.reads(), optionalKindsRead(catalog, policies));
        } else {
            Inventory inventory = new Inventory(decoder, namespace);
            reader.readObjects(source.resources, inventory);
            notEvaluated.addAll(reader.notRead());
            if (inventory.clusterObjects() == 0) {
                throw new InputException((ManifestReader.STDIN.equals(source.resources) ? ManifestReader.STDIN_NAME : source.resources)
                        + ": no Kubernetes objects to audit (the input is empty, or holds only comments, empty documents or ControlPolicies)");
            }
            notEvaluated.addAll(inventory.notEvaluated());
            objects = inventory.objects();
            assumed = inventory.assumedNamespaces();
        }
        if (controlPlaneConfig != null) {
            objects = new ArrayList<>(objects);
            objects.addAll(ControlPlaneConfig.read(reader, controlPlaneConfig));
        }

        objects = new ArrayList<>(objects);
        objects.addAll(exceptions);
        InMemorySnapshot snapshot = InMemorySnapshot.of(now != null ? now : clock.instant(), objects);
        Engine engine = new Engine(catalog, null, maxExceptionDuration);
        List<AuditReport.Audited> audited = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Manifest> byName = new HashMap<>();
        for (int i = 0; i < policies.size(); i++) {
            Manifest manifest = policyManifests.get(i);
            PolicyEvaluation evaluation = withAssumedNamespaces(engine.evaluate(policies.get(i), snapshot), assumed);
            for (String problem : evaluation.problems()) {
                String field = problem.substring(0, Math.max(0, problem.indexOf(':')));
                problems.add(manifest.where(field) + ": policy " + Text.escape(evaluation.policy()) + ": " + Text.escape(problem));
            }
            Manifest first = evaluation.policy() == null ? null : byName.putIfAbsent(evaluation.policy(), manifest);
            if (first != null) {
                problems.add(manifest.where("metadata.name") + ": policy " + Text.escape(evaluation.policy())
                        + ": metadata.name: duplicate (also " + first.where() + ")");
            }
            audited.add(new AuditReport.Audited(manifest, policies.get(i), evaluation));
        }
        checkExceptions(exceptionManifests, exceptions, audited, problems);
        if (!problems.isEmpty()) {
            throw new InputException(String.join(System.lineSeparator(), problems));
        }
        for (AuditReport.Audited a : audited) {
            if (a.evaluation().nothingJudged()) {
                spec.commandLine().getErr().println("evident: " + a.source().where() + ": policy " + Text.escape(a.name())
                        + " judged no object (NothingSelected): its namespaceSelector and excludedNamespaces select no namespace in the input, "
                        + "or nothing selected is applicable; this is not evidence of compliance");
            }
        }
        spec.commandLine().getErr().flush();
        reportNotEvaluated(notEvaluated, assumed);
        AuditReport report = new AuditReport(audited, notEvaluated.size(), snapshot);
        if (evidenceLog != null) {
            EvidenceOption.append(evidenceLog, clock, snapshot.now(), policies, audited.stream().map(AuditReport.Audited::evaluation).toList(),
                    exceptions);
        }
        PrintWriter out = spec.commandLine().getOut();
        output.writer.accept(report, out);
        out.flush();
        return report.hasProblems() ? 1 : 0;
    }

    /**
     * Every ControlPolicy and ControlException under --policy; a document that resembles a policy but is not is
     * an error, anything else is named.
     */
    private List<Manifest> readPolicies(ManifestReader reader, List<String> notEvaluated, List<Manifest> exceptions) {
        List<Manifest> policies = new ArrayList<>();
        for (String path : policy) {
            reader.read(path, manifest -> {
                if (ObjectDecoder.isPolicy(manifest)) {
                    policies.add(manifest);
                } else if (ObjectDecoder.isException(manifest)) {
                    exceptions.add(manifest);
                } else if (ObjectDecoder.looksLikePolicy(manifest)) {
                    throw new InputException(manifest.where("kind") + ": kind " + Text.escape(manifest.kind()) + " apiVersion "
                            + Text.escape(manifest.apiVersion()) + " is not a policy this build reads (kind " + ControlPolicy.KIND
                            + ", apiVersion " + ControlPolicy.API_VERSION + ")");
                } else {
                    notEvaluated.add(manifest.where() + ": " + Text.escape(manifest.kind()) + " " + Text.escape(String.valueOf(manifest.name()))
                            + " under --policy is neither a ControlPolicy nor an exception; not read");
                }
            });
        }
        notEvaluated.addAll(reader.notRead());
        reader.notRead().clear();
        if (policies.isEmpty()) {
            throw new InputException(String.join(", ", policy) + ": no ControlPolicy (apiVersion " + ControlPolicy.API_VERSION + ") found");
        }
        return policies;
    }

    /** The optional custom kinds (Velero, ...) that these policies' controls read: --cluster lists only those, so needs no other grant. */
    private static List<dev.evident.engine.ResourceKind> optionalKindsRead(ControlCatalog catalog, List<ControlPolicy> policies) {
        return policies.stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getControls() != null)
                .flatMap(p -> p.getSpec().getControls().stream())
                .flatMap(c -> catalog.find(c.getType()).stream())
                .flatMap(c -> c.genericReads().stream())
                .distinct().toList();
    }

    /**
     * An exception the engine found Invalid, or that names no policy of the input, is bad input (exit 2), as an
     * invalid policy is: file:line of the field, and the problem.
     */
    private static void checkExceptions(List<Manifest> manifests, List<ControlException> exceptions, List<AuditReport.Audited> audited,
            List<String> problems) {
        Map<String, Manifest> byName = new HashMap<>();
        for (int i = 0; i < exceptions.size(); i++) {
            Manifest manifest = manifests.get(i);
            String name = exceptions.get(i).getMetadata() == null ? null : exceptions.get(i).getMetadata().getName();
            String policyName = exceptions.get(i).getSpec() == null ? null : exceptions.get(i).getSpec().getPolicy();
            String what = "exception " + Text.escape(String.valueOf(name));
            Manifest first = name == null ? null : byName.putIfAbsent(name, manifest);
            if (first != null) {
                problems.add(manifest.where("metadata.name") + ": " + what + ": metadata.name: duplicate (also " + first.where() + ")");
                continue;
            }
            Optional<ExceptionOutcome> outcome = audited.stream().flatMap(a -> a.evaluation().exceptions().stream())
                    .filter(o -> o.name().equals(name)).findFirst();
            List<String> wrong = outcome.map(ExceptionOutcome::problems).orElse(List.of("spec.policy: no ControlPolicy named "
                    + policyName + " under --policy"));
            for (String problem : wrong) {
                String field = problem.substring(0, Math.max(0, problem.indexOf(':')));
                problems.add(manifest.where(field) + ": " + what + ": " + Text.escape(problem));
            }
        }
    }

    /** Namespace-level findings on a namespace absent from the input say so: its labels were not known. */
    private static PolicyEvaluation withAssumedNamespaces(PolicyEvaluation evaluation, Set<String> assumed) {
        if (assumed.isEmpty() || !evaluation.valid()) {
            return evaluation;
        }
        List<ControlEvaluation> controls = new ArrayList<>();
        for (ControlEvaluation control : evaluation.controls()) {
            List<Finding> findings = new ArrayList<>();
            for (Finding f : control.findings()) {
                boolean onAssumed = "Namespace".equals(f.object().kind()) && assumed.contains(f.object().name());
                findings.add(!onAssumed ? f : new Finding(f.policy(), f.control(), f.type(), f.criteria(), f.object(), f.result(),
                        f.reason(), f.message() + " (Namespace " + f.object().name() + " is not in the input: taken as existing, with no labels)",
                        f.remediation(), f.changesAt()));
            }
            controls.add(new ControlEvaluation(control.id(), control.type(), control.mode(), control.criteria(), findings));
        }
        return new PolicyEvaluation(evaluation.policy(), evaluation.specHash(), evaluation.problems(), controls);
    }

    private void reportNotEvaluated(List<String> notEvaluated, Set<String> assumed) {
        PrintWriter err = spec.commandLine().getErr();
        int shown = 0;
        for (String line : notEvaluated) {
            if (shown++ == MAX_NOTES) {
                err.println("evident: ... and " + (notEvaluated.size() - MAX_NOTES) + " more not evaluated");
                break;
            }
            err.println("evident: " + line);
        }
        if (!assumed.isEmpty()) {
            err.println("evident: namespaces named by objects but not in the input, taken as existing with no labels: "
                    + Text.escape(String.join(", ", assumed)));
        }
        err.flush();
    }
}
