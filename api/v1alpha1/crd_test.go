package v1alpha1_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/config/crd"
)

// TestCRDs_MatchTheGoTypes is the cheap check that config/crd/bases was
// regenerated after the types changed: every registered Kind has a CRD,
// its spec and status properties are the Go fields' JSON names, and its
// printer columns are the +kubebuilder:printcolumn markers of the type.
// TestCRDs_AreUpToDate does the full regeneration.
func TestCRDs_MatchTheGoTypes(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	crds, err := crd.CRDs()
	g.Expect(err).NotTo(HaveOccurred())
	byKind := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for _, c := range crds {
		byKind[c.Spec.Names.Kind] = c
	}
	s := runtime.NewScheme()
	g.Expect(landfallv1alpha1.AddToScheme(s)).To(Succeed())
	markers := printColumnMarkers(t)

	for kind, typ := range s.KnownTypes(landfallv1alpha1.GroupVersion) {
		if strings.HasSuffix(kind, "List") || typ.PkgPath() != reflect.TypeFor[landfallv1alpha1.Cluster]().PkgPath() {
			continue
		}
		t.Run(kind, func(t *testing.T) {
			g := NewWithT(t)
			c, ok := byKind[kind]
			g.Expect(ok).To(BeTrue(), "no CRD for %s in config/crd/bases: run hack/generate.sh", kind)
			g.Expect(c.Spec.Group).To(Equal(landfallv1alpha1.Group))
			g.Expect(c.Spec.Versions).To(HaveLen(1))
			v := c.Spec.Versions[0]
			g.Expect(v.Name).To(Equal(landfallv1alpha1.Version))
			props := v.Schema.OpenAPIV3Schema.Properties
			for _, part := range []string{"Spec", "Status"} {
				f, ok := typ.FieldByName(part)
				if !ok {
					continue
				}
				want := jsonFields(f.Type)
				got := keys(props[strings.ToLower(part)].Properties)
				g.Expect(got).To(Equal(want), "%s.%s properties: run hack/generate.sh", kind, strings.ToLower(part))
			}
			var cols []string
			for _, col := range v.AdditionalPrinterColumns {
				cols = append(cols, col.Name+"="+col.JSONPath)
			}
			g.Expect(cols).To(Equal(markers[kind]), "%s printer columns: run hack/generate.sh", kind)
		})
	}
}

// TestCRDs_AreUpToDate regenerates the CRDs into a temporary directory
// with the pinned controller-gen and compares them with config/crd/bases.
// It needs the module proxy or cache, so it runs only with
// LANDFALL_VERIFY_GENERATED=1 (make verify).
func TestCRDs_AreUpToDate(t *testing.T) {
	if os.Getenv("LANDFALL_VERIFY_GENERATED") == "" {
		t.Skip("set LANDFALL_VERIFY_GENERATED=1 to regenerate the CRDs and compare")
	}
	g := NewWithT(t)
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), filepath.Join("..", "..", "hack", "generate.sh"), out)
	cmd.Stderr = os.Stderr
	g.Expect(cmd.Run()).To(Succeed())
	want, err := filepath.Glob(filepath.Join("..", "..", "config", "crd", "bases", "*.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	got, err := filepath.Glob(filepath.Join(out, "crd", "bases", "*.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(names(got)).To(Equal(names(want)))
	for _, f := range want {
		w, _ := os.ReadFile(f)
		o, _ := os.ReadFile(filepath.Join(out, "crd", "bases", filepath.Base(f)))
		g.Expect(string(o)).To(Equal(string(w)), "%s is stale: run hack/generate.sh", filepath.Base(f))
	}
}

var (
	printColumnRE = regexp.MustCompile(`\+kubebuilder:printcolumn:name="([^"]+)".*JSONPath=` + "`([^`]+)`")
	typeRE        = regexp.MustCompile(`^type (\w+) struct`)
)

// printColumnMarkers reads the printer column markers above each type of
// the package's *_types.go files: kind → "Name=JSONPath" in order.
func printColumnMarkers(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*_types.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var pending []string
		for _, line := range strings.Split(string(data), "\n") {
			if m := printColumnRE.FindStringSubmatch(line); m != nil {
				pending = append(pending, m[1]+"="+m[2])
				continue
			}
			if m := typeRE.FindStringSubmatch(line); m != nil {
				out[m[1]] = pending
				pending = nil
			} else if !strings.HasPrefix(line, "//") {
				pending = nil
			}
		}
	}
	return out
}

// jsonFields returns the JSON names of a struct's fields, inlined ones
// flattened, sorted.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case name == "" && strings.Contains(opts, "inline"):
			out = append(out, jsonFields(f.Type)...)
		case name != "":
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}
