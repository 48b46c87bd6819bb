package webhook_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/detect/webhook"
)

type recorder struct {
	mu        sync.Mutex
	events    []string
	malformed []string
}

func (r *recorder) Event(ev *detect.Event, pos detect.Position) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev.AuditID+"@"+pos.String())
}

func (r *recorder) Malformed(m detect.Malformed) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.malformed = append(r.malformed, m.Position.String())
}

const batch = `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[
{"level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"alice"},"requestReceivedTimestamp":"2026-01-01T00:00:00.000001Z","stageTimestamp":"2026-01-01T00:00:00.000002Z"},
{"auditID":7},
{"level":"Metadata","auditID":"a2","stage":"ResponseComplete","verb":"list","user":{"username":"bob"},"requestReceivedTimestamp":"2026-01-01T00:00:01Z","stageTimestamp":"2026-01-01T00:00:01Z"}]}`

func TestHandler_OverHTTPSPassesEveryItemOnAndCountsBadOnes(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	certPEM, keyPEM, err := webhook.SelfSigned([]string{"127.0.0.1"}, time.Hour)
	g.Expect(err).NotTo(HaveOccurred())
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	g.Expect(err).NotTo(HaveOccurred())
	rec := &recorder{}
	srv, err := webhook.Listen("127.0.0.1:0", cert, webhook.NewHandler(rec))
	g.Expect(err).NotTo(HaveOccurred())
	go func() { _ = srv.Serve() }()
	t.Cleanup(func() { srv.Close() })

	// The client trusts the self-signed certificate as its CA, as the API
	// server does with the generated webhook config.
	pool := x509.NewCertPool()
	g.Expect(pool.AppendCertsFromPEM(certPEM)).To(BeTrue())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}

	post := func(url, body string) int {
		resp, err := client.Post(url, "application/json", strings.NewReader(body))
		g.Expect(err).NotTo(HaveOccurred())
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	g.Expect(srv.URL()).To(HavePrefix("https://127.0.0.1:"))
	g.Expect(post(srv.URL(), batch)).To(Equal(http.StatusOK))
	g.Expect(post(strings.TrimSuffix(srv.URL(), webhook.Path)+"/", batch)).To(Equal(http.StatusOK))
	g.Expect(post(srv.URL(), "not json")).To(Equal(http.StatusBadRequest))
	g.Expect(post(srv.URL(), `{"kind":"Pod"}`)).To(Equal(http.StatusBadRequest))

	resp, err := client.Get(srv.URL())
	g.Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))

	rec.mu.Lock()
	defer rec.mu.Unlock()
	g.Expect(rec.events).To(Equal([]string{"a1@webhook:1:1", "a2@webhook:1:3", "a1@webhook:2:1", "a2@webhook:2:3"}))
	g.Expect(rec.malformed).To(Equal([]string{"webhook:1:2", "webhook:2:2", "webhook:3", "webhook:4"}))
}

func TestMetricsHandler_ServesTheTextFormat(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	reg, err := detect.NewRegistry()
	g.Expect(err).NotTo(HaveOccurred())
	m := detect.NewMetrics(reg)
	req, _ := http.NewRequest(http.MethodGet, "/metrics", nil)
	w := &responseRecorder{header: http.Header{}}
	webhook.MetricsHandler(m).ServeHTTP(w, req)
	g.Expect(w.header.Get("Content-Type")).To(HavePrefix("text/plain; version=0.0.4"))
	g.Expect(w.body.String()).To(ContainSubstring("landfall_detect_events_total 0"))
}

type responseRecorder struct {
	header http.Header
	body   bytes.Buffer
	code   int
}

func (r *responseRecorder) Header() http.Header         { return r.header }
func (r *responseRecorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *responseRecorder) WriteHeader(code int)        { r.code = code }
