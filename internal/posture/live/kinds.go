package live

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"github.com/landfall-dev/landfall/internal/posture"
)

// NeededKinds returns the kinds the checks of reg run on or look up,
// sorted. Checks without Kinds run on every kind; for them the kinds that
// carry a pod spec are listed, since listing every resource of a cluster
// would read far more than any check uses.
func NeededKinds(reg *posture.Registry) []string {
	set := map[string]bool{}
	for _, c := range reg.All() {
		kinds := c.Kinds
		if len(kinds) == 0 {
			kinds = posture.PodSpecKinds
		}
		for _, k := range kinds {
			set[k] = true
		}
		for _, l := range c.Lookups {
			for _, k := range l.Kinds {
				set[k] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// resource is a listable resource that serves a kind.
type resource struct {
	Kind       string
	GVR        schema.GroupVersionResource
	Namespaced bool
}

// groupRank orders the API groups that may serve the same kind: the
// built-in groups first, so that "Ingress" is networking.k8s.io and not an
// extension's look-alike.
var groupRank = []string{"", "apps", "batch", "rbac.authorization.k8s.io", "networking.k8s.io",
	"admissionregistration.k8s.io", "policy"}

func rank(group string) int {
	if i := slices.Index(groupRank, group); i >= 0 {
		return i
	}
	return len(groupRank)
}

// discover returns the preferred version of every API group's resources.
// A partial failure (an aggregated API down) is tolerated: the groups that
// answered are used, and kinds only they serve count as not served.
func discover(dc discovery.DiscoveryInterface) ([]*metav1.APIResourceList, error) {
	lists, err := dc.ServerPreferredResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("discovering API resources: %w", err)
	}
	return lists, nil
}

// resolveKinds maps kinds to the listable resources that serve them in
// the discovered lists. Kinds no resource serves are returned apart.
func resolveKinds(lists []*metav1.APIResourceList, kinds []string) (map[string]resource, []string) {
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	found := map[string]resource{}
	for _, l := range lists {
		gv, perr := schema.ParseGroupVersion(l.GroupVersion)
		if perr != nil {
			continue
		}
		for _, r := range l.APIResources {
			if !want[r.Kind] || strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") {
				continue
			}
			if prev, ok := found[r.Kind]; ok && rank(prev.GVR.Group) <= rank(gv.Group) {
				continue
			}
			found[r.Kind] = resource{Kind: r.Kind, GVR: gv.WithResource(r.Name), Namespaced: r.Namespaced}
		}
	}
	var missing []string
	for _, k := range kinds {
		if _, ok := found[k]; !ok {
			missing = append(missing, k)
		}
	}
	return found, missing
}

// listOptions returns the options of the first page of a LIST.
func listOptions(selector, fieldSelector string, limit int64) metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: selector, FieldSelector: fieldSelector, Limit: limit}
}
