package v1alpha1

import (
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// EnvironmentKind is the Kind of Environment objects.
const EnvironmentKind = "Environment"

// Annotations a user (or landfall env) sets on an Environment to ask the
// manager for something once.
const (
	// AnnotationRequestedAt asks for a sync now, like Flux's
	// reconcile.fluxcd.io/requestedAt: any new value (landfall env sync
	// writes the time) triggers one reconcile, recorded in
	// status.lastHandledRequestedAt.
	AnnotationRequestedAt = "landfall.dev/requested-at"

	// AnnotationRollbackTo asks for the environment to be returned to an
	// earlier revision: REVISION[@STAMP], where REVISION is a commit SHA
	// (a prefix of one in status.history will do) and the optional STAMP
	// makes a repeated request for the same revision a new value
	// (landfall env rollback writes the time). It is honoured once per
	// value (status.lastHandledRollbackTo): the revision is fetched,
	// gated and applied, and the environment stays there
	// (status.rollback) until a new commit lands on the source, which it
	// then syncs as usual.
	AnnotationRollbackTo = "landfall.dev/rollback-to"
)

// Labels the manager puts on every object an Environment applies, like
// Flux's kustomize.toolkit.fluxcd.io/name. They are outside landfall.dev/
// on purpose: tenants may not set landfall.dev/ labels on namespaces, and
// a tenant's environment applies as the tenant.
const (
	// LabelEnvironmentName holds the Environment's name.
	LabelEnvironmentName = "delivery.landfall.dev/name"
	// LabelEnvironmentNamespace holds the Environment's namespace.
	LabelEnvironmentNamespace = "delivery.landfall.dev/namespace"
)

// Defaults of the Environment accessors.
const (
	// DefaultEnvironmentInterval is the time between syncs (and drift
	// checks) of an environment.
	DefaultEnvironmentInterval = 5 * time.Minute
	// DefaultHealthTimeout bounds the wait for applied objects to become
	// healthy.
	DefaultHealthTimeout = 2 * time.Minute
	// DefaultGateSeverity is the lowest severity of a finding that blocks
	// a revision when spec.gate.minSeverity is empty.
	DefaultGateSeverity = "high"
	// DefaultTenantServiceAccount is the ServiceAccount impersonated for
	// an environment in a tenant's space whose serviceAccountName is
	// empty.
	DefaultTenantServiceAccount = "default"
	// DefaultExceptionsKey is the ConfigMap key read for gate exceptions
	// when gate.exceptions.configMapRef.key is empty.
	DefaultExceptionsKey = "exceptions.yaml"
	// MaxSyncHistory is the number of syncs kept in status.history.
	MaxSyncHistory = 10
	// MaxGateFindings bounds status.gate.blocking.
	MaxGateFindings = 20
	// MaxDriftedObjects bounds status.drift.objects.
	MaxDriftedObjects = 50
)

// EnvironmentSpec says where an environment's desired state lives in Git,
// where it is applied, as whom, and how carefully.
type EnvironmentSpec struct {
	// source is the Git repository, revision and path of the environment.
	// +required
	Source GitSource `json:"source"`

	// target is the cluster and the namespaces the environment may write
	// to. Empty means the manager's own cluster, any namespace the
	// impersonated service account may write.
	// +optional
	Target EnvironmentTarget `json:"target,omitempty"`

	// serviceAccountName is the ServiceAccount, in the environment's
	// namespace, that the manager impersonates for every read and write
	// of the sync: the API server's RBAC, not Landfall, decides what the
	// environment may change. For an environment in a tenant's space it
	// is always impersonated and defaults to "default", so an
	// environment owned by a tenant never writes with more than the
	// rights the tenant gave that account. Elsewhere, empty means the
	// target's own credentials (the manager's, which may write almost
	// nothing, or the registered Cluster's kubeconfig).
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	ServiceAccountName string `json:"serviceAccountName,omitempty"`

	// interval is the time between syncs; each one fetches the source,
	// and checks for drift when nothing changed. Defaults to 5m.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	Interval *metav1.Duration `json:"interval,omitempty"`

	// prune deletes objects that an earlier revision applied and the
	// current one no longer has. Only objects in status.inventory (which
	// the environment created) are ever deleted. Defaults to true.
	// +optional
	Prune *bool `json:"prune,omitempty"`

	// selfHeal re-applies the revision when an applied object was
	// changed by hand (drift). Without it drift is only reported in
	// status.drift.
	// +optional
	SelfHeal bool `json:"selfHeal,omitempty"`

	// suspend stops syncing; the cluster keeps what was last applied.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// gate runs Landfall's posture checks on every rendered revision
	// before it touches the cluster. A revision with a finding at or
	// above minSeverity is not applied.
	// +optional
	Gate GateSpec `json:"gate,omitempty"`

	// healthTimeout bounds the wait for applied objects to become
	// healthy (kstatus). Defaults to 2m.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	HealthTimeout *metav1.Duration `json:"healthTimeout,omitempty"`

	// dependsOn are environments of the same namespace that must be Ready
	// before this one syncs.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=16
	DependsOn []LocalReference `json:"dependsOn,omitempty"`

	// promotion says how Promotions into this environment are handled.
	// +optional
	Promotion PromotionPolicy `json:"promotion,omitempty"`
}

// GitSource is a path at a revision of a Git repository.
type GitSource struct {
	// url of the repository: https://, http://, ssh://, user@host:path,
	// file:// or an absolute local path. Credentials never go in the URL:
	// use secretRef.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[a-z+]+://[^/@]*:[^/@]*@')",message="url must not hold a password: use secretRef"
	URL string `json:"url"`

	// ref is the branch, tag or commit to sync. Defaults to the branch
	// "main".
	// +optional
	Ref GitRef `json:"ref,omitempty"`

	// path is the directory of the environment in the repository
	// (plain YAML, a kustomization or a Helm chart). Defaults to the root.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.startsWith('/') && !('..' in self.split('/'))",message="path must be relative and must not contain .."
	Path string `json:"path,omitempty"`

	// secretRef names a Secret in the environment's namespace with the
	// credentials: username and password (a token as password) for
	// HTTPS, or identity (a private key) and known_hosts for SSH.
	// +optional
	SecretRef *LocalReference `json:"secretRef,omitempty"`
}

// GitRef selects a revision. At most one of tag and commit; a commit may
// come with the branch it is on.
//
// +kubebuilder:validation:XValidation:rule="!(has(self.tag) && has(self.commit))",message="set at most one of tag and commit"
type GitRef struct {
	// branch to follow. Defaults to "main" when neither tag nor commit is
	// set.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	Branch string `json:"branch,omitempty"`

	// tag to sync.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	Tag string `json:"tag,omitempty"`

	// commit is the full SHA to pin the environment to; with branch, it
	// is fetched from that branch.
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9a-f]{40}|[0-9a-f]{64})$`
	Commit string `json:"commit,omitempty"`
}

// EnvironmentTarget is where an environment applies.
type EnvironmentTarget struct {
	// clusterRef names a registered Cluster to apply to. Unset means the
	// manager's own cluster.
	// +optional
	ClusterRef *LocalReference `json:"clusterRef,omitempty"`

	// namespaces are the only namespaces the environment may write to;
	// a namespaced object elsewhere fails the sync on that object. The
	// first is also where namespaced objects without a namespace go
	// (otherwise the environment's own namespace), so one directory can
	// be promoted from environment to environment unchanged. Empty means
	// no restriction beyond the impersonated account's RBAC.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=63
	Namespaces []string `json:"namespaces,omitempty"`
}

// GateSpec configures the security gate of an environment.
type GateSpec struct {
	// minSeverity is the lowest severity of a finding that blocks a
	// revision: low, medium, high or critical. Defaults to high.
	// +optional
	// +kubebuilder:validation:Enum=low;medium;high;critical
	MinSeverity string `json:"minSeverity,omitempty"`

	// disabled turns the gate off; every revision is applied unchecked.
	// +optional
	Disabled bool `json:"disabled,omitempty"`

	// exceptions are findings the gate accepts, as in
	// `landfall scan --config`.
	// +optional
	Exceptions GateExceptions `json:"exceptions,omitempty"`
}

// GateExceptions are accepted findings: in a ConfigMap, inline, or both.
type GateExceptions struct {
	// configMapRef names a ConfigMap in the environment's namespace whose
	// key holds an exceptions file (the format of
	// examples/scan-exceptions.yaml).
	// +optional
	ConfigMapRef *ConfigMapKeyReference `json:"configMapRef,omitempty"`

	// inline are exceptions written in the Environment.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Inline []GateException `json:"inline,omitempty"`
}

// ConfigMapKeyReference names a key of a ConfigMap in the same namespace.
type ConfigMapKeyReference struct {
	// name of the ConfigMap.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key holding the exceptions. Defaults to "exceptions.yaml".
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key,omitempty"`
}

