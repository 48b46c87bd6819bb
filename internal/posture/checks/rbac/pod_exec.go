package rbac

import "github.com/landfall-dev/landfall/internal/posture"

// PodExec flags bindings that allow exec into or attach to pods.
var PodExec = posture.Check{
	ID:         "rbac-pod-exec",
	Title:      "Exec into pods granted",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9006", "MS-TA9041"},
	Kinds:      bindingKinds,
	Lookups:    roleLookups,
	Description: "Flags bindings whose role grants create or get on pods/exec or pods/attach, " +
		"or patch or update on pods/ephemeralcontainers (which lets the subject add a debug " +
		"container and exec into it). The subject can run commands in, and copy data out " +
		"of, every pod in scope.",
	Remediation: "Remove pods/exec, pods/attach and pods/ephemeralcontainers from the role, or bind it only to operators who need an interactive shell.",
	Run:         perBinding(podExec),
}

// Subresources that open a stream into a running container, and the verbs
// that reach them. get is included because older clients upgrade a GET
// request to a stream.
var (
	streamSubresources = []string{"pods/exec", "pods/attach"}
	streamVerbs        = []string{"create", "get"}
)

// podExec matches rules that open a shell in a pod, directly or by adding
// an ephemeral container.
func podExec(b *posture.Object, rule map[string]any) (string, bool) {
	if what, ok := verbsOn("", streamSubresources, streamVerbs)(b, rule); ok {
		return what, true
	}
	return verbsOn("", []string{"pods/ephemeralcontainers"}, []string{"patch", "update"})(b, rule)
}
