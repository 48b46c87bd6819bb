package tenancy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	resourcehelper "k8s.io/component-helpers/resource"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// ReservationTTL is how long a reservation whose object never appeared is
// kept before it is dropped as a failed create. It exceeds the longest
// admission webhook timeout (30s) plus the time to persist the object.
const ReservationTTL = time.Minute

// QuotaResources are the resources whose creates the account quota
// webhook reserves (and some updates: QuotaUpdates), and whose usage an
// AccountQuota counts. The list is fixed rather than */* so the
// fail-closed webhook never sits in front of events, leases or tokens (Kiosk's */* quota webhook was a single point
// of failure). The webhook's rules are made from it; the reconciler's
// delete watches are held to it by a test.
var QuotaResources = []schema.GroupResource{
	{Resource: "pods"}, {Resource: "services"}, {Resource: "configmaps"}, {Resource: "secrets"},
	{Resource: "persistentvolumeclaims"}, {Resource: "replicationcontrollers"},
	{Group: "apps", Resource: "deployments"}, {Group: "apps", Resource: "statefulsets"},
	{Group: "apps", Resource: "daemonsets"}, {Group: "apps", Resource: "replicasets"},
	{Group: "batch", Resource: "jobs"}, {Group: "batch", Resource: "cronjobs"},
}

// QuotaUpdate is a resource, and subresource, whose updates can raise an
// object's usage.
type QuotaUpdate struct {
	schema.GroupResource
	// Subresource is empty for the object itself.
	Subresource string
}

// QuotaUpdates are the updates that can raise an object's usage, so the
// account quota webhook must reserve the increase: a Service made a
// LoadBalancer or given more node ports, a PersistentVolumeClaim
// expanded, a pod resized in place. Every other update leaves usage as it
// was (pod resources change only through resize; counts change only by
// creates and deletes). The update webhook's rules are made from it.
var QuotaUpdates = []QuotaUpdate{
	{GroupResource: schema.GroupResource{Resource: "services"}},
	{GroupResource: schema.GroupResource{Resource: "persistentvolumeclaims"}},
	{GroupResource: schema.GroupResource{Resource: "pods"}, Subresource: "resize"},
}

// UpdateRaisesUsage reports whether an update of resource (and
// subresource) is one of QuotaUpdates.
func UpdateRaisesUsage(gr schema.GroupResource, subresource string) bool {
	return slices.Contains(QuotaUpdates, QuotaUpdate{GroupResource: gr, Subresource: subresource})
}

// quotaNames are the limit names besides the object counts of
// QuotaResources: what the usage of those objects holds (ObjectUsage).
var quotaNames = []corev1.ResourceName{
	corev1.ResourcePods, corev1.ResourceServices, corev1.ResourceServicesLoadBalancers, corev1.ResourceServicesNodePorts,
	corev1.ResourceConfigMaps, corev1.ResourceSecrets, corev1.ResourcePersistentVolumeClaims, corev1.ResourceReplicationControllers,
	corev1.ResourceRequestsStorage,
	corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage,
	corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage,
}

// QuotaNames returns, sorted, the limits an AccountQuota enforces: the
// names the usage of QuotaResources objects has, their object counts
// included.
func QuotaNames() []corev1.ResourceName {
	out := slices.Clone(quotaNames)
	for _, gr := range QuotaResources {
		out = append(out, CountResourceName(gr))
	}
	slices.Sort(out)
	return out
}

// SupportedQuota splits hard into the limits an AccountQuota enforces and
// the names of the others, sorted. Those others hold nothing (the quota
// webhook reserves no object that has them), and counting them could
// fail (a count of a resource the manager may not list).
func SupportedQuota(hard corev1.ResourceList) (corev1.ResourceList, []string) {
	supported := QuotaNames()
	out := corev1.ResourceList{}
	var unsupported []string
	for name, q := range hard {
		if _, ok := slices.BinarySearch(supported, name); ok {
			out[name] = q
		} else {
			unsupported = append(unsupported, string(name))
		}
	}
	slices.Sort(unsupported)
	return out, unsupported
}

// CountResourceName returns the object-count quota name of a resource:
// count/pods, count/deployments.apps.
func CountResourceName(gr schema.GroupResource) corev1.ResourceName {
	if gr.Group == "" {
		return corev1.ResourceName("count/" + gr.Resource)
	}
	return corev1.ResourceName("count/" + gr.Resource + "." + gr.Group)
}

