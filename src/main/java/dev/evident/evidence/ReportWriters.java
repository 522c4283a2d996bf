package dev.evident.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/** The report's formats: json (the model), csv (the violation population), html (one page), oscal (assessment results). */
public final class ReportWriters {
    public static final String OSCAL_VERSION = "1.0.6";
    static final String PROP_NS = "https://evident.dev/ns/oscal";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public enum Format { json, csv, html, oscal }

    private ReportWriters() {
    }

    public static void write(Report report, Format format, Writer out) {
        try {
            switch (format) {
                case json -> out.write(JSON.writeValueAsString(report) + "\n");
                case csv -> csv(report, out);
                case html -> out.write(html(report));
                case oscal -> out.write(JSON.writeValueAsString(oscal(report)) + "\n");
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- CSV: one row per violation, the population an auditor samples from ------------------------------

    static final List<String> CSV_COLUMNS = List.of("id", "criteria", "policy", "control", "controlType", "namespace", "kind", "name",
            "result", "reason", "detectedAt", "detectedSeq", "remediatedAt", "remediatedSeq", "resolution", "timeToRemediateSeconds");

    static void csv(Report report, Writer out) throws IOException {
        out.write(String.join(",", CSV_COLUMNS) + "\r\n");
        for (Report.Violation v : report.violations()) {
            out.write(csvRow(v.id(), String.join(" ", v.criteria()), v.policy(), v.control(), v.controlType(), v.namespace(), v.kind(),
                    v.name(), v.result(), v.reason(), v.detectedAt(), v.detectedSeq(), v.remediatedAt(), v.remediatedSeq(), v.resolution(),
                    v.timeToRemediateSeconds()));
        }
    }

    private static String csvRow(Object... values) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                row.append(',');
            }
            String text = values[i] == null ? "" : values[i].toString();
            if (text.matches(".*[\",\r\n].*") || text.startsWith("=") || text.startsWith("+") || text.startsWith("-") || text.startsWith("@")) {
                // Quoted per RFC 4180; a leading formula character is defused for spreadsheets.
                text = "\"" + (text.matches("^[=+\\-@].*") ? "'" : "") + text.replace("\"", "\"\"") + "\"";
            }
            row.append(text);
        }
        return row.append("\r\n").toString();
    }

    // ---- HTML: one self-contained page ------------------------------------------------------------------

