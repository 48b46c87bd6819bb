package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/landfall-dev/landfall/internal/posture"
)

// Alert is one rule firing on one audit event. It names who did what,
// when, and where the event was read; it never holds request or response
// bodies.
type Alert struct {
	// Rule is the rule's ID.
	Rule string `json:"rule"`
	// Title is the rule's title.
	Title string `json:"title"`
	// Severity is the rule's severity.
	Severity posture.Severity `json:"-"`
	// Techniques are the rule's technique IDs.
	Techniques []string `json:"techniques"`
	// Tactics are the IDs of the techniques' tactics.
	Tactics []string `json:"tactics"`
	// Message says what happened, in one sentence.
	Message string `json:"message"`
	// Time is when the API server received the request.
	Time time.Time `json:"time"`
	// AuditID is the audit ID of the request.
	AuditID string `json:"auditID"`

	// User is the authenticated user.
	User string `json:"user"`
	// Groups are the user's groups.
	Groups []string `json:"groups,omitempty"`
	// ImpersonatedUser is the user impersonated, if any.
	ImpersonatedUser string `json:"impersonatedUser,omitempty"`
	// SourceIPs are the client and proxy addresses.
	SourceIPs []string `json:"sourceIPs,omitempty"`
	// UserAgent is the client's user agent.
	UserAgent string `json:"userAgent,omitempty"`

	// Verb is the request's verb.
	Verb string `json:"verb"`
	// APIGroup is the object's API group, "" for core.
	APIGroup string `json:"apiGroup,omitempty"`
	// Resource is the object's resource.
	Resource string `json:"resource,omitempty"`
	// Subresource is the object's subresource.
	Subresource string `json:"subresource,omitempty"`
	// Namespace is the object's namespace.
	Namespace string `json:"namespace,omitempty"`
	// Name is the object's name.
	Name string `json:"name,omitempty"`
	// Code is the response code, 0 when not recorded.
	Code int `json:"code,omitempty"`

	// Source is where the event was read: "FILE:LINE", "stdin:LINE" or
	// "webhook".
	Source string `json:"source,omitempty"`
}

// MarshalJSON writes the alert with its severity as a word.
func (a Alert) MarshalJSON() ([]byte, error) {
	type plain Alert
	return json.Marshal(struct {
		plain
		Severity string `json:"severity"`
	}{plain(a), a.Severity.String()})
}

