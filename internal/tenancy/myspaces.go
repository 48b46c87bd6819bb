package tenancy

import (
	"context"
	"fmt"
	"slices"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// SpacesResource is the Space resource of the landfall.dev API.
var SpacesResource = landfallv1alpha1.GroupVersion.WithResource("spaces")

// AccountsResource is the Account resource of the landfall.dev API.
var AccountsResource = landfallv1alpha1.GroupVersion.WithResource("accounts")

// TemplatesResource is the Template resource of the landfall.dev API.
var TemplatesResource = landfallv1alpha1.GroupVersion.WithResource("templates")

// MySpaces returns the spaces the caller may see, without any right to
// list namespaces or Spaces: a SelfSubjectRulesReview reveals the Space
// names the per-account ClusterRoles grant get on, and each is read by
// name. Callers that may list Spaces (platform admins) get them all.
func MySpaces(ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface) ([]landfallv1alpha1.Space, error) {
	return listOrGranted[landfallv1alpha1.Space](ctx, cs, dyn, SpacesResource)
}

// MyAccounts returns the accounts the caller may see, as MySpaces does:
// the accounts they are a subject of, or every account for a caller who
// may list them.
func MyAccounts(ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface) ([]landfallv1alpha1.Account, error) {
	return listOrGranted[landfallv1alpha1.Account](ctx, cs, dyn, AccountsResource)
}

// listOrGranted lists the cluster-scoped resource gvr or, when the caller
// may not list it, reads each object RBAC grants them get on by name.
func listOrGranted[T any](ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface, gvr schema.GroupVersionResource) ([]T, error) {
	what := gvr.Resource
	all, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
	switch {
	case err == nil:
		out := make([]T, 0, len(all.Items))
		for i := range all.Items {
			var v T
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(all.Items[i].Object, &v); err != nil {
				return nil, fmt.Errorf("decoding %s %s: %w", what, all.Items[i].GetName(), err)
			}
			out = append(out, v)
		}
		return out, nil
	case !apierrors.IsForbidden(err):
		return nil, fmt.Errorf("listing %s: %w", what, err)
	}
	names, err := GrantedNames(ctx, cs, gvr.GroupResource(), "get")
	if err != nil {
		return nil, err
	}
	// Never nil: none prints as [] in JSON, not null.
	out := make([]T, 0, len(names))
	for _, name := range names {
		u, err := dyn.Resource(gvr).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s %s: %w", what, name, err)
		}
		var v T
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &v); err != nil {
			return nil, fmt.Errorf("decoding %s %s: %w", what, name, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// GrantedNames returns, sorted, the object names of a cluster-scoped
// resource the caller is granted verb on by name (resourceNames rules).
func GrantedNames(ctx context.Context, cs kubernetes.Interface, gr schema.GroupResource, verb string) ([]string, error) {
	// Cluster-wide rules appear in the review of any namespace.
	review := &authorizationv1.SelfSubjectRulesReview{Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: "default"}}
	res, err := cs.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx, review, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("reviewing own rules: %w", err)
	}
	var names []string
	for _, r := range res.Status.ResourceRules {
		if matches(r.APIGroups, gr.Group) && matches(r.Resources, gr.Resource) && matches(r.Verbs, verb) {
			names = append(names, r.ResourceNames...)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

func matches(list []string, v string) bool {
	return slices.Contains(list, v) || slices.Contains(list, "*")
}
