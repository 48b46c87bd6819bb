package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PostureFindingsKind is the Kind of PostureFindings objects.
const PostureFindingsKind = "PostureFindings"

// PostureFindingsName is the name of the PostureFindings object in each
// namespace with findings.
const PostureFindingsName = "posture"

// LabelPostureReport is set on every PostureFindings object to the name of
// the PostureReport that wrote it.
const LabelPostureReport = "landfall.dev/posture-report"

// MaxPostureMessageLength bounds a finding's message in bytes; longer ones
// are cut, ending in "…".
const MaxPostureMessageLength = 512

// PostureObjectReference identifies the object of a finding.
type PostureObjectReference struct {
	// apiVersion of the object.
	// +required
	APIVersion string `json:"apiVersion"`
	// kind of the object.
	// +required
	Kind string `json:"kind"`
	// namespace of the object; empty for cluster-scoped objects.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// name of the object.
	// +required
	Name string `json:"name"`
}

// PostureFinding is one weakness a posture check found on a live object.
type PostureFinding struct {
	// id is stable for the same check, object and field path.
	// +required
	ID string `json:"id"`
	// check is the check ID, for example "privileged-container"
	// (landfall checks lists them).
	// +required
	Check string `json:"check"`
	// severity of the check.
	// +required
	// +kubebuilder:validation:Enum=low;medium;high;critical
	Severity string `json:"severity"`
	// techniques are the Threat Matrix technique IDs (MS-TA9xxx) the
	// finding evidences or enables.
	// +optional
	// +listType=atomic
	Techniques []string `json:"techniques,omitempty"`
	// object is the object to fix.
	// +required
	Object PostureObjectReference `json:"object"`
	// path is the field path inside the object, when there is one.
	// +optional
	Path string `json:"path,omitempty"`
	// message says what is wrong; it never quotes a secret value.
	// +required
	// +kubebuilder:validation:MaxLength=512
	Message string `json:"message"`
}

// PostureFindingsSummary counts a namespace's findings.
type PostureFindingsSummary struct {
	// score is the namespace's score, computed like the PostureReport's
	// over the namespace's objects and findings.
	// +optional
	Score int32 `json:"score"`
	// objects counts the namespace's objects the scan read, the Namespace
	// itself included.
	// +optional
	Objects int32 `json:"objects"`
	// findings counts every finding in the namespace, listed or not.
	// +optional
	Findings int32 `json:"findings"`
	// The findings per severity, listed or not.
	PostureSeverityCounts `json:",inline"`
	// omitted counts the findings not listed: below the report's
	// minSeverity or over its maxFindingsPerNamespace.
	// +optional
	Omitted int32 `json:"omitted"`
}

// PostureFindings holds the posture findings of one namespace: on its
// objects and on the Namespace itself. The manager writes one, named
// "posture", in every namespace with findings after each scan and deletes
// it once the namespace is clean. Tenants may read it in their spaces
// (ClusterRole landfall-space-admin-posture, aggregated into
// landfall-space-admin). It is a report written by the manager: it has no
// spec and no status, and edits are overwritten.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=lfpf,categories=landfall
// +kubebuilder:printcolumn:name="Score",type=integer,JSONPath=`.summary.score`
// +kubebuilder:printcolumn:name="Findings",type=integer,JSONPath=`.summary.findings`
// +kubebuilder:printcolumn:name="Critical",type=integer,JSONPath=`.summary.critical`
// +kubebuilder:printcolumn:name="High",type=integer,JSONPath=`.summary.high`
// +kubebuilder:printcolumn:name="Medium",type=integer,JSONPath=`.summary.medium`
// +kubebuilder:printcolumn:name="Low",type=integer,JSONPath=`.summary.low`
// +kubebuilder:printcolumn:name="Omitted",type=integer,JSONPath=`.summary.omitted`,priority=1
// +kubebuilder:printcolumn:name="Objects",type=integer,JSONPath=`.summary.objects`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type PostureFindings struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// report names the PostureReport whose scan wrote this.
	// +optional
	Report string `json:"report,omitempty"`

	// summary counts the namespace's findings.
	// +optional
	Summary PostureFindingsSummary `json:"summary"`

	// findings are the findings listed, highest severity first, at most
	// the report's maxFindingsPerNamespace.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=500
	Findings []PostureFinding `json:"findings,omitempty"`
}

// PostureFindingsList is a list of PostureFindings.
//
// +kubebuilder:object:root=true
type PostureFindingsList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the PostureFindings.
	Items []PostureFindings `json:"items"`
}
