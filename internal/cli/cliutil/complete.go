package cliutil

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

// completionTimeout bounds the API calls of one completion: a shell waits
// for it.
const completionTimeout = 5 * time.Second

// CompleteNameArg is CompleteNames for a command's NAME argument: it
// completes the first positional argument only.
func CompleteNameArg(kube *KubeFlags, ns *NamespaceFlag, gvr schema.GroupVersionResource) cobra.CompletionFunc {
	complete := CompleteNames(kube, ns, gvr)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, args, toComplete)
	}
}

// CompleteNames completes object names of gvr (for a flag, or see
// CompleteNameArg), read with the command's own
// --kubeconfig and --context, and -n when ns is given (namespaced
// resources). A caller who may not list a cluster-scoped resource, such
// as a tenant, gets the names RBAC grants them one by one (their spaces
// and accounts), as `landfall spaces` does. A failure completes nothing:
// a shell has nowhere to show an error.
func CompleteNames(kube *KubeFlags, ns *NamespaceFlag, gvr schema.GroupVersionResource) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, cancel := context.WithTimeout(ctx, completionTimeout)
		defer cancel()
		names, err := names(ctx, kube, ns, gvr)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := names[:0]
		for _, n := range names {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// names returns the sorted names for CompleteNames.
func names(ctx context.Context, kube *KubeFlags, ns *NamespaceFlag, gvr schema.GroupVersionResource) ([]string, error) {
	cfg, err := kube.Config()
	if err != nil {
		return nil, err
	}
	mc, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating metadata client: %w", err)
	}
	var list *metav1.PartialObjectMetadataList
	if ns != nil {
		namespace, err := ns.Resolve(kube)
		if err != nil {
			return nil, err
		}
		if list, err = mc.Resource(gvr).Namespace(namespace).List(ctx, metav1.ListOptions{}); err != nil {
			return nil, fmt.Errorf("listing %s in %s: %w", gvr.Resource, namespace, err)
		}
	} else {
		list, err = mc.Resource(gvr).List(ctx, metav1.ListOptions{})
		if apierrors.IsForbidden(err) {
			cs, cerr := kubernetes.NewForConfig(cfg)
			if cerr != nil {
				return nil, fmt.Errorf("creating client: %w", cerr)
			}
			return tenancy.GrantedNames(ctx, cs, gvr.GroupResource(), "get")
		}
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", gvr.Resource, err)
		}
	}
	out := make([]string, 0, len(list.Items))
	for _, item := range list.Items {
		out = append(out, item.Name)
	}
	slices.Sort(out)
	return out, nil
}
