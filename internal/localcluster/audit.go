package localcluster

// auditPolicy returns Options.AuditPolicy, or the built-in policy when it
// is empty.
func (o *Options) auditPolicy() []byte {
	if len(o.AuditPolicy) > 0 {
		return o.AuditPolicy
	}
	return []byte(auditPolicy)
}

// auditPolicy records what the Threat Matrix needs to see in the audit log
// while leaving out the noise of health checks and of the control plane's
// own reads. Rules match in order; the first match wins.
//
//   - secrets, configmaps-with-credentials and token requests: Metadata only,
//     so secret values never reach the log, but every read is recorded;
//   - exec, attach, port-forward and proxy: Metadata (the request may fail for
//     lack of a kubelet; the event is still recorded);
//   - RBAC and admission-webhook changes: RequestResponse;
//   - other writes and deletes: Request, so the object written is visible
//     (pods named like system pods, CronJobs, CoreDNS edits);
//   - everything else: Metadata.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
- RequestReceived
rules:
- level: None
  nonResourceURLs:
  - /healthz*
  - /readyz*
  - /livez*
  - /version
  - /openapi*
  - /metrics
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets", "serviceaccounts/token"]
  - group: authentication.k8s.io
    resources: ["tokenreviews"]
- level: Metadata
  resources:
  - group: ""
    resources: ["pods/exec", "pods/attach", "pods/portforward", "pods/proxy", "services/proxy", "nodes/proxy"]
- level: None
  users:
  - system:kube-controller-manager
  - system:kube-scheduler
  - system:apiserver
  - landfall:kwok
  verbs: ["get", "list", "watch"]
- level: None
  userGroups: ["system:serviceaccounts:kube-system", "system:nodes"]
  verbs: ["get", "list", "watch"]
- level: None
  resources:
  - group: coordination.k8s.io
    resources: ["leases"]
  verbs: ["get", "list", "watch", "update", "patch"]
- level: None
  resources:
  - group: ""
    resources: ["events"]
  - group: events.k8s.io
    resources: ["events"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- level: RequestResponse
  resources:
  - group: rbac.authorization.k8s.io
  - group: admissionregistration.k8s.io
  verbs: ["create", "update", "patch", "delete", "deletecollection"]
- level: Request
  verbs: ["create", "update", "patch", "delete", "deletecollection"]
- level: Metadata
`
