package detect

import (
	"encoding/json"
)

// Object is the part of a request or response body that rules read: enough
// of pods, workloads, RBAC objects, Services and ConfigMaps. Unknown fields
// are skipped by the decoder. Rules never copy values of Data into alerts.
type Object struct {
	// Kind is the object's kind, for example "Deployment".
	Kind string `json:"kind"`
	// Metadata is the object's metadata.
	Metadata ObjectMeta `json:"metadata"`
	// Spec is the spec of pods, workloads and Services.
	Spec ObjectSpec `json:"spec"`
	// RoleRef is the role a RoleBinding or ClusterRoleBinding grants.
	RoleRef *RoleRef `json:"roleRef,omitempty"`
	// Subjects are the subjects of a binding.
	Subjects []Subject `json:"subjects,omitempty"`
	// Rules are the rules of a Role or ClusterRole.
	Rules []PolicyRule `json:"rules,omitempty"`
	// Data is the data of a ConfigMap.
	Data map[string]string `json:"data,omitempty"`
}

// ObjectMeta is the part of metadata rules read.
type ObjectMeta struct {
	// Name is the object's name.
	Name string `json:"name,omitempty"`
	// GenerateName is the name prefix of an object named by the server.
	GenerateName string `json:"generateName,omitempty"`
	// Namespace is the object's namespace.
	Namespace string `json:"namespace,omitempty"`
	// OwnerReferences name the object's owners.
	OwnerReferences []OwnerReference `json:"ownerReferences,omitempty"`
	// Annotations are the object's annotations. Rules read keys the
	// kubelet and controllers set (kubernetes.io/config.mirror), never
	// copy values into alerts.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// OwnerReference names an owner of an object.
type OwnerReference struct {
	// Kind is the owner's kind.
	Kind string `json:"kind"`
	// Name is the owner's name.
	Name string `json:"name"`
}

// ObjectSpec merges the specs of the kinds rules look into: a Pod's spec
// (promoted fields), the pod template of workloads, the job template of a
// CronJob and a Service's type.
type ObjectSpec struct {
	PodSpec
	// Template is the pod template of Deployments, DaemonSets,
	// StatefulSets, ReplicaSets, Jobs and ReplicationControllers.
	Template *PodTemplate `json:"template,omitempty"`
	// JobTemplate is a CronJob's job template.
	JobTemplate *JobTemplate `json:"jobTemplate,omitempty"`
	// Type is a Service's type, for example "NodePort".
	Type string `json:"type,omitempty"`
}

// PodTemplate is a pod template.
type PodTemplate struct {
	// Spec is the template's pod spec.
	Spec PodSpec `json:"spec"`
}

// JobTemplate is a CronJob's job template.
type JobTemplate struct {
	// Spec is the job's spec.
	Spec struct {
		// Template is the job's pod template.
		Template *PodTemplate `json:"template,omitempty"`
	} `json:"spec"`
}

// PodSpec is the part of a pod spec rules read.
type PodSpec struct {
	// HostNetwork, HostPID and HostIPC share the node's namespaces.
	HostNetwork bool `json:"hostNetwork,omitempty"`
	// HostPID shares the node's process namespace.
	HostPID bool `json:"hostPID,omitempty"`
	// HostIPC shares the node's IPC namespace.
	HostIPC bool `json:"hostIPC,omitempty"`
	// Volumes are the pod's volumes.
	Volumes []Volume `json:"volumes,omitempty"`
	// Containers are the app containers.
	Containers []Container `json:"containers,omitempty"`
	// InitContainers run before the app containers.
	InitContainers []Container `json:"initContainers,omitempty"`
	// EphemeralContainers are debug containers added to a running pod.
	EphemeralContainers []Container `json:"ephemeralContainers,omitempty"`
}

// AllContainers returns init, app and ephemeral containers.
func (p *PodSpec) AllContainers() []Container {
	out := make([]Container, 0, len(p.InitContainers)+len(p.Containers)+len(p.EphemeralContainers))
	out = append(out, p.InitContainers...)
	out = append(out, p.Containers...)
	return append(out, p.EphemeralContainers...)
}

// Images returns the images of every container.
func (p *PodSpec) Images() []string {
	var out []string
	for _, c := range p.AllContainers() {
		out = append(out, c.Image)
	}
	return out
}

// Volume is a pod volume; only hostPath volumes are decoded.
type Volume struct {
	// Name is the volume's name.
	Name string `json:"name"`
	// HostPath is set for hostPath volumes.
	HostPath *HostPathSource `json:"hostPath,omitempty"`
}

// HostPathSource is a hostPath volume's source.
type HostPathSource struct {
	// Path is the directory or file on the node.
	Path string `json:"path"`
}

// Container is the part of a container rules read.
type Container struct {
	// Name is the container's name.
	Name string `json:"name"`
	// Image is the container's image.
	Image string `json:"image,omitempty"`
	// Command is the entrypoint.
	Command []string `json:"command,omitempty"`
	// SecurityContext is the container's security context.
	SecurityContext *SecurityContext `json:"securityContext,omitempty"`
	// VolumeMounts are the container's mounts.
	VolumeMounts []VolumeMount `json:"volumeMounts,omitempty"`
}

// SecurityContext is the part of a container security context rules read.
type SecurityContext struct {
	// Privileged runs the container with every capability of the node.
	Privileged *bool `json:"privileged,omitempty"`
}

// VolumeMount mounts a volume into a container.
type VolumeMount struct {
	// Name is the volume's name.
	Name string `json:"name"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty"`
}

// RoleRef is the role of a binding.
type RoleRef struct {
	// Kind is "Role" or "ClusterRole".
	Kind string `json:"kind"`
	// Name is the role's name.
	Name string `json:"name"`
}

// Subject is a subject of a binding.
type Subject struct {
	// Kind is "User", "Group" or "ServiceAccount".
	Kind string `json:"kind"`
	// Name is the subject's name.
	Name string `json:"name"`
	// Namespace is a service account's namespace.
	Namespace string `json:"namespace,omitempty"`
}

// PolicyRule is a rule of a Role or ClusterRole.
type PolicyRule struct {
	// Verbs are the verbs allowed.
	Verbs []string `json:"verbs,omitempty"`
	// APIGroups are the API groups.
	APIGroups []string `json:"apiGroups,omitempty"`
	// Resources are the resources, with subresources as "pods/exec".
	Resources []string `json:"resources,omitempty"`
	// NonResourceURLs are non-resource paths.
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

// Object returns the decoded body of the request: the response body for a
// patch recorded at RequestResponse level (the object as patched), the
// request body otherwise, and the response body when there is no request
// body. It returns nil when neither is recorded or the body is not an
// object (a JSON patch is an array: read RequestObject for it). The result
// is decoded once and cached; rules must not modify it.
func (e *Event) Object() *Object {
	if e.reqDone {
		return e.req
	}
	e.reqDone = true
	body := e.RequestObject
	if len(e.ResponseObject) > 0 && (len(body) == 0 || e.Verb == "patch") {
		body = e.ResponseObject
	}
	if len(body) == 0 || body[0] != '{' {
		return nil
	}
	var o Object
	if err := json.Unmarshal(body, &o); err != nil {
		return nil
	}
	e.req = &o
	return e.req
}

// PodSpec returns the pod spec of the request's object: a Pod's spec, a
// workload's pod template or a CronJob's job template; nil when the object
// holds none.
func (e *Event) PodSpec() *PodSpec {
	o := e.Object()
	if o == nil {
		return nil
	}
	switch {
	case o.Spec.Template != nil:
		return &o.Spec.Template.Spec
	case o.Spec.JobTemplate != nil && o.Spec.JobTemplate.Spec.Template != nil:
		return &o.Spec.JobTemplate.Spec.Template.Spec
	case o.Kind == "Pod" || len(o.Spec.Containers) > 0 || len(o.Spec.EphemeralContainers) > 0:
		return &o.Spec.PodSpec
	}
	return nil
}
