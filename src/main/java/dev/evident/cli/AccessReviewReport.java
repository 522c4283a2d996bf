package dev.evident.cli;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.controls.rbac.RbacLeastPrivilege;
import dev.evident.controls.rbac.RbacLeastPrivilege.Holding;
import dev.evident.controls.rbac.RbacLeastPrivilege.Status;
import dev.evident.engine.ControlContext;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Engine;
import dev.evident.engine.Snapshot;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The access review an auditor asks for each quarter (CC6.2, CC6.3): per subject, every RBAC risk class it
 * holds, through which binding and rule, and whether the policy's RbacLeastPrivilege control fails it,
 * allows it, or does not judge that class. One table per RbacLeastPrivilege control.
 */
final class AccessReviewReport {
    private static final String[] HEADER = {"SUBJECT", "RISK", "STATUS", "SCOPE", "BINDING", "GRANTED BY"};
    private static final RbacLeastPrivilege RBAC = new RbacLeastPrivilege();

    private AccessReviewReport() {
    }

    static void write(AuditReport report, PrintWriter out) {
        int tables = 0;
        for (AuditReport.Audited audited : report.policies()) {
            for (ControlEvaluation evaluation : audited.evaluation().controls()) {
                if (!RbacLeastPrivilege.TYPE.equals(evaluation.type())) {
                    continue;
                }
                ControlSpec spec = audited.policy().getSpec().getControls().stream()
                        .filter(c -> evaluation.id().equals(c.getId())).findFirst().orElseThrow();
                Snapshot snapshot = report.snapshot();
                ControlContext context = new ControlContext(audited.policy(), spec, evaluation.criteria(), evaluation.mode(),
                        Engine.selectedNamespaces(audited.policy().getSpec(), snapshot), snapshot, null);
                out.println((tables++ == 0 ? "" : System.lineSeparator()) + "Access review: policy " + clean(audited.name()) + ", control "
                        + clean(evaluation.id()) + " (" + String.join(", ", evaluation.criteria()) + ")");
                write(RBAC.accessReview(context), out);
            }
        }
        if (tables == 0) {
            out.println("No RbacLeastPrivilege control in the policies: nothing to review.");
        }
    }

    private static void write(List<Holding> holdings, PrintWriter out) {
        List<Holding> sorted = holdings.stream()
                .sorted(Comparator.comparing(Holding::subject).thenComparing(Holding::risk).thenComparing(Holding::binding))
                .toList();
        if (sorted.isEmpty()) {
            out.println("No subject holds any risk class.");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Holding h : sorted) {
            rows.add(new String[] {clean(h.subject()), h.risk().field(), status(h.status()), h.namespace() == null ? "cluster" : clean(h.namespace()),
                    clean(h.binding()), clean(h.why())});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        long subjects = sorted.stream().map(Holding::subject).distinct().count();
        out.println(subjects + (subjects == 1 ? " subject holds " : " subjects hold ") + sorted.size() + " risk grants: "
                + count(sorted, Status.FAIL) + " fail, " + count(sorted, Status.ALLOWED) + " allowed, "
                + count(sorted, Status.NOT_JUDGED) + " not judged (class switched off)");
    }

    private static String status(Status status) {
        return switch (status) {
            case FAIL -> "fail";
            case ALLOWED -> "allowed";
            case NOT_JUDGED -> "notJudged";
        };
    }

    private static long count(List<Holding> holdings, Status status) {
        return holdings.stream().filter(h -> h.status() == status).count();
    }

    /** Names come from the input: a control character must not forge a row. */
    private static String clean(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
