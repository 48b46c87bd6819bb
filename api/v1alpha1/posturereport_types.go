package v1alpha1

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PostureReportKind is the Kind of PostureReport objects.
const PostureReportKind = "PostureReport"

// PostureReportName is the name of the one PostureReport a cluster has.
const PostureReportName = "cluster"

// Defaults and bounds of the PostureReport accessors.
const (
	// DefaultPostureInterval is the time between two full scans.
	DefaultPostureInterval = 5 * time.Minute
	// DefaultPostureMinInterval is the shortest time between two scans,
	// however often the watched objects change.
	DefaultPostureMinInterval = 30 * time.Second
	// DefaultPostureMaxFindings is the default cap on the findings listed
	// in one PostureFindings object (and in status.clusterFindings).
	DefaultPostureMaxFindings = 200
	// MaxPostureFindings is the highest cap: 500 findings of about 1 KiB
	// each (messages are cut at MaxPostureMessageLength bytes) keep an
	// object near 0.5 MiB, well under etcd's 1.5 MiB limit.
	MaxPostureFindings = 500
)

// PostureReportSpec says how often the manager scans the cluster and what
// the per-namespace findings hold.
type PostureReportSpec struct {
	// interval is the time between two full scans. Defaults to 5m.
	// Changes the manager watches (namespaces, pods, services, role
	// bindings, network policies, webhook configurations) trigger a scan
	// sooner.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	Interval *metav1.Duration `json:"interval,omitempty"`

	// minInterval is the shortest time between two scans: changes seen in
	// the meantime are gathered into one scan. Defaults to 30s.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	MinInterval *metav1.Duration `json:"minInterval,omitempty"`

	// readSecrets lets the scan list every Secret of the cluster, values
	// included, for the checks that look at Secrets (long-lived
	// service-account tokens). Off by default: reading every credential
	// of the cluster on a schedule is what an attacker harvesting them
	// does (Landfall's secrets-listed-all-namespaces detection reports
	// it), and `landfall scan --cluster` covers those checks. Without it
	// they are named in status.completeness.checksNotAssessed.
	// +optional
	ReadSecrets bool `json:"readSecrets,omitempty"`

	// suspend stops scanning; the last results stay as they are.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// minSeverity is the lowest severity listed in PostureFindings
	// objects and in status.clusterFindings. Counts, score and metrics
	// always cover every finding. Defaults to low.
	// +optional
	// +kubebuilder:validation:Enum=low;medium;high;critical
	MinSeverity string `json:"minSeverity,omitempty"`

	// maxFindingsPerNamespace caps the findings listed in each
	// PostureFindings object and in status.clusterFindings, highest
	// severity first; the others are only counted (summary.omitted).
	// Defaults to 200, at most 500.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=500
	MaxFindingsPerNamespace *int32 `json:"maxFindingsPerNamespace,omitempty"`
}

// PostureSeverityCounts counts findings per severity.
type PostureSeverityCounts struct {
	// critical findings.
	// +optional
	Critical int32 `json:"critical"`
	// high findings.
	// +optional
	High int32 `json:"high"`
	// medium findings.
	// +optional
	Medium int32 `json:"medium"`
	// low findings.
	// +optional
	Low int32 `json:"low"`
}

// PostureTacticCount counts the findings under one Threat Matrix tactic.
// Each finding counts under its first tactic in matrix order, the one the
// scan report groups it under, so the counts add up to status.findings.
type PostureTacticCount struct {
	// id is the tactic's slug, for example "privilege-escalation", or
	// "Unmapped" for findings whose techniques are in no tactic.
	// +required
	ID string `json:"id"`
	// name is the tactic's name, for example "Privilege Escalation".
	// +optional
	Name string `json:"name,omitempty"`
	// findings under the tactic.
	// +optional
	Findings int32 `json:"findings"`
	// The findings per severity.
	PostureSeverityCounts `json:",inline"`
}