// ResourceKey returns the reservation's resource string of a group
// resource: "pods", "deployments.apps".
func ResourceKey(gr schema.GroupResource) string {
	if gr.Group == "" {
		return gr.Resource
	}
	return gr.Resource + "." + gr.Group
}

// ObjectUsage returns what one object of the resource, given as JSON,
// counts against a quota: Usage of the object decoded.
func ObjectUsage(gr schema.GroupResource, raw []byte) (corev1.ResourceList, error) {
	var obj runtime.Object
	var what string
	if gr.Group == "" {
		switch gr.Resource {
		case "pods":
			obj, what = &corev1.Pod{}, "pod"
		case "services":
			obj, what = &corev1.Service{}, "service"
		case "persistentvolumeclaims":
			obj, what = &corev1.PersistentVolumeClaim{}, "persistent volume claim"
		}
	}
	if obj != nil {
		if err := json.Unmarshal(raw, obj); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", what, err)
		}
	}
	return Usage(gr, obj), nil
}

// Usage returns what one object of the resource counts against a quota:
// its object count (count/<resource>, and the legacy names pods,
// services, ...), plus compute requests and limits for pods, load
// balancers and node ports for services and storage requests for
// persistent volume claims. obj is the object, typed (*corev1.Pod,
// *corev1.Service, *corev1.PersistentVolumeClaim) for those; any other
// counts as one object.
func Usage(gr schema.GroupResource, obj runtime.Object) corev1.ResourceList {
	one := resource.MustParse("1")
	out := corev1.ResourceList{CountResourceName(gr): one}
	if gr.Group != "" {
		return out
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		return Add(out, PodUsage(o))
	case *corev1.Service:
		out[corev1.ResourceServices] = one
		ports := *resource.NewQuantity(int64(len(o.Spec.Ports)), resource.DecimalSI)
		switch o.Spec.Type {
		case corev1.ServiceTypeLoadBalancer:
			out[corev1.ResourceServicesLoadBalancers] = one
			// A load balancer takes a node port per port, unless their
			// allocation is off: then only the ports that ask for one.
			if a := o.Spec.AllocateLoadBalancerNodePorts; a != nil && !*a {
				n := 0
				for _, p := range o.Spec.Ports {
					if p.NodePort != 0 {
						n++
					}
				}
				ports = *resource.NewQuantity(int64(n), resource.DecimalSI)
			}
			out[corev1.ResourceServicesNodePorts] = ports
		case corev1.ServiceTypeNodePort:
			out[corev1.ResourceServicesNodePorts] = ports
		}
		return out
	case *corev1.PersistentVolumeClaim:
		out[corev1.ResourcePersistentVolumeClaims] = one
		// As the evaluator: the request in whole bytes, or what was
		// allocated if that is more (a failed expansion rolled back still
		// holds it).
		if q, ok := o.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
			if a, ok := o.Status.AllocatedResources[corev1.ResourceStorage]; ok && a.Cmp(q) > 0 {
				q = a
			}
			q.RoundUp(0)
			out[corev1.ResourceRequestsStorage] = q
		}
		return out
	}
	switch gr.Resource {
	case "configmaps":
		out[corev1.ResourceConfigMaps] = one
	case "secrets":
		out[corev1.ResourceSecrets] = one
	case "replicationcontrollers":
		out[corev1.ResourceReplicationControllers] = one
	}
	return out
}

// PodUsage returns the pod's quota usage besides its count: pods, and
// requests and limits of cpu, memory and ephemeral storage, as the
// built-in quota evaluator computes them, with its own helpers
// (k8s.io/component-helpers resource.PodRequests and PodLimits): the
// containers' sum plus the sidecars (init containers that keep running,
// restartPolicy Always), or the largest init container with the sidecars
// started before it if that is more; pod-level resources replace cpu and
// memory when set; plus overhead.
func PodUsage(pod *corev1.Pod) corev1.ResourceList {
	// As the evaluator calls them, with in-place resize on (the default):
	// a container counts the larger of what its spec asks and what it
	// was given, so a resize down frees quota once the kubelet has done
	// it, not when it is asked for.
	opts := resourcehelper.PodResourcesOptions{UseStatusResources: true}
	requests, limits := resourcehelper.PodRequests(pod, opts), resourcehelper.PodLimits(pod, opts)
	out := corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		if q, ok := requests[name]; ok {
			out[name] = q
			out[corev1.DefaultResourceRequestsPrefix+name] = q
		}
		if q, ok := limits[name]; ok {
			out[corev1.ResourceName("limits.")+name] = q
		}
	}
	return out
}

