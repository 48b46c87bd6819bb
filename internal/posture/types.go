package posture

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Severity ranks a finding. Higher is worse.
type Severity int

// Severities, lowest first.
const (
	SeverityLow Severity = iota + 1
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

// String returns the lower-case name used in flags and reports.
func (s Severity) String() string {
	switch s {
	case SeverityLow:
		return "low"
	case SeverityMedium:
		return "medium"
	case SeverityHigh:
		return "high"
	case SeverityCritical:
		return "critical"
	default:
		return fmt.Sprintf("severity(%d)", int(s))
	}
}

// ParseSeverity parses "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low":
		return SeverityLow, nil
	case "medium":
		return SeverityMedium, nil
	case "high":
		return SeverityHigh, nil
	case "critical":
		return SeverityCritical, nil
	default:
		return 0, fmt.Errorf("unknown severity %q (one of low, medium, high, critical)", s)
	}
}

// Source says where an object was read from.
type Source struct {
	// File is the path of the manifest, relative to the scan root where
	// there is one. Empty for objects read from a live cluster.
	File string `json:"file,omitempty"`
	// Line is the 1-based line of the object's first line in File
	// (the line after its "---" separator), 0 when unknown.
	Line int `json:"line,omitempty"`
	// Cluster names the live cluster (context) the object was read from.
	Cluster string `json:"cluster,omitempty"`
}

// ObjectRef identifies a Kubernetes object.
type ObjectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// String renders kind/namespace/name (kind/name for cluster-scoped).
func (r ObjectRef) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// Object is one Kubernetes object in a scan with where it came from.
// Checks must treat it as read-only.
type Object struct {
	// U is the decoded object.
	U *unstructured.Unstructured
	// Source is where it was read from.
	Source Source

	// pod caches the pod template and containers that PerContainer and
	// PerPodSpec derive from U, so that dozens of checks do not derive them
	// again. It is filled on first use without locking: the engine checks an
	// object on one goroutine at a time, and U must not change afterwards.
	pod *podCache
}

// Ref returns the object's reference.
func (o *Object) Ref() ObjectRef {
	return ObjectRef{
		APIVersion: o.U.GetAPIVersion(),
		Kind:       o.U.GetKind(),
		Namespace:  o.U.GetNamespace(),
		Name:       o.U.GetName(),
	}
}

// Index is a read-only view of every object in a scan, for checks that look
// across objects.
type Index interface {
	// ByKind returns the objects of a kind (for example "Role"), in any
	// namespace, in scan order.
	ByKind(kind string) []*Object
	// InNamespace returns the objects of a kind in one namespace.
	InNamespace(kind, namespace string) []*Object
	// Get returns one object by kind, namespace and name, or nil.
	Get(kind, namespace, name string) *Object
}

// Violation is what a check function reports; the engine turns it into a
// Finding by adding the check, object and source.
type Violation struct {
	// Path is the field path inside the object, for example
	// "spec.template.spec.containers[1].securityContext.privileged".
	Path string
	// Message says what is wrong, in one sentence, never quoting a secret
	// value.
	Message string
}

// CheckFunc is the pure function of a check: it never mutates obj or idx and
// has no side effects.
type CheckFunc func(obj *Object, idx Index) []Violation

// Check is one posture check.
type Check struct {
	// ID is stable, explicit and kebab-case, for example
	// "privileged-container".
	ID string
	// Title is a short human name.
	Title string
	// Severity of each violation.
	Severity Severity
	// Techniques are the Threat Matrix technique IDs (MS-TA9xxx) that a
	// violation evidences or enables.
	Techniques []string
	// Kinds are the object kinds the check runs on; empty means all.
	Kinds []string
	// Description says what the check looks for and why it matters.
	Description string
	// Remediation says how to fix a violation; a full sentence.
	Remediation string
	// Run is the check's pure function.
	Run CheckFunc
	// Lookups declare what Run reads from the Index; a check without
	// Lookups must not read it. In a streaming Scan a check with Lookups
	// runs only after every object is seen, so the objects of its Kinds are
	// held until Finish: give such checks narrow Kinds (RBAC, Services,
	// Ingresses, Namespaces), never workloads or "all kinds". The index of
	// a Scan keeps only the objects some Lookup asks for.
	Lookups []Lookup
}

// NeedsIndex reports whether the check reads the Index.
func (c *Check) NeedsIndex() bool { return len(c.Lookups) > 0 }

// Lookup declares objects a cross-object check reads from the Index.
type Lookup struct {
	// Kinds are the kinds looked up.
	Kinds []string
	// Keep, when set, keeps only the objects it accepts (for example only
	// workloads that look like a management interface); nil keeps all.
	// It must be a pure function of the object.
	Keep func(*Object) bool
	// Light keeps light copies (see Lighten) instead of whole objects.
	Light bool
}

// Finding is one violation of one check by one object.
type Finding struct {
	// ID is stable across runs: a hash of check, object and path.
	ID string `json:"id"`
	// CheckID is the ID of the check.
	CheckID string `json:"check"`
	// Title is the check's title.
	Title string `json:"title"`
	// Severity is the check's severity.
	Severity Severity `json:"-"`
	// Techniques are the check's technique IDs.
	Techniques []string `json:"techniques"`
	// Object is the offending object.
	Object ObjectRef `json:"object"`
	// Source is where the object came from.
	Source Source `json:"source"`
	// Path is the field path inside the object.
	Path string `json:"path,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Remediation says how to fix it.
	Remediation string `json:"remediation"`
}

// FindingID returns the stable ID of a finding: the first 16 hex digits of
// SHA-256 over check ID, object reference and path.
func FindingID(checkID string, ref ObjectRef, path string) string {
	h := sha256.New()
	for _, s := range []string{checkID, ref.APIVersion, ref.Kind, ref.Namespace, ref.Name, path} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
