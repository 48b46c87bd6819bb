package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/landfall-dev/landfall/hack/internal/benchproc"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/live"
)

// Modes of a child process.
const (
	// modeFloor lists the resources with the dynamic client: the floor.
	modeFloor = "floor"
	// modeBodies reads the LIST responses without decoding them.
	modeBodies = "bodies"
	// modeLive runs live.Scan.
	modeLive = "live"
)

// defaultQPS and defaultBurst are the client rate live.Scan sets when the
// kubeconfig sets none; the floor uses the same.
const defaultQPS, defaultBurst = 100, 200

type childOptions struct {
	mode       string
	kubeconfig string
	resources  string
	cpuprofile string
}

// childResult is what a child prints.
type childResult struct {
	// Seconds is the time from loading the kubeconfig to the end.
	Seconds float64 `json:"seconds"`
	// CPUSeconds is the child's user and system CPU time.
	CPUSeconds float64 `json:"cpuSeconds"`
	// HWMKiB is the child's VmHWM at the end, in KiB.
	HWMKiB int64 `json:"hwmKiB"`
	// Listed counts the objects per resource (floor) or in all (live,
	// under "").
	Listed map[string]int `json:"listed"`
}

// child runs one measurement and prints it as JSON.
func child(o childOptions) error {
	if o.cpuprofile != "" {
		stopProfile, err := benchproc.StartCPUProfile(o.cpuprofile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	start := time.Now()
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return fmt.Errorf("loading kubeconfig: %w", err)
	}
	var listed map[string]int
	switch o.mode {
	case modeFloor, modeBodies:
		listed, err = floor(cfg, strings.Split(o.resources, ","), o.mode == modeBodies)
	case modeLive:
		listed, err = scanLive(cfg)
	default:
		err = fmt.Errorf("unknown -mode %q", o.mode)
	}
	if err != nil {
		return err
	}
	out := childResult{Seconds: time.Since(start).Seconds(), CPUSeconds: selfCPU().Seconds(), HWMKiB: benchproc.SelfHWMKiB(), Listed: listed}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// floor lists every object of the resources, in pages, with the page
// size, number of LISTs in flight and client rate of live.Scan, and
// nothing else: no discovery (the resources are given), no checks. The
// dynamic client decodes the pages into unstructured objects; with
// bodiesOnly the pages are read and not decoded beyond the continue token.
func floor(cfg *rest.Config, resources []string, bodiesOnly bool) (map[string]int, error) {
	if cfg.QPS == 0 && cfg.RateLimiter == nil {
		cfg.QPS, cfg.Burst = defaultQPS, defaultBurst
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating dynamic client: %w", err)
	}
	rc, err := rest.UnversionedRESTClientFor(restConfig(cfg))
	if err != nil {
		return nil, fmt.Errorf("creating REST client: %w", err)
	}
	counts := make([]int, len(resources))
	errs := make([]error, len(resources))
	sem := make(chan struct{}, live.DefaultConcurrency)
	var wg sync.WaitGroup
	for i, r := range resources {
		gvr, err := parseResource(r)
		if err != nil {
			return nil, err
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if bodiesOnly {
				counts[i], errs[i] = readBodies(context.Background(), rc, gvr)
			} else {
				counts[i], errs[i] = listAll(context.Background(), dyn.Resource(gvr))
			}
		})
	}
	wg.Wait()
	listed := map[string]int{}
	for i, r := range resources {
		if errs[i] != nil {
			return nil, fmt.Errorf("listing %s: %w", r, errs[i])
		}
		listed[r] = counts[i]
	}
	return listed, nil
}

// listAll reads every page of one resource and counts the objects.
func listAll(ctx context.Context, ri dynamic.ResourceInterface) (int, error) {
	lo := metav1.ListOptions{Limit: live.DefaultPageSize}
	n := 0
	for {
		page, err := ri.List(ctx, lo)
		if err != nil {
			return n, err
		}
		n += len(page.Items)
		lo.Continue = page.GetContinue()
		if lo.Continue == "" {
			return n, nil
		}
	}
}

// restConfig is the dynamic client's configuration for a plain REST
// client reading JSON.
func restConfig(cfg *rest.Config) *rest.Config {
	c := dynamic.ConfigFor(cfg)
	c.AcceptContentTypes = "application/json"
	c.GroupVersion, c.APIPath = nil, "/"
	return c
}

// readBodies reads every page of one resource as bytes, decoding only the
// list metadata for the continue token; it returns the number of pages.
func readBodies(ctx context.Context, rc rest.Interface, gvr schema.GroupVersionResource) (int, error) {
	path := []string{"/api", gvr.Version, gvr.Resource}
	if gvr.Group != "" {
		path = []string{"/apis", gvr.Group, gvr.Version, gvr.Resource}
	}
	cont, pages := "", 0
	for {
		req := rc.Get().AbsPath(path...).Param("limit", strconv.Itoa(live.DefaultPageSize))
		if cont != "" {
			req.Param("continue", cont)
		}
		body, err := req.Do(ctx).Raw()
		if err != nil {
			return pages, err
		}
		pages++
		cont, err = continueOf(body)
		if err != nil {
			return pages, err
		}
		if cont == "" {
			return pages, nil
		}
	}
}

// continueOf finds metadata.continue in a list body; the API server writes
// the list's metadata before its items, so decoding stops there.
func continueOf(body []byte) (string, error) {
	dec := json.NewDecoder(strings.NewReader(string(body[:min(len(body), 4096)])))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("reading list metadata: %w", err)
		}
		if tok == "metadata" {
			var meta metav1.ListMeta
			if err := dec.Decode(&meta); err != nil {
				return "", fmt.Errorf("reading list metadata: %w", err)
			}
			return meta.Continue, nil
		}
		if tok == "items" {
			return "", nil
		}
	}
}

// scanLive runs live.Scan with the checks of `landfall scan --cluster`
// and returns the number of objects read.
func scanLive(cfg *rest.Config) (map[string]int, error) {
	reg, err := checks.Registry()
	if err != nil {
		return nil, fmt.Errorf("loading checks: %w", err)
	}
	res, err := live.Scan(context.Background(), cfg, live.WithoutManifestOnly(reg), live.Options{Cluster: "bench"})
	if err != nil {
		return nil, fmt.Errorf("scanning: %w", err)
	}
	return map[string]int{"": res.Objects}, nil
}

// parseResource parses the report's resource.group/version (or
// resource/version for the core group).
func parseResource(s string) (schema.GroupVersionResource, error) {
	rg, version, ok := strings.Cut(s, "/")
	if !ok || rg == "" || version == "" {
		return schema.GroupVersionResource{}, fmt.Errorf("resource %q: want resource.group/version", s)
	}
	resource, group, _ := strings.Cut(rg, ".")
	return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}, nil
}
