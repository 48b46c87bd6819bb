package main

import (
	"strings"
	"testing"
)

func TestParseReconciles(t *testing.T) {
	t.Parallel()
	text := `# HELP controller_runtime_reconcile_total Total number of reconciliations per controller
# TYPE controller_runtime_reconcile_total counter
controller_runtime_reconcile_total{controller="landfall-space",result="success"} 1042
controller_runtime_reconcile_total{controller="landfall-space",result="requeue_after"} 7
controller_runtime_reconcile_errors_total{controller="landfall-space"} 3
`
	got, err := parseReconciles(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[`{controller="landfall-space",result="success"}`] != 1042 || got[`{controller="landfall-space",result="requeue_after"}`] != 7 {
		t.Errorf("got %v", got)
	}
	if _, err := parseReconciles(strings.NewReader("controller_runtime_reconcile_total{} x\n")); err == nil {
		t.Error("a bad sample parsed")
	}
}
