package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AccountKind is the Kind of Account objects.
const AccountKind = "Account"

// DefaultSpaceClusterRole is the ClusterRole bound to an account's subjects
// in each of its spaces when spec.space.clusterRole is empty: the built-in
// admin role plus deleting the space's own namespace (config/rbac).
const DefaultSpaceClusterRole = "landfall-space-admin"

// AccountSpec says who belongs to an account and how its spaces are made.
type AccountSpec struct {
	// subjects are the users, groups and service accounts of the account.
	// They may create spaces for it and are bound to space.clusterRole in
	// each of its spaces.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Subjects []rbacv1.Subject `json:"subjects,omitempty"`

	// space holds the settings every space of the account gets.
	// +optional
	Space AccountSpaceSpec `json:"space,omitempty"`
}

// AccountSpaceSpec are the settings of an account's spaces.
type AccountSpaceSpec struct {
	// clusterRole is bound to the account's subjects in each space.
	// Defaults to landfall-space-admin.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	ClusterRole string `json:"clusterRole,omitempty"`

	// limit is the maximum number of spaces of the account. Unset means
	// no limit.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Limit *int32 `json:"limit,omitempty"`

	// namePrefix, when set, is a prefix every space name of the account
	// must start with (for example "team-a-").
	// +optional
	// +kubebuilder:validation:MaxLength=40
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*)?$`
	NamePrefix string `json:"namePrefix,omitempty"`

	// labels are forced onto every space's namespace. Keys under
	// landfall.dev/ and pod-security.kubernetes.io/ are reserved.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// annotations are forced onto every space's namespace.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// templates are the mandatory templates applied to every space before
	// its subjects are given access.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Templates []TemplateReference `json:"templates,omitempty"`
}

// TemplateReference names a Template and the values of its parameters.
type TemplateReference struct {
	// name of the Template.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// parameters are values for the template's parameters.
	// +optional
	// +listType=map
	// +listMapKey=name
	Parameters []ParameterValue `json:"parameters,omitempty"`
}

// ParameterValue is the value of one template parameter.
type ParameterValue struct {
	// name of the parameter.
	// +required
	// +kubebuilder:validation:Pattern=`^[A-Z_][A-Z0-9_]*$`
	Name string `json:"name"`

	// value of the parameter.
	// +required
	Value string `json:"value"`
}

// AccountStatus is what the manager observed of the account.
type AccountStatus struct {
	// observedGeneration is the generation last reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// spaces are the names of the account's spaces, sorted.
	// +optional
	// +listType=set
	Spaces []string `json:"spaces,omitempty"`

	// spaceCount is the number of spaces.
	// +optional
	SpaceCount int32 `json:"spaceCount,omitempty"`

	// quotas are the account's AccountQuotas as each last counted the
	// usage of all its spaces, so the account's subjects (who may read
	// their Account, not its AccountQuotas) see how much they use.
	// +optional
	// +listType=map
	// +listMapKey=name
	Quotas []AccountQuotaUsage `json:"quotas,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// AccountQuotaUsage is one AccountQuota of an account: its limits and
// the usage it last counted.
type AccountQuotaUsage struct {
	// name of the AccountQuota.
	// +required
	Name string `json:"name"`

	// hard are the limits.
	// +optional
	Hard corev1.ResourceList `json:"hard,omitempty"`

	// used is the usage last counted across the account's spaces.
	// +optional
	Used corev1.ResourceList `json:"used,omitempty"`
}

// Account is a tenant: a set of subjects that own spaces (namespaces)
// made from templates and share an account-wide quota.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=landfall
// +kubebuilder:printcolumn:name="Spaces",type=integer,JSONPath=`.status.spaceCount`
// +kubebuilder:printcolumn:name="Limit",type=integer,JSONPath=`.spec.space.limit`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Account struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the account.
	// +optional
	Spec AccountSpec `json:"spec,omitempty"`

	// status is the observed state of the account.
	// +optional
	Status AccountStatus `json:"status,omitempty"`
}

// GetSpaceClusterRole returns the ClusterRole bound in each space.
func (a *Account) GetSpaceClusterRole() string {
	if a.Spec.Space.ClusterRole != "" {
		return a.Spec.Space.ClusterRole
	}
	return DefaultSpaceClusterRole
}

// GetConditions returns the status conditions.
func (a *Account) GetConditions() []metav1.Condition { return a.Status.Conditions }

// SetConditions replaces the status conditions.
func (a *Account) SetConditions(c []metav1.Condition) { a.Status.Conditions = c }

// AccountList is a list of Accounts.
//
// +kubebuilder:object:root=true
type AccountList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Accounts.
	Items []Account `json:"items"`
}

// Reasons used by the tenancy reconcilers (Account, Space,
// TemplateInstance, AccountQuota) in the Ready, Reconciling and Stalled
// conditions.
const (
	// SpaceReadyReason (Space Ready=True): the namespace exists, every
	// template is applied and the account's subjects are bound.
	SpaceReadyReason string = "SpaceReady"

	// TemplatesNotReadyReason (Space Ready=False, Reconciling=True): the
	// namespace exists but a template is not applied yet; nobody has
	// access until it is.
	TemplatesNotReadyReason string = "TemplatesNotReady"

	// AccountNotFoundReason (Ready=False, Stalled=True): the referenced
	// Account does not exist.
	AccountNotFoundReason string = "AccountNotFound"

	// SpaceLimitExceededReason (Space Ready=False, Stalled=True): the
	// account already has spec.space.limit older spaces.
	SpaceLimitExceededReason string = "SpaceLimitExceeded"

	// NamespaceConflictReason (Space Ready=False, Stalled=True): a
	// namespace of that name exists and belongs to someone else (or to no
	// account while spec.adopt is false).
	NamespaceConflictReason string = "NamespaceConflict"

	// TemplateNotFoundReason (Ready=False, Reconciling=True): a referenced
	// Template does not exist yet.
	TemplateNotFoundReason string = "TemplateNotFound"

	// RenderFailedReason (Ready=False, Stalled=True): the template cannot
	// be rendered with the given parameters.
	RenderFailedReason string = "RenderFailed"

	// TemplateConflictReason (Space Ready=False, Stalled=True): two of
	// the space's templates set a namespace label to different values or
	// create the same object; nothing is applied until they agree.
	TemplateConflictReason string = "TemplateConflict"

	// ApplyFailedReason (Ready=False, Reconciling=True): server-side apply
	// or prune of a template object failed; retried.
	ApplyFailedReason string = "ApplyFailed"

	// AppliedReason (TemplateInstance Ready=True): every object is applied
	// and the inventory is current.
	AppliedReason string = "Applied"

	// AccountReadyReason (Account Ready=True): the account's RBAC and
	// status are current.
	AccountReadyReason string = "AccountReady"

	// QuotaReconciledReason (AccountQuota Ready=True): used was recounted
	// and settled reservations removed.
	QuotaReconciledReason string = "QuotaReconciled"

	// UnsupportedLimitsReason (AccountQuota Ready=False, Stalled=True):
	// spec.quota has limits Landfall does not enforce, or scopes; the
	// supported limits are still counted and enforced.
	UnsupportedLimitsReason string = "UnsupportedLimits"

	// DeletingReason (Reconciling=True): the object is being deleted and
	// waits for its dependents (namespace, spaces) to be gone.
	DeletingReason string = "Deleting"
)
