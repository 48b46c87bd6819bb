package live_test

import (
	"testing"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

func TestWithoutManifestOnly(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	reg, err := checks.Registry()
	g.Expect(err).NotTo(HaveOccurred())
	got := live.WithoutManifestOnly(reg)
	for _, id := range live.ManifestOnlyChecks() {
		_, inAll := reg.Get(id)
		g.Expect(inAll).To(BeTrue(), "%s is a built-in check", id)
		_, kept := got.Get(id)
		g.Expect(kept).To(BeFalse(), "%s is left out", id)
	}
	g.Expect(got.Len()).To(Equal(reg.Len() - len(live.ManifestOnlyChecks())))
}
