package webhook_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/tenancy"
	"github.com/landfall-dev/landfall/internal/webhook"
)

// laggingCache is a manager cache whose watch has not yet delivered the
// objects named in missing: it answers NotFound for them, as a real cache
// does for the moment between a create and its watch event.
type laggingCache struct {
	client.Client // writes (the quota ledger) go to the API server
	cache         cache.Cache
	missing       map[string]bool
}

func (l laggingCache) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if l.missing[key.Name] {
		return apierrors.NewNotFound(schema.GroupResource{}, key.Name)
	}
	return l.cache.Get(ctx, key, obj, opts...)
}

func (l laggingCache) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	return l.cache.List(ctx, list, opts...)
}

// startIndexedCache starts a cache of the test cluster with the field
// indexes the webhooks list by, as the manager's has.
func startIndexedCache(t *testing.T) cache.Cache {
	t.Helper()
	c, err := cache.New(env.AdminConfig(t), cache.Options{Scheme: scheme()})
	if err != nil {
		t.Fatalf("creating cache: %v", err)
	}
	ctx := t.Context()
	if err := c.IndexField(ctx, &landfallv1alpha1.Space{}, tenancy.SpaceAccountIndex, func(o client.Object) []string {
		return []string{o.(*landfallv1alpha1.Space).Spec.Account}
	}); err != nil {
		t.Fatalf("indexing spaces: %v", err)
	}
	if err := c.IndexField(ctx, &landfallv1alpha1.AccountQuota{}, tenancy.QuotaAccountIndex, func(o client.Object) []string {
		return []string{o.(*landfallv1alpha1.AccountQuota).Spec.Account}
	}); err != nil {
		t.Fatalf("indexing account quotas: %v", err)
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		t.Fatal("cache never synced")
	}
	return c
}

func createRequest(t *testing.T, gvr metav1.GroupVersionResource, namespace, name, user string, groups []string, obj runtime.Object) admission.Request {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("encoding object: %v", err)
	}
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID: "lag", Operation: admissionv1.Create, Resource: gvr, Namespace: namespace, Name: name,
		UserInfo: authenticationv1.UserInfo{Username: user, Groups: groups},
		Object:   runtime.RawExtension{Raw: raw},
	}}
}

// TestWebhooks_ReadWhatTheCacheHasNotSeenYet: an Account applied together
// with its first Space (one kubectl apply, a GitOps sync) reaches the
// space webhook before the manager's cache has it, and a second replica's
// cache can lack a Space its namespace already has. Both webhooks read
// such objects from the API server instead of denying a valid Space or
// letting a create past the account quota.
func TestWebhooks_ReadWhatTheCacheHasNotSeenYet(t *testing.T) {
	startManager(t)
	ctx := t.Context()
	admin := adminClient(t)
	c := startIndexedCache(t)

	t.Run("space webhook, account not cached yet", func(t *testing.T) {
		g := NewWithT(t)
		account := newAccount(t, "team-a")
		lagging := laggingCache{Client: admin, cache: c, missing: map[string]bool{account.Name: true}}
		space := &landfallv1alpha1.Space{ObjectMeta: metav1.ObjectMeta{Name: name("lag")}, Spec: landfallv1alpha1.SpaceSpec{Account: account.Name}}
		req := createRequest(t, metav1.GroupVersionResource{Group: landfallv1alpha1.Group, Version: "v1alpha1", Resource: "spaces"}, "", space.Name, "alice", []string{"team-a"}, space)

		resp := (&webhook.SpaceValidator{Client: lagging, APIReader: admin}).Handle(ctx, req)
		g.Expect(resp.Allowed).To(BeTrue(), "denied: %+v", resp.Result)

		// The cache alone would have turned a valid Space away.
		resp = (&webhook.SpaceValidator{Client: lagging}).Handle(ctx, req)
		g.Expect(resp.Allowed).To(BeFalse())
		g.Expect(resp.Result.Message).To(ContainSubstring("does not exist"))

		// An account that exists nowhere is still denied.
		space.Spec.Account = name("nobody")
		req = createRequest(t, req.Resource, "", space.Name, "alice", []string{"team-a"}, space)
		resp = (&webhook.SpaceValidator{Client: lagging, APIReader: admin}).Handle(ctx, req)
		g.Expect(resp.Allowed).To(BeFalse())
		g.Expect(resp.Result.Message).To(ContainSubstring("does not exist"))
	})

	t.Run("quota webhook, space not cached yet", func(t *testing.T) {
		g := NewWithT(t)
		s, quota := quotaSpace(t, "lagq", corev1.ResourceList{"count/configmaps": resource.MustParse("0")})
		// The test's cache has the quota, as the manager's does.
		g.Eventually(func() error { return c.Get(ctx, client.ObjectKeyFromObject(quota), &landfallv1alpha1.AccountQuota{}) }).
			WithTimeout(10 * time.Second).Should(Succeed())
		lagging := laggingCache{Client: admin, cache: c, missing: map[string]bool{s.Name: true}}
		cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Namespace: s.Name, Name: "over"}}
		req := createRequest(t, metav1.GroupVersionResource{Version: "v1", Resource: "configmaps"}, s.Name, cm.Name, "alice", []string{"team-a"}, cm)

		resp := (&webhook.QuotaValidator{Client: lagging, APIReader: admin}).Handle(ctx, req)
		g.Expect(resp.Allowed).To(BeFalse(), "a create past the quota was admitted")
		g.Expect(resp.Result.Message).To(ContainSubstring("count/configmaps"))

		// Reading the cache alone, the create went past the quota.
		resp = (&webhook.QuotaValidator{Client: lagging}).Handle(ctx, req)
		g.Expect(resp.Allowed).To(BeTrue())
	})
}