// PostureKindStatus is an object kind a scan could not read.
type PostureKindStatus struct {
	// kind is the object kind, for example "Secret".
	// +required
	Kind string `json:"kind"`
	// reason says why, for example "not assessed: forbidden".
	// +required
	Reason string `json:"reason"`
}

// PostureCheckStatus is a check whose findings a scan dropped.
type PostureCheckStatus struct {
	// id is the check ID.
	// +required
	ID string `json:"id"`
	// reason names the kinds the check looks up that were not read.
	// +required
	Reason string `json:"reason"`
}

// PostureCompleteness says how much of the cluster the last scan could
// see. Kinds the manager may not list are named, never passed silently.
type PostureCompleteness struct {
	// percent is kindsAssessed/kindsNeeded in whole percent, rounded
	// down, so 100 means complete.
	// +optional
	Percent int32 `json:"percent"`
	// kindsNeeded counts the object kinds the checks need that the
	// cluster serves.
	// +optional
	KindsNeeded int32 `json:"kindsNeeded"`
	// kindsAssessed counts the kinds of kindsNeeded read in full.
	// +optional
	KindsAssessed int32 `json:"kindsAssessed"`
	// notAssessed are the kinds that could not be read, with the reason.
	// +optional
	// +listType=map
	// +listMapKey=kind
	NotAssessed []PostureKindStatus `json:"notAssessed,omitempty"`
	// checksNotAssessed are checks whose findings were dropped because a
	// kind they look up could not be read.
	// +optional
	// +listType=map
	// +listMapKey=id
	ChecksNotAssessed []PostureCheckStatus `json:"checksNotAssessed,omitempty"`
}

// PostureReportStatus is the summary of the last scan.
type PostureReportStatus struct {
	// observedGeneration is the generation of the spec of the last
	// successful scan (set only when Ready is True).
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// lastScanTime is when the last successful scan ended.
	// +optional
	LastScanTime *metav1.Time `json:"lastScanTime,omitempty"`

	// scanDuration is how long the last successful scan took.
	// +optional
	ScanDuration *metav1.Duration `json:"scanDuration,omitempty"`

	// objects counts the objects the last scan read, leaving out those of
	// namespaces being deleted.
	// +optional
	Objects int32 `json:"objects"`

	// score is 100 × objects / (objects + weighted findings), with
	// weights critical 10, high 5, medium 2, low 1: 100 without findings,
	// 50 when the weighted findings equal the objects. A trend to watch,
	// not a compliance percentage.
	// +optional
	Score *int32 `json:"score,omitempty"`

	// findings counts every finding, at every severity, that no
	// exception annotation suppressed, leaving out those of namespaces
	// being deleted: the PostureFindings objects and clusterFindings hold
	// exactly what is counted.
	// +optional
	Findings int32 `json:"findings"`

	// severities counts the findings per severity.
	// +optional
	Severities PostureSeverityCounts `json:"severities"`

	// tactics counts the findings per Threat Matrix tactic, in matrix
	// order; tactics without findings are left out.
	// +optional
	// +listType=map
	// +listMapKey=id
	Tactics []PostureTacticCount `json:"tactics,omitempty"`

	// suppressed counts findings suppressed by landfall.dev/ignore
	// annotations on the objects.
	// +optional
	Suppressed int32 `json:"suppressed,omitempty"`

	// defaultFindings counts findings left out because they are on the
	// API server's unchanged default RBAC objects.
	// +optional
	DefaultFindings int32 `json:"defaultFindings,omitempty"`

	// namespaces counts the namespaces with findings, each with a
	// PostureFindings object named "posture".
	// +optional
	Namespaces int32 `json:"namespaces"`

	// completeness says which object kinds the scan could read.
	// +optional
	Completeness PostureCompleteness `json:"completeness"`

	// clusterFindings are the findings on cluster-scoped objects
	// (ClusterRoleBindings, webhook configurations...), capped like a
	// PostureFindings object. Findings on a Namespace are in that
	// namespace's PostureFindings.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=500
	ClusterFindings []PostureFinding `json:"clusterFindings,omitempty"`

	// clusterFindingsOmitted counts cluster-scoped findings not listed in
	// clusterFindings (below minSeverity or over the cap).
	// +optional
	ClusterFindingsOmitted int32 `json:"clusterFindingsOmitted,omitempty"`

	// consecutiveFailures counts failed scans since the last success; it
	// drives the retry backoff.
	// +optional
	ConsecutiveFailures int32 `json:"consecutiveFailures,omitempty"`
}

