package dev.evident.evidence;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /evidence/report?from=&to=&format=json|csv|html|oscal[&max-silence=]} on the operator's HTTP port
 * (beside /q/metrics): the period report from the live evidence log, read-only. A plain Vert.x route, so no
 * REST extension is needed. 400 for bad parameters, 404 before anything was recorded; the chain's state is
 * in the report (and in the header {@code X-Evident-Chain-Verified}).
 */
@ApplicationScoped
public class EvidenceReportRoute {
    public static final String PATH = "/evidence/report";

    private final EvidenceRecorder recorder;
    private final Clock clock;

    public EvidenceReportRoute(EvidenceRecorder recorder, Clock clock) {
        this.recorder = recorder;
        this.clock = clock;
    }

    void routes(@Observes Router router) {
        router.get(PATH).blockingHandler(this::report, false);
    }

    private void report(RoutingContext ctx) {
        ReportWriters.Format format;
        Instant[] period;
        Duration silence;
        try {
            format = ReportWriters.Format.valueOf(param(ctx, "format", "json"));
        } catch (IllegalArgumentException e) {
            ctx.response().setStatusCode(400).end("format: one of json, csv, html, oscal\n");
            return;
        }
        try {
            period = ReportOptions.period(required(ctx, "from"), required(ctx, "to"));
            String maxSilence = ctx.request().getParam("max-silence");
            silence = maxSilence == null ? null : ReportOptions.duration("max-silence", maxSilence);
        } catch (IllegalArgumentException e) {
            ctx.response().setStatusCode(400).end(e.getMessage() + "\n");
            return;
        }
        Report report;
        try {
            report = new ReportBuilder(period[0], period[1], silence).build(recorder.directory(), null, clock.instant());
        } catch (EvidenceFiles.UnreadableException e) {
            ctx.response().setStatusCode(404).end("no evidence log yet: " + e.getMessage() + "\n");
            return;
        }
        StringWriter body = new StringWriter();
        ReportWriters.write(report, format, body);
        ctx.response()
                .putHeader("Content-Type", switch (format) {
                    case csv -> "text/csv; charset=utf-8";
                    case html -> "text/html; charset=utf-8";
                    default -> "application/json";
                })
                .putHeader("X-Evident-Chain-Verified", Boolean.toString(report.chain().verified()))
                .end(body.toString());
    }

    private static String param(RoutingContext ctx, String name, String fallback) {
        String value = ctx.request().getParam(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static String required(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": required (a date such as 2025-01-31 or an RFC 3339 time)");
        }
        return value;
    }
}
