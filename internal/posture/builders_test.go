package posture_test

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
)

// obj builds an Object from a map, with a source.
func obj(m map[string]any, file string, line int) *posture.Object {
	return &posture.Object{U: &unstructured.Unstructured{Object: m}, Source: posture.Source{File: file, Line: line}}
}

// podMod changes a pod spec map.
type podMod func(spec map[string]any)

// withContainers sets the containers, each given by name.
func withContainers(field string, names ...string) podMod {
	return func(spec map[string]any) {
		var cs []any
		for _, n := range names {
			cs = append(cs, map[string]any{"name": n, "image": "nginx:1.27"})
		}
		spec[field] = cs
	}
}

// privileged marks one container privileged.
func privileged(field string, i int) podMod {
	return func(spec map[string]any) {
		spec[field].([]any)[i].(map[string]any)["securityContext"] = map[string]any{"privileged": true}
	}
}

// workload builds an object of a kind with a pod spec at the kind's path.
func workload(kind, namespace, name string, mods ...podMod) map[string]any {
	spec := map[string]any{}
	for _, m := range mods {
		m(spec)
	}
	meta := map[string]any{"name": name, "namespace": namespace}
	tmpl := map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": name}}, "spec": spec}
	m := map[string]any{"apiVersion": "apps/v1", "kind": kind, "metadata": meta}
	switch kind {
	case "Pod":
		m["apiVersion"] = "v1"
		m["spec"] = spec
	case "CronJob":
		m["spec"] = map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": tmpl}}}
	default:
		m["spec"] = map[string]any{"template": tmpl}
	}
	return m
}