// GateException accepts the findings of some checks on some objects.
type GateException struct {
	// checks are the check IDs (globs) excepted.
	// +required
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	Checks []string `json:"checks"`

	// resource selects the objects (globs; empty fields match all).
	// +optional
	Resource GateExceptionResource `json:"resource,omitempty"`

	// reason says why the finding is accepted.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason"`

	// expires is the date (YYYY-MM-DD) after which the exception no
	// longer applies.
	// +optional
	// +kubebuilder:validation:Pattern=`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
	Expires string `json:"expires,omitempty"`
}

// GateExceptionResource selects objects by kind, namespace and name globs.
type GateExceptionResource struct {
	// kind glob.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Kind string `json:"kind,omitempty"`
	// namespace glob.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Namespace string `json:"namespace,omitempty"`
	// name glob.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name,omitempty"`
}

// PromotionPolicy says how Promotions into an environment are handled.
type PromotionPolicy struct {
	// requireApproval holds every Promotion into this environment until
	// someone allowed to `approve` promotions approves it.
	// +optional
	RequireApproval bool `json:"requireApproval,omitempty"`
}

// LocalReference names an object in the same namespace.
type LocalReference struct {
	// name of the object.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// EnvironmentStatus is what the manager last did and saw of an
// environment.
type EnvironmentStatus struct {
	// observedGeneration is the generation last synced successfully (set
	// only when Ready is True).
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// lastFetchedRevision is the commit last fetched from the source.
	// +optional
	LastFetchedRevision string `json:"lastFetchedRevision,omitempty"`

	// lastAppliedRevision is the commit whose objects are applied and
	// healthy: the environment's current state.
	// +optional
	LastAppliedRevision string `json:"lastAppliedRevision,omitempty"`

	// lastAttemptedRevision is the commit of the last sync, successful or
	// not.
	// +optional
	LastAttemptedRevision string `json:"lastAttemptedRevision,omitempty"`

	// lastHandledRequestedAt is the value of the landfall.dev/requested-at
	// annotation last acted on.
	// +optional
	LastHandledRequestedAt string `json:"lastHandledRequestedAt,omitempty"`

	// lastHandledRollbackTo is the value of the landfall.dev/rollback-to
	// annotation last acted on.
	// +optional
	LastHandledRollbackTo string `json:"lastHandledRollbackTo,omitempty"`

	// inventory lists every object the environment applied and may
	// prune. While a sync runs it also holds the objects about to be
	// applied, so a manager stopped mid-way loses track of nothing.
	// +optional
	Inventory *Inventory `json:"inventory,omitempty"`

	// health is the kstatus health of the applied objects.
	// +optional
	Health *HealthStatus `json:"health,omitempty"`

	// drift lists the objects the last drift check found changed or
	// deleted by hand; unset when there were none.
	// +optional
	Drift *DriftStatus `json:"drift,omitempty"`

	// gate is the verdict of the security gate on the last attempted
	// revision.
	// +optional
	Gate *GateVerdict `json:"gate,omitempty"`

	// rollback is set while the environment is held at an earlier
	// revision by the landfall.dev/rollback-to annotation.
	// +optional
	Rollback *RollbackStatus `json:"rollback,omitempty"`

	// history holds the last syncs that changed something or failed,
	// newest first (at most 10).
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=10
	History []SyncRecord `json:"history,omitempty"`
}

// Inventory is the set of objects an environment applied.
type Inventory struct {
	// entries are the objects, sorted by id.
	// +optional
	// +listType=atomic
	Entries []InventoryEntry `json:"entries,omitempty"`
}

// InventoryEntry is one applied object.
type InventoryEntry struct {
	// id is namespace_name_group_kind, as Flux's inventory writes it.
	// +required
	ID string `json:"id"`
	// v is the object's API version.
	// +required
	Version string `json:"v"`
}

// Health states of HealthStatus.
const (
	// HealthHealthy: every applied object reached its desired state.
	HealthHealthy = "Healthy"
	// HealthProgressing: objects are still rolling out.
	HealthProgressing = "Progressing"
	// HealthUnhealthy: an object failed or did not become ready in time.
	HealthUnhealthy = "Unhealthy"
	// HealthUnknown: not checked yet.
	HealthUnknown = "Unknown"
)

// HealthStatus is the health of an environment's objects.
type HealthStatus struct {
	// status is Healthy, Progressing, Unhealthy or Unknown.
	// +required
	// +kubebuilder:validation:Enum=Healthy;Progressing;Unhealthy;Unknown
	Status string `json:"status"`
	// message says which objects are not healthy and why.
	// +optional
	Message string `json:"message,omitempty"`
}

// DriftStatus is the result of a drift check: a server-side dry-run apply
// of the last applied revision compared with the live objects.
type DriftStatus struct {
	// revision is the revision compared against.
	// +optional
	Revision string `json:"revision,omitempty"`
	// count is the number of drifted objects (changed or deleted by hand).
	// +optional
	Count int32 `json:"count,omitempty"`
	// objects are the drifted objects (kind/namespace/name), at most 50.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=50
	Objects []string `json:"objects,omitempty"`
	// corrected is true when selfHeal re-applied the drifted objects.
	// +optional
	Corrected bool `json:"corrected,omitempty"`
}

// GateVerdict is what the security gate decided about a revision.
type GateVerdict struct {
	// revision is the commit checked.
	// +optional
	Revision string `json:"revision,omitempty"`
	// blocked is true when a finding at or above minSeverity was not
	// excepted: the revision was not applied.
	// +optional
	Blocked bool `json:"blocked,omitempty"`
	// minSeverity is the threshold the verdict used.
	// +optional
	MinSeverity string `json:"minSeverity,omitempty"`
	// findings counts every finding, blocking or not.
	// +optional
	Findings int32 `json:"findings,omitempty"`
	// excepted counts findings accepted by exceptions.
	// +optional
	Excepted int32 `json:"excepted,omitempty"`
	// tactics count the findings per Threat Matrix tactic.
	// +optional
	// +listType=map
	// +listMapKey=tactic
	Tactics []TacticCount `json:"tactics,omitempty"`
	// blocking are the findings that blocked the revision, at most 20.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Blocking []GateFinding `json:"blocking,omitempty"`
}

// TacticCount is the number of findings of one tactic.
type TacticCount struct {
	// tactic is the Threat Matrix tactic name.
	// +required
	Tactic string `json:"tactic"`
	// count of findings.
	// +required
	Count int32 `json:"count"`
}

// GateFinding is one finding that blocked a revision.
type GateFinding struct {
	// check is the posture check ID.
	// +required
	Check string `json:"check"`
	// severity of the check.
	// +required
	Severity string `json:"severity"`
	// object is kind/namespace/name of the offending object.
	// +required
	Object string `json:"object"`
	// file and line where the object is in the repository, when known.
	// +optional
	Source string `json:"source,omitempty"`
	// path is the field at fault.
	// +optional
	Path string `json:"path,omitempty"`
	// message says what is wrong.
	// +required
	Message string `json:"message"`
}

// RollbackStatus records a rollback in force.
type RollbackStatus struct {
	// revision the environment was rolled back to.
	// +required
	Revision string `json:"revision"`
	// sourceRevision is the head of the source when the rollback was
	// made; a different head ends the rollback.
	// +optional
	SourceRevision string `json:"sourceRevision,omitempty"`
}

// Results of SyncRecord.
const (
	// SyncSucceeded: the revision was applied and became healthy.
	SyncSucceeded = "Succeeded"
	// SyncFailed: fetching, rendering, applying or health failed.
	SyncFailed = "Failed"
	// SyncBlocked: the gate blocked the revision.
	SyncBlocked = "Blocked"
	// SyncRolledBack: a rollback applied an earlier revision.
	SyncRolledBack = "RolledBack"
	// SyncDriftCorrected: selfHeal re-applied drifted objects.
	SyncDriftCorrected = "DriftCorrected"
)

// SyncRecord is one sync in the history.
type SyncRecord struct {
	// revision synced.
	// +required
	Revision string `json:"revision"`
	// time the sync ended.
	// +required
	Time metav1.Time `json:"time"`
	// result is Succeeded, Failed, Blocked, RolledBack or DriftCorrected.
	// +required
	Result string `json:"result"`
	// message says what happened.
	// +optional
	Message string `json:"message,omitempty"`
}

// Environment is one stage of delivery (dev, staging, prod) of a Git
// repository to a cluster: Landfall fetches the source, renders it, runs
// the security gate, applies it as the environment's service account,
// prunes what was removed, waits for health and watches for drift.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=lfenv,categories=landfall
// +kubebuilder:printcolumn:name="Revision",type=string,JSONPath=`.status.lastAppliedRevision`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Environment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the environment.
	// +required
	Spec EnvironmentSpec `json:"spec"`

	// status is what the manager last did and saw.
	// +optional
	Status EnvironmentStatus `json:"status,omitempty"`
}

