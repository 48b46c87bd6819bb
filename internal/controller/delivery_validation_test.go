package controller

import (
	"context"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// TestDeliveryAPI_Validation: the API server rejects what the CRDs'
// schemas and CEL rules forbid, naming the field.
func TestDeliveryAPI_Validation(t *testing.T) {
	requireSuite(t)
	ns := newNamespace(t, "validation", nil)
	sha := strings.Repeat("a", 40)
	envs := map[string]struct {
		mod  func(*landfallv1alpha1.Environment)
		want string
	}{
		"a password in the URL": {
			mod:  func(e *landfallv1alpha1.Environment) { e.Spec.Source.URL = "https://git:hunter2@git.example/shop.git" },
			want: "url must not hold a password: use secretRef",
		},
		"a path out of the repository": {
			mod:  func(e *landfallv1alpha1.Environment) { e.Spec.Source.Path = "envs/../../etc" },
			want: "path must be relative and must not contain ..",
		},
		"a tag and a commit": {
			mod: func(e *landfallv1alpha1.Environment) {
				e.Spec.Source.Ref = landfallv1alpha1.GitRef{Tag: "v1", Commit: sha}
			},
			want: "set at most one of tag and commit",
		},
		"a short commit": {
			mod:  func(e *landfallv1alpha1.Environment) { e.Spec.Source.Ref.Commit = "abc1234" },
			want: "spec.source.ref.commit",
		},
		"an unknown severity": {
			mod:  func(e *landfallv1alpha1.Environment) { e.Spec.Gate.MinSeverity = "severe" },
			want: "spec.gate.minSeverity",
		},
	}
	for name, tc := range envs {
		t.Run("Environment with "+name, func(t *testing.T) {
			g := NewWithT(t)
			e := environment(ns, "bad", "https://git.example/shop.git", "envs/dev", tc.mod)
			err := suite.client.Create(context.Background(), e)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
			g.Expect(err.Error()).To(ContainSubstring(tc.want))
		})
	}

	t.Run("Promotion: only the approval may change", func(t *testing.T) {
		g := NewWithT(t)
		ctx := context.Background()
		err := suite.client.Create(ctx, promotion(ns, "same", "web", "dev", "dev"))
		g.Expect(err).To(HaveOccurred())
		g.Expect(err.Error()).To(ContainSubstring("from and to must differ"))

		p := promotion(ns, "web", "web", "dev", "staging")
		g.Expect(suite.client.Create(ctx, p)).To(Succeed())
		for name, mod := range map[string]func(*landfallv1alpha1.Promotion){
			"to":       func(p *landfallv1alpha1.Promotion) { p.Spec.To = "prod" },
			"revision": func(p *landfallv1alpha1.Promotion) { p.Spec.Revision = sha },
			"strategy": func(p *landfallv1alpha1.Promotion) { p.Spec.Strategy = landfallv1alpha1.PromotionStrategyCopy },
		} {
			changed := p.DeepCopy()
			mod(changed)
			err := suite.client.Patch(ctx, changed, client.MergeFrom(p))
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%s: %v", name, err)
			g.Expect(err.Error()).To(ContainSubstring("only approval may change"), name)
		}
		approved := p.DeepCopy()
		approved.Spec.Approval = &landfallv1alpha1.PromotionApproval{Approved: true, Approver: "admin"}
		g.Expect(suite.client.Patch(ctx, approved, client.MergeFrom(p))).To(Succeed())
	})
}
