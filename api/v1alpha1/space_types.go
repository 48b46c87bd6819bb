package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SpaceKind is the Kind of Space objects.
const SpaceKind = "Space"

// SpaceSpec says which account a space belongs to and what it gets beyond
// the account's mandatory templates.
type SpaceSpec struct {
	// account owns the space. Immutable.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="account is immutable"
	Account string `json:"account"`

	// templates are applied in addition to the account's mandatory ones.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Templates []TemplateReference `json:"templates,omitempty"`

	// adopt lets the space take over an existing namespace of the same
	// name that belongs to no account. Only platform admins may set it.
	// +optional
	Adopt bool `json:"adopt,omitempty"`
}

// SpaceStatus is what the manager observed of the space.
type SpaceStatus struct {
	// observedGeneration is the generation last reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// namespace is the name of the space's namespace once it exists.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// templates are the names of the templates applied, in order.
	// +optional
	// +listType=atomic
	Templates []string `json:"templates,omitempty"`

	// accessGranted is true once the account's subjects are bound in the
	// namespace, which happens only after every template is ready.
	// +optional
	AccessGranted bool `json:"accessGranted,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Space is a namespace owned by an account. Tenants create Spaces, never
// Namespaces; Landfall creates the namespace, applies the templates and
// then gives the account access.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=landfall
// +kubebuilder:printcolumn:name="Account",type=string,JSONPath=`.spec.account`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Space struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the space.
	// +required
	Spec SpaceSpec `json:"spec"`

	// status is the observed state of the space.
	// +optional
	Status SpaceStatus `json:"status,omitempty"`
}

// GetConditions returns the status conditions.
func (s *Space) GetConditions() []metav1.Condition { return s.Status.Conditions }

// SetConditions replaces the status conditions.
func (s *Space) SetConditions(c []metav1.Condition) { s.Status.Conditions = c }

// SpaceList is a list of Spaces.
//
// +kubebuilder:object:root=true
type SpaceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Spaces.
	Items []Space `json:"items"`
}
