package dev.evident.cli;

import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Finding;
import dev.evident.engine.Result;
import dev.evident.exceptions.ExceptionOutcome;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report for people: one aligned row per finding, then per policy its score and, for controls in
 * Enforce mode, the remediation plan the operator would apply (in Audit mode, how many failures it could
 * repair), then the totals.
 */
final class TableReport {
    private static final String[] HEADER = {"POLICY", "CONTROL", "RESULT", "NAMESPACE", "KIND", "NAME", "REASON"};

    private TableReport() {
    }

    static void write(AuditReport report, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Finding f : report.findings()) {
            rows.add(new String[] {Text.escape(f.policy()), Text.escape(f.control()), f.result().wire(),
                    f.object().namespace() == null ? "-" : Text.escape(f.object().namespace()), Text.escape(f.object().kind()),
                    Text.escape(f.object().name()), Text.escape(f.reason())});
        }
        if (rows.size() == 1) {
            out.println("No findings: the policies selected no objects.");
        } else {
            printAligned(rows, out);
        }
        for (AuditReport.Audited policy : report.policies()) {
            out.println();
            printPolicy(policy, out);
        }
        if (!report.exceptions().isEmpty()) {
            out.println();
            out.println("Exceptions:");
            for (ExceptionOutcome e : report.exceptions()) {
                out.println("  " + Text.escape(e.name()) + " (policy " + Text.escape(e.policy()) + "): " + switch (e.state()) {
                    case Active -> e.unused() ? "Active until " + e.expiresAt() + ", unused: matches no finding that needs it"
                            : "Active until " + e.expiresAt() + ", excepts " + e.covered().size() + (e.covered().size() == 1 ? " finding" : " findings");
                    case Expired -> "Expired at " + e.expiresAt() + ", " + e.covered().size() + (e.covered().size() == 1 ? " finding" : " findings")
                            + " no longer excepted";
                    case Invalid -> "Invalid: " + Text.escape(String.join("; ", e.problems()));
                });
            }
        }
        out.println();
        out.println("Total: " + report.policies().size() + " " + (report.policies().size() == 1 ? "policy" : "policies") + ", "
                + report.totals().all() + " findings: " + report.totals()
                + (report.notEvaluated() == 0 ? "" : "; " + report.notEvaluated() + " not evaluated (named on stderr)"));
    }

    private static void printAligned(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], String.valueOf(row[i]).length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? String.valueOf(row[i]) : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static void printPolicy(AuditReport.Audited policy, PrintWriter out) {
        var evaluation = policy.evaluation();
        String score = evaluation.nothingJudged() ? "nothing selected (no object judged: not evidence of compliance)"
                : evaluation.score() == null ? "no score (nothing passed or failed)"
                : String.format(Locale.ROOT, "score %.1f%%", evaluation.score());
        out.printf(Locale.ROOT, "Policy %s (%s mode): %s, %s%n", Text.escape(policy.name()), policy.mode(), score,
                AuditReport.Totals.of(evaluation.findings()));
        List<String> plan = new ArrayList<>();
        long repairableInAudit = 0;
        for (ControlEvaluation control : evaluation.controls()) {
            for (Finding f : control.findings()) {
                if (f.result() != Result.FAIL) {
                    continue;
                }
                if (control.mode() == Mode.Enforce) {
                    plan.add(Text.escape(String.format("  %-10s %s: %s", control.id(), f.object(),
                            f.remediation() == null ? "not remediated automatically (" + f.reason() + "); fix by hand" : f.remediation().summary())));
                } else if (f.remediation() != null) {
                    repairableInAudit++;
                }
            }
        }
        if (!plan.isEmpty()) {
            out.println("Remediation plan (Enforce mode: the operator applies these changes):");
            plan.forEach(out::println);
        }
        if (repairableInAudit > 0) {
            out.println("Hint: " + repairableInAudit + (repairableInAudit == 1 ? " failure" : " failures")
                    + " of Audit-mode controls could be remediated in Enforce mode; --output json shows each plan.");
        }
    }
}
