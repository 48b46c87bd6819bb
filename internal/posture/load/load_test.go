package load_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/load"
)

// loaded is what a walk produced, in a comparable form.
type loaded struct {
	objects map[string]posture.Source // "Kind/name" -> source
	raw     map[string]*posture.Object
	notes   []string
	errs    []error
}

func walk(t *testing.T, roots []string, opts load.Options) loaded {
	t.Helper()
	var mu sync.Mutex
	got := loaded{objects: map[string]posture.Source{}, raw: map[string]*posture.Object{}}
	notes, errs := load.Walk(t.Context(), roots, opts, func(o *posture.Object) error {
		mu.Lock()
		defer mu.Unlock()
		key := o.U.GetKind() + "/" + o.U.GetName()
		got.objects[key] = o.Source
		got.raw[key] = o
		return nil
	})
	for _, n := range notes {
		got.notes = append(got.notes, n.String())
	}
	got.errs = errs
	return got
}

func TestWalkReportsTheFileAndLineOfEveryObject(t *testing.T) {
	t.Parallel()
	got := walk(t, []string{"testdata/tree"}, load.Options{Root: "testdata"})
	want := map[string]posture.Source{
		"ConfigMap/first":         {File: "tree/multi.yaml", Line: 2},
		"ConfigMap/second":        {File: "tree/multi.yaml", Line: 10},
		"Service/third":           {File: "tree/multi.yaml", Line: 16},
		"ConfigMap/item-a":        {File: "tree/nested/list.yml", Line: 1},
		"ConfigMap/item-b":        {File: "tree/nested/list.yml", Line: 1},
		"ConfigMap/json-a":        {File: "tree/nested/objects.json", Line: 1},
		"Namespace/json-b":        {File: "tree/nested/objects.json", Line: 7},
		"ConfigMap/before-broken": {File: "tree/broken.yaml", Line: 1},
		"ConfigMap/after-broken":  {File: "tree/broken.yaml", Line: 12},
	}
	for key, src := range want {
		if got.objects[key] != src {
			t.Errorf("%s: got source %+v, want %+v", key, got.objects[key], src)
		}
	}
	for key := range got.objects {
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected object %s from %+v", key, got.objects[key])
		}
	}
	if !slices.Equal(got.notes, []string{"tree/values.yaml:2: skipped: not a Kubernetes object (no apiVersion or kind)"}) {
		t.Errorf("notes: got %q", got.notes)
	}
	var msgs []string
	for _, e := range got.errs {
		msgs = append(msgs, e.Error())
	}
	if len(msgs) != 2 ||
		!strings.HasPrefix(msgs[0], "tree/broken.yaml:10: parsing YAML: ") ||
		msgs[1] != "tree/nested/blob.yaml: binary file, not a YAML or JSON manifest" {
		t.Errorf("errors: got %q", msgs)
	}
	if !errors.Is(got.errs[1], load.ErrBinary) {
		t.Errorf("binary error does not wrap ErrBinary: %v", got.errs[1])
	}
	if got.raw["ConfigMap/json-a"].U.Object["data"].(map[string]any)["replicas"] != "3" {
		t.Errorf("JSON object decoded wrongly: %v", got.raw["ConfigMap/json-a"].U.Object)
	}
	if port := got.raw["Service/third"].U.Object["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["port"]; port != int64(80) {
		t.Errorf("YAML integer decoded as %T %v, want int64 80", port, port)
	}
}

func TestWalkInputs(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		roots    []string
		opts     load.Options
		want     []string // "Kind/name@file:line"
		wantErrs []string // error prefixes
	}{
		"stdin is read for -": {
			roots: []string{"-"},
			opts:  load.Options{Stdin: strings.NewReader("apiVersion: v1\nkind: Pod\nmetadata: {name: from-stdin}\n")},
			want:  []string{"Pod/from-stdin@<stdin>:1"},
		},
		"a file root is read whatever its extension": {
			roots: []string{"testdata/tree/notes.txt"},
			opts:  load.Options{Root: "testdata/tree"},
			want:  []string{"ConfigMap/ignored-extension@notes.txt:1"},
		},
		"a missing root is an error and the others still load": {
			roots:    []string{"testdata/does-not-exist.yaml", "testdata/tree/nested/list.yml"},
			opts:     load.Options{Root: "testdata"},
			want:     []string{"ConfigMap/item-a@tree/nested/list.yml:1", "ConfigMap/item-b@tree/nested/list.yml:1"},
			wantErrs: []string{"does-not-exist.yaml: reading input: "},
		},
		"a path outside the root is kept as given": {
			roots: []string{"testdata/tree/nested/list.yml"},
			opts:  load.Options{Root: "testdata/chart", Workers: 1},
			want:  []string{"ConfigMap/item-a@testdata/tree/nested/list.yml:1", "ConfigMap/item-b@testdata/tree/nested/list.yml:1"},
		},
		"a Helm chart directory is rendered with its default values": {
			roots: []string{"testdata/chart"},
			opts:  load.Options{Root: "testdata"},
			want:  []string{"Deployment/release-demo@chart/templates/deployment.yaml:0", "Service/release-demo@chart/templates/service.yaml:0"},
		},
		"a kustomize directory is built": {
			roots: []string{"testdata/kustomize"},
			opts:  load.Options{Root: "testdata"},
			want:  []string{"Deployment/prod-api@kustomize/kustomization.yaml:0"},
		},
		"a broken values file is an error that names it": {
			roots:    []string{"testdata/chart"},
			opts:     load.Options{Root: "testdata", Helm: load.HelmOptions{ValuesFiles: []string{"testdata/missing-values.yaml"}}},
			wantErrs: []string{"chart: reading values file testdata/missing-values.yaml: "},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := walk(t, tc.roots, tc.opts)
			var objs []string
			for key, src := range got.objects {
				objs = append(objs, fmt.Sprintf("%s@%s:%d", key, src.File, src.Line))
			}
			slices.Sort(objs)
			if !slices.Equal(objs, tc.want) {
				t.Errorf("objects: got %q, want %q", objs, tc.want)
			}
			if len(got.errs) != len(tc.wantErrs) {
				t.Fatalf("errors: got %v, want prefixes %q", got.errs, tc.wantErrs)
			}
			for i, e := range got.errs {
				if !strings.HasPrefix(e.Error(), tc.wantErrs[i]) {
					t.Errorf("error %d: got %q, want prefix %q", i, e, tc.wantErrs[i])
				}
			}
		})
	}
}