// UnmarshalJSON reads an alert written by MarshalJSON.
func (a *Alert) UnmarshalJSON(data []byte) error {
	type plain Alert
	var v struct {
		plain
		Severity string `json:"severity"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*a = Alert(v.plain)
	if v.Severity != "" {
		s, err := posture.ParseSeverity(v.Severity)
		if err != nil {
			return fmt.Errorf("decoding alert: %w", err)
		}
		a.Severity = s
	}
	return nil
}

// Object renders the object as resource[/subresource] namespace/name,
// for example "pods/exec default/web".
func (a Alert) Object() string {
	var b strings.Builder
	b.WriteString(a.Resource)
	if a.APIGroup != "" && a.Resource != "" {
		b.WriteString("." + a.APIGroup)
	}
	if a.Subresource != "" {
		b.WriteString("/" + a.Subresource)
	}
	switch {
	case a.Namespace != "" && a.Name != "":
		b.WriteString(" " + a.Namespace + "/" + a.Name)
	case a.Namespace != "":
		b.WriteString(" " + a.Namespace + "/*")
	case a.Name != "":
		b.WriteString(" " + a.Name)
	}
	return b.String()
}

// newAlert builds the alert of rule r on ev.
func newAlert(r *Rule, tactics []string, ev *Event, msg, source string) Alert {
	a := Alert{
		Rule:       r.ID,
		Title:      r.Title,
		Severity:   r.Severity,
		Techniques: r.Techniques,
		Tactics:    tactics,
		Message:    msg,
		Time:       ev.Time(),
		AuditID:    ev.AuditID,
		User:       ev.User.Username,
		Groups:     ev.User.Groups,
		SourceIPs:  ev.SourceIPs,
		UserAgent:  ev.UserAgent,
		Verb:       ev.Verb,
		Code:       ev.Code(),
		Source:     source,
	}
	if ev.ImpersonatedUser != nil {
		a.ImpersonatedUser = ev.ImpersonatedUser.Username
	}
	if r := ev.ObjectRef; r != nil {
		a.APIGroup, a.Resource, a.Subresource = r.APIGroup, r.Resource, r.Subresource
		a.Namespace, a.Name = r.Namespace, r.Name
	}
	return a
}

// EventReason is the reason of the Kubernetes Events KubeEvent builds.
const EventReason = "AttackDetected"

// EventComponent is the reporting component of those Events.
const EventComponent = "landfall-detect"

// KubeEvent converts an alert to a Kubernetes Event, for the manager to
// create so that alerts show up next to everything else (kubectl get
// events, dashboards). It is pure: the caller creates the Event and sets
// the reporting instance.
//
// The Event is about the alert's object where the alert names one, and in
// its namespace; cluster-scoped and non-resource alerts go to
// defaultNamespace. Alerts of medium severity and above are Warnings. The
// name is stable for an alert (audit ID and rule), so that creating it
// twice fails with AlreadyExists instead of duplicating it. Labels carry
// the rule and severity for selection; the techniques, user and audit ID
// are annotations.
func KubeEvent(a Alert, defaultNamespace string) *corev1.Event {
	ns := a.Namespace
	if ns == "" {
		ns = defaultNamespace
	}
	sum := sha256.Sum256([]byte(a.AuditID + "\x00" + a.Rule))
	eventType := corev1.EventTypeWarning
	if a.Severity < posture.SeverityMedium {
		eventType = corev1.EventTypeNormal
	}
	msg := fmt.Sprintf("%s: %s (user %s, %s %s)", a.Title, a.Message, a.User, a.Verb, a.Object())
	if len(msg) > 1024 {
		msg = msg[:1021] + "..."
	}
	ts := metav1.NewTime(a.Time)
	return &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "landfall-detect." + hex.EncodeToString(sum[:8]),
			Namespace: ns,
			Labels: map[string]string{
				"landfall.dev/rule":     a.Rule,
				"landfall.dev/severity": a.Severity.String(),
			},
			Annotations: map[string]string{
				"landfall.dev/techniques": strings.Join(a.Techniques, ","),
				"landfall.dev/user":       a.User,
				"landfall.dev/audit-id":   a.AuditID,
			},
		},
		InvolvedObject: involvedObject(a, ns),
		Reason:         EventReason,
		Message:        msg,
		Type:           eventType,
		Source:         corev1.EventSource{Component: EventComponent},
		FirstTimestamp: ts,
		LastTimestamp:  ts,
		Count:          1,
	}
}

// involvedObject is the object an alert's Event is about: the alert's
// object, or the namespace the Event is written to.
//
// The API server rejects an Event whose involvedObject.namespace differs
// from its own namespace, and an empty one is accepted only in "default".
// So that alerts on cluster-scoped objects land in defaultNamespace, their
// reference carries the Event's namespace, although the object has none.
func involvedObject(a Alert, ns string) corev1.ObjectReference {
	if a.Resource == "" || a.Name == "" {
		return corev1.ObjectReference{Kind: "Namespace", Namespace: ns, Name: ns, APIVersion: "v1"}
	}
	kind := kindOf(a.Resource)
	apiVersion := "v1"
	if a.APIGroup != "" {
		apiVersion = a.APIGroup + "/v1"
	}
	ref := corev1.ObjectReference{Kind: kind, Namespace: ns, Name: a.Name, APIVersion: apiVersion}
	if a.Subresource != "" {
		ref.FieldPath = a.Subresource
	}
	return ref
}

// kindOf guesses the kind of a plural resource for the Event's
// involvedObject ("pods" -> "Pod", "clusterrolebindings" ->
// "ClusterRoleBinding" for the resources rules report on).
func kindOf(resource string) string {
	if k, ok := knownKinds[resource]; ok {
		return k
	}
	s := strings.TrimSuffix(resource, "s")
	if s == "" {
		return resource
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var knownKinds = map[string]string{
	"pods": "Pod", "configmaps": "ConfigMap", "secrets": "Secret", "events": "Event",
	"serviceaccounts": "ServiceAccount", "services": "Service", "nodes": "Node", "namespaces": "Namespace",
	"deployments": "Deployment", "daemonsets": "DaemonSet", "statefulsets": "StatefulSet",
	"replicasets": "ReplicaSet", "jobs": "Job", "cronjobs": "CronJob",
	"roles": "Role", "rolebindings": "RoleBinding", "clusterroles": "ClusterRole",
	"clusterrolebindings": "ClusterRoleBinding", "certificatesigningrequests": "CertificateSigningRequest",
	"mutatingwebhookconfigurations":   "MutatingWebhookConfiguration",
	"validatingwebhookconfigurations": "ValidatingWebhookConfiguration",
}
