package rbac

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/pager"
)

// Defaults of LoadOptions.
const (
	// DefaultPageSize is the Limit of each LIST call.
	DefaultPageSize = 500
	// DefaultConcurrency is the number of LISTs in flight.
	DefaultConcurrency = 4
)

// LoadOptions configure Load.
type LoadOptions struct {
	// PageSize is the Limit of each LIST; 0 means DefaultPageSize.
	PageSize int64
	// Concurrency bounds the LISTs in flight; 0 means DefaultConcurrency.
	Concurrency int
	// Workloads also lists what attack paths need: Pods, workloads with a
	// pod template, Services, Ingresses and ServiceAccounts. Those the
	// identity may not list are reported by Snapshot.NotRead instead of
	// failing the load.
	Workloads bool
	// Snapshot configures the snapshot.
	Snapshot Options
}

// list is one resource to LIST.
type list struct {
	kind     string
	required bool
	fn       func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error)
}

// Load reads the cluster's RBAC (and with opts.Workloads what attack paths
// need) with paginated LISTs across all namespaces, several at once, and
// returns its Snapshot. Failing to list an RBAC kind is an error: a
// partial RBAC view would answer who-can wrongly.
func Load(ctx context.Context, cs kubernetes.Interface, opts LoadOptions) (*Snapshot, error) {
	b := NewBuilder()
	if err := LoadInto(ctx, cs, b, opts); err != nil {
		return nil, err
	}
	return b.Build(opts.Snapshot), nil
}

// LoadInto is Load into a Builder, for callers that add objects of their
// own.
func LoadInto(ctx context.Context, cs kubernetes.Interface, b *Builder, opts LoadOptions) error {
	lists := []list{
		{"ClusterRole", true, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().ClusterRoles().List(ctx, o)
		}},
		{"ClusterRoleBinding", true, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().ClusterRoleBindings().List(ctx, o)
		}},
		{"Role", true, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().Roles("").List(ctx, o)
		}},
		{"RoleBinding", true, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.RbacV1().RoleBindings("").List(ctx, o)
		}},
	}
	if opts.Workloads {
		lists = append(lists, workloadLists(cs)...)
	}
	pageSize := opts.PageSize
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	concurrency := opts.Concurrency
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	sem := make(chan struct{}, concurrency)
	errs := make([]error, len(lists))
	var wg sync.WaitGroup
	for i, l := range lists {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			p := pager.New(pager.SimplePageFunc(func(o metav1.ListOptions) (runtime.Object, error) { return l.fn(ctx, o) }))
			p.PageSize = pageSize
			err := p.EachListItem(ctx, metav1.ListOptions{}, b.Add)
			switch {
			case err == nil:
			case l.required:
				errs[i] = fmt.Errorf("listing %ss: %w", strings.ToLower(l.kind), err)
			case apierrors.IsForbidden(err):
				b.NotRead(l.kind, "forbidden")
			default:
				b.NotRead(l.kind, err.Error())
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func workloadLists(cs kubernetes.Interface) []list {
	return []list{
		{"Pod", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().Pods("").List(ctx, o)
		}},
		{"Service", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().Services("").List(ctx, o)
		}},
		{"ServiceAccount", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().ServiceAccounts("").List(ctx, o)
		}},
		{"ReplicationController", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.CoreV1().ReplicationControllers("").List(ctx, o)
		}},
		{"Ingress", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.NetworkingV1().Ingresses("").List(ctx, o)
		}},
		{"Deployment", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().Deployments("").List(ctx, o)
		}},
		{"StatefulSet", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().StatefulSets("").List(ctx, o)
		}},
		{"DaemonSet", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().DaemonSets("").List(ctx, o)
		}},
		{"ReplicaSet", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.AppsV1().ReplicaSets("").List(ctx, o)
		}},
		{"Job", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.BatchV1().Jobs("").List(ctx, o)
		}},
		{"CronJob", false, func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return cs.BatchV1().CronJobs("").List(ctx, o)
		}},
	}
}
