package network

import (
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// sensitiveInterfaces are management applications that must not be
// exposed, keyed by a name fragment found in images, app labels and object
// names. The values are the names shown in messages.
var sensitiveInterfaces = []struct{ fragment, name string }{
	{"kubernetes-dashboard", "Kubernetes dashboard"},
	{"kubernetesui/dashboard", "Kubernetes dashboard"},
	{"argocd-server", "Argo CD"},
	{"argoproj/argocd", "Argo CD"},
	{"argo-server", "Argo Workflows"},
	{"argoproj/argocli", "Argo Workflows"},
	{"jenkins", "Jenkins"},
	{"kubeflow", "Kubeflow"},
	{"centraldashboard", "Kubeflow"},
	{"ml-pipeline-ui", "Kubeflow Pipelines"},
	{"nifi", "Apache NiFi"},
	{"grafana", "Grafana"},
	{"prometheus", "Prometheus"},
	{"alertmanager", "Alertmanager"},
	{"kibana", "Kibana"},
	{"weave-scope", "Weave Scope"},
	{"weaveworks/scope", "Weave Scope"},
	{"jupyter", "Jupyter"},
	{"mlflow", "MLflow"},
	{"ollama", "Ollama"},
	{"vllm", "vLLM"},
	{"kube-ray", "Ray dashboard"},
	{"rayproject/ray", "Ray dashboard"},
	{"portainer", "Portainer"},
	{"rancher/rancher", "Rancher"},
	{"airflow", "Apache Airflow"},
	{"elasticsearch", "Elasticsearch"},
	{"consul", "Consul"},
	{"vault", "Vault"},
	{"etcd", "etcd"},
	{"tiller", "Helm Tiller"},
}

// serviceLookups are what the Service check reads from the index: light
// copies of the workloads that look like a management interface (no other
// workload can change its verdict).
var serviceLookups = []posture.Lookup{{
	Kinds: posture.PodSpecKinds,
	Keep:  func(o *posture.Object) bool { _, _, ok := identifyObject(o); return ok },
	Light: true,
}}

// ingressLookups are what the Ingress check reads: the Services it routes
// to, and what the Service check reads about them.
var ingressLookups = append([]posture.Lookup{{Kinds: []string{"Service"}}}, serviceLookups...)

// labelKeys are the labels whose values name an application.
var labelKeys = []string{"app", "app.kubernetes.io/name", "app.kubernetes.io/component", "k8s-app", "component", "name"}

// matchInterface returns the interface a text names, if any.
func matchInterface(text string) (string, bool) {
	text = strings.ToLower(text)
	for _, s := range sensitiveInterfaces {
		if strings.Contains(text, s.fragment) {
			return s.name, true
		}
	}
	return "", false
}

// identifyObject names the interface an object runs, judged by its name, its
// app labels (its pod template's too) and its containers' images.
func identifyObject(o *posture.Object) (iface, evidence string, ok bool) {
	if iface, ok := matchInterface(o.U.GetName()); ok {
		return iface, "name " + o.U.GetName(), true
	}
	labels := o.U.GetLabels()
	if pt, ok := posture.PodTemplateOf(o); ok {
		for _, c := range pt.Containers() {
			if iface, ok := matchInterface(posture.Str(c.Map, "image")); ok {
				return iface, "image " + posture.Str(c.Map, "image"), true
			}
		}
		for k, v := range posture.Map(pt.Meta, "labels") {
			if s, _ := v.(string); labels[k] == "" {
				if labels == nil {
					labels = map[string]string{}
				}
				labels[k] = s
			}
		}
	}
	for _, k := range labelKeys {
		if iface, ok := matchInterface(labels[k]); ok {
			return iface, "label " + k + "=" + labels[k], true
		}
	}
	return "", "", false
}

// identifyService names the interface behind a Service: the Service itself,
// or a workload in its namespace whose pod labels its selector matches.
func identifyService(svc *posture.Object, idx posture.Index) (iface, evidence string, ok bool) {
	if iface, ev, ok := identifyObject(svc); ok {
		return iface, "Service " + ev, true
	}
	selector := posture.Map(svc.U.Object, "spec", "selector")
	if len(selector) == 0 {
		return "", "", false
	}
	for _, kind := range posture.PodSpecKinds {
		for _, w := range idx.InNamespace(kind, svc.U.GetNamespace()) {
			pt, ok := posture.PodTemplateOf(w)
			if !ok || !selects(selector, posture.Map(pt.Meta, "labels")) {
				continue
			}
			if iface, ev, ok := identifyObject(w); ok {
				return iface, "selected " + kind + " " + w.U.GetName() + " (" + ev + ")", true
			}
		}
	}
	return "", "", false
}

// selects reports whether a Service selector matches pod labels.
func selects(selector, labels map[string]any) bool {
	if len(selector) == 0 || len(labels) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// externallyExposed says how a Service is reachable from outside the
// cluster, or "" when it is not.
func externallyExposed(svc *posture.Object) string {
	switch t := posture.Str(svc.U.Object, "spec", "type"); t {
	case "LoadBalancer", "NodePort":
		return "type " + t
	}
	if len(posture.Slice(svc.U.Object, "spec", "externalIPs")) > 0 {
		return "externalIPs"
	}
	return ""
}
