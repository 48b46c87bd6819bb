package main

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestParseResource(t *testing.T) {
	t.Parallel()
	tests := map[string]schema.GroupVersionResource{
		"pods/v1":                                   {Version: "v1", Resource: "pods"},
		"deployments.apps/v1":                       {Group: "apps", Version: "v1", Resource: "deployments"},
		"ingresses.networking.k8s.io/v1":            {Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"},
		"clusterroles.rbac.authorization.k8s.io/v1": {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"},
	}
	for in, want := range tests {
		got, err := parseResource(in)
		if err != nil || got != want {
			t.Errorf("parseResource(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "pods", "/v1", "pods/"} {
		if _, err := parseResource(bad); err == nil {
			t.Errorf("parseResource(%q) accepted", bad)
		}
	}
}

func TestContinueOfReadsTheListMetadata(t *testing.T) {
	t.Parallel()
	got, err := continueOf([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"abc"},"items":[{"metadata":{"continue":"no"}}]}`))
	if err != nil || got != "abc" {
		t.Errorf("got %q, %v; want abc", got, err)
	}
	got, err = continueOf([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[]}`))
	if err != nil || got != "" {
		t.Errorf("last page: got %q, %v", got, err)
	}
}

func TestMedianIsTheMiddleOfTheSortedDurations(t *testing.T) {
	t.Parallel()
	if got := median([]time.Duration{3, 1, 2}); got != 2 {
		t.Errorf("got %v", got)
	}
	if got := median([]time.Duration{4, 1, 3, 2}); got != 3 {
		t.Errorf("even count: got %v", got)
	}
}
