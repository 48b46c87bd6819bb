{{- define "demo.name" -}}{{ .Release.Name }}-demo{{- end -}}
