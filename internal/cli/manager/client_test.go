package manager

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// countGzip counts the responses the transport decompressed for the
// client (it asked for gzip and the API server sent it).
type countGzip struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (c countGzip) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil && resp.Uncompressed {
		c.n.Add(1)
	}
	return resp, err
}

// watchedGzip runs an informer on ConfigMaps of a fresh namespace through
// cfg until it has seen one created, and returns how many responses came
// gzipped.
func watchedGzip(t *testing.T, cfg *rest.Config) int32 {
	t.Helper()
	g := NewWithT(t)
	ns := env.Namespace(t)
	var n atomic.Int32
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return countGzip{next: rt, n: &n} })
	cs, err := kubernetes.NewForConfig(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(ns))
	inf := factory.Core().V1().ConfigMaps().Informer()
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	g.Expect(cache.WaitForCacheSync(ctx.Done(), inf.HasSynced)).To(BeTrue())
	_, err = env.Admin(t).CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "seen"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() bool {
		_, ok, _ := inf.GetStore().GetByKey(ns + "/seen")
		return ok
	}).WithTimeout(20 * time.Second).Should(BeTrue())
	cancel()
	return n.Load()
}

// The API server gzips an informer's watch-list stream event by event for
// a client that accepts gzip (WatchListCompression, on by default since
// Kubernetes 1.37); the manager's clients do not ask for it.
func TestClientDefaults_InformersGetNoGzip(t *testing.T) {
	g := NewWithT(t)
	g.Expect(watchedGzip(t, env.AdminConfig(t))).To(BeNumerically(">", 0), "the API server should gzip the stream of a client that accepts gzip; otherwise this test proves nothing")
	g.Expect(watchedGzip(t, ClientDefaults(env.AdminConfig(t)))).To(BeZero())
}

func TestClientDefaults_KeepsAConfiguredRate(t *testing.T) {
	g := NewWithT(t)
	g.Expect(ClientDefaults(&rest.Config{}).QPS).To(Equal(float32(-1)))
	g.Expect(ClientDefaults(&rest.Config{QPS: 50, Burst: 100}).QPS).To(Equal(float32(50)))
}
