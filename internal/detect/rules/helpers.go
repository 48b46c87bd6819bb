package rules

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
)

// Verbs used by the rules' needs.
var (
	writeVerbs  = []string{"create", "update", "patch"}
	deleteVerbs = []string{"delete", "deletecollection"}
	readVerbs   = []string{"get", "list", "watch"}
)

// podKinds are the resources whose objects hold a pod spec.
var podKinds = []detect.GroupResources{
	{Group: "", Resources: []string{"pods", "podtemplates", "replicationcontrollers"}},
	{Group: "apps", Resources: []string{"daemonsets", "deployments", "replicasets", "statefulsets"}},
	{Group: "batch", Resources: []string{"cronjobs", "jobs"}},
}

// needPodBodies is the need of rules that look into pod specs: the bodies
// of writes to pods and workloads.
var needPodBodies = detect.Need{Level: detect.LevelRequest, Verbs: writeVerbs, Resources: podKinds}

// needRBACBodies is the need of rules that look into RBAC objects; the
// response holds the object as patched.
var needRBACBodies = detect.Need{
	Level: detect.LevelRequestResponse, Verbs: writeVerbs,
	Resources: []detect.GroupResources{{Group: "rbac.authorization.k8s.io"}},
}

// isPodKind reports whether ev is about a resource holding a pod spec
// (not a subresource).
func isPodKind(ev *detect.Event) bool {
	if ev.ObjectRef == nil || ev.Subresource() != "" {
		return false
	}
	for _, g := range podKinds {
		if g.Group == ev.APIGroup() && slices.Contains(g.Resources, ev.Resource()) {
			return true
		}
	}
	return false
}

// podWrite returns the pod spec of a create, update or patch of a pod or
// workload by someone other than the control plane that the authorizer
// allowed; nil otherwise. Pods that controllers create from a template
// are skipped: the template's own write was reported.
func podWrite(ev *detect.Event) *detect.PodSpec {
	if !isPodKind(ev) || !ev.VerbIn(writeVerbs...) || !ev.Allowed() || ev.IsControlPlane() {
		return nil
	}
	return ev.PodSpec()
}

// byUser reports whether ev was made by a user the rules look at: allowed
// by the authorizer and not the control plane itself.
func byUser(ev *detect.Event) bool {
	return ev.Allowed() && !ev.IsControlPlane()
}

// objectName renders the event's object as "resource namespace/name".
func objectName(ev *detect.Event) string {
	r := ev.Resource()
	if s := singular[r]; s != "" {
		r = s
	}
	name := ev.Name()
	if name == "" {
		if o := ev.Object(); o != nil {
			name = o.Metadata.Name
			if name == "" && o.Metadata.GenerateName != "" {
				name = o.Metadata.GenerateName + "*"
			}
		}
	}
	switch {
	case ev.Namespace() != "" && name != "":
		return r + " " + ev.Namespace() + "/" + name
	case ev.Namespace() != "":
		return r + " in namespace " + ev.Namespace()
	case name != "":
		return r + " " + name
	}
	return r
}

var singular = map[string]string{
	"pods": "pod", "podtemplates": "pod template", "replicationcontrollers": "replication controller",
	"daemonsets": "daemonset", "deployments": "deployment", "replicasets": "replicaset",
	"statefulsets": "statefulset", "cronjobs": "cronjob", "jobs": "job",
	"roles": "role", "clusterroles": "clusterrole", "rolebindings": "rolebinding",
	"clusterrolebindings": "clusterrolebinding", "configmaps": "configmap", "secrets": "secret",
	"services": "service", "serviceaccounts": "service account", "events": "event", "nodes": "node",
}

// execCommand returns the program an exec or attach request runs (the
// first "command" query parameter), without its arguments, which may
// hold secrets.
func execCommand(ev *detect.Event) string {
	i := strings.IndexByte(ev.RequestURI, '?')
	if i < 0 {
		return ""
	}
	q, err := url.ParseQuery(ev.RequestURI[i+1:])
	if err != nil {
		return ""
	}
	return q.Get("command")
}

// execArgs returns every "command" query parameter of an exec request.
func execArgs(ev *detect.Event) []string {
	i := strings.IndexByte(ev.RequestURI, '?')
	if i < 0 {
		return nil
	}
	q, err := url.ParseQuery(ev.RequestURI[i+1:])
	if err != nil {
		return nil
	}
	return q["command"]
}

// program returns the base name of a command, "tar" for "/bin/tar".
func program(cmd string) string {
	return path.Base(cmd)
}

// matchAnyName reports whether name matches one of patterns (path.Match;
// patterns are checked when the config is loaded).
func matchAnyName(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}
