package manager

import (
	"io"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/cli/cliutil"
)

// TestManager_RejectsBadIntervals: interval flags are checked before the
// manager connects anywhere, with a usage error that names the flag.
func TestManager_RejectsBadIntervals(t *testing.T) {
	for _, tc := range []struct{ flag, value string }{
		{"--posture-scan-interval", "-1s"},
		{"--account-quota-recount-interval", "0s"},
		{"--account-quota-recount-interval", "500ms"},
	} {
		g := NewWithT(t)
		_, err := execute(t.Context(), io.Discard, tc.flag, tc.value, "--kubeconfig", "/nonexistent")
		g.Expect(err).To(MatchError(ContainSubstring(tc.flag[2:]+": must be")), "%s %s", tc.flag, tc.value)
		g.Expect(cliutil.ExitCode(err)).To(Equal(cliutil.ExitUsage), "%s %s", tc.flag, tc.value)
	}
}
