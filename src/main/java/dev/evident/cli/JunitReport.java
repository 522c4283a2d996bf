package dev.evident.cli;

import dev.evident.engine.Finding;
import dev.evident.engine.Result;
import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * JUnit XML for CI servers: a testsuite per policy, a testcase per finding (classname policy.control,
 * name kind/namespace/name); fail is a failure, error an error, notApplicable and excepted are skipped.
 */
final class JunitReport {
    /** Characters XML 1.0 cannot carry at all, even escaped. */
    private static final Pattern NOT_XML = Pattern.compile("[^\\x09\\x0A\\x0D\\x20-\\uD7FF\\uE000-\\uFFFD\\x{10000}-\\x{10FFFF}]");

    private JunitReport() {
    }

    static void write(AuditReport report, PrintWriter out) {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("name", "evident audit");
            counts(xml, report.findings());
            for (AuditReport.Audited policy : report.policies()) {
                xml.writeCharacters("\n  ");
                xml.writeStartElement("testsuite");
                xml.writeAttribute("name", clean(policy.name()));
                counts(xml, policy.evaluation().findings());
                xml.writeCharacters("\n    ");
                xml.writeStartElement("properties");
                property(xml, "mode", policy.mode().name());
                property(xml, "specHash", policy.evaluation().specHash());
                if (policy.evaluation().score() != null) {
                    property(xml, "score", String.valueOf(policy.evaluation().score()));
                }
                if (policy.evaluation().nothingJudged()) {
                    property(xml, "compliant", "Unknown: NothingSelected");
                }
                xml.writeCharacters("\n    ");
                xml.writeEndElement();
                for (Finding f : policy.evaluation().findings()) {
                    testcase(xml, f);
                }
                xml.writeCharacters("\n  ");
                xml.writeEndElement();
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.flush();
            out.println();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write JUnit XML", e);
        }
    }

    private static void counts(XMLStreamWriter xml, List<Finding> findings) throws XMLStreamException {
        AuditReport.Totals totals = AuditReport.Totals.of(findings);
        xml.writeAttribute("tests", String.valueOf(totals.all()));
        xml.writeAttribute("failures", String.valueOf(totals.fail()));
        xml.writeAttribute("errors", String.valueOf(totals.error()));
        xml.writeAttribute("skipped", String.valueOf(totals.notApplicable() + totals.excepted()));
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeCharacters("\n      ");
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", clean(value));
    }

    private static void testcase(XMLStreamWriter xml, Finding f) throws XMLStreamException {
        String name = f.object().kind() + "/" + (f.object().namespace() == null ? "" : f.object().namespace() + "/") + f.object().name();
        xml.writeCharacters("\n    ");
        String element = switch (f.result()) {
            case FAIL -> "failure";
            case ERROR -> "error";
            case NOT_APPLICABLE, EXCEPTED -> "skipped";
            case PASS -> null;
        };
        if (element == null) {
            xml.writeEmptyElement("testcase");
        } else {
            xml.writeStartElement("testcase");
        }
        xml.writeAttribute("classname", clean(f.policy() + "." + f.control()));
        xml.writeAttribute("name", clean(name));
        if (element == null) {
            return;
        }
        xml.writeCharacters("\n      ");
        xml.writeStartElement(element);
        xml.writeAttribute("message", clean(f.result().wire() + ": " + f.reason() + ": " + f.message()));
        if (f.result() != Result.NOT_APPLICABLE && f.result() != Result.EXCEPTED) {
            xml.writeAttribute("type", clean(f.reason()));
        }
        xml.writeCharacters(clean(f.message() + "\ncriteria: " + String.join(", ", f.criteria())
                + (f.remediation() == null ? "" : "\nremediation: " + f.remediation().summary())));
        xml.writeEndElement();
        xml.writeCharacters("\n    ");
        xml.writeEndElement();
    }

    private static String clean(String text) {
        return text == null ? "" : NOT_XML.matcher(text).replaceAll("\uFFFD");
    }
}
