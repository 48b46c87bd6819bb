package tenancy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

func account(name string, mods ...func(*landfallv1alpha1.Account)) *landfallv1alpha1.Account {
	a := &landfallv1alpha1.Account{ObjectMeta: metav1.ObjectMeta{Name: name}}
	for _, m := range mods {
		m(a)
	}
	return a
}

func limit(n int32) func(*landfallv1alpha1.Account) {
	return func(a *landfallv1alpha1.Account) { a.Spec.Space.Limit = &n }
}

func prefix(p string) func(*landfallv1alpha1.Account) {
	return func(a *landfallv1alpha1.Account) { a.Spec.Space.NamePrefix = p }
}

func TestValidateSpaceName(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		account *landfallv1alpha1.Account
		name    string
		ok      bool
	}{
		"plain name without rule":       {account("a"), "web", true},
		"prefix rule holds":             {account("a", prefix("team-a-")), "team-a-web", true},
		"prefix rule broken":            {account("a", prefix("team-a-")), "web", false},
		"not a DNS label":               {account("a"), "Web_1", false},
		"reserved namespace":            {account("a"), "kube-system", false},
		"kube- prefix is reserved":      {account("a"), "kube-thing", false},
		"landfall's own namespace":      {account("a"), "landfall-system", false},
		"63 characters is the longest":  {account("a"), string(make63('a')), true},
		"64 characters is one too many": {account("a"), string(make63('a')) + "a", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := ValidateSpaceName(tc.account, tc.name)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidateSpaceName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrSpaceName) {
				t.Errorf("error %v is not ErrSpaceName", err)
			}
		})
	}
}

func make63(c byte) []byte {
	b := make([]byte, 63)
	for i := range b {
		b[i] = c
	}
	return b
}

func TestSpaceLimit(t *testing.T) {
	t.Parallel()
	if err := CheckSpaceLimit(account("a"), 1000); err != nil {
		t.Errorf("no limit: %v", err)
	}
	if err := CheckSpaceLimit(account("a", limit(2)), 1); err != nil {
		t.Errorf("1 of 2: %v", err)
	}
	if err := CheckSpaceLimit(account("a", limit(2)), 2); !errors.Is(err, ErrSpaceLimit) {
		t.Errorf("2 of 2: got %v, want ErrSpaceLimit", err)
	}
	t0 := time.Now()
	sp := func(name string, d time.Duration) landfallv1alpha1.Space {
		return landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(t0.Add(d))}}
	}
	spaces := []landfallv1alpha1.Space{sp("c", 2*time.Second), sp("b", 0), sp("a", 0)}
	got := []bool{}
	for _, n := range []string{"a", "b", "c", "zz"} {
		got = append(got, WithinLimit(account("x", limit(2)), spaces, n))
	}
	if want := []bool{true, true, false, false}; !reflect.DeepEqual(got, want) {
		t.Errorf("WithinLimit = %v, want %v (oldest first, ties by name)", got, want)
	}
}

func TestIsSubject(t *testing.T) {
	t.Parallel()
	subjects := []rbacv1.Subject{
		{Kind: rbacv1.UserKind, Name: "alice"},
		{Kind: rbacv1.GroupKind, Name: "team-a"},
		{Kind: rbacv1.ServiceAccountKind, Namespace: "ci", Name: "deployer"},
	}
	tests := map[string]struct {
		user   string
		groups []string
		want   bool
	}{
		"user by name":                    {"alice", nil, true},
		"member of a group":               {"carol", []string{"team-a"}, true},
		"service account by its username": {"system:serviceaccount:ci:deployer", nil, true},
		"service account elsewhere":       {"system:serviceaccount:other:deployer", nil, false},
		"stranger":                        {"bob", []string{"team-b"}, false},
		"group name used as user name":    {"team-a", nil, false},
	}
	for name, tc := range tests {
		if got := IsSubject(subjects, tc.user, tc.groups); got != tc.want {
			t.Errorf("%s: IsSubject = %v, want %v", name, got, tc.want)
		}
	}
}

