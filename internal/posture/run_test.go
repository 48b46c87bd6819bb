package posture_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
)

func TestRunFillsFindingsAndSortsThem(t *testing.T) {
	t.Parallel()
	priv := check("privileged", func(c *posture.Check) {
		c.Kinds = posture.PodSpecKinds
		c.Run = privilegedCheck
	})
	reg, err := posture.NewRegistry(priv)
	if err != nil {
		t.Fatal(err)
	}
	objects := []*posture.Object{
		obj(workload("Deployment", "ns", "late", withContainers("containers", "a"), privileged("containers", 0)), "b.yaml", 10),
		obj(workload("Pod", "ns", "early", withContainers("containers", "a"), privileged("containers", 0)), "b.yaml", 2),
		obj(workload("Pod", "ns", "first-file", withContainers("containers", "a"), privileged("containers", 0)), "a.yaml", 30),
		obj(workload("Pod", "ns", "clean", withContainers("containers", "a")), "a.yaml", 1),
	}
	got := posture.Run(reg, objects, posture.RunOptions{Workers: 2})
	var order []string
	for _, f := range got {
		order = append(order, f.Object.Name)
	}
	if !slices.Equal(order, []string{"first-file", "early", "late"}) {
		t.Errorf("order: got %v", order)
	}
	f := got[2]
	ref := posture.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "ns", Name: "late"}
	want := posture.Finding{
		ID:          posture.FindingID("privileged", ref, "spec.template.spec.containers[0].securityContext.privileged"),
		CheckID:     "privileged",
		Title:       "Title",
		Severity:    posture.SeverityHigh,
		Techniques:  []string{"MS-TA9018"},
		Object:      ref,
		Source:      posture.Source{File: "b.yaml", Line: 10},
		Path:        "spec.template.spec.containers[0].securityContext.privileged",
		Message:     "a",
		Remediation: "Fix it.",
	}
	if fmt.Sprint(f) != fmt.Sprint(want) {
		t.Errorf("finding:\ngot  %+v\nwant %+v", f, want)
	}
}

func TestRunIsDeterministicAcrossWorkerCounts(t *testing.T) {
	t.Parallel()
	reg, _ := posture.NewRegistry(check("privileged", func(c *posture.Check) { c.Run = privilegedCheck }))
	var objects []*posture.Object
	for i := range 500 {
		objects = append(objects, obj(workload("Pod", "ns", fmt.Sprintf("p%d", i),
			withContainers("containers", "a", "b"), privileged("containers", i%2)), fmt.Sprintf("f%d.yaml", i%7), i))
	}
	one := posture.Run(reg, objects, posture.RunOptions{Workers: 1})
	four := posture.Run(reg, objects, posture.RunOptions{Workers: 4})
	if len(one) != 500 || fmt.Sprint(one) != fmt.Sprint(four) {
		t.Errorf("1 worker gave %d findings, 4 workers %d, or the order differs", len(one), len(four))
	}
}

func TestRunSynthesizesNamespacesThatOnlyObjectsName(t *testing.T) {
	t.Parallel()
	nsCheck := check("ns", func(c *posture.Check) {
		c.Kinds = []string{"Namespace"}
		c.Lookups = []posture.Lookup{{Kinds: []string{"Namespace"}}}
		c.Run = func(o *posture.Object, _ posture.Index) []posture.Violation {
			return []posture.Violation{{Message: o.U.GetName()}}
		}
	})
	reg, _ := posture.NewRegistry(nsCheck)
	objects := []*posture.Object{
		obj(workload("Pod", "shop", "a"), "a.yaml", 3),
		obj(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "declared"}}, "ns.yaml", 1),
		obj(workload("Pod", "declared", "b"), "b.yaml", 1),
	}
	for name, run := range map[string]func() []posture.Finding{
		"Run": func() []posture.Finding { return posture.Run(reg, objects, posture.RunOptions{Workers: 1}) },
		"Scan": func() []posture.Finding {
			s := posture.NewScan(reg, posture.RunOptions{Workers: 1})
			for _, o := range objects {
				s.Add(o)
			}
			return s.Finish()
		},
	} {
		got := run()
		if len(got) != 2 || got[0].Message != "shop" || got[0].Source.File != "a.yaml" || got[1].Message != "declared" {
			t.Errorf("%s: got %+v", name, got)
		}
	}
}

func TestRunTurnsACheckPanicIntoAFinding(t *testing.T) {
	t.Parallel()
	reg, _ := posture.NewRegistry(check("boom", func(c *posture.Check) {
		c.Kinds = []string{"Pod"}
		c.Run = func(*posture.Object, posture.Index) []posture.Violation { panic("oops") }
	}))
	got := posture.Run(reg, []*posture.Object{obj(workload("Pod", "ns", "p"), "a.yaml", 1)}, posture.RunOptions{})
	if len(got) != 1 || got[0].Message != "check boom failed on this object: oops" {
		t.Errorf("got %+v", got)
	}
}

func TestLightenKeepsWhatCrossObjectChecksRead(t *testing.T) {
	t.Parallel()
	d := workload("Deployment", "ns", "web", withContainers("containers", "a"), privileged("containers", 0))
	d["metadata"].(map[string]any)["annotations"] = map[string]any{"big": "x"}
	light := posture.Lighten(obj(d, "a.yaml", 4))
	pt, ok := posture.PodTemplateOf(light)
	if !ok {
		t.Fatal("light copy has no pod template")
	}
	if posture.Str(pt.Meta, "labels", "app") != "web" || posture.Str(pt.Containers()[0].Map, "image") != "nginx:1.27" {
		t.Errorf("labels or image lost: %v", light.U.Object)
	}
	if _, ok := posture.Value(pt.Containers()[0].Map, "securityContext"); ok {
		t.Errorf("securityContext kept in light copy")
	}
	if light.U.GetAnnotations() != nil || light.Source.Line != 4 || light.U.GetNamespace() != "ns" {
		t.Errorf("light metadata wrong: %v %+v", light.U.Object["metadata"], light.Source)
	}
}
