package webhook_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestAccountQuota_ConcurrentCreatesNeverOvershoot races 20 pod creates
// over 3 spaces against an account quota of 5 pods, several rounds
// (LANDFALL_QUOTA_ROUNDS, default 3).
func TestAccountQuota_ConcurrentCreatesNeverOvershoot(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	var spaces []string
	for range 3 {
		s, err := newSpace(t, alice, account.Name, "q")
		g.Expect(err).NotTo(HaveOccurred())
		spaces = append(spaces, s.Name)
	}
	for _, s := range spaces {
		waitSpaceReady(t, s)
	}
	const limit = 5
	quota := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: account.Name}}
	quota.Spec.Account = account.Name
	quota.Spec.Quota.Hard = corev1.ResourceList{corev1.ResourcePods: resource.MustParse(strconv.Itoa(limit))}
	g.Expect(admin.Create(ctx, quota)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, quota) })
	// The webhook finds quotas in the manager's cache: wait until the
	// reconciler (which shares it) has counted this one, or the first
	// creates could be admitted before the cache holds it.
	g.Eventually(usedOf(ctx, admin, quota, corev1.ResourcePods)).WithTimeout(30 * time.Second).Should(BeNumerically(">=", 0))
	// RBAC of the new spaces may still be settling.
	g.Eventually(func() error {
		return alice.List(ctx, &corev1.PodList{}, client.InNamespace(spaces[2]))
	}).WithTimeout(20 * time.Second).Should(Succeed())

	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("LANDFALL_QUOTA_ROUNDS")); err == nil {
		rounds = v
	}
	for round := range rounds {
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for i := range 20 {
			wg.Go(func() {
				pod := restrictedPod(spaces[i%3], fmt.Sprintf("p%d-%d", round, i))
				if err := alice.Create(ctx, pod); err == nil {
					mu.Lock()
					created++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		total := 0
		for _, s := range spaces {
			var pods corev1.PodList
			g.Expect(admin.List(ctx, &pods, client.InNamespace(s))).To(Succeed())
			total += len(pods.Items)
		}
		g.Expect(created).To(Equal(total))
		g.Expect(total).To(BeNumerically("<=", limit), "round %d: %d pods over an account quota of %d", round, total, limit)
		g.Expect(total).To(BeNumerically(">", 0), "round %d: nothing was admitted", round)

		// The ledger settles: every reservation is counted into used.
		g.Eventually(func(g Gomega) {
			q := &landfallv1alpha1.AccountQuota{}
			g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(quota), q)).To(Succeed())
			g.Expect(q.Status.Reservations).To(BeEmpty())
			used := q.Status.Used[corev1.ResourcePods]
			g.Expect(used.Value()).To(BeEquivalentTo(total))
		}).WithTimeout(30 * time.Second).Should(Succeed())

		// Free the quota for the next round; usage is recounted.
		for _, s := range spaces {
			g.Expect(admin.DeleteAllOf(ctx, &corev1.Pod{}, client.InNamespace(s), client.GracePeriodSeconds(0))).To(Succeed())
		}
		g.Eventually(func(g Gomega) {
			q := &landfallv1alpha1.AccountQuota{}
			g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(quota), q)).To(Succeed())
			used := q.Status.Used[corev1.ResourcePods]
			g.Expect(used.Value()).To(BeZero())
		}).WithTimeout(30 * time.Second).Should(Succeed())
	}
}

