package rbac

import (
	"cmp"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
)

// workload is what attack paths need of a pod or of a workload's pod
// template.
type workload struct {
	ref            Ref
	labels         map[string]string
	serviceAccount string
	// automount is the pod spec's automountServiceAccountToken.
	automount *bool
	// projectedToken is true when a projected volume carries a
	// service-account token (the API server injects one into every pod
	// that mounts the token).
	projectedToken bool
	// owner is the controller owner, or nil.
	owner *Ref
}

// service is what attack paths need of a Service.
type service struct {
	ref         Ref
	typ         string
	selector    map[string]string
	externalIPs bool
}

// ingress is what attack paths need of an Ingress: the Services it routes
// to.
type ingress struct {
	ref      Ref
	backends []string
}

// serviceAccountInfo is what attack paths need of a ServiceAccount.
type serviceAccountInfo struct {
	automount *bool
}

// apiVersions are the API versions of the kinds a Snapshot holds, for
// references in findings.
var apiVersions = map[string]string{
	"Pod": "v1", "ReplicationController": "v1", "Service": "v1", "ServiceAccount": "v1",
	"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1",
	"Job": "batch/v1", "CronJob": "batch/v1", "Ingress": "networking.k8s.io/v1",
	"Role": "rbac.authorization.k8s.io/v1", "ClusterRole": "rbac.authorization.k8s.io/v1",
	"RoleBinding": "rbac.authorization.k8s.io/v1", "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
	"User": "rbac.authorization.k8s.io/v1", "Group": "rbac.authorization.k8s.io/v1",
}

func typedWorkload(kind string, meta metav1.ObjectMeta, labels map[string]string, spec *corev1.PodSpec) *workload {
	w := &workload{
		ref:            Ref{kind, meta.Namespace, meta.Name},
		labels:         labels,
		serviceAccount: cmp.Or(spec.ServiceAccountName, spec.DeprecatedServiceAccount, "default"),
		automount:      spec.AutomountServiceAccountToken,
	}
	for _, v := range spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil {
				w.projectedToken = true
			}
		}
	}
	if o := metav1.GetControllerOf(&meta); o != nil {
		w.owner = &Ref{o.Kind, meta.Namespace, o.Name}
	}
	return w
}

func mapWorkload(u *unstructured.Unstructured) (*workload, bool) {
	pt, ok := posture.PodTemplateOf(&posture.Object{U: u})
	if !ok {
		return nil, false
	}
	w := &workload{
		ref:    Ref{u.GetKind(), u.GetNamespace(), u.GetName()},
		labels: stringMap(posture.Map(pt.Meta, "labels")),
		serviceAccount: cmp.Or(posture.Str(pt.Spec, "serviceAccountName"),
			posture.Str(pt.Spec, "serviceAccount"), "default"),
	}
	if v, ok := posture.Bool(pt.Spec, "automountServiceAccountToken"); ok {
		w.automount = &v
	}
	for _, v := range posture.Maps(pt.Spec, "volumes") {
		for _, src := range posture.Maps(v, "projected", "sources") {
			if posture.Map(src, "serviceAccountToken") != nil {
				w.projectedToken = true
			}
		}
	}
	for _, o := range u.GetOwnerReferences() {
		if o.Controller != nil && *o.Controller {
			w.owner = &Ref{o.Kind, u.GetNamespace(), o.Name}
		}
	}
	return w, true
}

func stringMap(m map[string]any) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func typedService(s *corev1.Service) *service {
	return &service{
		ref:         Ref{"Service", s.Namespace, s.Name},
		typ:         cmp.Or(string(s.Spec.Type), string(corev1.ServiceTypeClusterIP)),
		selector:    s.Spec.Selector,
		externalIPs: len(s.Spec.ExternalIPs) > 0,
	}
}

func mapService(u *unstructured.Unstructured) *service {
	return &service{
		ref:         Ref{"Service", u.GetNamespace(), u.GetName()},
		typ:         cmp.Or(posture.Str(u.Object, "spec", "type"), string(corev1.ServiceTypeClusterIP)),
		selector:    stringMap(posture.Map(u.Object, "spec", "selector")),
		externalIPs: len(posture.Strings(u.Object, "spec", "externalIPs")) > 0,
	}
}

func typedIngress(i *networkingv1.Ingress) *ingress {
	out := &ingress{ref: Ref{"Ingress", i.Namespace, i.Name}}
	if b := i.Spec.DefaultBackend; b != nil && b.Service != nil {
		out.backends = append(out.backends, b.Service.Name)
	}
	for _, r := range i.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Backend.Service != nil {
				out.backends = append(out.backends, p.Backend.Service.Name)
			}
		}
	}
	return out
}

func mapIngress(u *unstructured.Unstructured) *ingress {
	out := &ingress{ref: Ref{"Ingress", u.GetNamespace(), u.GetName()}}
	if name := posture.Str(u.Object, "spec", "defaultBackend", "service", "name"); name != "" {
		out.backends = append(out.backends, name)
	}
	for _, r := range posture.Maps(u.Object, "spec", "rules") {
		for _, p := range posture.Maps(r, "http", "paths") {
			if name := posture.Str(p, "backend", "service", "name"); name != "" {
				out.backends = append(out.backends, name)
			}
		}
	}
	return out
}
