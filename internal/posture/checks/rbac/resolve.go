package rbac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// bindingKinds are the kinds binding checks run on.
var bindingKinds = []string{"ClusterRoleBinding", "RoleBinding"}

// roleLookups are what binding checks read from the index: the roles that
// roleRefs name, and ClusterRoles that aggregation rules select.
var roleLookups = []posture.Lookup{{Kinds: roleKinds}}

// roleKinds are the kinds role checks run on.
var roleKinds = []string{"ClusterRole", "Role"}

// role is a resolved roleRef.
type role struct {
	Kind, Name string
	Rules      []map[string]any
	Builtin    bool
}

// resolveRole looks up a binding's roleRef in the index, then among the
// built-in ClusterRoles. It reports false when the role is unknown.
func resolveRole(b *posture.Object, idx posture.Index) (role, bool) {
	kind := posture.Str(b.U.Object, "roleRef", "kind")
	name := posture.Str(b.U.Object, "roleRef", "name")
	ns := ""
	if kind == "Role" {
		ns = b.U.GetNamespace()
	}
	if obj := idx.Get(kind, ns, name); obj != nil {
		return role{Kind: kind, Name: name, Rules: rulesOf(obj, idx)}, true
	}
	if kind == "ClusterRole" {
		if rules, ok := builtinClusterRoles[name]; ok {
			return role{Kind: kind, Name: name, Rules: rules, Builtin: true}, true
		}
	}
	return role{}, false
}

// rulesOf returns a role's rules, adding the rules of the ClusterRoles that
// an aggregationRule selects by matchLabels.
func rulesOf(obj *posture.Object, idx posture.Index) []map[string]any {
	rules := posture.Maps(obj.U.Object, "rules")
	for _, sel := range posture.Maps(obj.U.Object, "aggregationRule", "clusterRoleSelectors") {
		want := posture.Map(sel, "matchLabels")
		if len(want) == 0 {
			continue
		}
		for _, cr := range idx.ByKind("ClusterRole") {
			if cr != obj && labelsMatch(cr.U.GetLabels(), want) {
				rules = append(rules, posture.Maps(cr.U.Object, "rules")...)
			}
		}
	}
	return rules
}

func labelsMatch(labels map[string]string, want map[string]any) bool {
	for k, v := range want {
		if s, _ := v.(string); labels[k] != s {
			return false
		}
	}
	return true
}

// grants reports whether a rule allows any of the verbs on any of the
// resources ("resource" or "resource/subresource") in the API group.
func grants(rule map[string]any, group string, resources, verbs []string) bool {
	if !hasAny(rule["apiGroups"], func(g string) bool { return g == group || g == "*" }) {
		return false
	}
	if !hasAny(rule["verbs"], func(v string) bool { return v == "*" || slices.Contains(verbs, v) }) {
		return false
	}
	return hasAny(rule["resources"], func(r string) bool {
		for _, want := range resources {
			if r == "*" || r == want || strings.HasSuffix(r, "/*") && strings.HasPrefix(want, strings.TrimSuffix(r, "*")) {
				return true
			}
		}
		return false
	})
}

// hasAny reports whether a list of strings has an item for which match is
// true; it does not allocate.
func hasAny(list any, match func(string) bool) bool {
	items, _ := list.([]any)
	for _, item := range items {
		if s, ok := item.(string); ok && match(s) {
			return true
		}
	}
	return false
}

// subjects describes a binding's subjects, for example
// "ServiceAccount ci/deployer, Group devs".
func subjects(b *posture.Object) string {
	var out []string
	for _, s := range posture.Maps(b.U.Object, "subjects") {
		name := posture.Str(s, "name")
		if ns := posture.Str(s, "namespace"); ns != "" {
			name = ns + "/" + name
		}
		out = append(out, posture.Str(s, "kind")+" "+name)
	}
	return strings.Join(out, ", ")
}

// scope describes where a binding grants its rules.
func scope(b *posture.Object) string {
	if b.U.GetKind() == "ClusterRoleBinding" {
		return "cluster-wide"
	}
	return "in namespace " + b.U.GetNamespace()
}

// ruleMatcher says whether a rule grants what a check looks for, and what.
type ruleMatcher func(b *posture.Object, rule map[string]any) (what string, ok bool)

// perBinding adapts a rule matcher into a CheckFunc over bindings that
// reports one violation per binding, at roleRef, listing the matching rules.
func perBinding(match ruleMatcher) posture.CheckFunc {
	return func(b *posture.Object, idx posture.Index) []posture.Violation {
		if len(posture.Slice(b.U.Object, "subjects")) == 0 {
			return nil
		}
		r, ok := resolveRole(b, idx)
		if !ok {
			return nil
		}
		var hits []string
		for i, rule := range r.Rules {
			if what, ok := match(b, rule); ok {
				hits = append(hits, fmt.Sprintf("rules[%d] %s", i, what))
			}
		}
		if len(hits) == 0 {
			return nil
		}
		builtin := ""
		if r.Builtin {
			builtin = "built-in "
		}
		return []posture.Violation{{
			Path: "roleRef",
			Message: fmt.Sprintf("binds %s%s %s to %s %s: %s", builtin, r.Kind, r.Name,
				subjects(b), scope(b), strings.Join(hits, "; ")),
		}}
	}
}

// verbsOn returns a matcher for the verbs on resources in a group.
func verbsOn(group string, resources, verbs []string) ruleMatcher {
	return func(_ *posture.Object, rule map[string]any) (string, bool) {
		if !grants(rule, group, resources, verbs) {
			return "", false
		}
		return fmt.Sprintf("grants %s on %s", strings.Join(posture.Strings(rule, "verbs"), ","),
			strings.Join(posture.Strings(rule, "resources"), ",")), true
	}
}
