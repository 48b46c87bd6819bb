package rbac

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/landfall-dev/landfall/internal/posture"
)

// Builder collects objects for a Snapshot. Add is safe for concurrent
// use, so that a scan's LIST goroutines can feed it (see
// posture/live.Options.OnObject).
type Builder struct {
	mu                  sync.Mutex
	roles               map[Ref]*rbacv1.Role
	clusterRoles        map[string]*rbacv1.ClusterRole
	roleBindings        map[Ref]*rbacv1.RoleBinding
	clusterRoleBindings map[string]*rbacv1.ClusterRoleBinding
	workloads           map[Ref]*workload
	services            map[Ref]*service
	ingresses           map[Ref]*ingress
	serviceAccounts     map[Ref]*serviceAccountInfo
	notRead             []KindError
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{
		roles:               map[Ref]*rbacv1.Role{},
		clusterRoles:        map[string]*rbacv1.ClusterRole{},
		roleBindings:        map[Ref]*rbacv1.RoleBinding{},
		clusterRoleBindings: map[string]*rbacv1.ClusterRoleBinding{},
		workloads:           map[Ref]*workload{},
		services:            map[Ref]*service{},
		ingresses:           map[Ref]*ingress{},
		serviceAccounts:     map[Ref]*serviceAccountInfo{},
	}
}

// New builds a Snapshot from typed or unstructured objects (see
// Builder.Add); objects of other kinds are ignored.
func New(opts Options, objs ...runtime.Object) (*Snapshot, error) {
	b := NewBuilder()
	for _, o := range objs {
		if err := b.Add(o); err != nil {
			return nil, err
		}
	}
	return b.Build(opts), nil
}

// FromUnstructured builds a Snapshot from decoded objects; objects of
// other kinds are ignored.
func FromUnstructured(opts Options, objs []*unstructured.Unstructured) (*Snapshot, error) {
	b := NewBuilder()
	for _, o := range objs {
		if err := b.Add(o); err != nil {
			return nil, err
		}
	}
	return b.Build(opts), nil
}

// FromPostureObjects builds a Snapshot from the objects of a posture scan;
// objects of other kinds are ignored. Errors name the object's file and
// line where it has them.
func FromPostureObjects(opts Options, objs []*posture.Object) (*Snapshot, error) {
	b := NewBuilder()
	for _, o := range objs {
		if err := b.AddPosture(o); err != nil {
			return nil, err
		}
	}
	return b.Build(opts), nil
}

// AddPosture adds the object of a posture scan; see Add.
func (b *Builder) AddPosture(o *posture.Object) error {
	if err := b.Add(o.U); err != nil {
		if o.Source.File != "" {
			return fmt.Errorf("%s:%d: %w", o.Source.File, o.Source.Line, err)
		}
		return err
	}
	return nil
}

// NotRead records a kind that could not be read; the snapshot reports it
// (Snapshot.NotRead) so that what depends on it is not taken as safe.
func (b *Builder) NotRead(kind, reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.notRead = append(b.notRead, KindError{Kind: kind, Reason: reason})
}

// Add adds one object: a Role, ClusterRole, RoleBinding or
// ClusterRoleBinding, or for attack paths a Pod, a workload with a pod
// template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
// ReplicationController), a Service, an Ingress or a ServiceAccount;
// typed (as client-go returns them, without TypeMeta) or unstructured.
// Other kinds are ignored. An object added twice replaces the first.
func (b *Builder) Add(obj runtime.Object) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.add(obj)
}