// PodCounts reports whether a pod counts against quota: pods that
// finished (Succeeded or Failed) do not.
func PodCounts(pod *corev1.Pod) bool {
	return pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed
}

// Add returns a + b.
func Add(a, b corev1.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{}
	for k, v := range a {
		out[k] = v.DeepCopy()
	}
	for k, v := range b {
		q := out[k]
		q.Add(v)
		out[k] = q
	}
	return out
}

// Filter keeps the names of usage that hard limits.
func Filter(usage, hard corev1.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{}
	for k, v := range usage {
		if _, ok := hard[k]; ok {
			out[k] = v.DeepCopy()
		}
	}
	return out
}

// Reserved sums the usage of the reservations.
func Reserved(res []landfallv1alpha1.QuotaReservation) corev1.ResourceList {
	out := corev1.ResourceList{}
	for _, r := range res {
		out = Add(out, r.Usage)
	}
	return out
}

// QuotaExceededError says which limits a create would push past.
type QuotaExceededError struct {
	// Quota is the AccountQuota name.
	Quota string
	// Exceeded describes each limit: "pods: requested 1, used 4, reserved
	// 1, limited 5".
	Exceeded []string
}

func (e *QuotaExceededError) Error() string {
	return fmt.Sprintf("exceeded account quota %s: %s", e.Quota, strings.Join(e.Exceeded, "; "))
}

// Reserve adds a reservation for an object to the quota's ledger when
// used + reserved + its usage stays within hard for every limited name.
// A reservation for the same request replaces the old one (admission can
// be retried; see sameReservation). Usage the quota does not limit is not
// recorded. It returns false, with no change, when the object limits
// nothing. A limit not yet in status.hard, whose usage the reconciler has
// not counted, denies.
func Reserve(q *landfallv1alpha1.AccountQuota, r landfallv1alpha1.QuotaReservation) (bool, error) {
	hard := q.Spec.Quota.Hard
	r = limited(r, hard)
	if len(r.Usage) == 0 {
		return false, nil
	}
	others := slices.DeleteFunc(slices.Clone(q.Status.Reservations), func(o landfallv1alpha1.QuotaReservation) bool {
		return sameReservation(o, r)
	})
	reserved := Reserved(others)
	var exceeded []string
	for _, name := range slices.Sorted(maps.Keys(r.Usage)) {
		want := r.Usage[name]
		if want.Sign() <= 0 {
			continue
		}
		if _, counted := q.Status.Hard[name]; !counted {
			// A limit the reconciler has not counted yet: used is not
			// known, and reading it as 0 would admit up to the limit on
			// top of what exists. The built-in ResourceQuota denies too.
			exceeded = append(exceeded, fmt.Sprintf("%s: usage not counted yet (a new limit), retry in a moment", name))
			continue
		}
		used, res, limit := q.Status.Used[name], reserved[name], hard[name]
		total := used.DeepCopy()
		total.Add(res)
		total.Add(want)
		if total.Cmp(limit) > 0 {
			exceeded = append(exceeded, fmt.Sprintf("%s: requested %s, used %s, reserved %s, limited %s",
				name, want.String(), used.String(), res.String(), limit.String()))
		}
	}
	if len(exceeded) > 0 {
		return false, &QuotaExceededError{Quota: q.Name, Exceeded: exceeded}
	}
	q.Status.Reservations = append(others, r)
	return true, nil
}

// Release removes r's reservation (sameReservation) from the quota's
// ledger, for a request denied after it was reserved. It returns false, with no
// change, when there is none.
func Release(q *landfallv1alpha1.AccountQuota, r landfallv1alpha1.QuotaReservation) (bool, error) {
	r = limited(r, q.Spec.Quota.Hard)
	n := len(q.Status.Reservations)
	q.Status.Reservations = slices.DeleteFunc(q.Status.Reservations, func(o landfallv1alpha1.QuotaReservation) bool { return sameReservation(o, r) })
	return len(q.Status.Reservations) != n, nil
}