    static String html(Report r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evident evidence report ")
                .append(esc(r.period().from())).append(" to ").append(esc(r.period().to())).append("</title>\n<style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d2430}h1{font-size:1.5em}h2{margin-top:1.8em;border-bottom:1px solid #ccd}")
                .append("table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccd;padding:3px 8px;text-align:left;vertical-align:top}")
                .append("th{background:#eef1f6}td.n{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#176b2c;font-weight:600}")
                .append(".bad{color:#a1121b;font-weight:600}.muted{color:#667}.bar{display:inline-block;height:10px;vertical-align:middle}")
                .append(".c{background:#2e9b4f}.v{background:#d23a3a}.g{background:#9aa3b0}.f{background:#e4e7ec}code{font-size:12px}")
                .append("</style></head><body>\n");
        h.append("<h1>Evident evidence report</h1>\n<p>Period <b>").append(esc(r.period().from())).append("</b> to <b>")
                .append(esc(r.period().to())).append("</b> (").append(days(r.period().seconds())).append("), generated ")
                .append(esc(r.generatedAt())).append(".</p>\n");
        Report.Chain c = r.chain();
        h.append("<p>Evidence chain: ").append(c.verified() ? "<span class=\"ok\">verified</span>" : "<span class=\"bad\">NOT VERIFIED</span>: " + esc(c.problem()))
                .append(" &mdash; ").append(c.records()).append(" records, seq ").append(c.firstSeq()).append("&ndash;").append(c.lastSeq())
                .append(", head <code>").append(esc(c.headHash())).append("</code>, ").append(c.checkpoints()).append(" checkpoints")
                .append(c.signedCheckpoints() > 0 ? " (" + c.signedCheckpoints() + " signatures verified)" : "").append(".</p>\n");
        for (String note : c.notes()) {
            h.append("<p class=\"muted\">").append(esc(note)).append("</p>\n");
        }
        h.append("<p>No evidence for <b>").append(pct(r.evidence().noEvidenceShare())).append("</b> of the period (")
                .append(r.evidence().gaps().size()).append(" gap(s): no heartbeat or run record for more than ")
                .append(r.evidence().maxSilenceSeconds()).append(" s). A gap is not compliance.</p>\n");

        h.append("<h2>SOC 2 criteria</h2>\n<p class=\"muted\"><span class=\"bar c\" style=\"width:12px\"></span> compliant "
                + "<span class=\"bar v\" style=\"width:12px\"></span> violating <span class=\"bar g\" style=\"width:12px\"></span> no evidence "
                + "<span class=\"bar f\" style=\"width:12px\"></span> not in force</p>\n");
        h.append("<table><tr><th>criterion</th><th>policy / control</th><th>type</th><th>compliant</th><th>violating</th><th>no evidence</th>"
                + "<th>not in force</th><th>violations</th><th>over the period</th></tr>\n");
        for (Report.Criterion k : r.criteria()) {
            h.append("<tr><th>").append(esc(k.criterion())).append("</th><td><i>all mapped controls</i></td><td></td>");
            shareCells(h, k.shares(), k.violations());
            for (Report.Control ctl : k.controls()) {
                h.append("<tr><td></td><td>").append(esc(ctl.policy())).append(" / ").append(esc(ctl.control())).append("</td><td>")
                        .append(esc(ctl.type())).append("</td>");
                shareCells(h, ctl.shares(), ctl.violations());
            }
        }
        h.append("</table>\n");

        h.append("<h2>Violations (").append(r.violations().size()).append(")</h2>\n");
        if (r.violations().isEmpty()) {
            h.append("<p>None recorded in the period.</p>\n");
        } else {
            h.append("<table><tr><th>#</th><th>criteria</th><th>policy / control</th><th>object</th><th>reason</th><th>detected</th>"
                    + "<th>resolved</th><th>resolution</th><th>time to remediate</th></tr>\n");
            for (Report.Violation v : r.violations()) {
                h.append("<tr><td class=\"n\">").append(v.id()).append("</td><td>").append(esc(String.join(" ", v.criteria()))).append("</td><td>")
                        .append(esc(v.policy())).append(" / ").append(esc(v.control())).append("</td><td>").append(esc(v.kind())).append(' ')
                        .append(esc(v.namespace() == null || "Namespace".equals(v.kind()) ? v.name() : v.namespace() + "/" + v.name()))
                        .append("</td><td>").append(esc(v.reason())).append("</td><td>").append(esc(v.detectedAt())).append("</td><td>")
                        .append(esc(v.remediatedAt())).append("</td><td class=\"").append("open".equals(v.resolution()) ? "bad" : "")
                        .append("\">").append(esc(v.resolution())).append("</td><td class=\"n\">")
                        .append(v.timeToRemediateSeconds() == null ? "" : duration(v.timeToRemediateSeconds())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        h.append("<h2>Exceptions (").append(r.exceptions().size()).append(")</h2>\n");
        if (r.exceptions().isEmpty()) {
            h.append("<p>None recorded in the period.</p>\n");
        } else {
            h.append("<table><tr><th>name</th><th>policy / controls</th><th>namespaces</th><th>approved by</th><th>ticket</th>"
                    + "<th>justification</th><th>expires</th><th>state at end</th><th>changes in period</th></tr>\n");
            for (Report.ExceptionEntry e : r.exceptions()) {
                h.append("<tr><td>").append(esc(e.name())).append("</td><td>").append(esc(e.policy())).append(" / ")
                        .append(esc(String.join(", ", e.controls()))).append("</td><td>").append(esc(String.join(", ", e.namespaces())))
                        .append("</td><td>").append(esc(e.approvedBy())).append("</td><td>").append(esc(e.ticket())).append("</td><td>")
                        .append(esc(e.justification())).append("</td><td>").append(esc(e.expiresAt())).append("</td><td>").append(esc(e.stateAtEnd())).append("</td><td>")
                        .append(esc(e.changes().stream().map(s -> s.time() + " " + s.state()).collect(Collectors.joining("; "))))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        h.append("<h2>Policy versions in force</h2>\n<table><tr><th>policy</th><th>spec hash</th><th>generation</th><th>changed by</th>"
                + "<th>in force from</th><th>until</th></tr>\n");
        for (Report.PolicyVersion p : r.policyVersions()) {
            h.append("<tr><td>").append(esc(p.policy())).append("</td><td><code>").append(esc(p.specHash())).append("</code></td><td class=\"n\">")
                    .append(p.generation() == null ? "" : p.generation()).append("</td><td>").append(esc(p.changedBy())).append("</td><td>")
                    .append(esc(p.inForceFrom())).append("</td><td>").append(p.inForceTo() == null ? "end of period" : esc(p.inForceTo()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private static void shareCells(StringBuilder h, Report.Shares s, int violations) {
        h.append("<td class=\"n\">").append(pct(s.compliant())).append("</td><td class=\"n\">").append(pct(s.violating()))
                .append("</td><td class=\"n\">").append(pct(s.noEvidence())).append("</td><td class=\"n\">").append(pct(s.notInForce()))
                .append("</td><td class=\"n\">").append(violations).append("</td><td style=\"white-space:nowrap\">")
                .append(bar("c", s.compliant())).append(bar("v", s.violating())).append(bar("g", s.noEvidence())).append(bar("f", s.notInForce()))
                .append("</td></tr>\n");
    }

    private static String bar(String cls, double share) {
        return "<span class=\"bar " + cls + "\" style=\"width:" + Math.round(share * 200) + "px\"></span>";
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    private static String days(long seconds) {
        return String.format(Locale.ROOT, "%.1f days", seconds / 86400.0);
    }

    static String duration(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    // ---- OSCAL assessment results ------------------------------------------------------------------------

    /**
     * One result for the period; reviewed controls are the SOC 2 criteria (lowercase ids, as SOC 2 catalogues
     * in OSCAL spell them); one observation per criterion (its shares) and per violation; one finding per
     * criterion, satisfied when it was compliant whenever evidence existed and nothing is missing.
     */
    static ObjectNode oscal(Report r) {
        String seed = r.chain().headHash() + "|" + r.period().from() + "|" + r.period().to();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode ar = root.putObject("assessment-results");
        ar.put("uuid", uuid(seed, "assessment-results"));
        ObjectNode metadata = ar.putObject("metadata");
        metadata.put("title", "Evident evidence report " + r.period().from() + " to " + r.period().to());
        metadata.put("last-modified", r.generatedAt());
        metadata.put("version", r.chain().headHash() == null ? "empty" : r.chain().headHash());
        metadata.put("oscal-version", OSCAL_VERSION);
        ar.putObject("import-ap").put("href", "#evident-continuous-monitoring")
                .put("remarks", "Continuous monitoring by the Evident operator; the plan is the ControlPolicies in force (see policy-version props).");
        ObjectNode result = ar.putArray("results").addObject();
        result.put("uuid", uuid(seed, "result"));
        result.put("title", "SOC 2 controls, " + r.period().from() + " to " + r.period().to());
        result.put("description", "Evidence from a hash-chained log (" + r.chain().records() + " records, head " + r.chain().headHash()
                + "); chain " + (r.chain().verified() ? "verified" : "NOT verified: " + r.chain().problem()) + ". No evidence for "
                + pct(r.evidence().noEvidenceShare()) + " of the period.");
        result.put("start", r.period().from());
        result.put("end", r.period().to());
        ArrayNode props = result.putArray("props");
        prop(props, "chain-verified", Boolean.toString(r.chain().verified()));
        prop(props, "no-evidence-share", Double.toString(r.evidence().noEvidenceShare()));
        for (Report.PolicyVersion p : r.policyVersions()) {
            prop(props, "policy-version", p.policy() + " " + p.specHash() + " from " + p.inForceFrom());
        }
        ArrayNode include = result.putObject("reviewed-controls").putArray("control-selections").addObject().putArray("include-controls");
        ArrayNode observations = JsonNodeFactory.instance.arrayNode();
        ArrayNode findings = JsonNodeFactory.instance.arrayNode();
        for (Report.Criterion k : r.criteria()) {
            String id = controlId(k.criterion());
            include.addObject().put("control-id", id);
            ObjectNode summary = observations.addObject();
            String summaryUuid = uuid(seed, "observation|" + k.criterion());
            summary.put("uuid", summaryUuid);
            summary.put("title", k.criterion() + " over the period");
            summary.put("description", k.criterion() + ": compliant " + pct(k.shares().compliant()) + ", violating " + pct(k.shares().violating())
                    + ", no evidence " + pct(k.shares().noEvidence()) + ", not in force " + pct(k.shares().notInForce()) + "; controls: "
                    + k.controls().stream().map(c -> c.policy() + "/" + c.control() + " (" + c.type() + ")").collect(Collectors.joining(", "))
                    + "; " + k.violations() + " violation(s).");
            summary.putArray("methods").add("TEST");
            summary.putArray("types").add("control-objective");
            summary.put("collected", r.period().to());
            ObjectNode finding = findings.addObject();
            finding.put("uuid", uuid(seed, "finding|" + k.criterion()));
            finding.put("title", k.criterion());
            boolean satisfied = k.violations() == 0 && k.shares().violating() == 0 && k.shares().noEvidence() == 0 && k.shares().compliant() > 0;
            finding.put("description", satisfied ? "Compliant whenever in force, with evidence for the whole period."
                    : "Not satisfied: " + k.violations() + " violation(s), violating " + pct(k.shares().violating()) + ", no evidence "
                    + pct(k.shares().noEvidence()) + " of the period.");
            ObjectNode target = finding.putObject("target");
            target.put("type", "objective-id");
            target.put("target-id", id + "_obj");
            target.putObject("status").put("state", satisfied ? "satisfied" : "not-satisfied");
            ArrayNode related = finding.putArray("related-observations");
            related.addObject().put("observation-uuid", summaryUuid);
            for (Report.Violation v : r.violations()) {
                if (v.criteria().contains(k.criterion())) {
                    related.addObject().put("observation-uuid", uuid(seed, "violation|" + v.id()));
                }
            }
        }
        for (Report.Violation v : r.violations()) {
            ObjectNode o = observations.addObject();
            o.put("uuid", uuid(seed, "violation|" + v.id()));
            o.put("title", "Violation " + v.id() + ": " + v.policy() + "/" + v.control() + " " + v.kind() + " "
                    + (v.namespace() == null ? "" : v.namespace() + "/") + v.name());
            o.put("description", (v.reason() == null ? v.result() : v.reason()) + "; detected " + v.detectedAt() + " (seq " + v.detectedSeq() + "), "
                    + ("open".equals(v.resolution()) ? "open at the end of the period"
                    : v.resolution() + " " + v.remediatedAt() + " (seq " + v.remediatedSeq() + ") after " + duration(v.timeToRemediateSeconds())) + ".");
            o.putArray("methods").add("TEST");
            o.putArray("types").add("finding");
            o.put("collected", v.detectedAt());
        }
        if (!observations.isEmpty()) {
            result.set("observations", observations);
            result.set("findings", findings);
        }
        if (include.isEmpty()) {
            result.remove("reviewed-controls");
            result.putObject("reviewed-controls").putArray("control-selections").addObject().putObject("include-all");
        }
        return root;
    }

    private static void prop(ArrayNode props, String name, String value) {
        props.addObject().put("name", name).put("ns", PROP_NS).put("value", value);
    }

    static String controlId(String criterion) {
        return criterion.toLowerCase(Locale.ROOT);
    }

    /** A name-based UUID (version 5, SHA-1), so the same evidence and period give the same document. */
    static String uuid(String seed, String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest((seed + "|" + name).getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(hash);
            return new UUID(b.getLong(), b.getLong()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
