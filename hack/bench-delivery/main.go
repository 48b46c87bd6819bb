package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/landfall-dev/landfall/hack/internal/benchproc"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/localcluster"
	"github.com/landfall-dev/landfall/internal/posture"
)

// Environment of the child process.
const (
	envChild      = "LANDFALL_BENCH_DELIVERY_CHILD"
	envKubeconfig = "LANDFALL_BENCH_KUBECONFIG"
	envRepo       = "LANDFALL_BENCH_REPO"
)

// namespaces is how many namespaces the objects spread over.
const namespaces = 10

func main() {
	var err error
	if os.Getenv(envChild) != "" {
		err = runChild()
	} else {
		err = run()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

// measurement is what the child reports.
type measurement struct {
	Objects int           `json:"objects"`
	Fetch   time.Duration `json:"fetch"`
	Render  time.Duration `json:"render"`
	Gate    time.Duration `json:"gate"`
	Apply   time.Duration `json:"apply"`
	Full    time.Duration `json:"full"`
	NoOp    time.Duration `json:"noop"`
	// Phases of the no-op resync.
	NoOpFetch  time.Duration           `json:"noopFetch"`
	NoOpRender time.Duration           `json:"noopRender"`
	NoOpGate   time.Duration           `json:"noopGate"`
	NoOpApply  time.Duration           `json:"noopApply"`
	FullCount  map[delivery.Action]int `json:"fullCount"`
	NoOpCount  map[delivery.Action]int `json:"noopCount"`
}

func run() error {
	n := flag.Int("objects", 1000, "number of objects in the repository")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	bins, err := localcluster.FindBinaries("", false)
	if err != nil {
		return err
	}
	kubectl := filepath.Join(bins.Dir, "kubectl")
	if _, err := os.Stat(kubectl); err != nil {
		if kubectl, err = exec.LookPath("kubectl"); err != nil {
			return errors.New("kubectl not found next to the Kubernetes binaries nor on PATH")
		}
	}
	work, err := os.MkdirTemp("", "bench-delivery-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	fmt.Printf("starting a local control plane (no nodes, fast storage)...\n")
	cluster, err := localcluster.Start(ctx, localcluster.Options{Nodes: 0, FastStorage: true})
	if err != nil {
		return fmt.Errorf("starting local control plane: %w", err)
	}
	defer func() { _ = cluster.Stop() }()

	repo := filepath.Join(work, "repo.git")
	if err := writeRepo(repo, filepath.Join(work, "src"), "app", *n); err != nil {
		return err
	}
	floorFile := filepath.Join(work, "floor.yaml")
	if err := writeFloor(floorFile, "floor", *n); err != nil {
		return err
	}

	fmt.Printf("floor: kubectl apply --server-side of %d objects...\n", *n)
	start := time.Now()
	cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", cluster.AdminKubeconfig(), "apply", "--server-side", "--field-manager=bench-floor", "-f", floorFile)
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kubectl apply: %w", err)
	}
	floor := time.Since(start)
	fmt.Printf("  %s\n", floor.Round(time.Millisecond))

	fmt.Printf("engine: first sync and no-op resync in a child process...\n")
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var m measurement
	for k, v := range map[string]string{envChild: "1", envKubeconfig: cluster.AdminKubeconfig(), envRepo: repo} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	rss, err := benchproc.Run(self, &m)
	if err != nil {
		return err
	}

	ratio := m.Full.Seconds() / floor.Seconds()
	noop := m.NoOp.Seconds() / m.Full.Seconds()
	mb := float64(rss) * 1024 / 1e6
	fmt.Printf("\nobjects                        %d in %d namespaces (plain YAML in Git)\n", m.Objects, namespaces)
	fmt.Printf("floor: kubectl apply --server-side %s\n", floor.Round(time.Millisecond))
	fmt.Printf("first sync until healthy       %s (fetch %s, render %s, gate %s, apply+wait %s) %v\n",
		m.Full.Round(time.Millisecond), m.Fetch.Round(time.Millisecond), m.Render.Round(time.Millisecond), m.Gate.Round(time.Millisecond), m.Apply.Round(time.Millisecond), counts(m.FullCount))
	fmt.Printf("ratio first sync/floor         %.2fx (target <= 1.3x) %s\n", ratio, verdict(ratio <= 1.3))
	fmt.Printf("no-op resync                   %s (fetch %s, render %s, gate %s, apply+wait %s) %v\n",
		m.NoOp.Round(time.Millisecond), m.NoOpFetch.Round(time.Millisecond), m.NoOpRender.Round(time.Millisecond), m.NoOpGate.Round(time.Millisecond), m.NoOpApply.Round(time.Millisecond), counts(m.NoOpCount))
	fmt.Printf("ratio no-op/full sync          %.1f%% (target < 10%%) %s\n", 100*noop, verdict(noop < 0.10))
	fmt.Printf("engine peak RSS (max RSS)      %.1f MB (target < 250 MB) %s\n", mb, verdict(mb < 250))
	return nil
}

func counts(c map[delivery.Action]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c[k]))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

// runChild syncs the repository twice and prints a measurement.
func runChild() error {
	ctx := context.Background()
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv(envKubeconfig))
	if err != nil {
		return fmt.Errorf("loading kubeconfig: %w", err)
	}
	cache, err := os.MkdirTemp("", "bench-delivery-cache-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(cache) }()
	f := &delivery.Fetcher{CacheDir: cache, AllowLocal: true}
	a, err := delivery.NewApplier(cfg, delivery.ApplierOptions{})
	if err != nil {
		return err
	}
	src := delivery.Source{URL: os.Getenv(envRepo), Branch: "main"}
	var m measurement

	sync := func(prev delivery.Inventory) (*delivery.Result, error) {
		t0 := time.Now()
		co, err := f.Fetch(ctx, src)
		if err != nil {
			return nil, err
		}
		t1 := time.Now()
		objs, err := delivery.Render(ctx, co.Path, delivery.RenderOptions{Root: co.Dir})
		_ = co.Close() // the objects are in memory
		if err != nil {
			return nil, err
		}
		t2 := time.Now()
		v, err := delivery.Gate(objs, delivery.GateOptions{MinSeverity: posture.SeverityCritical})
		if err != nil {
			return nil, err
		}
		if v.Blocked {
			return nil, fmt.Errorf("gate: %s", v.Summary())
		}
		t3 := time.Now()
		res, err := a.Apply(ctx, delivery.Objects(objs), prev, delivery.ApplyOptions{Prune: true, Wait: true, Timeout: 5 * time.Minute})
		if err != nil {
			return nil, err
		}
		m.Objects = len(objs)
		m.Fetch, m.Render, m.Gate, m.Apply = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3)
		return res, nil
	}

	start := time.Now()
	res, err := sync(delivery.Inventory{})
	if err != nil {
		return err
	}
	m.Full = time.Since(start)
	m.FullCount = tally(res.Changes)
	fetch, render, gate, apply := m.Fetch, m.Render, m.Gate, m.Apply

	start = time.Now()
	res2, err := sync(res.Inventory)
	if err != nil {
		return err
	}
	m.NoOp = time.Since(start)
	m.NoOpCount = tally(res2.Changes)
	m.NoOpFetch, m.NoOpRender, m.NoOpGate, m.NoOpApply = m.Fetch, m.Render, m.Gate, m.Apply
	m.Fetch, m.Render, m.Gate, m.Apply = fetch, render, gate, apply
	return json.NewEncoder(os.Stdout).Encode(m)
}

