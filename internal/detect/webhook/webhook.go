package webhook

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/landfall-dev/landfall/internal/detect"
)

// MaxBatchBytes bounds the body of one batch. The API server's default
// batch is 400 events; at a few KiB each this leaves ample room.
const MaxBatchBytes = 256 << 20

// Path is where the receiver accepts batches; "/" is accepted too.
const Path = "/audit"

// Handler receives EventList batches and passes their events to h.
type Handler struct {
	h       detect.Handler
	batches atomic.Int64
}

// NewHandler returns an http.Handler receiving audit batches for h.
func NewHandler(h detect.Handler) http.Handler {
	wh := &Handler{h: h}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path, wh.serve)
	mux.HandleFunc("POST /{$}", wh.serve)
	return mux
}

// batch is an EventList whose items are decoded one by one, so that one
// bad item does not lose the batch.
type batch struct {
	Kind       string            `json:"kind"`
	APIVersion string            `json:"apiVersion"`
	Items      []json.RawMessage `json:"items"`
}

func (wh *Handler) serve(w http.ResponseWriter, r *http.Request) {
	n := wh.batches.Add(1)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBatchBytes))
	if err != nil {
		http.Error(w, fmt.Sprintf("reading batch: %v", err), http.StatusRequestEntityTooLarge)
		return
	}
	var b batch
	if err := json.Unmarshal(body, &b); err != nil {
		wh.h.Malformed(detect.Malformed{Position: detect.Position{Name: "webhook:" + strconv.FormatInt(n, 10)}, Err: err})
		http.Error(w, fmt.Sprintf("decoding EventList: %v", err), http.StatusBadRequest)
		return
	}
	if b.Kind != "" && b.Kind != "EventList" {
		err := fmt.Errorf("kind %q is not EventList", b.Kind)
		wh.h.Malformed(detect.Malformed{Position: detect.Position{Name: "webhook:" + strconv.FormatInt(n, 10)}, Err: err})
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	name := "webhook:" + strconv.FormatInt(n, 10)
	var ev detect.Event
	for i, item := range b.Items {
		pos := detect.Position{Name: name, Line: i + 1}
		if err := detect.DecodeEvent(item, &ev); err != nil {
			wh.h.Malformed(detect.Malformed{Position: pos, Err: err})
			continue
		}
		wh.h.Event(&ev, pos)
	}
	w.WriteHeader(http.StatusOK)
}

// MetricsHandler serves m in the Prometheus text format on /metrics.
func MetricsHandler(m *detect.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = m.WriteTo(w)
	})
	return mux
}

// Server is an HTTPS server for a Handler.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Listen listens on addr ("127.0.0.1:0" picks a port) with the given TLS
// certificate and returns a server that Serve runs.
func Listen(addr string, cert tls.Certificate, h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}
	return &Server{srv: srv, ln: ln}, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the https URL of the receiver's Path.
func (s *Server) URL() string { return "https://" + s.Addr() + Path }

// Serve serves until Close; it returns nil after Close.
func (s *Server) Serve() error {
	err := s.srv.ServeTLS(s.ln, "", "")
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the server at once.
func (s *Server) Close() error { return s.srv.Close() }

// SelfSigned returns a self-signed ECDSA serving certificate for hosts (DNS
// names or IP addresses), valid for validFor, as PEM: the certificate is
// its own CA, so certPEM is also the CA data for WebhookConfig.
func SelfSigned(hosts []string, validFor time.Duration) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, fmt.Errorf("generating serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "landfall-detect"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(validFor),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("signing certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// Names of the certificate pair in a directory, as Kubernetes TLS Secrets
// and controller-runtime's webhook server name them.
const (
	CertFile = "tls.crt"
	KeyFile  = "tls.key"
)

// LoadOrGenerate loads dir/tls.crt and dir/tls.key, first generating a
// self-signed pair for hosts there (see SelfSigned), valid for a year, if
// the certificate is missing. It returns the certificate and its PEM,
// which doubles as the CA data for WebhookConfig.
func LoadOrGenerate(dir string, hosts []string) (cert tls.Certificate, certPEM []byte, err error) {
	crt, key := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	if _, err := os.Stat(crt); errors.Is(err, os.ErrNotExist) {
		certPEM, keyPEM, err := SelfSigned(hosts, 365*24*time.Hour)
		if err != nil {
			return cert, nil, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return cert, nil, fmt.Errorf("creating %s: %w", dir, err)
		}
		if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
			return cert, nil, fmt.Errorf("writing key: %w", err)
		}
		if err := os.WriteFile(crt, certPEM, 0o644); err != nil { // #nosec G306 -- a public certificate
			return cert, nil, fmt.Errorf("writing certificate: %w", err)
		}
	}
	if certPEM, err = os.ReadFile(crt); err != nil {
		return cert, nil, fmt.Errorf("reading serving certificate: %w", err)
	}
	if cert, err = tls.LoadX509KeyPair(crt, key); err != nil {
		return cert, nil, fmt.Errorf("loading serving certificate: %w", err)
	}
	return cert, certPEM, nil
}
