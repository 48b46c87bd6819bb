package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TemplateInstanceKind is the Kind of TemplateInstance objects.
const TemplateInstanceKind = "TemplateInstance"

// TemplateInstanceSpec says which template is applied to the namespace the
// instance lives in, and with which values.
type TemplateInstanceSpec struct {
	// template is the name of the Template.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Template string `json:"template"`

	// parameters are values for the template's parameters.
	// +optional
	// +listType=map
	// +listMapKey=name
	Parameters []ParameterValue `json:"parameters,omitempty"`

	// suspend stops re-applying the template when it changes. Objects
	// already applied stay as they are.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// ObjectReference identifies an object applied by a TemplateInstance.
type ObjectReference struct {
	// apiVersion of the object.
	// +required
	APIVersion string `json:"apiVersion"`
	// kind of the object.
	// +required
	Kind string `json:"kind"`
	// name of the object.
	// +required
	Name string `json:"name"`
}

// TemplateInstanceStatus is the inventory of what was applied.
type TemplateInstanceStatus struct {
	// observedGeneration is the generation last applied successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// templateGeneration is the generation of the Template last applied.
	// +optional
	TemplateGeneration int64 `json:"templateGeneration,omitempty"`

	// inventory lists the objects applied, so objects removed from the
	// template are pruned.
	// +optional
	// +listType=atomic
	Inventory []ObjectReference `json:"inventory,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// TemplateInstance records that a Template is applied to a namespace, with
// an inventory of the objects it made. Landfall re-applies it when the
// template changes, prunes removed objects and reverts drift.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories=landfall
// +kubebuilder:printcolumn:name="Template",type=string,JSONPath=`.spec.template`
// +kubebuilder:printcolumn:name="Objects",type=integer,JSONPath=`.status.inventory.length()`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type TemplateInstance struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the instance.
	// +required
	Spec TemplateInstanceSpec `json:"spec"`

	// status is the observed state of the instance.
	// +optional
	Status TemplateInstanceStatus `json:"status,omitempty"`
}

// TemplateInstanceList is a list of TemplateInstances.
//
// +kubebuilder:object:root=true
type TemplateInstanceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the TemplateInstances.
	Items []TemplateInstance `json:"items"`
}
