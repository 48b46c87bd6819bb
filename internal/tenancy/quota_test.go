package tenancy

import (
	"errors"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

func rl(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func quota(hard, used corev1.ResourceList, res ...landfallv1alpha1.QuotaReservation) *landfallv1alpha1.AccountQuota {
	q := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: "acme"}}
	q.Spec.Quota.Hard = hard
	q.Status.Hard = hard.DeepCopy() // counted
	q.Status.Used = used
	q.Status.Reservations = res
	return q
}

func resv(ns, name string, usage corev1.ResourceList, at time.Time) landfallv1alpha1.QuotaReservation {
	return landfallv1alpha1.QuotaReservation{Namespace: ns, Resource: "pods", Name: name, Usage: usage, Created: metav1.NewTime(at)}
}

func TestObjectUsage(t *testing.T) {
	t.Parallel()
	pod := `{"spec":{"containers":[{"resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"1"}}},{"resources":{"requests":{"cpu":"200m"}}}],
	  "initContainers":[{"resources":{"requests":{"cpu":"500m"}}}]}}`
	got, err := ObjectUsage(schema.GroupResource{Resource: "pods"}, []byte(pod))
	if err != nil {
		t.Fatal(err)
	}
	want := rl("pods", "1", "count/pods", "1", "requests.cpu", "500m", "cpu", "500m", "requests.memory", "64Mi", "memory", "64Mi", "limits.cpu", "1")
	if !equal(got, want) {
		t.Errorf("pod usage = %v, want %v", got, want)
	}
	got, err = ObjectUsage(schema.GroupResource{Group: "apps", Resource: "deployments"}, []byte(`{}`))
	if err != nil || !equal(got, rl("count/deployments.apps", "1")) {
		t.Errorf("deployment usage = %v, %v", got, err)
	}
	got, err = ObjectUsage(schema.GroupResource{Resource: "persistentvolumeclaims"}, []byte(`{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}`))
	if err != nil || !equal(got, rl("count/persistentvolumeclaims", "1", "persistentvolumeclaims", "1", "requests.storage", "5Gi")) {
		t.Errorf("pvc usage = %v, %v", got, err)
	}
}

