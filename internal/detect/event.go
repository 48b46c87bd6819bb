package detect

import (
	"encoding/json"
	"strings"
	"time"
)

// Event is the part of an audit.k8s.io/v1 Event that rules read, with the
// same JSON field names, so that audit log lines and webhook batches decode
// into it directly. It is deliberately smaller than the upstream type in
// k8s.io/apiserver/pkg/apis/audit/v1: request and response bodies stay raw
// bytes until a rule asks for them (see Object), and fields no rule reads
// (managed fields, authentication metadata) are skipped by the decoder.
//
// An Event is read by one goroutine at a time; its cached decodes are not
// locked.
type Event struct {
	// Level is the audit level the policy gave the request: None,
	// Metadata, Request or RequestResponse.
	Level string `json:"level"`
	// AuditID is unique per request.
	AuditID string `json:"auditID"`
	// Stage is the stage of the request the event was written at:
	// RequestReceived, ResponseStarted, ResponseComplete or Panic.
	Stage string `json:"stage"`
	// RequestURI is the request path with its query.
	RequestURI string `json:"requestURI"`
	// Verb is the Kubernetes verb (get, list, watch, create, update,
	// patch, delete, deletecollection) or the lower-case HTTP method of a
	// non-resource request.
	Verb string `json:"verb"`
	// User is the authenticated user.
	User UserInfo `json:"user"`
	// ImpersonatedUser is the user the request was made as, when
	// impersonation headers were used.
	ImpersonatedUser *UserInfo `json:"impersonatedUser,omitempty"`
	// SourceIPs are the client and proxy addresses, the client first.
	SourceIPs []string `json:"sourceIPs,omitempty"`
	// UserAgent is the client's user agent.
	UserAgent string `json:"userAgent,omitempty"`
	// ObjectRef is the object the request is about; nil for non-resource
	// requests.
	ObjectRef *ObjectRef `json:"objectRef,omitempty"`
	// ResponseStatus is the response's status; nil when not recorded.
	ResponseStatus *ResponseStatus `json:"responseStatus,omitempty"`
	// RequestObject is the request body as JSON (level Request or
	// RequestResponse), for example the object created or the patch.
	RequestObject json.RawMessage `json:"requestObject,omitempty"`
	// ResponseObject is the response body as JSON (level
	// RequestResponse).
	ResponseObject json.RawMessage `json:"responseObject,omitempty"`
	// RequestReceivedTimestamp is when the API server received the
	// request.
	RequestReceivedTimestamp time.Time `json:"requestReceivedTimestamp"`
	// StageTimestamp is when the event's stage was reached.
	StageTimestamp time.Time `json:"stageTimestamp"`
	// Annotations are set by admission and authorization, for example
	// "authorization.k8s.io/decision".
	Annotations map[string]string `json:"annotations,omitempty"`

	// req caches the decoded RequestObject (see Object).
	req *Object
	// reqDone records that req was decoded (or failed to be).
	reqDone bool
}

// UserInfo is an authenticated identity.
type UserInfo struct {
	// Username is the user's name, for example "alice" or
	// "system:serviceaccount:default:builder".
	Username string `json:"username,omitempty"`
	// UID is the user's unique ID, where the authenticator sets one.
	UID string `json:"uid,omitempty"`
	// Groups are the user's groups.
	Groups []string `json:"groups,omitempty"`
}

// ObjectRef identifies the object of a request.
type ObjectRef struct {
	// Resource is the plural resource, for example "pods".
	Resource string `json:"resource,omitempty"`
	// Namespace is empty for cluster-scoped objects and for requests
	// across all namespaces.
	Namespace string `json:"namespace,omitempty"`
	// Name is empty for list, watch, deletecollection and create (before
	// the name is known).
	Name string `json:"name,omitempty"`
	// UID is the object's UID, where known.
	UID string `json:"uid,omitempty"`
	// APIGroup is empty for the core group.
	APIGroup string `json:"apiGroup,omitempty"`
	// APIVersion is the version requested.
	APIVersion string `json:"apiVersion,omitempty"`
	// Subresource is for example "exec", "status" or "token".
	Subresource string `json:"subresource,omitempty"`
}