// PostureReport is the cluster's security posture as the manager's
// periodic live scan sees it: counts per severity and Threat Matrix
// tactic, a score and how complete the scan was. The findings themselves
// are in a PostureFindings object per namespace (which tenants may read
// in their spaces) and, for cluster-scoped objects, in
// status.clusterFindings. There is one, named "cluster"; only platform
// admins may read it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=lfpr,categories=landfall
// +kubebuilder:validation:XValidation:rule="self.metadata.name == 'cluster'",message="there is one PostureReport per cluster, named cluster"
// +kubebuilder:printcolumn:name="Score",type=integer,JSONPath=`.status.score`
// +kubebuilder:printcolumn:name="Findings",type=integer,JSONPath=`.status.findings`
// +kubebuilder:printcolumn:name="Critical",type=integer,JSONPath=`.status.severities.critical`
// +kubebuilder:printcolumn:name="High",type=integer,JSONPath=`.status.severities.high`
// +kubebuilder:printcolumn:name="Medium",type=integer,JSONPath=`.status.severities.medium`,priority=1
// +kubebuilder:printcolumn:name="Low",type=integer,JSONPath=`.status.severities.low`,priority=1
// +kubebuilder:printcolumn:name="Namespaces",type=integer,JSONPath=`.status.namespaces`,priority=1
// +kubebuilder:printcolumn:name="Complete%",type=integer,JSONPath=`.status.completeness.percent`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Last Scan",type=date,JSONPath=`.status.lastScanTime`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type PostureReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says how often to scan and what to list.
	// +optional
	Spec PostureReportSpec `json:"spec,omitempty"`

	// status is the summary of the last scan.
	// +optional
	Status PostureReportStatus `json:"status,omitempty"`
}

// PostureReportList is a list of PostureReports.
//
// +kubebuilder:object:root=true
type PostureReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the PostureReports.
	Items []PostureReport `json:"items"`
}

// GetInterval returns spec.interval or DefaultPostureInterval.
func (r *PostureReport) GetInterval() time.Duration {
	if r.Spec.Interval != nil && r.Spec.Interval.Duration > 0 {
		return r.Spec.Interval.Duration
	}
	return DefaultPostureInterval
}

// GetMinInterval returns spec.minInterval or DefaultPostureMinInterval,
// never more than the interval.
func (r *PostureReport) GetMinInterval() time.Duration {
	d := DefaultPostureMinInterval
	if r.Spec.MinInterval != nil && r.Spec.MinInterval.Duration > 0 {
		d = r.Spec.MinInterval.Duration
	}
	return min(d, r.GetInterval())
}

// GetMinSeverity returns spec.minSeverity or "low".
func (r *PostureReport) GetMinSeverity() string {
	if r.Spec.MinSeverity != "" {
		return r.Spec.MinSeverity
	}
	return "low"
}

// GetMaxFindings returns spec.maxFindingsPerNamespace or
// DefaultPostureMaxFindings, within 1 and MaxPostureFindings.
func (r *PostureReport) GetMaxFindings() int {
	if r.Spec.MaxFindingsPerNamespace != nil {
		return min(max(int(*r.Spec.MaxFindingsPerNamespace), 1), MaxPostureFindings)
	}
	return DefaultPostureMaxFindings
}

// GetConditions returns the status conditions.
func (r *PostureReport) GetConditions() []metav1.Condition { return r.Status.Conditions }

// SetConditions replaces the status conditions.
func (r *PostureReport) SetConditions(conditions []metav1.Condition) {
	r.Status.Conditions = conditions
}
