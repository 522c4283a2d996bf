package dev.evident.cli;

import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Finding;
import dev.evident.engine.Result;
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
            rows.add(new String[] {f.policy(), f.control(), f.result().wire(),
                    f.object().namespace() == null ? "-" : f.object().namespace(), f.object().kind(), f.object().name(), f.reason()});
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
        out.println();
        out.println("Total: " + report.policies().size() + " " + (report.policies().size() == 1 ? "policy" : "policies") + ", "
                + report.totals().all() + " findings: " + report.totals());
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
        out.printf(Locale.ROOT, "Policy %s (%s mode): %s, %s%n", policy.name(), policy.mode(), score,
                AuditReport.Totals.of(evaluation.findings()));
        List<String> plan = new ArrayList<>();
        long repairableInAudit = 0;
        for (ControlEvaluation control : evaluation.controls()) {
            for (Finding f : control.findings()) {
                if (f.result() != Result.FAIL) {
                    continue;
                }
                if (control.mode() == Mode.Enforce) {
                    plan.add(String.format("  %-10s %s: %s", control.id(), f.object(),
                            f.remediation() == null ? "not remediated automatically (" + f.reason() + "); fix by hand" : f.remediation().summary()));
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
