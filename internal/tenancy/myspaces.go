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
	all, err := dyn.Resource(SpacesResource).List(ctx, metav1.ListOptions{})
	switch {
	case err == nil:
		out := make([]landfallv1alpha1.Space, 0, len(all.Items))
		for i := range all.Items {
			var s landfallv1alpha1.Space
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(all.Items[i].Object, &s); err != nil {
				return nil, fmt.Errorf("decoding space: %w", err)
			}
			out = append(out, s)
		}
		return out, nil
	case !apierrors.IsForbidden(err):
		return nil, fmt.Errorf("listing spaces: %w", err)
	}
	names, err := GrantedNames(ctx, cs, SpacesResource.GroupResource(), "get")
	if err != nil {
		return nil, err
	}
	// Never nil: no spaces prints as [] in JSON, not null.
	out := make([]landfallv1alpha1.Space, 0, len(names))
	for _, name := range names {
		u, err := dyn.Resource(SpacesResource).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading space %s: %w", name, err)
		}
		var s landfallv1alpha1.Space
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &s); err != nil {
			return nil, fmt.Errorf("decoding space %s: %w", name, err)
		}
		out = append(out, s)
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
