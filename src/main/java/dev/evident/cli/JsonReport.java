package dev.evident.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Finding;
import dev.evident.engine.Result;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** One JSON object: summary counts, the policies, and every finding. Field names are a contract. */
final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    record Document(Summary summary, List<Policy> policies, List<ExceptionJson> exceptions, List<FindingJson> findings) {
    }

    /** state: Active or Expired; covered: findings excepted (Active) or no longer excepted (Expired); unused: Active and covering none. */
    record ExceptionJson(String name, String policy, String state, String expiresAt, int covered, boolean unused) {
    }

    /** Counts by result, and notEvaluated: inputs that could not be evaluated (each named on stderr). */
    record Summary(long pass, long fail, long excepted, long notApplicable, long error, long notEvaluated) {
        static Summary of(AuditReport report) {
            AuditReport.Totals t = report.totals();
            return new Summary(t.pass(), t.fail(), t.excepted(), t.notApplicable(), t.error(), report.notEvaluated());
        }
    }

    /** score: null when nothing passed or failed; compliant: True, False, or Unknown when nothing was judged (NothingSelected). */
    record Policy(String name, String specHash, Mode mode, Double score, String compliant, String source) {
    }

    /** remediation: the plan's summary (applied by the operator when mode is Enforce), or null. */
    record FindingJson(String policy, String control, String type, List<String> criteria, String namespace, String kind,
                       String name, Result result, String reason, String message, Mode mode, String remediation) {
    }

    private JsonReport() {
    }

    static void write(AuditReport report, PrintWriter out) {
        List<Policy> policies = new ArrayList<>();
        List<FindingJson> findings = new ArrayList<>();
        for (AuditReport.Audited audited : report.policies()) {
            var evaluation = audited.evaluation();
            String compliant = evaluation.nothingJudged() ? "Unknown" : evaluation.count(Result.FAIL) > 0 ? "False" : "True";
            policies.add(new Policy(audited.name(), evaluation.specHash(), audited.mode(), evaluation.score(), compliant, audited.source().where()));
            for (ControlEvaluation control : evaluation.controls()) {
                for (Finding f : control.findings()) {
                    findings.add(new FindingJson(f.policy(), f.control(), f.type(), f.criteria(), f.object().namespace(),
                            f.object().kind(), f.object().name(), f.result(), f.reason(), f.message(), control.mode(),
                            f.remediation() == null ? null : f.remediation().summary()));
                }
            }
        }
        try {
            // written as it is serialised: the report of a large cluster is never one string in memory
            MAPPER.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .writeValue(out, new Document(Summary.of(report), policies, report.exceptions().stream()
                            .map(e -> new ExceptionJson(e.name(), e.policy(), e.state().name(), String.valueOf(e.expiresAt()), e.covered().size(), e.unused()))
                            .toList(), findings));
            out.println();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
