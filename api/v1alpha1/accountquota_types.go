package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AccountQuotaKind is the Kind of AccountQuota objects.
const AccountQuotaKind = "AccountQuota"

// AccountQuotaSpec is a quota that holds across all spaces of an account.
type AccountQuotaSpec struct {
	// account whose spaces the quota covers.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Account string `json:"account"`

	// quota holds the hard limits: pods, services (and
	// services.loadbalancers, services.nodeports), configmaps, secrets,
	// persistentvolumeclaims, replicationcontrollers, requests.storage;
	// cpu, memory and ephemeral-storage, as requests.* and limits.*; and
	// count/<resource>[.<group>] of pods, services, configmaps, secrets,
	// persistentvolumeclaims, replicationcontrollers, deployments.apps,
	// statefulsets.apps, daemonsets.apps, replicasets.apps, jobs.batch and
	// cronjobs.batch (the resources whose creates the quota webhook
	// reserves). Other limits and scopes are not enforced: the quota is
	// then Stalled (UnsupportedLimits), and enforces the rest.
	// +required
	Quota corev1.ResourceQuotaSpec `json:"quota"`
}

// QuotaReservation is usage granted at admission that the last usage
// count did not include yet.
type QuotaReservation struct {
	// namespace of the object.
	// +required
	Namespace string `json:"namespace"`
	// resource is the object's resource with its group ("pods",
	// "deployments.apps").
	// +required
	Resource string `json:"resource"`
	// name of the object.
	// +required
	Name string `json:"name"`
	// usage is what the object counts against the quota; for an update,
	// the increase.
	// +required
	Usage corev1.ResourceList `json:"usage"`
	// target is set for an update that raises an existing object's usage
	// (a Service made a LoadBalancer, a resized pod or claim): the
	// object's usage after it. The reservation is settled once a count
	// finds the object at that usage.
	// +optional
	Target corev1.ResourceList `json:"target,omitempty"`
	// created is when the reservation was made.
	// +required
	Created metav1.Time `json:"created"`
}

// AccountQuotaStatus is the quota ledger: measured usage plus
// reservations made at admission.
type AccountQuotaStatus struct {
	// observedGeneration is the generation last reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// hard is the enforced limit.
	// +optional
	Hard corev1.ResourceList `json:"hard,omitempty"`

	// used is the usage counted over all spaces at the last
	// reconciliation.
	// +optional
	Used corev1.ResourceList `json:"used,omitempty"`

	// reservations are admitted creates not yet counted in used. They are
	// settled when the object is counted, or dropped when it never
	// appears (a create that failed after admission).
	// +optional
	// +listType=atomic
	Reservations []QuotaReservation `json:"reservations,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// AccountQuota limits the total resources of all spaces of an account. It
// is enforced at admission with a reservation ledger kept in its status
// and updated with optimistic concurrency, so parallel creates in
// different spaces cannot overshoot.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories=landfall
// +kubebuilder:printcolumn:name="Account",type=string,JSONPath=`.spec.account`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type AccountQuota struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the quota.
	// +required
	Spec AccountQuotaSpec `json:"spec"`

	// status is the ledger.
	// +optional
	Status AccountQuotaStatus `json:"status,omitempty"`
}

// AccountQuotaList is a list of AccountQuotas.
//
// +kubebuilder:object:root=true
type AccountQuotaList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the AccountQuotas.
	Items []AccountQuota `json:"items"`
}
