package space

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// TestSpaceCommand_ParamsOfAnExtraTemplate: -p gives a parameter to a
// template the space adds with --template, and the manager renders it.
func TestSpaceCommand_ParamsOfAnExtraTemplate(t *testing.T) {
	g := NewWithT(t)
	f := newTwoTenants(t)
	ctx := context.Background()
	tpl := &landfallv1alpha1.Template{ObjectMeta: metav1.ObjectMeta{Name: "owned-" + rand.String(5)}}
	tpl.Spec.Parameters = []landfallv1alpha1.TemplateParameter{{Name: "OWNER", Required: true}}
	tpl.Spec.Resources = []runtime.RawExtension{{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner"},"data":{"owner":"${OWNER}"}}`)}}
	g.Expect(f.admin.Create(ctx, tpl)).To(Succeed())
	t.Cleanup(func() { _ = f.admin.Delete(context.Background(), tpl) })

	out, err := execute(t, "create", f.name, "--account", f.account, "--template", tpl.Name, "-p", tpl.Name+".OWNER=first", "-p", tpl.Name+".OWNER=alice", "--wait", "--kubeconfig", f.alice)
	g.Expect(err).NotTo(HaveOccurred(), out)
	var cm corev1.ConfigMap
	g.Expect(f.admin.Get(ctx, client.ObjectKey{Namespace: f.name, Name: "owner"}, &cm)).To(Succeed())
	g.Expect(cm.Data).To(HaveKeyWithValue("owner", "alice"), "the last -p for a parameter wins")

	// A parameter of a template the space does not add is refused before
	// anything is created.
	other := "x-" + rand.String(5)
	_, err = execute(t, "create", other, "--account", f.account, "-p", "baseline.QUOTA_PODS=5", "--kubeconfig", f.alice)
	g.Expect(err).To(MatchError(ContainSubstring(`--param "baseline.QUOTA_PODS": template baseline is not one of --template (none)`)))
	g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage))
	_, err = execute(t, "create", other, "--account", f.account, "--template", tpl.Name, "-p", "OWNER=bob", "--kubeconfig", f.alice)
	g.Expect(err).To(MatchError(ContainSubstring("want TEMPLATE.NAME=VALUE")))
	g.Expect(f.admin.Get(ctx, client.ObjectKey{Name: other}, &landfallv1alpha1.Space{})).NotTo(Succeed())
}
