package localcluster

import (
	"strings"
	"testing"
)

func TestOptions_AuditPolicyReplacesTheBuiltInPolicy(t *testing.T) {
	t.Parallel()
	custom := []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n")
	if got := (&Options{AuditPolicy: custom}).auditPolicy(); string(got) != string(custom) {
		t.Errorf("with AuditPolicy set, got policy %q, want %q", got, custom)
	}
	if got := (&Options{}).auditPolicy(); !strings.Contains(string(got), "kind: Policy") || string(got) != auditPolicy {
		t.Errorf("without AuditPolicy, got %q, want the built-in policy", got)
	}
}
