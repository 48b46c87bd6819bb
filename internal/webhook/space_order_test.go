package webhook_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/controller"
)

func TestSpace_NoAccessBeforeTemplatesReady(t *testing.T) {
	g := NewWithT(t)
	startManager(t)
	ctx := context.Background()
	admin, alice := adminClient(t), userClient(t, "alice")
	tplName := name("late")
	account := newAccount(t, "team-a", func(a *landfallv1alpha1.Account) {
		a.Spec.Space.Templates = append(a.Spec.Space.Templates, landfallv1alpha1.TemplateReference{Name: tplName})
	})
	space, err := newSpace(t, alice, account.Name, "order")
	g.Expect(err).NotTo(HaveOccurred())

	// The mandatory template does not exist yet: the namespace is there,
	// the baseline applied, but nobody is bound.
	g.Eventually(func() error {
		return admin.Get(ctx, client.ObjectKey{Name: space.Name}, &corev1.Namespace{})
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Consistently(func() bool {
		err := admin.Get(ctx, client.ObjectKey{Namespace: space.Name, Name: controller.SpaceRoleBindingName}, &rbacv1.RoleBinding{})
		return apierrors.IsNotFound(err)
	}).WithTimeout(3*time.Second).Should(BeTrue(), "no role binding while a template is missing")
	err = alice.List(ctx, &corev1.PodList{}, client.InNamespace(space.Name))
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "alice lists pods before the templates are ready: %v", err)

	tpl := &landfallv1alpha1.Template{ObjectMeta: metav1.ObjectMeta{Name: tplName}}
	tpl.Spec.Resources = []runtime.RawExtension{{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"guard"},"data":{"space":"${SPACE}"}}`)}}
	g.Expect(admin.Create(ctx, tpl)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(ctx, tpl) })
	waitSpaceReady(t, space.Name)

	rb := &rbacv1.RoleBinding{}
	g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: space.Name, Name: controller.SpaceRoleBindingName}, rb)).To(Succeed())
	for _, obj := range []client.Object{&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "guard"}}, &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "space-defaults"}}} {
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: space.Name, Name: obj.GetName()}, obj)).To(Succeed())
		g.Expect(obj.GetCreationTimestamp().Time).NotTo(BeTemporally(">", rb.CreationTimestamp.Time), "%T created after the role binding", obj)
	}
	g.Eventually(func() error {
		return alice.List(ctx, &corev1.PodList{}, client.InNamespace(space.Name))
	}).WithTimeout(20 * time.Second).Should(Succeed())
}
