package posture_test

import (
	"slices"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
)

// privilegedCheck is a small PerContainer check for the path tests.
var privilegedCheck = posture.PerContainer(func(c posture.Container) []posture.Violation {
	if v, _ := posture.Bool(c.Map, "securityContext", "privileged"); v {
		return []posture.Violation{{Path: c.At("securityContext.privileged"), Message: c.Name}}
	}
	return nil
})

func TestPerContainerReportsFullFieldPaths(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		object map[string]any
		want   []string
	}{
		"the second container of a Deployment": {
			object: workload("Deployment", "ns", "d", withContainers("containers", "a", "b"), privileged("containers", 1)),
			want:   []string{"spec.template.spec.containers[1].securityContext.privileged"},
		},
		"an init container of a Pod": {
			object: workload("Pod", "ns", "p", withContainers("containers", "a"), withContainers("initContainers", "init"), privileged("initContainers", 0)),
			want:   []string{"spec.initContainers[0].securityContext.privileged"},
		},
		"an ephemeral container of a Pod": {
			object: workload("Pod", "ns", "p", withContainers("ephemeralContainers", "x", "y", "z"), privileged("ephemeralContainers", 2)),
			want:   []string{"spec.ephemeralContainers[2].securityContext.privileged"},
		},
		"a CronJob's job template": {
			object: workload("CronJob", "ns", "c", withContainers("containers", "a"), privileged("containers", 0)),
			want:   []string{"spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged"},
		},
		"every pod-template kind": {
			object: workload("StatefulSet", "ns", "s", withContainers("containers", "a", "b"), privileged("containers", 0), privileged("containers", 1)),
			want: []string{
				"spec.template.spec.containers[0].securityContext.privileged",
				"spec.template.spec.containers[1].securityContext.privileged",
			},
		},
		"a kind without a pod template": {
			object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c"}},
		},
		"a pod spec of the wrong type": {
			object: map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p"}, "spec": "oops"},
		},
		"containers of the wrong type": {
			object: map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p"},
				"spec": map[string]any{"containers": []any{"oops", 3, nil}}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, v := range privilegedCheck(obj(tc.object, "f.yaml", 1), posture.NewIndex(nil)) {
				got = append(got, v.Path)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPodTemplateOfEveryKind(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"Pod": "spec", "Deployment": "spec.template.spec", "ReplicaSet": "spec.template.spec",
		"StatefulSet": "spec.template.spec", "DaemonSet": "spec.template.spec", "Job": "spec.template.spec",
		"ReplicationController": "spec.template.spec", "CronJob": "spec.jobTemplate.spec.template.spec",
	}
	if len(want) != len(posture.PodSpecKinds) {
		t.Errorf("PodSpecKinds has %d kinds, want %d", len(posture.PodSpecKinds), len(want))
	}
	for kind, path := range want {
		pt, ok := posture.PodTemplateOf(obj(workload(kind, "ns", "x", withContainers("containers", "a")), "", 0))
		if !ok || pt.SpecPath != path {
			t.Errorf("%s: got %q (%v), want %q", kind, pt.SpecPath, ok, path)
		}
	}
}
