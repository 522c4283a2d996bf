package dev.evident.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class AuditOutputTest {

    @Test
    void jsonFollowsTheContract() throws Exception {
        Cli run = Cli.run("audit", "--policy", "examples/policies", "--resources", "examples/cluster", "--output", "json");

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("", run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(Set.of("summary", "policies", "exceptions", "findings"), fieldNames(json));

        JsonNode summary = json.get("summary");
        assertEquals(Set.of("pass", "fail", "excepted", "notApplicable", "error", "notEvaluated"), fieldNames(summary));
        assertTrue(summary.get("pass").isIntegralNumber());
        assertEquals(16, summary.get("pass").asInt());
        assertEquals(26, summary.get("fail").asInt());
        assertEquals(0, summary.get("excepted").asInt());
        assertEquals(4, summary.get("notApplicable").asInt());
        assertEquals(0, summary.get("error").asInt());
        assertEquals(0, summary.get("notEvaluated").asInt());

        JsonNode policy = json.get("policies").get(0);
        assertEquals("soc2-baseline", policy.get("name").asText());
        assertTrue(policy.get("specHash").asText().startsWith("sha256:"));
        assertEquals("Audit", policy.get("mode").asText());
        assertEquals(38.1, policy.get("score").asDouble());

        JsonNode findings = json.get("findings");
        assertEquals(46, findings.size());
        JsonNode web = null;
        for (JsonNode f : findings) {
            assertEquals(Set.of("policy", "control", "type", "criteria", "namespace", "kind", "name", "result", "reason", "message",
                    "mode", "remediation"), fieldNames(f));
            if ("NET-001".equals(f.get("control").asText()) && "web".equals(f.get("name").asText())) {
                web = f;
            }
        }
        assertEquals("soc2-baseline", web.get("policy").asText());
        assertEquals("NetworkDefaultDeny", web.get("type").asText());
        assertEquals("[\"CC6.6\",\"CC6.1\"]", web.get("criteria").toString());
        assertEquals("web", web.get("namespace").asText());
        assertEquals("Namespace", web.get("kind").asText());
        assertEquals("fail", web.get("result").asText());
        assertEquals("DefaultDenyMissing", web.get("reason").asText());
        assertTrue(web.get("message").asText().contains("denies [Ingress, Egress]"), web::toString);
        assertEquals("Audit", web.get("mode").asText());
        assertEquals("create NetworkPolicy web/evident-default-deny denying [Ingress, Egress] (DNS egress allowed)",
                web.get("remediation").asText());

        JsonNode pass = findings.get(2);
        assertEquals("pass", pass.get("result").asText());
        assertTrue(pass.get("remediation").isNull());
    }

    @Test
    void jsonSummaryCountsEveryResultAndNullNamespaceForClusterScoped() throws Exception {
        StringWriter out = new StringWriter();
        JsonReport.write(ReportFixtures.reportWithEveryResult("p"), new PrintWriter(out));

        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals("{\"pass\":1,\"fail\":1,\"excepted\":1,\"notApplicable\":1,\"error\":1,\"notEvaluated\":0}", json.get("summary").toString());
        JsonNode clusterScoped = json.get("findings").get(4);
        assertTrue(clusterScoped.has("namespace") && clusterScoped.get("namespace").isNull(), clusterScoped::toString);
        assertEquals("Enforce", clusterScoped.get("mode").asText());
    }

    @Test
    void junitIsWellFormedWithRightCounts() throws Exception {
        Cli run = Cli.run("audit", "--policy", "examples/policies", "--resources", "examples/cluster", "--output", "junit");

        assertEquals(1, run.exitCode(), run::toString);
        Element suites = parse(run.out()).getDocumentElement();
        assertEquals("testsuites", suites.getTagName());
        assertEquals("46", suites.getAttribute("tests"));
        assertEquals("26", suites.getAttribute("failures"));
        assertEquals("0", suites.getAttribute("errors"));
        assertEquals("4", suites.getAttribute("skipped"));

        NodeList suiteList = suites.getElementsByTagName("testsuite");
        assertEquals(1, suiteList.getLength());
        Element suite = (Element) suiteList.item(0);
        assertEquals("soc2-baseline", suite.getAttribute("name"));
        assertEquals("46", suite.getAttribute("tests"));
        assertEquals("26", suite.getAttribute("failures"));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertEquals(46, cases.getLength());
        List<String> failing = new ArrayList<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getElementsByTagName("failure").getLength() == 1) {
                failing.add(c.getAttribute("classname") + " " + c.getAttribute("name"));
            }
        }
        assertEquals(26, failing.size());
        assertTrue(failing.contains("soc2-baseline.NET-001 Namespace/web/web"), failing::toString);
    }

    @Test
    void junitEscapesAndCountsSkippedAndErrors() throws Exception {
        StringWriter out = new StringWriter();
        JunitReport.write(ReportFixtures.reportWithEveryResult("p<&\"'>"), new PrintWriter(out));

        Document xml = parse(out.toString());
        Element suite = (Element) xml.getElementsByTagName("testsuite").item(0);
        assertEquals("p<&\"'>", suite.getAttribute("name"));
        assertEquals("5", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("2", suite.getAttribute("skipped"));
        assertEquals(2, xml.getElementsByTagName("skipped").getLength());
        assertEquals(1, xml.getElementsByTagName("error").getLength());
        assertTrue(((Element) xml.getElementsByTagName("failure").item(0)).getAttribute("message").contains("<b>&"));
        assertEquals("ClusterRole/admin", ((Element) xml.getElementsByTagName("testcase").item(4)).getAttribute("name"));
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