func tally(changes []delivery.Change) map[delivery.Action]int {
	out := map[delivery.Action]int{}
	for _, c := range changes {
		out[c.Action]++
	}
	return out
}

// objectsFor returns n objects spread over namespaces prefix-00.. as YAML
// documents, one slice per namespace (the Namespace first).
func objectsFor(prefix string, n int) [][]string {
	out := make([][]string, namespaces)
	for i := range namespaces {
		ns := fmt.Sprintf("%s-%02d", prefix, i)
		out[i] = append(out[i], doc(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}))
	}
	for i := range n - namespaces {
		ns := fmt.Sprintf("%s-%02d", prefix, i%namespaces)
		name := fmt.Sprintf("obj-%05d", i)
		meta := map[string]any{"name": name, "namespace": ns, "labels": map[string]any{"app": "bench", "shard": fmt.Sprint(i % 7)}}
		var o map[string]any
		switch i % 10 {
		case 0, 1, 2, 3:
			o = map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": map[string]any{"config.yaml": strings.Repeat("key: value\n", 20), "mode": "fast"}}
		case 4, 5:
			o = map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": "Opaque", "stringData": map[string]any{"token": "not-a-real-token-" + name}}
		case 6, 7:
			// Headless: the local cluster's service range is small.
			o = map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": map[string]any{
				"clusterIP": "None",
				"selector":  map[string]any{"app": name},
				"ports":     []any{map[string]any{"name": "http", "port": 80, "targetPort": 8080}},
			}}
		case 8:
			o = map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta, "automountServiceAccountToken": false}
		case 9:
			if i%20 == 9 {
				o = map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta, "rules": []any{
					map[string]any{"apiGroups": []any{""}, "resources": []any{"configmaps"}, "verbs": []any{"get", "list"}},
				}}
			} else {
				o = map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta,
					"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": fmt.Sprintf("obj-%05d", i-10)},
					"subjects": []any{map[string]any{"kind": "ServiceAccount", "name": fmt.Sprintf("obj-%05d", i-1), "namespace": ns}}}
			}
		}
		out[i%namespaces] = append(out[i%namespaces], doc(o))
	}
	return out
}

func doc(o map[string]any) string {
	data, err := yaml.Marshal(o)
	if err != nil {
		panic(err) // maps of strings, numbers and slices always marshal
	}
	return string(data)
}

// writeRepo writes the objects, one file per namespace, into a working
// directory and pushes them to a new bare repository on branch main.
func writeRepo(bare, workDir, prefix string, n int) error {
	main := plumbing.NewBranchReferenceName("main")
	if _, err := git.PlainInitWithOptions(bare, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: main}}); err != nil {
		return fmt.Errorf("creating the repository: %w", err)
	}
	work, err := git.PlainInitWithOptions(workDir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: main}})
	if err != nil {
		return fmt.Errorf("creating the working copy: %w", err)
	}
	for i, docs := range objectsFor(prefix, n) {
		p := filepath.Join(workDir, "envs", "bench", fmt.Sprintf("ns-%02d.yaml", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(strings.Join(docs, "---\n")), 0o644); err != nil {
			return err
		}
	}
	wt, err := work.Worktree()
	if err != nil {
		return err
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return err
	}
	sig := &object.Signature{Name: "bench", Email: "bench@example.com", When: time.Now()}
	if _, err := wt.Commit("objects", &git.CommitOptions{Author: sig}); err != nil {
		return err
	}
	if _, err := work.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bare}}); err != nil {
		return err
	}
	return work.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/main"}})
}

// writeFloor writes the same objects, in namespaces of their own, into
// one file for kubectl.
func writeFloor(file, prefix string, n int) error {
	var all []string
	for _, docs := range objectsFor(prefix, n) {
		all = append(all, docs...)
	}
	return os.WriteFile(file, []byte(strings.Join(all, "---\n")), 0o644)
}
