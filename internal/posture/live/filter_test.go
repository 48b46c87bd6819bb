package live

import (
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
)

func finding(check, kind, ns, name string) posture.Finding {
	return posture.Finding{CheckID: check, Object: posture.ObjectRef{Kind: kind, Namespace: ns, Name: name}}
}

func TestDropOutOfScope(t *testing.T) {
	t.Parallel()
	owners := map[key]key{
		{"Pod", "shop", "web-1-a"}:      {"ReplicaSet", "shop", "web-1"},
		{"ReplicaSet", "shop", "web-1"}: {"Deployment", "shop", "web"},
		{"Pod", "shop", "job-x"}:        {"Job", "shop", "job"},
	}
	tests := map[string]struct {
		namespace string
		nsRead    bool
		in        []posture.Finding
		want      []string
	}{
		"a finding repeated down a Deployment's chain is kept only on the Deployment": {
			nsRead: true,
			in: []posture.Finding{
				finding("privileged-container", "Deployment", "shop", "web"),
				finding("privileged-container", "ReplicaSet", "shop", "web-1"),
				finding("privileged-container", "Pod", "shop", "web-1-a"),
			},
			want: []string{"Deployment/shop/web"},
		},
		"a finding only the pod has is kept (for example an ephemeral container)": {
			nsRead: true,
			in: []posture.Finding{
				finding("privileged-container", "Deployment", "shop", "web"),
				finding("ephemeral-container-present", "Pod", "shop", "web-1-a"),
			},
			want: []string{"Deployment/shop/web", "Pod/shop/web-1-a"},
		},
		"an owner that was not read does not hide the pod's finding": {
			nsRead: true,
			in:     []posture.Finding{finding("privileged-container", "Pod", "shop", "job-x")},
			want:   []string{"Pod/shop/job-x"},
		},
		"a namespace scan drops cluster-scoped objects but its own Namespace": {
			namespace: "shop", nsRead: true,
			in: []posture.Finding{
				finding("rbac-wildcard-rule", "ClusterRole", "", "admin"),
				finding("pod-security-labels-missing", "Namespace", "", "shop"),
				finding("privileged-container", "Pod", "shop", "job-x"),
			},
			want: []string{"Namespace/shop", "Pod/shop/job-x"},
		},
		"synthesized namespaces are not judged when Namespaces could not be read": {
			in:   []posture.Finding{finding("pod-security-labels-missing", "Namespace", "", "shop")},
			want: nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			s := &scanner{opts: Options{Namespace: tc.namespace}, owners: owners}
			var got []string
			for _, f := range s.dropOutOfScope(tc.in, tc.nsRead) {
				got = append(got, f.Object.String())
			}
			g.Expect(got).To(Equal(tc.want))
		})
	}
}

func TestDropUnreliable(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	noop := func(*posture.Object, posture.Index) []posture.Violation { return nil }
	reg, err := posture.NewRegistry(
		posture.Check{ID: "needs-policies", Title: "x", Severity: posture.SeverityLow, Techniques: []string{"MS-TA9031"},
			Remediation: "x.", Kinds: []string{"Namespace"}, Lookups: []posture.Lookup{{Kinds: []string{"NetworkPolicy"}}}, Run: noop},
		posture.Check{ID: "local", Title: "x", Severity: posture.SeverityLow, Techniques: []string{"MS-TA9031"},
			Remediation: "x.", Kinds: []string{"Pod"}, Run: noop},
	)
	g.Expect(err).NotTo(HaveOccurred())
	statuses := []KindStatus{{Kind: "NetworkPolicy", State: StateForbidden}, {Kind: "Pod", State: StateAssessed}}
	fs, dropped := dropUnreliable([]posture.Finding{
		finding("needs-policies", "Namespace", "", "shop"),
		finding("local", "Pod", "shop", "web"),
	}, reg, statuses)
	g.Expect(fs).To(ConsistOf(HaveField("CheckID", "local")))
	g.Expect(dropped).To(Equal([]CheckStatus{{ID: "needs-policies", Reason: "looks up NetworkPolicy, not assessed"}}))
}

func TestIsUnchangedDefault(t *testing.T) {
	t.Parallel()
	binding := func(labels map[string]any, subjects ...map[string]any) *unstructured.Unstructured {
		subs := make([]any, 0, len(subjects))
		for _, s := range subjects {
			subs = append(subs, s)
		}
		return &unstructured.Unstructured{Object: map[string]any{
			"kind": "ClusterRoleBinding", "metadata": map[string]any{"name": "b", "labels": labels}, "subjects": subs,
		}}
	}
	bootstrap := map[string]any{"kubernetes.io/bootstrapping": "rbac-defaults"}
	tests := map[string]struct {
		u    *unstructured.Unstructured
		want bool
	}{
		"a default binding to a kube-system controller": {
			binding(bootstrap, map[string]any{"kind": "ServiceAccount", "name": "job-controller", "namespace": "kube-system"}), true,
		},
		"a default binding to system:masters": {binding(bootstrap, map[string]any{"kind": "Group", "name": "system:masters"}), true},
		"a default binding someone added a user to": {
			binding(bootstrap, map[string]any{"kind": "Group", "name": "system:masters"}, map[string]any{"kind": "User", "name": "eve"}), false,
		},
		"a default binding to a service account outside kube-system": {
			binding(bootstrap, map[string]any{"kind": "ServiceAccount", "name": "ci", "namespace": "shop"}), false,
		},
		"a binding without the label": {binding(nil, map[string]any{"kind": "Group", "name": "system:masters"}), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			NewWithT(t).Expect(isUnchangedDefault(tc.u)).To(Equal(tc.want))
		})
	}
}