func equal(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

func TestReserve(t *testing.T) {
	t.Parallel()
	now := time.Now()
	hard := rl("pods", "5", "requests.cpu", "1")
	tests := map[string]struct {
		q          *landfallv1alpha1.AccountQuota
		r          landfallv1alpha1.QuotaReservation
		wantOK     bool
		wantErr    bool
		wantLedger int
	}{
		"fits under used plus reserved": {
			q: quota(hard, rl("pods", "3"), resv("a", "p0", rl("pods", "1"), now)),
			r: resv("b", "p1", rl("pods", "1", "requests.cpu", "100m", "memory", "1Gi"), now), wantOK: true, wantLedger: 2,
		},
		"reservations count, so parallel creates cannot overshoot": {
			q: quota(hard, rl("pods", "3"), resv("a", "p0", rl("pods", "1"), now), resv("c", "p2", rl("pods", "1"), now)),
			r: resv("b", "p1", rl("pods", "1"), now), wantErr: true, wantLedger: 2,
		},
		"cpu over the limit is refused": {
			q: quota(hard, rl("requests.cpu", "900m")),
			r: resv("b", "p1", rl("pods", "1", "requests.cpu", "200m"), now), wantErr: true,
		},
		"a retried admission replaces its own reservation": {
			q: quota(hard, rl("pods", "4"), resv("b", "p1", rl("pods", "1"), now)),
			r: resv("b", "p1", rl("pods", "1"), now), wantOK: true, wantLedger: 1,
		},
		"a limit not counted yet denies, though it would fit": {
			q: func() *landfallv1alpha1.AccountQuota {
				q := quota(hard, rl("pods", "1"))
				q.Status.Hard = rl("pods", "5") // requests.cpu was added since
				return q
			}(),
			r: resv("b", "p1", rl("pods", "1", "requests.cpu", "100m"), now), wantErr: true,
		},
		"an update's increase adds to the object's create reservation": {
			q: quota(hard, rl("requests.cpu", "500m"), resv("b", "p1", rl("requests.cpu", "200m"), now)),
			r: update(resv("b", "p1", rl("requests.cpu", "200m"), now), rl("requests.cpu", "400m")), wantOK: true, wantLedger: 2,
		},
		"an update past the limit is refused": {
			q: quota(hard, rl("requests.cpu", "900m")),
			r: update(resv("b", "p1", rl("requests.cpu", "200m"), now), rl("requests.cpu", "300m")), wantErr: true,
		},
		"a retried update replaces its own reservation": {
			q: quota(hard, rl("requests.cpu", "500m"), update(resv("b", "p1", rl("requests.cpu", "300m"), now.Truncate(time.Second)), rl("requests.cpu", "400m"))),
			r: update(resv("b", "p1", rl("requests.cpu", "300m", "memory", "1Gi"), now), rl("requests.cpu", "400m", "memory", "2Gi")), wantOK: true, wantLedger: 1,
		},
		"two updates of one object add up": {
			q: quota(hard, rl("requests.cpu", "500m"), update(resv("b", "p1", rl("requests.cpu", "300m"), now), rl("requests.cpu", "400m"))),
			r: update(resv("b", "p1", rl("requests.cpu", "300m"), now.Add(time.Second)), rl("requests.cpu", "700m")), wantErr: true, wantLedger: 1,
		},
		"an object the quota does not limit reserves nothing": {
			q: quota(hard, nil),
			r: resv("b", "p1", rl("services", "1"), now), wantLedger: 0,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ok, err := Reserve(tc.q, tc.r)
			if (err != nil) != tc.wantErr || ok != tc.wantOK {
				t.Fatalf("Reserve = %v, %v; want ok=%v err=%v", ok, err, tc.wantOK, tc.wantErr)
			}
			var qe *QuotaExceededError
			if err != nil && !errors.As(err, &qe) {
				t.Errorf("error %v is not a QuotaExceededError", err)
			}
			if len(tc.q.Status.Reservations) != tc.wantLedger {
				t.Errorf("ledger has %d reservations, want %d", len(tc.q.Status.Reservations), tc.wantLedger)
			}
			for _, r := range tc.q.Status.Reservations {
				if _, ok := r.Usage["memory"]; ok {
					t.Errorf("reservation records unlimited usage: %v", r.Usage)
				}
			}
		})
	}
}

// update makes r the reservation of an update that raises its object's
// usage to target.
func update(r landfallv1alpha1.QuotaReservation, target corev1.ResourceList) landfallv1alpha1.QuotaReservation {
	r.Target = target
	return r
}

func TestSettle(t *testing.T) {
	t.Parallel()
	now := time.Now()
	res := []landfallv1alpha1.QuotaReservation{
		resv("a", "counted", rl("pods", "1"), now),
		resv("a", "pending", rl("pods", "1"), now.Add(-10*time.Second)),
		resv("a", "failed", rl("pods", "1"), now.Add(-2*ReservationTTL)),
		update(resv("a", "resized", rl("requests.cpu", "200m"), now), rl("requests.cpu", "300m")),
		update(resv("a", "resizing", rl("requests.cpu", "200m"), now), rl("requests.cpu", "300m")),
	}
	counted := func(ns, r, name string) (corev1.ResourceList, bool) {
		switch name {
		case "counted":
			return rl("pods", "1"), true
		case "resized":
			return rl("pods", "1", "requests.cpu", "300m"), true
		case "resizing": // counted before the update landed
			return rl("pods", "1", "requests.cpu", "100m"), true
		}
		return nil, false
	}
	got := Settle(res, counted, now, ReservationTTL)
	var kept []string
	for _, r := range got {
		kept = append(kept, r.Name)
	}
	if !slices.Equal(kept, []string{"pending", "resizing"}) {
		t.Errorf("Settle kept %v, want pending and resizing", kept)
	}
	if d := NextSettle(got, now, ReservationTTL); d < 49*time.Second || d > 50*time.Second {
		t.Errorf("NextSettle = %s, want 50s", d)
	}
}