// EnvironmentList is a list of Environments.
//
// +kubebuilder:object:root=true
type EnvironmentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Environments.
	Items []Environment `json:"items"`
}

// GetConditions returns the status conditions.
func (e *Environment) GetConditions() []metav1.Condition { return e.Status.Conditions }

// SetConditions replaces the status conditions.
func (e *Environment) SetConditions(c []metav1.Condition) { e.Status.Conditions = c }

// GetInterval returns spec.interval or DefaultEnvironmentInterval.
func (e *Environment) GetInterval() time.Duration {
	if e.Spec.Interval != nil && e.Spec.Interval.Duration > 0 {
		return e.Spec.Interval.Duration
	}
	return DefaultEnvironmentInterval
}

// GetHealthTimeout returns spec.healthTimeout or DefaultHealthTimeout.
func (e *Environment) GetHealthTimeout() time.Duration {
	if e.Spec.HealthTimeout != nil && e.Spec.HealthTimeout.Duration > 0 {
		return e.Spec.HealthTimeout.Duration
	}
	return DefaultHealthTimeout
}

// GetPrune returns spec.prune, true when unset.
func (e *Environment) GetPrune() bool {
	return e.Spec.Prune == nil || *e.Spec.Prune
}

// GetDefaultNamespace returns where namespaced objects without a
// namespace are applied: the first of spec.target.namespaces, or the
// environment's own namespace.
func (e *Environment) GetDefaultNamespace() string {
	if len(e.Spec.Target.Namespaces) > 0 {
		return e.Spec.Target.Namespaces[0]
	}
	return e.Namespace
}