func TestProtectedLabelChanges(t *testing.T) {
	t.Parallel()
	old := map[string]string{LabelAccount: "a", "pod-security.kubernetes.io/enforce": "restricted", "team": "x"}
	tests := map[string]struct {
		updated map[string]string
		want    []string
	}{
		"unrelated label changed": {map[string]string{LabelAccount: "a", "pod-security.kubernetes.io/enforce": "restricted", "team": "y"}, nil},
		"account label forged":    {map[string]string{LabelAccount: "b", "pod-security.kubernetes.io/enforce": "restricted"}, []string{LabelAccount}},
		"psa label removed":       {map[string]string{LabelAccount: "a"}, []string{"pod-security.kubernetes.io/enforce"}},
		"new landfall label":      {map[string]string{LabelAccount: "a", "pod-security.kubernetes.io/enforce": "restricted", "landfall.dev/x": ""}, []string{"landfall.dev/x"}},
	}
	for name, tc := range tests {
		if got := ProtectedLabelChanges(old, tc.updated); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}

func TestNamespaceLabels(t *testing.T) {
	t.Parallel()
	a := account("acme", func(a *landfallv1alpha1.Account) {
		a.Spec.Space.Labels = map[string]string{"cost": "1", LabelAccount: "forged", "pod-security.kubernetes.io/enforce": "privileged"}
	})
	got := NamespaceLabels(a, "s", []*Rendered{{NamespaceLabels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}}})
	want := map[string]string{"cost": "1", LabelAccount: "acme", LabelSpace: "s", "pod-security.kubernetes.io/enforce": "restricted"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NamespaceLabels = %v, want %v", got, want)
	}
}

// TestNamespaceLabels_MandatoryTemplateWins: of two templates setting one
// label, the first (the account's mandatory one) wins.
func TestNamespaceLabels_MandatoryTemplateWins(t *testing.T) {
	t.Parallel()
	const enforce = "pod-security.kubernetes.io/enforce"
	got := NamespaceLabels(account("acme"), "s", []*Rendered{
		{Template: "mandatory", NamespaceLabels: map[string]string{enforce: "restricted"}},
		{Template: "tenants-own", NamespaceLabels: map[string]string{enforce: "privileged", "extra": "x"}},
	})
	if got[enforce] != "restricted" || got["extra"] != "x" {
		t.Errorf("NamespaceLabels = %v, want enforce=restricted and extra=x", got)
	}
}

func TestTemplateConflicts(t *testing.T) {
	t.Parallel()
	obj := func(apiVersion, kind, name string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		u.SetName(name)
		return u
	}
	baseline := &Rendered{Template: "baseline", NamespaceLabels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted"},
		Objects: []*unstructured.Unstructured{obj("networking.k8s.io/v1", "NetworkPolicy", "allow-same-account"), obj("v1", "LimitRange", "space-defaults")}}
	tests := map[string]struct {
		second *Rendered
		want   []string
	}{
		"different objects and labels": {
			second: &Rendered{Template: "db", NamespaceLabels: map[string]string{"team": "db"},
				Objects: []*unstructured.Unstructured{obj("v1", "ConfigMap", "allow-same-account"), obj("networking.k8s.io/v1", "NetworkPolicy", "db")}},
		},
		"the same label with the same value": {
			second: &Rendered{Template: "db", NamespaceLabels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}},
		},
		"a weaker Pod Security level": {
			second: &Rendered{Template: "loose", NamespaceLabels: map[string]string{"pod-security.kubernetes.io/enforce": "privileged"}},
			want:   []string{`templates baseline and loose set namespace label pod-security.kubernetes.io/enforce to "restricted" and "privileged"`},
		},
		"the same NetworkPolicy, in another API version too": {
			second: &Rendered{Template: "open", Objects: []*unstructured.Unstructured{obj("networking.k8s.io/v1beta1", "NetworkPolicy", "allow-same-account"), obj("v1", "LimitRange", "space-defaults")}},
			want: []string{
				"templates baseline and open both create NetworkPolicy allow-same-account",
				"templates baseline and open both create LimitRange space-defaults",
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := TemplateConflicts([]*Rendered{baseline, tc.second})
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("TemplateConflicts = %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("TemplateConflicts = nil, want %q", tc.want)
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("TemplateConflicts =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