func TestHelmValuesFilesAndSetOverrideChartValues(t *testing.T) {
	t.Parallel()
	got := walk(t, []string{"testdata/chart"}, load.Options{Helm: load.HelmOptions{
		ValuesFiles: []string{filepath.Join("testdata", "chart", "prod-values.yaml")},
		Set:         []string{"privileged=true"},
		ReleaseName: "shop",
		Namespace:   "prod",
	}})
	d := got.raw["Deployment/shop-demo"]
	if d == nil {
		t.Fatalf("no Deployment/shop-demo; got %v (errors %v)", got.objects, got.errs)
	}
	if replicas := posture.Map(d.U.Object, "spec")["replicas"]; replicas != int64(3) {
		t.Errorf("replicas: got %v (%T), want 3 from the values file", replicas, replicas)
	}
	if d.U.GetNamespace() != "prod" {
		t.Errorf("namespace: got %q, want prod", d.U.GetNamespace())
	}
	c := posture.Maps(d.U.Object, "spec", "template", "spec", "containers")[0]
	if v, _ := posture.Bool(c, "securityContext", "privileged"); !v {
		t.Errorf("privileged: got false, want true from --set")
	}
}

func TestWalkStopsWhenTheCallbackFails(t *testing.T) {
	t.Parallel()
	stop := errors.New("enough")
	calls := 0
	_, errs := load.Walk(t.Context(), []string{"testdata/tree/multi.yaml"}, load.Options{Workers: 1}, func(*posture.Object) error {
		calls++
		return stop
	})
	if calls != 1 {
		t.Errorf("callback called %d times, want 1", calls)
	}
	if len(errs) != 1 || !errors.Is(errs[0], stop) {
		t.Errorf("errors: got %v, want the callback's error", errs)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		data      string
		wantLines []int
		wantNotes int
		wantErr   string
	}{
		"an empty file yields nothing":                 {data: "", wantLines: nil},
		"comments and separators alone yield nothing":  {data: "# c\n---\n# d\n---\n", wantLines: nil},
		"a document may start on the separator line":   {data: "--- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n", wantLines: []int{1}},
		"a byte order mark is ignored":                 {data: "\ufeffapiVersion: v1\nkind: Pod\nmetadata: {name: a}\n", wantLines: []int{1}},
		"CRLF line ends are understood":                {data: "apiVersion: v1\r\nkind: Pod\r\n---\r\napiVersion: v1\r\nkind: Pod\r\n", wantLines: []int{1, 4}},
		"a scalar document is passed over with a note": {data: "just a string\n", wantNotes: 1},
		"a JSON array is flattened":                    {data: "[\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\"},\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}]", wantLines: []int{1, 1}},
		"broken JSON names the line":                   {data: "{\n\"apiVersion\": \"v1\",\n\"kind\": }\n", wantErr: "x.json:3: parsing JSON: "},
		"broken YAML names the file line":              {data: "apiVersion: v1\nkind: Pod\n---\na: b\n  c: d\n", wantLines: []int{1}, wantErr: "x.json:5: parsing YAML: "},
		"invalid UTF-8 is a binary file":               {data: "apiVersion: v1\nkind: \xff\xfe\n", wantErr: "x.json: binary file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var lines []int
			notes, errs := load.Parse("x.json", []byte(tc.data), func(o *posture.Object) error {
				lines = append(lines, o.Source.Line)
				return nil
			})
			if !slices.Equal(lines, tc.wantLines) {
				t.Errorf("lines: got %v, want %v", lines, tc.wantLines)
			}
			if len(notes) != tc.wantNotes {
				t.Errorf("notes: got %v, want %d", notes, tc.wantNotes)
			}
			switch {
			case tc.wantErr == "" && len(errs) > 0:
				t.Errorf("unexpected errors %v", errs)
			case tc.wantErr != "" && (len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tc.wantErr)):
				t.Errorf("errors: got %v, want one starting %q", errs, tc.wantErr)
			}
		})
	}
}