// TestAccountQuota_RootCAConfigMapIsNotHeldBack: an account with no
// ConfigMaps left still gets the kube-root-ca.crt the controller manager
// publishes into each new space (the quota webhook is not called for it),
// while its tenants' own ConfigMaps are denied.
func TestAccountQuota_RootCAConfigMapIsNotHeldBack(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	account := newAccount(t, "team-a")
	quota := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: account.Name}}
	quota.Spec.Account = account.Name
	quota.Spec.Quota.Hard = corev1.ResourceList{"count/configmaps": resource.MustParse("0")}
	g.Expect(admin.Create(ctx, quota)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, quota) })

	s, err := newSpace(t, alice, account.Name, "ca")
	g.Expect(err).NotTo(HaveOccurred())
	waitSpaceReady(t, s.Name)
	g.Eventually(func() error {
		return admin.Get(ctx, client.ObjectKey{Namespace: s.Name, Name: "kube-root-ca.crt"}, &corev1.ConfigMap{})
	}).WithTimeout(30*time.Second).Should(Succeed(), "the root CA ConfigMap never appeared in %s", s.Name)

	// It still counts in the account's usage, which the reconciler takes
	// from the objects that exist when it next recounts (here: the quota
	// changes). A patch, not a read and an update: the reconciler writes
	// the quota's status meanwhile, which would make an update conflict.
	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(quota), quota)).To(Succeed())
	patch := client.MergeFrom(quota.DeepCopy())
	quota.Spec.Quota.Hard[corev1.ResourcePods] = resource.MustParse("10")
	g.Expect(admin.Patch(ctx, quota, patch)).To(Succeed())
	g.Eventually(usedOf(ctx, admin, quota, "count/configmaps")).WithTimeout(30 * time.Second).Should(BeEquivalentTo(1))

	err = alice.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: "app"}})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a tenant ConfigMap past the account quota: %v", err)
}

// TestAccountQuota_DeletesFreeTheQuota: deleting an object gives its
// share of the account quota back (as the ResourceQuota controller's
// replenishment does), so a tenant at the limit who deletes a ConfigMap
// or a Service can create another one. Without a recount on the delete,
// status.used kept the deleted object and every create stayed denied.
func TestAccountQuota_DeletesFreeTheQuota(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	// Room for one tenant ConfigMap next to the root CA bundle, and one
	// Service.
	s, quota := quotaSpace(t, "rep", corev1.ResourceList{"count/configmaps": resource.MustParse("2"), corev1.ResourceServices: resource.MustParse("1")})
	g.Eventually(func() error {
		return admin.Get(ctx, client.ObjectKey{Namespace: s.Name, Name: "kube-root-ca.crt"}, &corev1.ConfigMap{})
	}).WithTimeout(30*time.Second).Should(Succeed(), "the root CA ConfigMap never appeared in %s", s.Name)
	g.Eventually(usedOf(ctx, admin, quota, "count/configmaps")).WithTimeout(30 * time.Second).Should(BeEquivalentTo(1))

	configMap := func(name string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: name}}
	}
	service := func(name string) *corev1.Service {
		return &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: name},
			Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}},
		}
	}
	// RBAC of the new space may still be settling.
	g.Eventually(func() error { return alice.Create(ctx, configMap("first")) }).WithTimeout(20 * time.Second).Should(Succeed())
	g.Expect(alice.Create(ctx, service("first"))).To(Succeed())
	g.Eventually(usedOf(ctx, admin, quota, "count/configmaps")).WithTimeout(30 * time.Second).Should(BeEquivalentTo(2))
	g.Eventually(usedOf(ctx, admin, quota, corev1.ResourceServices)).WithTimeout(30 * time.Second).Should(BeEquivalentTo(1))
	err := alice.Create(ctx, configMap("second"))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a ConfigMap past the account quota: %v", err)
	err = alice.Create(ctx, service("second"))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a Service past the account quota: %v", err)

	g.Expect(alice.Delete(ctx, configMap("first"))).To(Succeed())
	g.Expect(alice.Delete(ctx, service("first"))).To(Succeed())
	g.Eventually(usedOf(ctx, admin, quota, "count/configmaps")).WithTimeout(30 * time.Second).Should(BeEquivalentTo(1))
	g.Eventually(usedOf(ctx, admin, quota, corev1.ResourceServices)).WithTimeout(30 * time.Second).Should(BeEquivalentTo(0))
	g.Expect(alice.Create(ctx, configMap("second"))).To(Succeed())
	g.Expect(alice.Create(ctx, service("second"))).To(Succeed())
}

