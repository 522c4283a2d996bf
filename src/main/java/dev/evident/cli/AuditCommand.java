package dev.evident.cli;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.controls.StandardControls;
import dev.evident.engine.ControlCatalog;
import dev.evident.engine.Engine;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.PolicyEvaluation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "<file|dir>",
            description = "ControlPolicy manifests: a file or a directory (recursive).")
    String policy;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--output", defaultValue = "table", paramLabel = "table|json|junit|access-review",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format output;

    @Option(names = "--control-plane-config", paramLabel = "<dir>",
            description = "The API server's audit policy and encryption configuration files (copied from a control-plane node), checked by AuditLogging and SecretsEncryptionAtRest.")
    String controlPlaneConfig;

    @Option(names = "--now", converter = Rfc3339.class, paramLabel = "<RFC3339 time>",
            description = "Evaluation time (default: now).")
    Instant now;

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
        if (ManifestReader.STDIN.equals(policy)) {
            throw new InputException("--policy: stdin (-) is for --resources; give a file or directory");
        }
        ControlCatalog catalog = StandardControls.catalog();
        ManifestReader reader = new ManifestReader(stdin);
        ObjectDecoder decoder = new ObjectDecoder(catalog.reads());
        List<Manifest> policyManifests = reader.read(policy).stream().filter(ObjectDecoder::isPolicy).toList();
        if (policyManifests.isEmpty()) {
            throw new InputException(policy + ": no ControlPolicy (apiVersion " + ControlPolicy.API_VERSION + ") found");
        }
        List<ControlPolicy> policies = policyManifests.stream().map(decoder::policy).toList();
        List<HasMetadata> objects = source.cluster
                ? ClusterReader.fromKubeconfig().read(catalog.reads())
                : decoder.objects(reader.read(source.resources));
        if (controlPlaneConfig != null) {
            objects = new ArrayList<>(objects);
            objects.addAll(ControlPlaneConfig.read(reader, controlPlaneConfig));
        }

        InMemorySnapshot snapshot = InMemorySnapshot.of(now != null ? now : clock.instant(), objects);
        Engine engine = new Engine(catalog, null);
        List<AuditReport.Audited> audited = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Manifest> byName = new HashMap<>();
        for (int i = 0; i < policies.size(); i++) {
            Manifest manifest = policyManifests.get(i);
            PolicyEvaluation evaluation = engine.evaluate(policies.get(i), snapshot);
            for (String problem : evaluation.problems()) {
                String field = problem.substring(0, Math.max(0, problem.indexOf(':')));
                problems.add(manifest.where(field) + ": policy " + evaluation.policy() + ": " + problem);
            }
            Manifest first = evaluation.policy() == null ? null : byName.putIfAbsent(evaluation.policy(), manifest);
            if (first != null) {
                problems.add(manifest.where("metadata.name") + ": policy " + evaluation.policy() + ": metadata.name: duplicate (also " + first.where() + ")");
            }
            audited.add(new AuditReport.Audited(manifest, policies.get(i), evaluation));
        }
        if (!problems.isEmpty()) {
            throw new InputException(String.join(System.lineSeparator(), problems));
        }
        for (AuditReport.Audited a : audited) {
            if (a.evaluation().nothingJudged()) {
                spec.commandLine().getErr().println("evident: " + a.source().where() + ": policy " + a.name()
                        + " judged no object (NothingSelected): its namespaceSelector and excludedNamespaces select no namespace in the input, "
                        + "or nothing selected is applicable; this is not evidence of compliance");
            }
        }
        spec.commandLine().getErr().flush();
        AuditReport report = new AuditReport(audited, snapshot);
        if (evidenceLog != null) { // issue 10: the run's evidence records
            EvidenceOption.append(evidenceLog, clock, snapshot.now(), policies, audited.stream().map(AuditReport.Audited::evaluation).toList());
        }
        PrintWriter out = spec.commandLine().getOut();
        output.writer.accept(report, out);
        out.flush();
        return report.hasProblems() ? 1 : 0;
    }
}
