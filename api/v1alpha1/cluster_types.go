package v1alpha1

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ClusterKind is the Kind of Cluster objects.
const ClusterKind = "Cluster"

// Labels Landfall sets on Cluster objects so fleets can be selected with
// label selectors; they mirror the spec.
const (
	// LabelEnvironment holds the environment when the cluster serves
	// exactly one (a cluster shared by several has none).
	LabelEnvironment = "landfall.dev/environment"
	// LabelRegion holds spec.region.
	LabelRegion = "landfall.dev/region"
	// LabelPurpose holds spec.purpose.
	LabelPurpose = "landfall.dev/purpose"
)

// Defaults of the Cluster accessors.
const (
	// DefaultClusterInterval is the time between probes of a Ready cluster.
	DefaultClusterInterval = time.Minute
	// DefaultClusterTimeout bounds one probe.
	DefaultClusterTimeout = 10 * time.Second
	// DefaultKubeConfigKey is the Secret key read when kubeConfig.key is
	// empty.
	DefaultKubeConfigKey = "kubeconfig"
)

// ClusterSpec says how to reach a cluster of the fleet and what it is for.
//
// +kubebuilder:validation:XValidation:rule="has(self.kubeConfig) != (has(self.inCluster) && self.inCluster)",message="set exactly one of kubeConfig and inCluster"
type ClusterSpec struct {
	// kubeConfig references a Secret holding a kubeconfig for the cluster.
	// Only the manager reads it. Mutually exclusive with inCluster.
	// +optional
	KubeConfig *KubeConfigReference `json:"kubeConfig,omitempty"`

	// inCluster marks the cluster the manager itself runs on: it is
	// reached with the manager's own credentials. Mutually exclusive with
	// kubeConfig.
	// +optional
	InCluster bool `json:"inCluster,omitempty"`

	// environments are the environments the cluster serves (dev, staging,
	// prod...). A shared cluster lists several.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Environments []string `json:"environments,omitempty"`

	// region is the cloud or data-centre region of the cluster.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$`
	Region string `json:"region,omitempty"`

	// zones are the failure zones the cluster is meant to span. The zones
	// actually seen on its nodes are in status.zones.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	Zones []string `json:"zones,omitempty"`

	// purpose says what the cluster is for: "shared", an application or
	// team name, "preview"...
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$`
	Purpose string `json:"purpose,omitempty"`

	// interval is the time between probes of a Ready cluster. Defaults to
	// 1m. Unreachable clusters are retried sooner, with backoff.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	Interval *metav1.Duration `json:"interval,omitempty"`

	// timeout bounds one probe. Defaults to 10s.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	Timeout *metav1.Duration `json:"timeout,omitempty"`
}

// KubeConfigReference names a key of a Secret that holds a kubeconfig.
type KubeConfigReference struct {
	// namespace of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`

	// name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key of the Secret's data that holds the kubeconfig. Defaults to
	// "kubeconfig".
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key,omitempty"`
}

// ClusterStatus is what the manager last observed of the cluster.
type ClusterStatus struct {
	// observedGeneration is the generation of the spec last probed
	// successfully (set only when Ready is True).
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// kubernetesVersion is the API server's version (git version).
	// +optional
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`

	// nodeCount is the number of nodes seen by the last successful probe.
	// +optional
	NodeCount *int32 `json:"nodeCount,omitempty"`

	// zones are the topology.kubernetes.io/zone values seen on the nodes,
	// sorted.
	// +optional
	// +listType=set
	Zones []string `json:"zones,omitempty"`

	// apiLatency is the round trip of the probe's version request.
	// +optional
	APILatency *metav1.Duration `json:"apiLatency,omitempty"`

	// lastProbeTime is when the last probe, successful or not, ended.
	// +optional
	LastProbeTime *metav1.Time `json:"lastProbeTime,omitempty"`

	// consecutiveFailures counts failed probes since the last success; it
	// drives the retry backoff.
	// +optional
	ConsecutiveFailures int32 `json:"consecutiveFailures,omitempty"`
}

// Cluster is a Kubernetes cluster of the fleet: how the manager reaches it,
// what it is for, and what the manager last saw of it.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=lfc,categories=landfall
// +kubebuilder:printcolumn:name="Environments",type=string,JSONPath=`.spec.environments`
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.spec.region`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.kubernetesVersion`
// +kubebuilder:printcolumn:name="Nodes",type=integer,JSONPath=`.status.nodeCount`
// +kubebuilder:printcolumn:name="Latency",type=string,JSONPath=`.status.apiLatency`,priority=1
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Cluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says how to reach the cluster and what it is for.
	// +required
	Spec ClusterSpec `json:"spec"`

	// status is what the manager last observed.
	// +optional
	Status ClusterStatus `json:"status,omitempty"`
}

// ClusterList is a list of Clusters.
//
// +kubebuilder:object:root=true
type ClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Clusters.
	Items []Cluster `json:"items"`
}

// GetInterval returns spec.interval or DefaultClusterInterval.
func (c *Cluster) GetInterval() time.Duration {
	if c.Spec.Interval != nil && c.Spec.Interval.Duration > 0 {
		return c.Spec.Interval.Duration
	}
	return DefaultClusterInterval
}

// GetTimeout returns spec.timeout or DefaultClusterTimeout.
func (c *Cluster) GetTimeout() time.Duration {
	if c.Spec.Timeout != nil && c.Spec.Timeout.Duration > 0 {
		return c.Spec.Timeout.Duration
	}
	return DefaultClusterTimeout
}

// GetKey returns the Secret key holding the kubeconfig, or
// DefaultKubeConfigKey.
func (r *KubeConfigReference) GetKey() string {
	if r.Key != "" {
		return r.Key
	}
	return DefaultKubeConfigKey
}

// GetConditions returns the status conditions.
func (c *Cluster) GetConditions() []metav1.Condition { return c.Status.Conditions }

// SetConditions replaces the status conditions.
func (c *Cluster) SetConditions(conditions []metav1.Condition) { c.Status.Conditions = conditions }

// FleetLabels returns the labels that mirror the spec: environment (when
// there is exactly one), region and purpose.
func (c *Cluster) FleetLabels() map[string]string {
	l := map[string]string{}
	if len(c.Spec.Environments) == 1 {
		l[LabelEnvironment] = c.Spec.Environments[0]
	}
	if c.Spec.Region != "" {
		l[LabelRegion] = c.Spec.Region
	}
	if c.Spec.Purpose != "" {
		l[LabelPurpose] = c.Spec.Purpose
	}
	return l
}
