package delivery_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/posture"
)

// writeTree writes files under a new temporary directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func cm(name, ns string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\ndata:\n  k: v\n"
}

func refs(objs []*posture.Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = delivery.RefOf(o.U).String() + "@" + o.Source.File
	}
	return out
}

var renderRepo = map[string]string{
	"plain/b.yaml":                             cm("b", "apps") + "---\n" + cm("c", "apps"),
	"plain/a.yaml":                             cm("a", "apps"),
	"plain/notes.md":                           "not a manifest",
	"base/kustomization.yaml":                  "resources: [cm.yaml]\n",
	"base/cm.yaml":                             cm("settings", "apps"),
	"envs/prod/kustomization.yaml":             "resources: [../../base]\nnamePrefix: prod-\n",
	"envs/escape/kustomization.yaml":           "resources: [../../../outside]\n",
	"chart/Chart.yaml":                         "apiVersion: v2\nname: web\nversion: 0.1.0\n",
	"chart/values.yaml":                        "replicas: 1\n",
	"chart/templates/cm.yaml":                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-web\ndata:\n  replicas: \"{{ .Values.replicas }}\"\n",
	"values/prod.yaml":                         "replicas: 3\n",
	"needsdep/Chart.yaml":                      "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: redis\n  version: 1.0.0\n  repository: https://charts.example.com\n",
	"needsdep/templates/cm.yaml":               cm("x", "apps"),
	"broken/ok.yaml":                           cm("ok", "apps"),
	"broken/bad.yaml":                          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n",
	"dup/one.yaml":                             cm("same", "apps"),
	"dup/two.yaml":                             cm("same", "apps"),
	"kustomize-file-escape/k.yaml":             cm("k", "apps"),
	"kustomize-file-escape/kustomization.yaml": "resources: [k.yaml]\nconfigMapGenerator:\n- name: stolen\n  files: [../../secret.txt]\n",
}

func TestRender(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	root := filepath.Join(parent, "repo")
	if err := os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("do not read"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, data := range renderRepo {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "link"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(root, "link", "secret.yaml")); err != nil {
		t.Fatal(err)
	}

	tests := map[string]struct {
		dir     string
		opts    delivery.RenderOptions
		want    []string
		wantErr []string
		escapes bool
	}{
		"plain YAML in lexical file order": {
			dir:  "plain",
			want: []string{"ConfigMap/apps/a@plain/a.yaml", "ConfigMap/apps/b@plain/b.yaml", "ConfigMap/apps/c@plain/b.yaml"},
		},
		"a kustomize overlay reaches its base in the repository": {
			dir:  "envs/prod",
			want: []string{"ConfigMap/apps/prod-settings@envs/prod/kustomization.yaml"},
		},
		"a kustomize overlay may not leave the root": {
			dir:     "envs/prod",
			opts:    delivery.RenderOptions{Root: filepath.Join(root, "envs")},
			escapes: true,
		},
		"a kustomize resource outside the repository": {
			dir:     "envs/escape",
			wantErr: []string{"envs/escape: "},
		},
		"a kustomize generator reading a file outside the repository": {
			dir:     "kustomize-file-escape",
			escapes: true,
		},
		"a symbolic link outside the repository": {
			dir:     "link",
			escapes: true,
		},
		"a Helm chart with values files relative to the root": {
			dir:  "chart",
			opts: delivery.RenderOptions{HelmValuesFiles: []string{"values/prod.yaml"}, HelmReleaseName: "shop"},
			want: []string{"ConfigMap/shop-web@chart/templates/cm.yaml"},
		},
		"a Helm chart with a missing dependency fails instead of rendering without it": {
			dir:     "needsdep",
			wantErr: []string{"needsdep: chart dependencies listed in Chart.yaml but missing from charts/: redis"},
		},
		"broken YAML names the file and line": {
			dir:     "broken",
			wantErr: []string{"broken/bad.yaml:4: parsing YAML"},
		},
		"an object defined twice names both files": {
			dir:     "dup",
			wantErr: []string{"ConfigMap/apps/same is defined twice: in dup/one.yaml:1 and in dup/two.yaml:1"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			opts := tc.opts
			if opts.Root == "" {
				opts.Root = root
			}
			objs, err := delivery.Render(t.Context(), filepath.Join(root, tc.dir), opts)
			switch {
			case tc.escapes:
				g.Expect(err).To(MatchError(delivery.ErrPathEscapes))
				g.Expect(err.Error()).NotTo(ContainSubstring("do not read"))
			case len(tc.wantErr) > 0:
				g.Expect(err).To(HaveOccurred())
				for _, w := range tc.wantErr {
					g.Expect(err.Error()).To(ContainSubstring(w))
				}
			default:
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(refs(objs)).To(Equal(tc.want))
			}
		})
	}

	t.Run("values from the values file reach the objects", func(t *testing.T) {
		t.Parallel()
		g := NewWithT(t)
		objs, err := delivery.Render(t.Context(), filepath.Join(root, "chart"), delivery.RenderOptions{Root: root, HelmValuesFiles: []string{"values/prod.yaml"}})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(objs[0].U.Object["data"]).To(HaveKeyWithValue("replicas", "3"))
	})

	t.Run("kustomize renders run concurrently without racing", func(t *testing.T) {
		t.Parallel()
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				objs, err := delivery.Render(t.Context(), filepath.Join(root, "envs/prod"), delivery.RenderOptions{Root: root})
				if err != nil || len(objs) != 1 {
					t.Errorf("concurrent render: %v, %d objects", err, len(objs))
				}
			})
		}
		wg.Wait()
	})
}