// TestPodAndServiceUsage_AsTheBuiltInEvaluator: sidecars add to the
// containers, an init container counts with the sidecars started before
// it, pod-level resources replace cpu and memory, and load balancers
// take node ports, as the built-in quota evaluator counts them (an
// account quota that counted less could be overshot).
func TestPodAndServiceUsage_AsTheBuiltInEvaluator(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		gr         schema.GroupResource
		raw        string
		wantSubset corev1.ResourceList
	}{
		"a sidecar adds to the containers": {
			gr: schema.GroupResource{Resource: "pods"},
			raw: `{"spec":{"containers":[{"resources":{"requests":{"cpu":"1"},"limits":{"memory":"1Gi"}}}],
			  "initContainers":[{"restartPolicy":"Always","resources":{"requests":{"cpu":"1"},"limits":{"memory":"512Mi"}}}]}}`,
			wantSubset: rl("requests.cpu", "2", "cpu", "2", "limits.memory", "1536Mi"),
		},
		"a claim counts what was allocated to it if that is more": {
			gr:         schema.GroupResource{Resource: "persistentvolumeclaims"},
			raw:        `{"spec":{"resources":{"requests":{"storage":"1Gi"}}},"status":{"allocatedResources":{"storage":"3Gi"}}}`,
			wantSubset: rl("requests.storage", "3Gi"),
		},
		"a claim's request counts in whole bytes": {
			gr:         schema.GroupResource{Resource: "persistentvolumeclaims"},
			raw:        `{"spec":{"resources":{"requests":{"storage":"1500m"}}}}`,
			wantSubset: rl("requests.storage", "2"),
		},
		"a pod resized down counts what it holds until the kubelet resized it": {
			gr: schema.GroupResource{Resource: "pods"},
			raw: `{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"100m"}}}]},
			  "status":{"containerStatuses":[{"name":"app","allocatedResources":{"cpu":"400m"},"resources":{"requests":{"cpu":"400m"},"limits":{"cpu":"400m"}}}]}}`,
			wantSubset: rl("requests.cpu", "400m", "cpu", "400m", "limits.cpu", "400m"),
		},
		"an init container counts with the sidecars before it": {
			gr: schema.GroupResource{Resource: "pods"},
			raw: `{"spec":{"containers":[{"resources":{"requests":{"cpu":"100m"}}}],
			  "initContainers":[{"restartPolicy":"Always","resources":{"requests":{"cpu":"200m"}}},{"resources":{"requests":{"cpu":"1"}}}]}}`,
			wantSubset: rl("requests.cpu", "1200m"),
		},
		"pod-level resources replace cpu and memory, plus overhead": {
			gr: schema.GroupResource{Resource: "pods"},
			raw: `{"spec":{"resources":{"requests":{"cpu":"3","memory":"2Gi"}},"overhead":{"cpu":"100m"},
			  "containers":[{"resources":{"requests":{"cpu":"1","ephemeral-storage":"1Gi"}}}]}}`,
			wantSubset: rl("requests.cpu", "3100m", "requests.memory", "2Gi", "requests.ephemeral-storage", "1Gi"),
		},
		"a load balancer takes a node port per port": {
			gr:         schema.GroupResource{Resource: "services"},
			raw:        `{"spec":{"type":"LoadBalancer","ports":[{"port":80},{"port":443}]}}`,
			wantSubset: rl("services.loadbalancers", "1", "services.nodeports", "2"),
		},
		"without node port allocation only the ports that ask for one": {
			gr:         schema.GroupResource{Resource: "services"},
			raw:        `{"spec":{"type":"LoadBalancer","allocateLoadBalancerNodePorts":false,"ports":[{"port":80},{"port":443,"nodePort":30443}]}}`,
			wantSubset: rl("services.loadbalancers", "1", "services.nodeports", "1"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ObjectUsage(tc.gr, []byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			for res, want := range tc.wantSubset {
				if q, ok := got[res]; !ok || q.Cmp(want) != 0 {
					t.Errorf("%s = %v, want %s (usage %v)", res, got[res], want.String(), got)
				}
			}
		})
	}
}

