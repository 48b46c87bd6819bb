package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// ProbeResult is what a probe saw of a cluster.
type ProbeResult struct {
	// Version is the API server's git version (v1.37.2).
	Version string
	// Nodes is the number of nodes.
	Nodes int
	// Zones are the distinct topology.kubernetes.io/zone labels, sorted.
	Zones []string
	// Latency is the round trip of the version request.
	Latency time.Duration
}

// Probe checks that the cluster behind cfg answers and reads its version,
// nodes and zones, within timeout. An error means unreachable or
// unusable; it names the step that failed and never the credentials.
func Probe(ctx context.Context, cfg *rest.Config, timeout time.Duration) (*ProbeResult, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.Timeout = timeout
	cfg.QPS, cfg.Burst = 20, 40
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building client: %w", err)
	}
	start := time.Now()
	body, err := cs.Discovery().RESTClient().Get().AbsPath("/version").Do(ctx).Raw()
	latency := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("reading server version: %w", err)
	}
	var v version.Info
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("decoding server version: %w", err)
	}
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing nodes: %w", err)
	}
	res := &ProbeResult{Version: v.GitVersion, Nodes: len(nodes.Items), Latency: latency}
	for _, n := range nodes.Items {
		if z := n.Labels[corev1.LabelTopologyZone]; z != "" && !slices.Contains(res.Zones, z) {
			res.Zones = append(res.Zones, z)
		}
	}
	slices.Sort(res.Zones)
	return res, nil
}
