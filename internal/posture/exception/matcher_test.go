package exception

import (
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/landfall-dev/landfall/internal/posture"
)

// objMod modifies a test object.
type objMod func(u *unstructured.Unstructured)

// object builds a test object of kind in namespace "apps".
func object(kind, name string, mods ...objMod) *posture.Object {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetAPIVersion("apps/v1")
	u.SetKind(kind)
	u.SetNamespace("apps")
	u.SetName(name)
	for _, m := range mods {
		m(u)
	}
	return &posture.Object{U: u, Source: posture.Source{File: "deploy.yaml", Line: 3}}
}

// annotated sets annotations on the object's metadata.
func withAnnotations(kv ...string) objMod {
	return func(u *unstructured.Unstructured) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		u.SetAnnotations(m)
	}
}

// templateAnnotations sets annotations on the pod template at path.
func templateAnnotations(path []string, kv ...string) objMod {
	return func(u *unstructured.Unstructured) {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		if err := unstructured.SetNestedMap(u.Object, m, path...); err != nil {
			panic(err)
		}
		// a pod spec, so that the object has a pod template
		spec := append(slices.Clone(path[:len(path)-2]), "spec")
		if err := unstructured.SetNestedField(u.Object, map[string]any{"containers": []any{}}, spec...); err != nil {
			panic(err)
		}
	}
}

func finding(check string, obj *posture.Object) *posture.Finding {
	return &posture.Finding{CheckID: check, Object: obj.Ref(), Source: obj.Source}
}

func TestFromObject(t *testing.T) {
	t.Parallel()
	tmpl := []string{"spec", "template", "metadata", "annotations"}
	cron := []string{"spec", "jobTemplate", "spec", "template", "metadata", "annotations"}
	tests := map[string]struct {
		obj  *posture.Object
		want []Annotation
	}{
		"no annotations": {obj: object("Deployment", "web"), want: nil},
		"on the object": {
			obj:  object("Deployment", "web", withAnnotations(AnnotationIgnore, " a, b ,", AnnotationIgnoreReason, "why")),
			want: []Annotation{{Checks: []string{"a", "b"}, Reason: "why", Field: "metadata.annotations"}},
		},
		"on the pod template": {
			obj:  object("Deployment", "web", templateAnnotations(tmpl, AnnotationIgnore, "a", AnnotationIgnoreReason, "why")),
			want: []Annotation{{Checks: []string{"a"}, Reason: "why", Field: "spec.template.metadata.annotations"}},
		},
		"on a CronJob's pod template and the object": {
			obj: object("CronJob", "nightly",
				withAnnotations(AnnotationIgnore, "b"),
				templateAnnotations(cron, AnnotationIgnore, "a", AnnotationIgnoreReason, "why")),
			want: []Annotation{
				{Checks: []string{"b"}, Field: "metadata.annotations"},
				{Checks: []string{"a"}, Reason: "why", Field: "spec.jobTemplate.spec.template.metadata.annotations"},
			},
		},
		"reason alone is no exception": {
			obj:  object("Deployment", "web", withAnnotations(AnnotationIgnoreReason, "why")),
			want: nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := FromObject(tc.obj)
			if len(got) != len(tc.want) {
				t.Fatalf("FromObject() = %+v, want %+v", got, tc.want)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.Reason != w.Reason || g.Field != w.Field || len(g.Checks) != len(w.Checks) {
					t.Fatalf("FromObject()[%d] = %+v, want %+v", i, g, w)
				}
				for j := range g.Checks {
					if g.Checks[j] != w.Checks[j] {
						t.Errorf("FromObject()[%d].Checks = %q, want %q", i, g.Checks, w.Checks)
					}
				}
			}
		})
	}
}