// TestQuotaNames_AreWhatUsageHolds: the limits an AccountQuota enforces
// are exactly the names the usage of the reserved resources can have, so
// neither list can grow without the other.
func TestQuotaNames_AreWhatUsageHolds(t *testing.T) {
	t.Parallel()
	full := map[string]string{
		"pods":                   `{"spec":{"containers":[{"resources":{"requests":{"cpu":"1","memory":"1","ephemeral-storage":"1"},"limits":{"cpu":"1","memory":"1","ephemeral-storage":"1"}}}]}}`,
		"services":               `{"spec":{"type":"LoadBalancer","ports":[{"port":80}]}}`,
		"persistentvolumeclaims": `{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}`,
	}
	seen := map[corev1.ResourceName]bool{}
	for _, gr := range QuotaResources {
		raw := full[gr.Resource]
		if raw == "" || gr.Group != "" {
			raw = `{}`
		}
		u, err := ObjectUsage(gr, []byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", gr, err)
		}
		for name := range u {
			seen[name] = true
		}
	}
	var got []corev1.ResourceName
	for name := range seen {
		got = append(got, name)
	}
	slices.Sort(got)
	if want := QuotaNames(); !slices.Equal(got, want) {
		t.Errorf("usage holds\n%v\nQuotaNames is\n%v", got, want)
	}
}

func TestSupportedQuota(t *testing.T) {
	t.Parallel()
	hard := rl("pods", "2", "count/deployments.apps", "1", "count/poddisruptionbudgets.policy", "1", "requests.nvidia.com/gpu", "1")
	got, unsupported := SupportedQuota(hard)
	if !equal(got, rl("pods", "2", "count/deployments.apps", "1")) {
		t.Errorf("supported = %v", got)
	}
	if want := []string{"count/poddisruptionbudgets.policy", "requests.nvidia.com/gpu"}; !slices.Equal(unsupported, want) {
		t.Errorf("unsupported = %v, want %v", unsupported, want)
	}
}

func TestUpdateUsage(t *testing.T) {
	t.Parallel()
	services, claims, pods := schema.GroupResource{Resource: "services"}, schema.GroupResource{Resource: "persistentvolumeclaims"}, schema.GroupResource{Resource: "pods"}
	tests := map[string]struct {
		gr                       schema.GroupResource
		before, after            string
		wantIncrease, wantTarget corev1.ResourceList
	}{
		"a ClusterIP Service made a LoadBalancer": {
			gr:           services,
			before:       `{"spec":{"ports":[{"port":80},{"port":443}]}}`,
			after:        `{"spec":{"type":"LoadBalancer","ports":[{"port":80},{"port":443}]}}`,
			wantIncrease: rl("services.loadbalancers", "1", "services.nodeports", "2"),
			wantTarget:   rl("services.loadbalancers", "1", "services.nodeports", "2"),
		},
		"a LoadBalancer made a ClusterIP Service raises nothing": {
			gr:           services,
			before:       `{"spec":{"type":"LoadBalancer","ports":[{"port":80}]}}`,
			after:        `{"spec":{"ports":[{"port":80}]}}`,
			wantIncrease: corev1.ResourceList{}, wantTarget: corev1.ResourceList{},
		},
		"an expanded claim": {
			gr:           claims,
			before:       `{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}`,
			after:        `{"spec":{"resources":{"requests":{"storage":"3Gi"}}}}`,
			wantIncrease: rl("requests.storage", "2Gi"),
			wantTarget:   rl("requests.storage", "3Gi"),
		},
		"a pod resized: only what grows": {
			gr:           pods,
			before:       `{"spec":{"containers":[{"resources":{"requests":{"cpu":"100m","memory":"1Gi"}}}]}}`,
			after:        `{"spec":{"containers":[{"resources":{"requests":{"cpu":"300m","memory":"512Mi"}}}]}}`,
			wantIncrease: rl("requests.cpu", "200m", "cpu", "200m"),
			wantTarget:   rl("requests.cpu", "300m", "cpu", "300m"),
		},
		"a resize after an infeasible one counts what it asks": {
			gr: pods,
			before: `{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"16"}}}]},
			  "status":{"conditions":[{"type":"PodResizePending","status":"True","reason":"Infeasible"}],
			    "containerStatuses":[{"name":"app","allocatedResources":{"cpu":"1"},"resources":{"requests":{"cpu":"1"}}}]}}`,
			after: `{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"7"}}}]},
			  "status":{"conditions":[{"type":"PodResizePending","status":"True","reason":"Infeasible"}],
			    "containerStatuses":[{"name":"app","allocatedResources":{"cpu":"1"},"resources":{"requests":{"cpu":"1"}}}]}}`,
			wantIncrease: rl("requests.cpu", "6", "cpu", "6"),
			wantTarget:   rl("requests.cpu", "7", "cpu", "7"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			increase, target, err := UpdateUsage(tc.gr, []byte(tc.before), []byte(tc.after))
			if err != nil {
				t.Fatalf("UpdateUsage: %v", err)
			}
			if !equalQuantities(increase, tc.wantIncrease) || !equalQuantities(target, tc.wantTarget) {
				t.Errorf("UpdateUsage = %v, %v; want %v, %v", increase, target, tc.wantIncrease, tc.wantTarget)
			}
		})
	}
	if _, _, err := UpdateUsage(services, []byte(`{"spec":`), []byte(`{}`)); err == nil {
		t.Error("UpdateUsage accepted a broken old object")
	}
}

func TestUpdateRaisesUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		gr   schema.GroupResource
		sub  string
		want bool
	}{
		{schema.GroupResource{Resource: "services"}, "", true},
		{schema.GroupResource{Resource: "services"}, "status", false},
		{schema.GroupResource{Resource: "persistentvolumeclaims"}, "", true},
		{schema.GroupResource{Resource: "pods"}, "resize", true},
		{schema.GroupResource{Resource: "pods"}, "", false},
		{schema.GroupResource{Resource: "configmaps"}, "", false},
		{schema.GroupResource{Group: "apps", Resource: "deployments"}, "", false},
	} {
		if got := UpdateRaisesUsage(tc.gr, tc.sub); got != tc.want {
			t.Errorf("UpdateRaisesUsage(%s, %q) = %v, want %v", tc.gr, tc.sub, got, tc.want)
		}
	}
}

// equalQuantities compares resource lists by value.
func equalQuantities(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for name, q := range a {
		if w, ok := b[name]; !ok || q.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

func TestRelease(t *testing.T) {
	t.Parallel()
	now := time.Now()
	q := quota(rl("pods", "5"), nil, resv("a", "p0", rl("pods", "1"), now), resv("b", "p1", rl("pods", "1"), now))
	if ok, err := Release(q, resv("b", "p1", nil, now)); !ok || err != nil {
		t.Fatalf("Release = %v, %v; want true", ok, err)
	}
	if len(q.Status.Reservations) != 1 || q.Status.Reservations[0].Name != "p0" {
		t.Errorf("ledger = %v, want only p0", q.Status.Reservations)
	}
	if ok, _ := Release(q, resv("b", "p1", nil, now)); ok {
		t.Error("a second Release changed the ledger")
	}

	// An update's reservation as stored (limited, its time cut to
	// seconds) is released by the request that made it.
	made := update(resv("b", "p1", rl("requests.cpu", "200m", "memory", "1Gi"), now), rl("requests.cpu", "300m", "memory", "2Gi"))
	q = quota(rl("pods", "5", "requests.cpu", "1"), nil)
	if ok, err := Reserve(q, made); !ok || err != nil {
		t.Fatalf("Reserve = %v, %v", ok, err)
	}
	q.Status.Reservations[0].Created = metav1.NewTime(now.Truncate(time.Second))
	if ok, err := Release(q, made); !ok || err != nil || len(q.Status.Reservations) != 0 {
		t.Errorf("Release of an update = %v, %v; ledger %v, want it empty", ok, err, q.Status.Reservations)
	}
}