// TestAccountQuota_FinishedPodsAndDeletedSecretsFreeTheQuota: the usage
// the manager sees no event for (it watches no Secrets, and a pod that
// finishes changes only its status) is recounted on a timer
// (webhooktest.QuotaRecountInterval), so a finished pod and a deleted
// Secret give their share back.
func TestAccountQuota_FinishedPodsAndDeletedSecretsFreeTheQuota(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	s, _ := quotaSpace(t, "fin", corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1"), "count/secrets": resource.MustParse("1")})

	secret := func(name string) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: name}, StringData: map[string]string{"k": "v"}}
	}
	// RBAC of the new space may still be settling.
	g.Eventually(func() error { return alice.Create(ctx, restrictedPod(s.Name, "job")) }).WithTimeout(20 * time.Second).Should(Succeed())
	g.Expect(alice.Create(ctx, secret("first"))).To(Succeed())
	err := alice.Create(ctx, restrictedPod(s.Name, "second"))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a second pod past the account quota: %v", err)
	err = alice.Create(ctx, secret("second"))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a second Secret past the account quota: %v", err)

	// The pod ends (there is no kubelet here: the status is written as
	// one would, by a patch: the scheduler writes the pod's status too),
	// and the Secret goes.
	pod := &corev1.Pod{}
	g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: s.Name, Name: "job"}, pod)).To(Succeed())
	patch := client.MergeFrom(pod.DeepCopy())
	pod.Status.Phase = corev1.PodSucceeded
	g.Expect(admin.Status().Patch(ctx, pod, patch)).To(Succeed())
	g.Expect(alice.Delete(ctx, secret("first"))).To(Succeed())
	g.Eventually(func() error { return alice.Create(ctx, restrictedPod(s.Name, "second")) }).WithTimeout(30 * time.Second).Should(Succeed())
	g.Eventually(func() error { return alice.Create(ctx, secret("second")) }).WithTimeout(30 * time.Second).Should(Succeed())
}

// usedOf polls the quota's status.used[name]; -1 until the reconciler has
// counted it. The webhook finds quotas in the manager's cache, which the
// reconciler shares: once it has counted a new quota, creates see it.
func usedOf(ctx context.Context, c client.Client, quota *landfallv1alpha1.AccountQuota, name corev1.ResourceName) func() int64 {
	return func() int64 {
		var q landfallv1alpha1.AccountQuota
		if err := c.Get(ctx, client.ObjectKeyFromObject(quota), &q); err != nil {
			return -1
		}
		u, ok := q.Status.Used[name]
		if !ok {
			return -1
		}
		return u.Value()
	}
}

// quotaSpace starts the manager and returns a Ready space of a new
// team-a account and the account's AccountQuota with hard, once the
// reconciler has counted it (usedOf).
func quotaSpace(t *testing.T, prefix string, hard corev1.ResourceList) (*landfallv1alpha1.Space, *landfallv1alpha1.AccountQuota) {
	t.Helper()
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin := adminClient(t)
	account := newAccount(t, "team-a")
	s, err := newSpace(t, userClient(t, "alice"), account.Name, prefix)
	g.Expect(err).NotTo(HaveOccurred())
	waitSpaceReady(t, s.Name)
	quota := &landfallv1alpha1.AccountQuota{ObjectMeta: metav1.ObjectMeta{Name: account.Name}}
	quota.Spec.Account = account.Name
	quota.Spec.Quota.Hard = hard
	g.Expect(admin.Create(ctx, quota)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, quota) })
	for name := range hard {
		g.Eventually(usedOf(ctx, admin, quota, name)).WithTimeout(30*time.Second).Should(BeNumerically(">=", 0), "%s never counted", name)
	}
	return s, quota
}
