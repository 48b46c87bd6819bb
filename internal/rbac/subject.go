package rbac

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
)

// ParseSubject parses a subject as the CLI takes it:
//
//	user:alice  or  alice                    a user
//	group:devs                               a group
//	serviceaccount:ns:name                   a service account
//	system:serviceaccount:ns:name            the same, as its user name
//
// A bare name is a user, as in kubectl --as.
func ParseSubject(s string) (rbacv1.Subject, error) {
	if strings.TrimSpace(s) == "" {
		return rbacv1.Subject{}, fmt.Errorf("empty subject (want user:NAME, group:NAME or serviceaccount:NAMESPACE:NAME)")
	}
	if strings.HasPrefix(s, serviceaccount.ServiceAccountUsernamePrefix) {
		ns, name, err := serviceaccount.SplitUsername(s)
		if err != nil {
			return rbacv1.Subject{}, fmt.Errorf("subject %q: %w", s, err)
		}
		return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}, nil
	}
	kind, rest, found := strings.Cut(s, ":")
	if !found {
		return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacGroup, Name: s}, nil
	}
	switch strings.ToLower(kind) {
	case "user":
		if rest == "" {
			return rbacv1.Subject{}, fmt.Errorf("subject %q: empty user name", s)
		}
		return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacGroup, Name: rest}, nil
	case "group":
		if rest == "" {
			return rbacv1.Subject{}, fmt.Errorf("subject %q: empty group name", s)
		}
		return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacGroup, Name: rest}, nil
	case "serviceaccount", "sa":
		ns, name, ok := strings.Cut(rest, ":")
		if !ok || ns == "" || name == "" || strings.Contains(name, ":") {
			return rbacv1.Subject{}, fmt.Errorf("subject %q: want serviceaccount:NAMESPACE:NAME", s)
		}
		return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}, nil
	case "system":
		// system:anonymous, system:kube-scheduler, ...: a user name.
		return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacGroup, Name: s}, nil
	default:
		return rbacv1.Subject{}, fmt.Errorf("subject %q: unknown kind %q (want user:, group: or serviceaccount:)", s, kind)
	}
}

// UserFor returns the identity a subject authenticates as, with the groups
// the API server's authenticators add:
//
//   - a user gets system:authenticated, except system:anonymous, which gets
//     system:unauthenticated;
//   - a service account is system:serviceaccount:NS:NAME with
//     system:serviceaccounts, system:serviceaccounts:NS and
//     system:authenticated;
//   - a group is an identity with that group only: what the group itself
//     is granted.
//
// extraGroups are added (kubectl's --as-group).
func UserFor(s rbacv1.Subject, extraGroups ...string) User {
	var u User
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		u.Name = serviceaccount.MakeUsername(s.Namespace, s.Name)
		u.Groups = append(serviceaccount.MakeGroupNames(s.Namespace), user.AllAuthenticated)
	case rbacv1.GroupKind:
		u.Groups = []string{s.Name}
	default:
		u.Name = s.Name
		if s.Name == user.Anonymous {
			u.Groups = []string{user.AllUnauthenticated}
		} else {
			u.Groups = []string{user.AllAuthenticated}
		}
	}
	for _, g := range extraGroups {
		if !slices.Contains(u.Groups, g) {
			u.Groups = append(u.Groups, g)
		}
	}
	return u
}
