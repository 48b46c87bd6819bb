package tenancy

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// SpaceAccountIndex is the name of the cache field index of Spaces by
// spec.account. landfall manager registers it with the tenancy
// controllers; the reconcilers and the Space admission webhook, which
// share that cache, list an account's spaces through it instead of every
// space.
const SpaceAccountIndex = "spec.account"

// QuotaAccountIndex is the cache field index of AccountQuotas by
// spec.account, registered with SpaceAccountIndex and used by the quota
// webhook the same way.
const QuotaAccountIndex = "spec.account"

// reservedNamespaces cannot be spaces: they belong to the platform.
var reservedNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease", "landfall-system"}

var (
	// ErrSpaceLimit is returned when an account has no room for another
	// space.
	ErrSpaceLimit = errors.New("space limit reached")
	// ErrSpaceName is returned when a space name breaks the account's
	// name rule or is not a valid namespace name.
	ErrSpaceName = errors.New("invalid space name")
)

// ValidateSpaceName checks that name is a valid namespace name, is not
// reserved and follows the account's name prefix rule.
func ValidateSpaceName(account *landfallv1alpha1.Account, name string) error {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Errorf("%w %q: %s", ErrSpaceName, name, strings.Join(errs, "; "))
	}
	if slices.Contains(reservedNamespaces, name) || strings.HasPrefix(name, "kube-") {
		return fmt.Errorf("%w %q: the name is reserved for the platform", ErrSpaceName, name)
	}
	if p := account.Spec.Space.NamePrefix; p != "" && !strings.HasPrefix(name, p) {
		return fmt.Errorf("%w %q: spaces of account %s must start with %q", ErrSpaceName, name, account.Name, p)
	}
	return nil
}

// CheckSpaceLimit returns ErrSpaceLimit when an account that has existing
// spaces cannot have one more.
func CheckSpaceLimit(account *landfallv1alpha1.Account, existing int) error {
	if l := account.Spec.Space.Limit; l != nil && existing >= int(*l) {
		return fmt.Errorf("%w: account %s has %d of %d spaces", ErrSpaceLimit, account.Name, existing, *l)
	}
	return nil
}

// WithinLimit reports whether the named space is among the first
// spec.space.limit spaces of the account, ordered by creation time then
// name. The controller uses it as the backstop of the admission check,
// which two concurrent creates could both pass: the later one never gets a
// namespace.
func WithinLimit(account *landfallv1alpha1.Account, spaces []landfallv1alpha1.Space, name string) bool {
	l := account.Spec.Space.Limit
	if l == nil {
		return true
	}
	sorted := slices.Clone(spaces)
	slices.SortFunc(sorted, func(a, b landfallv1alpha1.Space) int {
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	for i, s := range sorted {
		if s.Name == name {
			return i < int(*l)
		}
	}
	return false
}

// IsSubject reports whether a user with the given name and groups is one of
// the subjects (User, Group, or ServiceAccount by its user name).
func IsSubject(subjects []rbacv1.Subject, user string, groups []string) bool {
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.UserKind:
			if s.Name == user {
				return true
			}
		case rbacv1.GroupKind:
			if slices.Contains(groups, s.Name) {
				return true
			}
		case rbacv1.ServiceAccountKind:
			if user == "system:serviceaccount:"+s.Namespace+":"+s.Name {
				return true
			}
		}
	}
	return false
}

// SpaceTemplates returns the templates of a space: the account's mandatory
// ones first, then the space's own, a space's entry overriding neither (a
// name already mandatory is skipped so tenants cannot change its
// parameters).
func SpaceTemplates(account *landfallv1alpha1.Account, space *landfallv1alpha1.Space) []landfallv1alpha1.TemplateReference {
	out := slices.Clone(account.Spec.Space.Templates)
	for _, t := range space.Spec.Templates {
		if !slices.ContainsFunc(out, func(o landfallv1alpha1.TemplateReference) bool { return o.Name == t.Name }) {
			out = append(out, t)
		}
	}
	return out
}

// NamespaceLabels returns the labels Landfall sets on a space's namespace:
// the account's forced labels, the templates' namespace labels, then its
// own account and space labels, which always win. Among the templates the
// first to set a label wins: the account's mandatory templates come first
// (SpaceTemplates), so a space's own template cannot lower, say, their
// Pod Security level (TemplateConflicts makes that an error besides).
func NamespaceLabels(account *landfallv1alpha1.Account, space string, rendered []*Rendered) map[string]string {
	out := map[string]string{}
	for k, v := range account.Spec.Space.Labels {
		if !IsProtectedLabel(k) {
			out[k] = v
		}
	}
	fromTemplates := map[string]string{}
	for _, r := range rendered {
		for k, v := range r.NamespaceLabels {
			if _, set := fromTemplates[k]; !set {
				fromTemplates[k] = v
			}
		}
	}
	maps.Copy(out, fromTemplates)
	out[LabelAccount] = account.Name
	out[LabelSpace] = space
	return out
}

// TemplateConflicts reports templates of one space that contradict each
// other: a namespace label two of them set to different values, or an
// object both of them render. Either would let one template undo what
// another guarantees; when the second is a tenant's own template and the
// first a mandatory one, that is a way around the guard-rails (a weaker
// Pod Security level, a NetworkPolicy replaced). rendered is in
// SpaceTemplates order; nil means no conflict.
func TemplateConflicts(rendered []*Rendered) error {
	type origin struct{ template, value string }
	labels := map[string]origin{}
	objects := map[string]string{}
	var errs []error
	for _, r := range rendered {
		for _, k := range slices.Sorted(maps.Keys(r.NamespaceLabels)) {
			v := r.NamespaceLabels[k]
			if o, set := labels[k]; set && o.value != v {
				errs = append(errs, fmt.Errorf("templates %s and %s set namespace label %s to %q and %q", o.template, r.Template, k, o.value, v))
			} else if !set {
				labels[k] = origin{r.Template, v}
			}
		}
		for _, obj := range r.Objects {
			gk := obj.GroupVersionKind().GroupKind()
			key := gk.String() + "/" + obj.GetName()
			if first, dup := objects[key]; dup {
				errs = append(errs, fmt.Errorf("templates %s and %s both create %s %s", first, r.Template, gk.Kind, obj.GetName()))
			} else {
				objects[key] = r.Template
			}
		}
	}
	return errors.Join(errs...)
}

func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
