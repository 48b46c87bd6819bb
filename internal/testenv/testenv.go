package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/landfall-dev/landfall/internal/localcluster"
)

// Users are the test users every Env has unless Options.Users is set:
// localcluster.SampleUsers.
var Users = localcluster.SampleUsers

// Options configure the package's control plane.
type Options struct {
	// Nodes is the number of simulated nodes (0: control plane only).
	Nodes int
	// Users replace the default Users when set.
	Users []localcluster.User
	// Configure, when set, may change the cluster options further.
	Configure func(*localcluster.Options)
}

// Env is the control plane shared by one test package.
type Env struct {
	cluster *localcluster.Cluster
	skip    string
}

// Run starts the control plane, runs the tests and stops it; TestMain
// passes its result to os.Exit. *env is set before the tests run.
func Run(m *testing.M, opts Options, env **Env) int {
	users := opts.Users
	if users == nil {
		users = Users
	}
	lopts := localcluster.Options{Nodes: opts.Nodes, Users: users, FastStorage: true}
	if opts.Configure != nil {
		opts.Configure(&lopts)
	}
	if _, err := localcluster.FindBinaries(lopts.BinDir, lopts.Nodes > 0); err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "FAIL: %v\n", err)
			return 1
		}
		*env = &Env{skip: err.Error()}
		return m.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	cluster, err := localcluster.Start(ctx, lopts)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: starting local control plane: %v\n", err)
		return 1
	}
	*env = &Env{cluster: cluster}
	code := m.Run()
	if err := cluster.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stopping local control plane: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Cluster returns the running cluster, skipping the test when there is none.
func (e *Env) Cluster(t testing.TB) *localcluster.Cluster {
	t.Helper()
	if e == nil {
		t.Fatal("testenv: TestMain did not call testenv.Run")
	}
	if e.cluster == nil {
		t.Skipf("no local control plane: %s", e.skip)
	}
	return e.cluster
}

// Dir returns the directory name inside the control plane's data
// directory, creating it: for state that lives as long as the package's
// control plane, such as a manager's certificates or a git cache. Run
// removes it with the control plane, so nothing is left in the system's
// temporary directory when the tests end.
func (e *Env) Dir(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(e.Cluster(t).Dir(), "test", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatalf("testenv: creating %s: %v", dir, err)
	}
	return dir
}

// WaitAllowed waits until the API server's authorizer allows user the
// request: a new RoleBinding reaches the authorizer through its informers
// a moment after its create returns.
func (e *Env) WaitAllowed(t testing.TB, user string, attrs authorizationv1.ResourceAttributes) {
	t.Helper()
	cs := e.Admin(t)
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		sar, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
			Spec: authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: &attrs},
		}, metav1.CreateOptions{})
		if err != nil {
			return false, err
		}
		return sar.Status.Allowed, nil
	})
	if err != nil {
		t.Fatalf("testenv: %s is not allowed to %s %s in %q: %v", user, attrs.Verb, attrs.Resource, attrs.Namespace, err)
	}
}

// AdminConfig returns a client configuration with cluster-admin rights.
func (e *Env) AdminConfig(t testing.TB) *rest.Config {
	t.Helper()
	return e.Cluster(t).AdminConfig()
}

// Admin returns a clientset with cluster-admin rights.
func (e *Env) Admin(t testing.TB) kubernetes.Interface {
	t.Helper()
	return newClientset(t, e.AdminConfig(t))
}

// UserConfig returns a client configuration for a test user.
func (e *Env) UserConfig(t testing.TB, name string) *rest.Config {
	t.Helper()
	cfg, err := e.Cluster(t).UserConfig(name)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return cfg
}

// UserKubeconfig returns the path of a kubeconfig for a test user, for
// commands that take --kubeconfig.
func (e *Env) UserKubeconfig(t testing.TB, name string) string {
	t.Helper()
	path, err := e.Cluster(t).UserKubeconfig(name)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return path
}

// User returns a clientset acting as a test user.
func (e *Env) User(t testing.TB, name string) kubernetes.Interface {
	t.Helper()
	return newClientset(t, e.UserConfig(t, name))
}

// Namespace creates a namespace with a random name for one test, waits for
// its default service account (pods cannot be created before it exists) and
// deletes the namespace when the test ends. Labels are added to it.
func (e *Env) Namespace(t testing.TB, labels ...map[string]string) string {
	t.Helper()
	cs := e.Admin(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "test-" + randomSuffix(), Labels: map[string]string{}}}
	for _, l := range labels {
		for k, v := range l {
			ns.Labels[k] = v
		}
	}
	ctx := context.Background()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("testenv: creating namespace: %v", err)
	}
	t.Cleanup(func() {
		err := cs.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("testenv: deleting namespace %s: %v", ns.Name, err)
		}
	})
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().ServiceAccounts(ns.Name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("testenv: namespace %s has no default service account: %v", ns.Name, err)
	}
	return ns.Name
}

// HoldNamespace keeps namespace from going away once deleted: it creates
// a ConfigMap there with a finalizer nobody removes. The returned release
// (also run at the end of the test) removes the finalizer, so the
// namespace's deletion can finish.
func (e *Env) HoldNamespace(t testing.TB, namespace string) (release func()) {
	t.Helper()
	admin := e.Admin(t)
	held := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "held", Finalizers: []string{"landfall.dev/test-hold"}}}
	if _, err := admin.CoreV1().ConfigMaps(namespace).Create(context.Background(), held, metav1.CreateOptions{}); err != nil {
		t.Fatalf("holding namespace %s: %v", namespace, err)
	}
	release = func() {
		_, _ = admin.CoreV1().ConfigMaps(namespace).Patch(context.Background(), held.Name, types.MergePatchType,
			[]byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
	}
	t.Cleanup(release)
	return release
}

func newClientset(t testing.TB, cfg *rest.Config) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("testenv: building client: %v", err)
	}
	return cs
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RequireBinaries skips the test when the Kubernetes binaries are missing,
// or fails it when the CI environment variable is set.
func RequireBinaries(t testing.TB, withKWOK bool) localcluster.Binaries {
	t.Helper()
	b, err := localcluster.FindBinaries("", withKWOK)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v", err)
		}
		t.Skipf("%v", err)
	}
	return b
}

// SyncBuffer is a bytes.Buffer that a command or logger may write on one
// goroutine while the test reads it on another.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