// add is Add with b.mu held.
func (b *Builder) add(obj runtime.Object) error {
	switch o := obj.(type) {
	case *unstructured.Unstructured:
		return b.addUnstructured(o)
	case *rbacv1.Role:
		b.roles[Ref{"Role", o.Namespace, o.Name}] = o
	case *rbacv1.ClusterRole:
		b.clusterRoles[o.Name] = o
	case *rbacv1.RoleBinding:
		b.roleBindings[Ref{"RoleBinding", o.Namespace, o.Name}] = o
	case *rbacv1.ClusterRoleBinding:
		b.clusterRoleBindings[o.Name] = o
	case *corev1.Pod:
		b.addWorkload(typedWorkload("Pod", o.ObjectMeta, o.Labels, &o.Spec))
	case *corev1.ReplicationController:
		if o.Spec.Template != nil {
			b.addWorkload(typedWorkload("ReplicationController", o.ObjectMeta, o.Spec.Template.Labels, &o.Spec.Template.Spec))
		}
	case *appsv1.Deployment:
		b.addWorkload(typedWorkload("Deployment", o.ObjectMeta, o.Spec.Template.Labels, &o.Spec.Template.Spec))
	case *appsv1.StatefulSet:
		b.addWorkload(typedWorkload("StatefulSet", o.ObjectMeta, o.Spec.Template.Labels, &o.Spec.Template.Spec))
	case *appsv1.DaemonSet:
		b.addWorkload(typedWorkload("DaemonSet", o.ObjectMeta, o.Spec.Template.Labels, &o.Spec.Template.Spec))
	case *appsv1.ReplicaSet:
		b.addWorkload(typedWorkload("ReplicaSet", o.ObjectMeta, o.Spec.Template.Labels, &o.Spec.Template.Spec))
	case *batchv1.Job:
		b.addWorkload(typedWorkload("Job", o.ObjectMeta, o.Spec.Template.Labels, &o.Spec.Template.Spec))
	case *batchv1.CronJob:
		t := &o.Spec.JobTemplate.Spec.Template
		b.addWorkload(typedWorkload("CronJob", o.ObjectMeta, t.Labels, &t.Spec))
	case *corev1.Service:
		b.addService(typedService(o))
	case *networkingv1.Ingress:
		b.addIngress(typedIngress(o))
	case *corev1.ServiceAccount:
		b.serviceAccounts[Ref{"ServiceAccount", o.Namespace, o.Name}] = &serviceAccountInfo{automount: o.AutomountServiceAccountToken}
	}
	return nil
}

// rbacGroup is the RBAC API group.
const rbacGroup = rbacv1.GroupName

func (b *Builder) addUnstructured(u *unstructured.Unstructured) error {
	gvk := u.GroupVersionKind()
	if gvk.Group == rbacGroup {
		var typed any
		switch gvk.Kind {
		case "Role":
			typed = &rbacv1.Role{}
		case "ClusterRole":
			typed = &rbacv1.ClusterRole{}
		case "RoleBinding":
			typed = &rbacv1.RoleBinding{}
		case "ClusterRoleBinding":
			typed = &rbacv1.ClusterRoleBinding{}
		default:
			return nil
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
			return fmt.Errorf("reading %s: %w", describe(u), err)
		}
		return b.add(typed.(runtime.Object))
	}
	switch {
	case gvk.Kind == "Service" && gvk.Group == "":
		b.addService(mapService(u))
	case gvk.Kind == "ServiceAccount" && gvk.Group == "":
		sa := &serviceAccountInfo{}
		if v, ok := posture.Bool(u.Object, "automountServiceAccountToken"); ok {
			sa.automount = &v
		}
		b.serviceAccounts[Ref{"ServiceAccount", u.GetNamespace(), u.GetName()}] = sa
	case gvk.Kind == "Ingress" && gvk.Group == "networking.k8s.io":
		b.addIngress(mapIngress(u))
	default:
		if group, ok := workloadGroups[gvk.Kind]; ok && group == gvk.Group {
			if w, ok := mapWorkload(u); ok {
				b.addWorkload(w)
			}
		}
	}
	return nil
}

// workloadGroups maps the kinds with a pod spec to their API group.
var workloadGroups = map[string]string{
	"Pod": "", "ReplicationController": "", "Deployment": "apps", "StatefulSet": "apps",
	"DaemonSet": "apps", "ReplicaSet": "apps", "Job": "batch", "CronJob": "batch",
}

// describe names an object for errors: Kind ns/name or Kind name.
func describe(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return u.GetKind() + " " + u.GetName()
	}
	return u.GetKind() + " " + u.GetNamespace() + "/" + u.GetName()
}