// GetMinSeverity returns spec.gate.minSeverity or DefaultGateSeverity.
func (g *GateSpec) GetMinSeverity() string {
	if g.MinSeverity != "" {
		return g.MinSeverity
	}
	return DefaultGateSeverity
}

// GetKey returns the ConfigMap key or DefaultExceptionsKey.
func (r *ConfigMapKeyReference) GetKey() string {
	if r.Key != "" {
		return r.Key
	}
	return DefaultExceptionsKey
}

// GetBranch returns the branch to follow: spec.ref.branch, or "main" when
// neither tag nor commit is set, or "" for a tag or a lone commit.
func (r *GitRef) GetBranch() string {
	if r.Branch != "" || r.Tag != "" || r.Commit != "" {
		return r.Branch
	}
	return "main"
}

// GetServiceAccountName returns the ServiceAccount to impersonate: the
// spec's, or DefaultTenantServiceAccount for an environment in a tenant's
// space (tenant true), or "" (the target's own credentials).
func (e *Environment) GetServiceAccountName(tenant bool) string {
	if e.Spec.ServiceAccountName != "" {
		return e.Spec.ServiceAccountName
	}
	if tenant {
		return DefaultTenantServiceAccount
	}
	return ""
}

// GetRequestedAt returns the landfall.dev/requested-at annotation.
func (e *Environment) GetRequestedAt() string { return e.Annotations[AnnotationRequestedAt] }

// GetRollbackTo returns the landfall.dev/rollback-to annotation.
func (e *Environment) GetRollbackTo() string { return e.Annotations[AnnotationRollbackTo] }

// RollbackRevision returns the revision of a landfall.dev/rollback-to
// value: the part before "@".
func RollbackRevision(value string) string {
	rev, _, _ := strings.Cut(value, "@")
	return strings.TrimSpace(rev)
}