// Settle returns the reservations still needed after usage was counted:
// a reservation is dropped when its object was counted (it is now in
// used; for an update, counted at its target usage or more), or when it
// is older than ttl (the create or update failed after admission).
// counted returns the usage an object was counted with, and whether it
// was.
func Settle(res []landfallv1alpha1.QuotaReservation, counted func(namespace, resource, name string) (corev1.ResourceList, bool), now time.Time, ttl time.Duration) []landfallv1alpha1.QuotaReservation {
	var out []landfallv1alpha1.QuotaReservation
	for _, r := range res {
		if usage, ok := counted(r.Namespace, r.Resource, r.Name); ok && covers(usage, r.Target) {
			continue
		}
		if now.Sub(r.Created.Time) > ttl {
			continue
		}
		out = append(out, r)
	}
	return out
}

// covers reports whether usage reaches target for every name of target.
func covers(usage, target corev1.ResourceList) bool {
	for name, want := range target {
		if got := usage[name]; got.Cmp(want) < 0 {
			return false
		}
	}
	return true
}

// UpdateUsage returns what an update raises an object's usage by (only
// the names that grow) and, for those names, the object's usage after it,
// from the old and new object as JSON. An update that raises nothing
// returns an empty increase.
func UpdateUsage(gr schema.GroupResource, oldRaw, newRaw []byte) (increase, target corev1.ResourceList, err error) {
	before, err := ObjectUsage(gr, oldRaw)
	if err != nil {
		return nil, nil, fmt.Errorf("the object before the update: %w", err)
	}
	if gr == (schema.GroupResource{Resource: "pods"}) {
		if newRaw, err = asNewResize(newRaw); err != nil {
			return nil, nil, err
		}
	}
	after, err := ObjectUsage(gr, newRaw)
	if err != nil {
		return nil, nil, err
	}
	increase, target = corev1.ResourceList{}, corev1.ResourceList{}
	for name, q := range after {
		d := q.DeepCopy()
		d.Sub(before[name])
		if d.Sign() > 0 {
			increase[name] = d
			target[name] = q
		}
	}
	return increase, target, nil
}

// asNewResize returns the pod of a resize request without the verdict on
// the resize before it: a resize keeps the pod's status, and a pod whose
// last resize was infeasible counts only what it holds, so the new
// resize, which the kubelet will weigh afresh, would raise nothing and
// pass the quota unreserved.
func asNewResize(raw []byte) ([]byte, error) {
	var pod corev1.Pod
	if err := json.Unmarshal(raw, &pod); err != nil {
		return nil, fmt.Errorf("decoding pod: %w", err)
	}
	n := len(pod.Status.Conditions)
	pod.Status.Conditions = slices.DeleteFunc(pod.Status.Conditions, func(c corev1.PodCondition) bool { return c.Type == corev1.PodResizePending })
	if len(pod.Status.Conditions) == n {
		return raw, nil
	}
	out, err := json.Marshal(&pod)
	if err != nil {
		return nil, fmt.Errorf("encoding pod: %w", err)
	}
	return out, nil
}

// NextSettle returns how long until the oldest pending reservation
// expires, or 0 when there is none.
func NextSettle(res []landfallv1alpha1.QuotaReservation, now time.Time, ttl time.Duration) time.Duration {
	var next time.Duration
	for _, r := range res {
		d := max(r.Created.Add(ttl).Sub(now), time.Second)
		if next == 0 || d < next {
			next = d
		}
	}
	return next
}

func sameObject(a, b landfallv1alpha1.QuotaReservation) bool {
	return a.Namespace == b.Namespace && a.Resource == b.Resource && a.Name == b.Name
}

// limited returns r with only the usage (and target) that hard limits,
// as the ledger records it.
func limited(r landfallv1alpha1.QuotaReservation, hard corev1.ResourceList) landfallv1alpha1.QuotaReservation {
	r.Usage = Filter(r.Usage, hard)
	if r.Target != nil {
		r.Target = Filter(r.Target, hard)
	}
	return r
}

// sameReservation reports whether a and b reserve for the same request:
// a create of the same object, or an update of it from the same usage to
// the same target. Admission can be retried, or called twice for one
// request, so the later replaces the earlier; two different updates of
// one object cannot both start from the same usage and both be stored.
// Reservations of different updates, or of a create and an update, add
// up. Both are as recorded (limited): the time of a stored one is cut to
// seconds, so it does not tell requests apart.
func sameReservation(a, b landfallv1alpha1.QuotaReservation) bool {
	if !sameObject(a, b) || (a.Target == nil) != (b.Target == nil) {
		return false
	}
	return a.Target == nil || equality.Semantic.DeepEqual(a.Usage, b.Usage) && equality.Semantic.DeepEqual(a.Target, b.Target)
}
