package rbac

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
)

// The functions of this file are the API server's RBAC semantics, written
// to match, line for line, k8s.io/kubernetes
// plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows),
// pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
// ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and
// pkg/registry/rbac/validation/rule.go (appliesToUser). The random test
// against SubjectAccessReview holds them to it.

// RuleAllows reports whether one rule allows the request, as the API
// server's RBAC authorizer decides it.
func RuleAllows(a Attributes, rule *rbacv1.PolicyRule) bool {
	if a.IsResourceRequest() {
		combined := a.Resource
		if a.Subresource != "" {
			combined = a.Resource + "/" + a.Subresource
		}
		return verbMatches(rule, a.Verb) &&
			apiGroupMatches(rule, a.APIGroup) &&
			resourceMatches(rule, combined, a.Subresource) &&
			resourceNameMatches(rule, a.Name)
	}
	return verbMatches(rule, a.Verb) && nonResourceURLMatches(rule, a.Path)
}

func verbMatches(rule *rbacv1.PolicyRule, verb string) bool {
	for _, v := range rule.Verbs {
		if v == rbacv1.VerbAll || v == verb {
			return true
		}
	}
	return false
}

func apiGroupMatches(rule *rbacv1.PolicyRule, group string) bool {
	for _, g := range rule.APIGroups {
		if g == rbacv1.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// resourceMatches matches "*", the exact "resource" or
// "resource/subresource", and "*/subresource" when the request has that
// subresource. A rule for "pods" does not match "pods/log".
func resourceMatches(rule *rbacv1.PolicyRule, combined, sub string) bool {
	for _, r := range rule.Resources {
		if r == rbacv1.ResourceAll || r == combined {
			return true
		}
		if sub == "" {
			continue
		}
		if len(r) == len(sub)+2 && strings.HasPrefix(r, "*/") && strings.HasSuffix(r, sub) {
			return true
		}
	}
	return false
}

// resourceNameMatches: a rule without resourceNames matches any name; a
// rule with them matches only those names, and so never a request without
// a name (list, watch, create, deletecollection).
func resourceNameMatches(rule *rbacv1.PolicyRule, name string) bool {
	if len(rule.ResourceNames) == 0 {
		return true
	}
	for _, n := range rule.ResourceNames {
		if n == name {
			return true
		}
	}
	return false
}

// nonResourceURLMatches matches "*", the exact URL, and a prefix for URLs
// ending in "*" (every trailing "*" is trimmed: "/api**" is the prefix
// "/api").
func nonResourceURLMatches(rule *rbacv1.PolicyRule, path string) bool {
	for _, u := range rule.NonResourceURLs {
		if u == rbacv1.NonResourceAll || u == path {
			return true
		}
		if strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimRight(u, "*")) {
			return true
		}
	}
	return false
}

// appliesTo reports whether a binding subject applies to the user, with
// namespace the RoleBinding's namespace ("" for a ClusterRoleBinding): a
// ServiceAccount subject without a namespace defaults to it, and matches
// nothing in a ClusterRoleBinding.
func appliesTo(u User, s *rbacv1.Subject, namespace string) bool {
	switch s.Kind {
	case rbacv1.UserKind:
		return u.Name == s.Name
	case rbacv1.GroupKind:
		for _, g := range u.Groups {
			if g == s.Name {
				return true
			}
		}
		return false
	case rbacv1.ServiceAccountKind:
		ns := namespace
		if s.Namespace != "" {
			ns = s.Namespace
		}
		if ns == "" {
			return false
		}
		return serviceaccount.MatchesUsername(ns, s.Name, u.Name)
	default:
		return false
	}
}