// ResponseStatus is the part of a metav1.Status that rules read.
type ResponseStatus struct {
	// Code is the HTTP status code.
	Code int `json:"code,omitempty"`
	// Reason is the machine-readable reason of a failure.
	Reason string `json:"reason,omitempty"`
}

// EventList is a batch of events as an audit webhook receives it.
type EventList struct {
	// Kind is "EventList".
	Kind string `json:"kind,omitempty"`
	// APIVersion is "audit.k8s.io/v1".
	APIVersion string `json:"apiVersion,omitempty"`
	// Items are the events, oldest first.
	Items []Event `json:"items"`
}

// Resource returns the object's resource, "" for non-resource requests.
func (e *Event) Resource() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Resource
}

// Subresource returns the object's subresource, if any.
func (e *Event) Subresource() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Subresource
}

// Namespace returns the object's namespace, if any.
func (e *Event) Namespace() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Namespace
}

// Name returns the object's name, if any.
func (e *Event) Name() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Name
}

// APIGroup returns the object's API group, "" for the core group.
func (e *Event) APIGroup() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.APIGroup
}

// Is reports whether the event is about resource (with subresource, which
// may be "") in API group group.
func (e *Event) Is(group, resource, subresource string) bool {
	r := e.ObjectRef
	return r != nil && r.Resource == resource && r.Subresource == subresource && r.APIGroup == group
}

// VerbIn reports whether the event's verb is one of verbs.
func (e *Event) VerbIn(verbs ...string) bool {
	for _, v := range verbs {
		if e.Verb == v {
			return true
		}
	}
	return false
}

// IsWrite reports whether the verb changes state: create, update, patch,
// delete or deletecollection.
func (e *Event) IsWrite() bool {
	return e.VerbIn("create", "update", "patch", "delete", "deletecollection")
}

// Code returns the response code, 0 when not recorded.
func (e *Event) Code() int {
	if e.ResponseStatus == nil {
		return 0
	}
	return e.ResponseStatus.Code
}

// Allowed reports whether the request got past authentication and
// authorization: the authorizer did not forbid it and the response is not
// 401 or 403. A request that failed later (for example an exec the
// kubelet never answered) still counts as allowed.
func (e *Event) Allowed() bool {
	if e.Annotations["authorization.k8s.io/decision"] == "forbid" {
		return false
	}
	c := e.Code()
	return c != 401 && c != 403
}

// Succeeded reports whether the request completed with a 2xx code.
func (e *Event) Succeeded() bool {
	c := e.Code()
	return c >= 200 && c < 300
}

// Time is when the request was received, or the stage timestamp when that
// is missing.
func (e *Event) Time() time.Time {
	if !e.RequestReceivedTimestamp.IsZero() {
		return e.RequestReceivedTimestamp
	}
	return e.StageTimestamp
}

// SourceIP returns the client's address: the first of SourceIPs.
func (e *Event) SourceIP() string {
	if len(e.SourceIPs) == 0 {
		return ""
	}
	return e.SourceIPs[0]
}

// InGroup reports whether the authenticated user is in group.
func (e *Event) InGroup(group string) bool {
	for _, g := range e.User.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// ServiceAccountPrefix starts the user name of every service account.
const ServiceAccountPrefix = "system:serviceaccount:"

// IsServiceAccount reports whether the user is a service account.
func (e *Event) IsServiceAccount() bool {
	return strings.HasPrefix(e.User.Username, ServiceAccountPrefix)
}

// IsControlPlane reports whether the request was made by a control-plane
// component acting on its own: the API server, the controller manager and
// scheduler, kubelets, and the service accounts of kube-system (the
// controller manager acts as them with --use-service-account-credentials).
// Rules skip these identities where the component's routine work would
// look like the attack (the namespace controller deleting events, the
// ReplicaSet controller creating the pods of a template already reported).
func (e *Event) IsControlPlane() bool {
	u := e.User.Username
	switch u {
	case "system:apiserver", "system:kube-controller-manager", "system:kube-scheduler", "system:kube-proxy":
		return true
	}
	return strings.HasPrefix(u, "system:node:") ||
		strings.HasPrefix(u, ServiceAccountPrefix+"kube-system:")
}