func (b *Builder) addWorkload(w *workload) { b.workloads[w.ref] = w }
func (b *Builder) addService(s *service)   { b.services[s.ref] = s }
func (b *Builder) addIngress(i *ingress)   { b.ingresses[i.ref] = i }
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func refLess(a, b Ref) int {
	return cmp.Or(strings.Compare(a.Kind, b.Kind), strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
}

// Build returns the Snapshot of the objects added so far. The Builder may
// be used further; the Snapshot does not change.
func (b *Builder) Build(opts Options) *Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &Snapshot{
		clusterRoles:    make(map[string]*role, len(b.clusterRoles)),
		roles:           make(map[Ref]*role, len(b.roles)),
		rolesByNS:       map[string][]*role{},
		rbs:             map[string][]*binding{},
		byRole:          map[Ref][]*binding{},
		crbBySubject:    map[subjectKey][]*binding{},
		rbBySubject:     map[string]map[subjectKey][]*binding{},
		serviceAccounts: make(map[Ref]*serviceAccountInfo, len(b.serviceAccounts)),
		notRead:         slices.Clone(b.notRead),
	}
	for name, cr := range b.clusterRoles {
		s.clusterRoles[name] = &role{
			ref: Ref{"ClusterRole", "", name}, labels: cr.Labels, aggregation: cr.AggregationRule,
			stored: cr.Rules, rules: cr.Rules,
		}
	}
	for _, ref := range sortedRefs(b.roles) {
		r := b.roles[ref]
		s.roles[ref] = &role{ref: ref, labels: r.Labels, stored: r.Rules, rules: r.Rules}
		s.rolesByNS[ref.Namespace] = append(s.rolesByNS[ref.Namespace], s.roles[ref])
	}
	s.drift = aggregate(s.clusterRoles, opts.Aggregation == AggregationComputed)
	s.indexRules()

	seq := 0
	for _, name := range sortedKeys(b.clusterRoleBindings) {
		crb := b.clusterRoleBindings[name]
		bd := &binding{
			seq: seq, ref: Ref{"ClusterRoleBinding", "", name},
			roleRef:  roleRefOf(crb.RoleRef, ""),
			subjects: crb.Subjects, dflt: isUnchangedDefault(crb.Labels, crb.Subjects),
		}
		seq++
		s.crbs = append(s.crbs, bd)
		s.byRole[bd.roleRef] = append(s.byRole[bd.roleRef], bd)
		for i := range bd.subjects {
			if k, ok := keyOf(&bd.subjects[i], ""); ok {
				s.crbBySubject[k] = appendOnce(s.crbBySubject[k], bd)
			}
		}
	}
	rbRefs := make([]Ref, 0, len(b.roleBindings))
	for ref := range b.roleBindings {
		rbRefs = append(rbRefs, ref)
	}
	slices.SortFunc(rbRefs, refLess)
	for _, ref := range rbRefs {
		rb := b.roleBindings[ref]
		bd := &binding{
			seq: seq, ref: ref, roleRef: roleRefOf(rb.RoleRef, ref.Namespace),
			subjects: rb.Subjects, dflt: isUnchangedDefault(rb.Labels, rb.Subjects),
		}
		seq++
		s.rbs[ref.Namespace] = append(s.rbs[ref.Namespace], bd)
		s.byRole[bd.roleRef] = append(s.byRole[bd.roleRef], bd)
		idx := s.rbBySubject[ref.Namespace]
		if idx == nil {
			idx = map[subjectKey][]*binding{}
			s.rbBySubject[ref.Namespace] = idx
		}
		for i := range bd.subjects {
			if k, ok := keyOf(&bd.subjects[i], ref.Namespace); ok {
				idx[k] = appendOnce(idx[k], bd)
			}
		}
	}

	for _, ref := range sortedRefs(b.workloads) {
		s.workloads = append(s.workloads, b.workloads[ref])
	}
	for _, ref := range sortedRefs(b.services) {
		s.services = append(s.services, b.services[ref])
	}
	for _, ref := range sortedRefs(b.ingresses) {
		s.ingresses = append(s.ingresses, b.ingresses[ref])
	}
	for ref, sa := range b.serviceAccounts {
		s.serviceAccounts[ref] = sa
	}
	return s
}

func sortedRefs[V any](m map[Ref]V) []Ref {
	refs := make([]Ref, 0, len(m))
	for r := range m {
		refs = append(refs, r)
	}
	slices.SortFunc(refs, refLess)
	return refs
}

// appendOnce appends b unless it is already last (a binding naming the
// same subject twice).
func appendOnce(list []*binding, b *binding) []*binding {
	if n := len(list); n > 0 && list[n-1] == b {
		return list
	}
	return append(list, b)
}
