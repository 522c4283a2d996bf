{{/* Chart name, overridable. */}}
{{- define "evident.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name when it already says "evident", else <release>-evident. */}}
{{- define "evident.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "evident.selectorLabels" -}}
app.kubernetes.io/name: {{ include "evident.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "evident.labels" -}}
{{ include "evident.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: evident
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "evident.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "evident.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* policy/v1 PodDisruptionBudget from Kubernetes 1.21 (policy/v1beta1 is gone in 1.25). */}}
{{- define "evident.pdbApiVersion" -}}
{{- if semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end -}}
{{- end -}}

{{/* The scrape job of the operator's targets: what EvidentOperatorDown looks for. */}}
{{- define "evident.job" -}}
{{- default (include "evident.fullname" .) .Values.prometheusRule.job -}}
{{- end -}}

{{/*
Events counted by a counter within a window, per policy and control. Micrometer creates a counter at its
first increment, so a series that is new within the window counts with its whole value (increase() needs
two samples and would miss the first event); older series count their increase.
*/}}
{{- define "evident.eventsInWindow" -}}
sum by ({{ .by | default "policy, control" }}) (({{ .metric }} unless {{ .metric }} offset {{ .window }}) or increase({{ .metric }}[{{ .window }}]))
{{- end -}}
