package controller

import (
	"slices"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/landfall-dev/landfall/internal/tenancy"
)

// TestReplenishedKinds_AreTheQuotaResourcesButPodsAndSecrets: the kinds
// whose deletes the account quota reconciler watches are the resources
// the quota webhook reserves, less pods (watched for creates too) and
// Secrets (never watched).
func TestReplenishedKinds_AreTheQuotaResourcesButPodsAndSecrets(t *testing.T) {
	g := NewWithT(t)
	var got []schema.GroupResource
	for _, obj := range replenishedKinds() {
		gvk, err := apiutil.GVKForObject(obj, clientgoscheme.Scheme)
		g.Expect(err).NotTo(HaveOccurred())
		plural, _ := meta.UnsafeGuessKindToResource(gvk)
		got = append(got, plural.GroupResource())
	}
	want := slices.DeleteFunc(slices.Clone(tenancy.QuotaResources), func(gr schema.GroupResource) bool {
		return gr == schema.GroupResource{Resource: "pods"} || gr == schema.GroupResource{Resource: "secrets"}
	})
	g.Expect(got).To(ConsistOf(want))
}
