package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// TemplateKind is the Kind of Template objects.
const TemplateKind = "Template"

// TemplateSpec is a parameterised set of namespaced objects and namespace
// labels applied to spaces.
type TemplateSpec struct {
	// description says what the template sets up.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`

	// parameters are the ${NAME} placeholders the resources may use,
	// besides the predefined SPACE, ACCOUNT and ACCOUNT_LABEL_<KEY>.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=64
	Parameters []TemplateParameter `json:"parameters,omitempty"`

	// namespaceLabels are set on the space's namespace (for example the
	// Pod Security Admission labels). Values may use parameters.
	// +optional
	NamespaceLabels map[string]string `json:"namespaceLabels,omitempty"`

	// resources are the namespaced objects to create in the space. String
	// values and keys may use ${NAME}; "$${" stands for a literal "${".
	// +optional
	// +kubebuilder:validation:MaxItems=128
	Resources []runtime.RawExtension `json:"resources,omitempty"`
}

// TemplateParameter declares one parameter of a template.
type TemplateParameter struct {
	// name is what ${NAME} refers to.
	// +required
	// +kubebuilder:validation:Pattern=`^[A-Z_][A-Z0-9_]*$`
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`

	// description says what the parameter is for.
	// +optional
	Description string `json:"description,omitempty"`

	// default is used when no value is given.
	// +optional
	Default *string `json:"default,omitempty"`

	// required parameters must be given a value (or have a default).
	// +optional
	Required bool `json:"required,omitempty"`

	// validation is a regular expression the whole value must match.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Validation string `json:"validation,omitempty"`
}

// TemplateStatus is what the manager observed of the template.
type TemplateStatus struct {
	// observedGeneration is the generation last checked successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Template is a reusable, parameterised set of objects applied to spaces
// by server-side apply and kept in sync through TemplateInstances.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=landfall
// +kubebuilder:printcolumn:name="Description",type=string,JSONPath=`.spec.description`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Template struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the template's content.
	// +optional
	Spec TemplateSpec `json:"spec,omitempty"`

	// status is the observed state of the template.
	// +optional
	Status TemplateStatus `json:"status,omitempty"`
}

// TemplateList is a list of Templates.
//
// +kubebuilder:object:root=true
type TemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Templates.
	Items []Template `json:"items"`
}
