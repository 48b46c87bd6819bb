package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

func TestTemplateInstance_SyncsAndPrunes(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	tpl := &landfallv1alpha1.Template{ObjectMeta: metav1.ObjectMeta{Name: name("cfg")}}
	tpl.Spec.Resources = []runtime.RawExtension{
		{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"tier":"gold"}}`)},
		{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"legacy"},"data":{"x":"1"}}`)},
	}
	g.Expect(admin.Create(ctx, tpl)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, tpl) })
	account := newAccount(t, "team-a", func(a *landfallv1alpha1.Account) {
		a.Spec.Space.Templates = []landfallv1alpha1.TemplateReference{{Name: tpl.Name}}
	})
	var spaces []string
	for range 2 {
		s, err := newSpace(t, alice, account.Name, "sync")
		g.Expect(err).NotTo(HaveOccurred())
		spaces = append(spaces, s.Name)
	}
	for _, s := range spaces {
		waitSpaceReady(t, s)
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: s, Name: "legacy"}, &corev1.ConfigMap{})).To(Succeed())
	}

	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(tpl), tpl)).To(Succeed())
	tpl.Spec.Resources = []runtime.RawExtension{
		{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"tier":"platinum"}}`)},
	}
	g.Expect(admin.Update(ctx, tpl)).To(Succeed())

	for _, s := range spaces {
		g.Eventually(func(g Gomega) {
			cm := &corev1.ConfigMap{}
			g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: s, Name: "settings"}, cm)).To(Succeed())
			g.Expect(cm.Data).To(HaveKeyWithValue("tier", "platinum"))
			err := admin.Get(ctx, client.ObjectKey{Namespace: s, Name: "legacy"}, &corev1.ConfigMap{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "legacy is pruned from %s", s)
			ti := &landfallv1alpha1.TemplateInstance{}
			g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: s, Name: tpl.Name}, ti)).To(Succeed())
			g.Expect(ti.Status.Inventory).To(ConsistOf(landfallv1alpha1.ObjectReference{APIVersion: "v1", Kind: "ConfigMap", Name: "settings"}))
			g.Expect(ti.Status.TemplateGeneration).To(Equal(tpl.Generation))
		}).WithTimeout(30 * time.Second).Should(Succeed())
	}
}
