package template

import (
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/config/crd"
)

// adminClient installs the CRDs and returns a platform admin's client and
// kubeconfig.
func adminClient(t *testing.T) (client.Client, string) {
	t.Helper()
	cfg := env.AdminConfig(t)
	if _, err := crd.Install(t.Context(), cfg, time.Minute); err != nil {
		t.Fatalf("installing CRDs: %v", err)
	}
	scheme := runtime.NewScheme()
	if err := landfallv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c, env.UserKubeconfig(t, "platform-admin")
}

// TestRender_UsesTheAccount: with --account naming an Account, the
// rendering is the manager's: the account's labels fill
// ${ACCOUNT_LABEL_*}, the parameters it sets for the template apply, and
// -p overrides them.
func TestRender_UsesTheAccount(t *testing.T) {
	g := NewWithT(t)
	admin, kubeconfig := adminClient(t)
	name := "acct-" + rand.String(5)
	account := &landfallv1alpha1.Account{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"team": "payments"}},
		Spec: landfallv1alpha1.AccountSpec{
			Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: name}},
			Space: landfallv1alpha1.AccountSpaceSpec{Templates: []landfallv1alpha1.TemplateReference{
				{Name: "team-config", Parameters: []landfallv1alpha1.ParameterValue{{Name: "TIER", Value: "silver"}}},
			}},
		},
	}
	g.Expect(admin.Create(t.Context(), account)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(t.Context(), account) })
	file := writeFile(t, "team.yaml", teamTemplate)

	out, errOut, err := run(t, "", "render", "-f", file, "--space", "pay-web", "--account", name, "--kubeconfig", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred(), errOut)
	g.Expect(errOut).To(BeEmpty())
	g.Expect(out).To(ContainSubstring("team: payments\n"))
	g.Expect(out).To(ContainSubstring("tier: silver\n"))

	out, _, err = run(t, "", "render", "-f", file, "--account", name, "-p", "TIER=gold", "--kubeconfig", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(ContainSubstring("tier: gold\n"))

	// bob may not read the account: the name only, and a note.
	_, errOut, err = run(t, "", "render", "--builtin", "baseline", "--account", name, "--kubeconfig", env.UserKubeconfig(t, "bob"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(errOut).To(And(ContainSubstring("note: account "+name+" not read ("), ContainSubstring("forbidden")))
}

// TestList_PrintsATemplateList: -o json and -o yaml print a TemplateList
// whose items carry their kind, as kubectl prints lists.
func TestList_PrintsATemplateList(t *testing.T) {
	g := NewWithT(t)
	admin, kubeconfig := adminClient(t)
	name := "tpl-" + rand.String(5)
	tpl := &landfallv1alpha1.Template{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: landfallv1alpha1.TemplateSpec{Description: "for the list test"}}
	g.Expect(admin.Create(t.Context(), tpl)).To(Succeed())
	t.Cleanup(func() { _ = admin.Delete(t.Context(), tpl) })

	out, _, err := run(t, "", "list", "--kubeconfig", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(out).To(MatchRegexp(`(?m)^NAME\s+OBJECTS\s+PARAMETERS\s+DESCRIPTION\n(.*\n)*` + name + `\s+0\s+for the list test$`))

	for _, format := range []string{"json", "yaml"} {
		out, _, err := run(t, "", "list", "-o", format, "--kubeconfig", kubeconfig)
		g.Expect(err).NotTo(HaveOccurred())
		var list landfallv1alpha1.TemplateList
		if format == "json" {
			g.Expect(json.Unmarshal([]byte(out), &list)).To(Succeed(), out)
		} else {
			g.Expect(yaml.Unmarshal([]byte(out), &list)).To(Succeed(), out)
		}
		g.Expect(list.Kind).To(Equal("TemplateList"), format)
		g.Expect(list.Items).To(ContainElement(And(
			HaveField("ObjectMeta.Name", name), HaveField("TypeMeta.Kind", "Template"),
			HaveField("TypeMeta.APIVersion", landfallv1alpha1.GroupVersion.String()))), format)
	}
}
