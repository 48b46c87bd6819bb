package localcluster

import (
	"fmt"
	"regexp"
	"time"
)

// DefaultNodes is the number of simulated nodes a dev cluster gets.
const DefaultNodes = 3

// DefaultZones are the zone labels given to simulated nodes, round robin.
var DefaultZones = []string{"zone-a", "zone-b", "zone-c"}

// Options configure a local cluster. The zero value is a control plane with
// no nodes and no users in a temporary directory.
type Options struct {
	// Dir holds certificates, kubeconfigs, etcd data, logs and the audit
	// log. Empty means a new temporary directory, removed by Stop. An
	// existing directory is reused: its CA, keys and etcd data are kept.
	Dir string
	// BinDir holds the binaries; empty means BinDir().
	BinDir string
	// Nodes is the number of KWOK-simulated nodes; 0 runs no KWOK.
	Nodes int
	// Zones are the topology.kubernetes.io/zone values of the nodes,
	// assigned round robin; empty means DefaultZones.
	Zones []string
	// Users get a client certificate and a kubeconfig each.
	Users []User
	// AuditWebhook, when set, also sends audit events to a webhook.
	AuditWebhook *AuditWebhook
	// AuditPolicy, when set, is the audit policy (audit.k8s.io/v1 YAML)
	// used instead of the built-in one, for example the policy that
	// `landfall detect policy` prints.
	AuditPolicy []byte
	// APIServerArgs are extra kube-apiserver flags ("--name=value"), added
	// after Landfall's own, so they win.
	APIServerArgs []string
	// StartTimeout bounds Start; 0 means 2 minutes.
	StartTimeout time.Duration
	// StopTimeout is how long each component gets after SIGTERM before
	// SIGKILL; 0 means 10 seconds.
	StopTimeout time.Duration
	// FastStorage runs etcd without fsync: for throw-away test clusters.
	FastStorage bool
}

// SampleUsers are the identities of a dev cluster and of the test harness:
// a platform admin bound to cluster-admin and two tenant users in two
// groups with no rights of their own (later pillars grant them some).
var SampleUsers = []User{
	{Name: "platform-admin", Groups: []string{"landfall:platform-admins"}, ClusterRole: "cluster-admin"},
	{Name: "alice", Groups: []string{"team-a"}},
	{Name: "bob", Groups: []string{"team-b"}},
}

// User is a test or sample identity with a client certificate.
type User struct {
	// Name is the user name (the certificate's CN).
	Name string
	// Groups are the user's groups (the certificate's O fields).
	Groups []string
	// ClusterRole, when set, is bound to the user cluster-wide at start
	// (for example "cluster-admin" for a platform admin).
	ClusterRole string
}

// AuditWebhook is where the API server sends audit events in batches, as
// --audit-webhook-config-file does on any cluster.
type AuditWebhook struct {
	// URL is the https endpoint.
	URL string
	// CAData is the PEM CA that signed the endpoint's certificate.
	CAData []byte
	// InsecureSkipTLSVerify skips verification (tests only).
	InsecureSkipTLSVerify bool
}

var userNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

func (o *Options) validate() error {
	if o.Nodes < 0 {
		return fmt.Errorf("nodes: must be 0 or more, got %d", o.Nodes)
	}
	seen := map[string]bool{}
	for i, u := range o.Users {
		if !userNameRE.MatchString(u.Name) {
			return fmt.Errorf("users[%d].name: %q is not a lower-case DNS-style name", i, u.Name)
		}
		if seen[u.Name] || u.Name == "admin" {
			return fmt.Errorf("users[%d].name: %q is used twice or reserved", i, u.Name)
		}
		seen[u.Name] = true
	}
	if o.AuditWebhook != nil && o.AuditWebhook.URL == "" {
		return fmt.Errorf("auditWebhook.url: required")
	}
	return nil
}

func (o *Options) zones() []string {
	if len(o.Zones) > 0 {
		return o.Zones
	}
	return DefaultZones
}

func (o *Options) startTimeout() time.Duration {
	if o.StartTimeout > 0 {
		return o.StartTimeout
	}
	return 2 * time.Minute
}

func (o *Options) stopTimeout() time.Duration {
	if o.StopTimeout > 0 {
		return o.StopTimeout
	}
	return 10 * time.Second
}
