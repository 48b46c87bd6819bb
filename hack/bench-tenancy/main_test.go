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

func TestMedianIndex(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		xs   []float64
		want int
	}{
		{[]float64{2.15, 1.99, 1.85}, 1},
		{[]float64{1.2, 3.0, 1.9}, 2},
		{[]float64{1.7}, 0},
		// An even count takes the upper one, as median does.
		{[]float64{1.4, 1.1, 1.3, 1.2}, 2},
	} {
		if got := medianIndex(c.xs); got != c.want {
			t.Errorf("medianIndex(%v) = %d, want %d", c.xs, got, c.want)
		}
		if got := c.xs[medianIndex(c.xs)]; got != median(c.xs) {
			t.Errorf("medianIndex(%v) picks %v, median is %v", c.xs, got, median(c.xs))
		}
	}
}
