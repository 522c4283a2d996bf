{{/*
The alert rules: spec of the PrometheusRule, and what HelmAlertRulesTest feeds to promtool. Runbooks: README,
"Alerts". Each alert is one entry; the metrics come from EvidentMetrics.PROMETHEUS_CATALOGUE (checked).
evident_* series come from the leader only, and every expression aggregates over pods (max/min/sum by
policy), so a failover or the standby's scrape changes nothing.
*/}}
{{- define "evident.alertGroups" -}}
{{- $a := .Values.alerts -}}
{{- $extra := .Values.prometheusRule.additionalLabels -}}
{{- $twiceResync := mul 2 (int .Values.operator.resyncIntervalSeconds) -}}
groups:
  - name: evident
    rules:
      {{- with $a.controlViolated }}{{ if .enabled }}
      - alert: EvidentControlViolated
        expr: max by (policy, control) (evident_control_findings{result="fail"}) > 0
        for: {{ .for }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "Control {{`{{ $labels.policy }}/{{ $labels.control }}`}} has been violated for {{ .for }}"
          description: "{{`{{ $value }}`}} object(s) fail control {{`{{ $labels.control }}`}} of ControlPolicy {{`{{ $labels.policy }}`}}. `kubectl describe controlpolicy {{`{{ $labels.policy }}`}}` lists them. Runbook: README, Alerts, EvidentControlViolated."
      {{- end }}{{ end }}
      {{- with $a.newViolation }}{{ if .enabled }}
      - alert: EvidentNewViolation
        expr: ({{ include "evident.eventsInWindow" (dict "metric" "evident_new_violations_total" "window" .window) }} > 0) and on (policy, control) (max by (policy, control) (evident_control_findings{result="fail"}) > 0)
        for: {{ .for }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "New objects violate {{`{{ $labels.policy }}/{{ $labels.control }}`}} and are still non-compliant"
          description: "Objects that were non-compliant when they appeared (new violations, not drift) still fail control {{`{{ $labels.control }}`}} of ControlPolicy {{`{{ $labels.policy }}`}} after {{ .for }}. Runbook: README, Alerts, EvidentNewViolation."
      {{- end }}{{ end }}
      {{- with $a.driftDetected }}{{ if .enabled }}
      - alert: EvidentDriftDetected
        expr: {{ include "evident.eventsInWindow" (dict "metric" "evident_drift_detected_total" "window" .window) }} > {{ .threshold }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "Drift on {{`{{ $labels.policy }}/{{ $labels.control }}`}}: a compliant object stopped complying"
          description: "{{`{{ $value }}`}} drift event(s) in the last {{ .window }} on control {{`{{ $labels.control }}`}} of ControlPolicy {{`{{ $labels.policy }}`}} (repaired in Enforce mode, or still open). See the policy's DriftDetected Events. Runbook: README, Alerts, EvidentDriftDetected."
      {{- end }}{{ end }}
      {{- with $a.complianceScoreLow }}{{ if .enabled }}
      - alert: EvidentComplianceScoreLow
        expr: min by (policy) (evident_compliance_score) < {{ .threshold }}
        for: {{ .for }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "ControlPolicy {{`{{ $labels.policy }}`}} is at {{`{{ $value | printf \"%.1f\" }}`}}% compliance (threshold {{ .threshold }}%)"
          description: "The score of ControlPolicy {{`{{ $labels.policy }}`}} (compliant / (compliant + violating) objects) has been under {{ .threshold }}% for {{ .for }}. Runbook: README, Alerts, EvidentComplianceScoreLow."
      {{- end }}{{ end }}
      {{- with $a.evaluationStale }}{{ if .enabled }}
      - alert: EvidentEvaluationStale
        expr: time() - max by (policy) (evident_last_evaluation_timestamp_seconds) > {{ $twiceResync }}
        for: {{ .for }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "ControlPolicy {{`{{ $labels.policy }}`}} has not been evaluated for {{`{{ $value | humanizeDuration }}`}}"
          description: "The last evaluation is older than twice the resync interval ({{ $twiceResync }}s): the evidence has a gap. Runbook: README, Alerts, EvidentEvaluationStale."
      {{- end }}{{ end }}
      {{- with $a.remediationFailing }}{{ if .enabled }}
      - alert: EvidentRemediationFailing
        expr: {{ include "evident.eventsInWindow" (dict "metric" "evident_remediations_total{outcome=\"failure\"}" "window" .window) }} > {{ .threshold }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "Evident cannot repair {{`{{ $labels.policy }}/{{ $labels.control }}`}}"
          description: "{{`{{ $value }}`}} remediation(s) of control {{`{{ $labels.control }}`}} of ControlPolicy {{`{{ $labels.policy }}`}} failed in the last {{ .window }}; the policy shows Compliant=False, reason RemediationFailed, and RemediationFailed Events say why. Runbook: README, Alerts, EvidentRemediationFailing."
      {{- end }}{{ end }}
      {{- with $a.policyInvalid }}{{ if .enabled }}
      - alert: EvidentPolicyInvalid
        expr: max by (policy) (evident_policy_valid) == 0
        for: {{ .for }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "ControlPolicy {{`{{ $labels.policy }}`}} is invalid and not in force"
          description: "`kubectl get controlpolicy {{`{{ $labels.policy }}`}} -o jsonpath='{.status.conditions}'` names the field (Ready=False, InvalidSpec). Runbook: README, Alerts, EvidentPolicyInvalid."
      {{- end }}{{ end }}
      {{- with $a.exceptionExpiring }}{{ if .enabled }}
      - alert: EvidentExceptionExpiring
        expr: min by (exception) (evident_exception_expiry_timestamp_seconds) - time() < {{ mul 86400 (int .days) }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "ControlException {{`{{ $labels.exception }}`}} expires in {{`{{ $value | humanizeDuration }}`}}"
          description: "When it expires, the findings it excepts count as violations again. Renew it (new approval) or fix the objects. Runbook: README, Alerts, EvidentExceptionExpiring."
      {{- end }}{{ end }}
      {{- with $a.evidenceWriteErrors }}{{ if .enabled }}
      - alert: EvidentEvidenceWriteErrors
        expr: {{ include "evident.eventsInWindow" (dict "metric" "evident_evidence_write_errors_total" "window" .window "by" "pod") }} > 0
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "Evident could not write {{`{{ $value }}`}} evidence record(s)"
          description: "Writes to the evidence log failed in the last {{ .window }}: the record of what happened is incomplete. Runbook: README, Alerts, EvidentEvidenceWriteErrors."
      {{- end }}{{ end }}
      {{- with $a.evidenceGap }}{{ if .enabled }}
      - alert: EvidentEvidenceGap
        expr: max(changes(evident_evidence_chain_head_seq[{{ .maxAgeSeconds }}s])) == 0
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "No evidence record for {{ .maxAgeSeconds }}s"
          description: "The evidence log has had no record (not even a heartbeat) for longer than {{ .maxAgeSeconds }}s: that period will show as a gap in reports. Runbook: README, Alerts, EvidentEvidenceGap."
      {{- end }}{{ end }}
      {{- with $a.operatorDown }}{{ if .enabled }}
      - alert: EvidentOperatorDown
        expr: absent(up{job="{{ include "evident.job" $ }}"} == 1)
        for: {{ .for }}
        labels:
          severity: {{ .severity }}
          {{- with $extra }}{{ toYaml . | nindent 10 }}{{ end }}
        annotations:
          summary: "No Evident operator replica is up"
          description: "Prometheus has had no healthy scrape of job {{ include "evident.job" $ }} for {{ .for }}: nothing evaluates or repairs the controls and the evidence has a gap. Runbook: README, Alerts, EvidentOperatorDown."
      {{- end }}{{ end }}
{{- end -}}
