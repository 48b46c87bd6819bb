package env

import (
	"testing"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/cli/cliutil"
	"github.com/landfall-dev/landfall/internal/cli/cliutil/clitest"
)

// TestDiffTargetConfig_As: --as reaches the target cluster's
// configuration too, and cannot be combined with --impersonate, which
// also says whom the dry run is for.
func TestDiffTargetConfig_As(t *testing.T) {
	t.Parallel()
	kubeconfig := clitest.OfflineKubeconfig(t)
	env := &landfallv1alpha1.Environment{}
	env.Spec.Target.ClusterRef = &landfallv1alpha1.LocalReference{Name: "edge"}
	o := &diffOptions{}
	o.kube = cliutil.KubeFlags{Kubeconfig: kubeconfig, As: "alice", AsGroups: []string{"team-a"}}
	o.targetKube = cliutil.KubeFlags{Kubeconfig: kubeconfig}
	cfg, err := o.targetConfig(env)
	if err != nil {
		t.Fatalf("targetConfig: %v", err)
	}
	if cfg.Impersonate.UserName != "alice" || len(cfg.Impersonate.Groups) != 1 || cfg.Impersonate.Groups[0] != "team-a" {
		t.Errorf("target impersonates %+v, want alice in team-a", cfg.Impersonate)
	}
	o.impersonate = true
	if _, err := o.targetConfig(env); err == nil || cliutil.ExitCode(err) != cliutil.ExitUsage {
		t.Errorf("--impersonate with --as: %v, want a usage error", err)
	}
}
