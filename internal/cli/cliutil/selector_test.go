package cliutil

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

func TestSelectorFlag(t *testing.T) {
	t.Parallel()
	account := func(name string, labels map[string]string) landfallv1alpha1.Account {
		return landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	}
	items := []landfallv1alpha1.Account{
		account("a", map[string]string{"tier": "web", "env": "prod"}),
		account("b", map[string]string{"tier": "api"}),
		account("c", nil),
	}
	for raw, want := range map[string][]string{
		"":                  {"a", "b", "c"},
		"tier=web":          {"a"},
		"tier in (web,api)": {"a", "b"},
		"!tier":             {"c"},
		"tier!=web":         {"b", "c"},
		"env=prod,tier=api": nil,
	} {
		f := SelectorFlag{raw: raw}
		sel, err := f.Parse()
		if err != nil {
			t.Fatalf("Parse(%q): %v", raw, err)
		}
		var got []string
		for _, a := range MatchingLabels(append([]landfallv1alpha1.Account(nil), items...), sel) {
			got = append(got, a.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("-l %q kept %v, want %v", raw, got, want)
		}
	}
	f := SelectorFlag{raw: "tier in (web"}
	if _, err := f.Parse(); err == nil || ExitCode(err) != ExitUsage {
		t.Errorf("a broken selector: %v, want a usage error", err)
	}
}
