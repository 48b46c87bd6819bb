package main

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestObjectsForMakesExactlyNObjectsWhoseReferencesResolve(t *testing.T) {
	t.Parallel()
	for _, n := range []int{20, 1000} {
		total := 0
		names := map[string]bool{}
		var refs []string
		for _, docs := range objectsFor("x", n) {
			for _, d := range docs {
				total++
				var o struct {
					Kind     string `json:"kind"`
					Metadata struct {
						Name      string `json:"name"`
						Namespace string `json:"namespace"`
					} `json:"metadata"`
					RoleRef struct {
						Name string `json:"name"`
					} `json:"roleRef"`
				}
				if err := yaml.Unmarshal([]byte(d), &o); err != nil {
					t.Fatal(err)
				}
				names[o.Kind+"/"+o.Metadata.Namespace+"/"+o.Metadata.Name] = true
				if o.Kind == "RoleBinding" {
					refs = append(refs, "Role/"+o.Metadata.Namespace+"/"+o.RoleRef.Name)
				}
			}
		}
		if total != n {
			t.Errorf("objectsFor(%d) made %d objects", n, total)
		}
		for _, r := range refs {
			if !names[r] && !strings.HasSuffix(r, "/") {
				t.Errorf("a RoleBinding refers to %s, which is not among the objects", r)
			}
		}
	}
}