func TestMatcher(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cfg := &Config{Exceptions: []Rule{
		{Field: "c: exceptions[0]", Checks: []string{"host-*"}, Kind: "DaemonSet", Reason: "agent"},
		{Field: "c: exceptions[1]", Checks: []string{"latest-tag"}, Reason: "old", Expires: now.Add(-time.Hour), ExpiresText: "2026-05-31"},
		{Field: "c: exceptions[2]", Checks: []string{"no-limits"}, Namespace: "prod", Reason: "never matches"},
	}}
	ignored := object("Deployment", "web", withAnnotations(AnnotationIgnore, "privileged-container", AnnotationIgnoreReason, "needs it"))
	noReason := object("Deployment", "api", withAnnotations(AnnotationIgnore, "privileged-container"))
	agent := object("DaemonSet", "agent")

	tests := map[string]struct {
		opts    Options
		finding *posture.Finding
		wantBy  string
		want    bool
	}{
		"annotation with reason suppresses": {
			finding: finding("privileged-container", ignored), want: true,
			wantBy: "Deployment/apps/web metadata.annotations",
		},
		"annotation covers only the checks it names":  {finding: finding("latest-tag", ignored)},
		"annotation without reason does not suppress": {finding: finding("privileged-container", noReason)},
		"distrusted annotations do not suppress": {
			opts: Options{NoAnnotations: true}, finding: finding("privileged-container", ignored),
		},
		"config glob suppresses":                {finding: finding("host-path-mount", agent), want: true, wantBy: "c: exceptions[0]"},
		"config rule of another kind does not":  {finding: finding("host-path-mount", ignored)},
		"expired config rule does not suppress": {finding: finding("latest-tag", agent)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.opts.Now = now
			m := NewMatcher(cfg, tc.opts)
			for _, o := range []*posture.Object{ignored, noReason, agent} {
				m.Observe(o)
			}
			s, ok := m.Match(tc.finding)
			if ok != tc.want || s.By != tc.wantBy {
				t.Errorf("Match() = %+v, %v; want by %q, %v", s, ok, tc.wantBy, tc.want)
			}
		})
	}
}

func TestMatcherOutcomes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cfg := &Config{Exceptions: []Rule{
		{Field: "c: exceptions[0]", Checks: []string{"host-*"}, Reason: "agent"},
		{Field: "c: exceptions[1]", Checks: []string{"latest-tag"}, Reason: "old", Expires: now, ExpiresText: "2026-05-31"},
		{Field: "c: exceptions[2]", Checks: []string{"no-limits"}, Reason: "stale"},
	}}
	ignored := object("Deployment", "web", withAnnotations(AnnotationIgnore, "privileged-container", AnnotationIgnoreReason, "needs it"))
	noReason := object("Deployment", "api", withAnnotations(AnnotationIgnore, "privileged-container"))
	m := NewMatcher(cfg, Options{Now: now})
	m.Observe(ignored)
	m.Observe(noReason)
	for _, f := range []*posture.Finding{
		finding("host-path-mount", ignored),
		finding("host-network", ignored),
		finding("latest-tag", ignored),
		finding("privileged-container", ignored),
		finding("privileged-container", noReason),
	} {
		m.Match(f)
	}
	want := []struct {
		source  string
		status  Status
		matched int
	}{
		{"c: exceptions[0]", StatusApplied, 2},
		{"c: exceptions[1]", StatusExpired, 1},
		{"c: exceptions[2]", StatusUnmatched, 0},
		{"Deployment/apps/web metadata.annotations", StatusApplied, 1},
		{"Deployment/apps/api metadata.annotations", StatusInvalid, 0},
	}
	got := m.Outcomes()
	if len(got) != len(want) {
		t.Fatalf("Outcomes() = %+v", got)
	}
	for i, w := range want {
		if got[i].Source != w.source || got[i].Status != w.status || got[i].Matched != w.matched {
			t.Errorf("Outcomes()[%d] = %+v, want %+v", i, got[i], w)
		}
	}
	if got[4].Problem != "no landfall.dev/ignore-reason annotation" {
		t.Errorf("invalid annotation problem = %q", got[4].Problem)
	}
	if got[3].File != "deploy.yaml" || got[3].Line != 3 {
		t.Errorf("annotation outcome location = %s:%d", got[3].File, got[3].Line)
	}
}
