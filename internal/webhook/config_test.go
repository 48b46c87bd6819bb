package webhook_test

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/landfall-dev/landfall/internal/tenancy"
	"github.com/landfall-dev/landfall/internal/webhook"
)

// TestConfigurations_QuotaWebhookReservesCreatesOfTheQuotaResources: the
// quota webhook sees creates of exactly tenancy.QuotaResources.
func TestConfigurations_QuotaWebhookReservesCreatesOfTheQuotaResources(t *testing.T) {
	g := NewWithT(t)
	v, _ := webhook.Configurations(webhook.URLClientConfig("https://127.0.0.1:9443", nil))
	var got []schema.GroupResource
	for _, w := range v.Webhooks {
		if w.Name != "account-quota.landfall.dev" {
			continue
		}
		for _, r := range w.Rules {
			g.Expect(r.Operations).To(Equal([]admissionregistrationv1.OperationType{admissionregistrationv1.Create}))
			for _, group := range r.APIGroups {
				for _, res := range r.Resources {
					got = append(got, schema.GroupResource{Group: group, Resource: res})
				}
			}
		}
	}
	g.Expect(got).To(ConsistOf(tenancy.QuotaResources))
}

// TestConfigurations_QuotaUpdateWebhookSeesOnlyUpdatesThatRaiseUsage: the
// quota update webhook is called for updates of the resources (and
// subresources) tenancy.UpdateRaisesUsage names, and for no other.
func TestConfigurations_QuotaUpdateWebhookSeesOnlyUpdatesThatRaiseUsage(t *testing.T) {
	g := NewWithT(t)
	v, _ := webhook.Configurations(webhook.URLClientConfig("https://127.0.0.1:9443", nil))
	var got []string
	for _, w := range v.Webhooks {
		if w.Name != "account-quota-updates.landfall.dev" {
			continue
		}
		g.Expect(*w.FailurePolicy).To(Equal(admissionregistrationv1.Fail))
		for _, r := range w.Rules {
			g.Expect(r.Operations).To(Equal([]admissionregistrationv1.OperationType{admissionregistrationv1.Update}))
			for _, group := range r.APIGroups {
				for _, res := range r.Resources {
					resource, sub, _ := strings.Cut(res, "/")
					g.Expect(tenancy.UpdateRaisesUsage(schema.GroupResource{Group: group, Resource: resource}, sub)).To(BeTrue(), "%s in %q", res, group)
					got = append(got, res)
				}
			}
		}
	}
	g.Expect(got).To(ConsistOf("services", "persistentvolumeclaims", "pods/resize"))
}
