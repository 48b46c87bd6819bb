package detect

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// Level is an audit level, as in an audit.k8s.io/v1 Policy.
type Level string

// Audit levels a rule can need, lowest first.
const (
	// LevelMetadata records who did what to which object, without bodies.
	LevelMetadata Level = "Metadata"
	// LevelRequest also records the request body.
	LevelRequest Level = "Request"
	// LevelRequestResponse also records the response body.
	LevelRequestResponse Level = "RequestResponse"
)

// rank orders levels; 0 for an unknown level.
func (l Level) rank() int {
	switch l {
	case LevelMetadata:
		return 1
	case LevelRequest:
		return 2
	case LevelRequestResponse:
		return 3
	}
	return 0
}

// GroupResources are resources of one API group, as in an audit policy.
type GroupResources struct {
	// Group is the API group, "" for core.
	Group string `json:"group"`
	// Resources are plural resources, with subresources as "pods/exec".
	// Empty means every resource of the group.
	Resources []string `json:"resources,omitempty"`
}

// Need is one slice of the audit log a rule reads, at the level it needs.
// Empty fields match everything, as in an audit policy rule.
type Need struct {
	// Level is the least audit level the rule needs.
	Level Level
	// Verbs limit the need to these verbs.
	Verbs []string
	// Resources limit the need to these resources; empty means every
	// request, resource or not.
	Resources []GroupResources
	// Users limit the need to requests by these users.
	Users []string
	// UserGroups limit the need to requests by users in these groups.
	UserGroups []string
}

// Settings are the rule parameters a user can configure.
type Settings struct {
	// ServiceAccountCIDRs are the networks service accounts normally call
	// from (the pod network, the nodes). Empty disables the rule that
	// reports service accounts used from elsewhere.
	ServiceAccountCIDRs []netip.Prefix
	// ProxyCIDRs are networks of known proxies, VPN exits and Tor exit
	// nodes. Empty disables the rule that reports requests from them.
	ProxyCIDRs []netip.Prefix
	// BurstThreshold is how many hits of a burst rule by one user within
	// BurstWindow raise an alert.
	BurstThreshold int
	// BurstWindow is the sliding window of burst rules.
	BurstWindow time.Duration
	// TrustedRegistries are the registries (hosts such as "ghcr.io") and
	// repository prefixes (such as "docker.io/library") images may come
	// from, as path.Match patterns. Empty disables the rule that reports
	// images from other registries.
	TrustedRegistries []string
	// CloudIdentities are user name patterns ("*" matches any run of
	// characters, "/" included) of identities a cloud provider maps into
	// the cluster. Nil means DefaultCloudIdentities.
	CloudIdentities []string
	// PullSecretNames are name patterns (path.Match) of image pull
	// secrets: the audit log records secrets at Metadata level, so the
	// name is all a rule sees of a secret. Nil means
	// DefaultPullSecretNames.
	PullSecretNames []string
}

// DefaultCloudIdentities are the user names that cloud credentials turn
// into, where they cannot be an ordinary in-cluster identity:
//
//   - "arn:aws:*": EKS access entries and aws-auth mappings that keep the
//     IAM principal's ARN as the user name (the access entry default);
//   - "masterclient": the AKS local admin credential that
//     az aks get-credentials --admin fetches with Azure rights alone;
//   - "*.iam.gserviceaccount.com": Google service accounts on GKE.
//
// EKS's own "eks:*" users (eks:addon-manager, eks:node-manager ...) are
// left out on purpose: they are AWS's control plane, not a stolen key,
// and write RBAC and DaemonSets routinely. Human cloud accounts (Entra ID
// or Google users) look like any OIDC user; add their patterns, such as
// "*@example.com", in the config file when the cluster has no other
// identity provider.
var DefaultCloudIdentities = []string{"arn:aws:*", "masterclient", "*.iam.gserviceaccount.com"}

// DefaultPullSecretNames are the usual names of image pull secrets:
// kubectl create secret docker-registry examples, Helm charts and the
// cloud registries' helpers.
var DefaultPullSecretNames = []string{
	"regcred*", "*pull-secret*", "*pullsecret*", "*-dockercfg*", "*dockerconfig*",
	"*docker-registry*", "*registry-cred*", "ecr-*", "acr-*", "gcr-*",
}

// CloudIdentityPatterns returns CloudIdentities, or the defaults when nil.
func (s *Settings) CloudIdentityPatterns() []string {
	if s.CloudIdentities == nil {
		return DefaultCloudIdentities
	}
	return s.CloudIdentities
}

// PullSecretPatterns returns PullSecretNames, or the defaults when nil.
func (s *Settings) PullSecretPatterns() []string {
	if s.PullSecretNames == nil {
		return DefaultPullSecretNames
	}
	return s.PullSecretNames
}

// Default burst parameters.
const (
	DefaultBurstThreshold = 10
	DefaultBurstWindow    = time.Minute
)

// DefaultSettings returns the settings used when nothing is configured.
func DefaultSettings() Settings {
	return Settings{BurstThreshold: DefaultBurstThreshold, BurstWindow: DefaultBurstWindow}
}

// MatchFunc is a rule's pure function: it reads ev and settings, never
// modifies them, and returns a one-sentence message when ev shows the
// behaviour. The message names objects, paths and verbs but never quotes
// values from request bodies.
type MatchFunc func(ev *Event, s *Settings) (message string, ok bool)

// Rule is one detection rule: metadata plus a pure match function, in the
// shape of a posture.Check.
type Rule struct {
	// ID is stable, explicit and kebab-case, for example "pod-exec".
	ID string
	// Title is a short human name.
	Title string
	// Severity of each alert.
	Severity posture.Severity
	// Techniques are the Threat Matrix technique IDs (MS-TA9xxx) the
	// behaviour belongs to.
	Techniques []string
	// Description says what the rule looks for and why it matters.
	Description string
	// Response says what to do when the rule fires; a full sentence.
	Response string
	// Needs are the audit events the rule reads, for the minimal policy.
	Needs []Need
	// Match is the rule's pure function.
	Match MatchFunc
	// Burst makes the rule stateful in the engine: an alert is raised only
	// when one user has Settings.BurstThreshold hits of Match within
	// Settings.BurstWindow.
	Burst bool
}

// kebabID matches stable rule IDs.
var kebabID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks the rule's metadata: a kebab-case ID, a title, a
// description, a response ending in a period, a valid severity, at least
// one technique, each an active technique of the catalog, at least one
// need with a valid level, and a Match function.
func (r Rule) Validate() error {
	switch {
	case !kebabID.MatchString(r.ID):
		return fmt.Errorf("id %q is not kebab-case", r.ID)
	case strings.TrimSpace(r.Title) == "":
		return fmt.Errorf("empty title")
	case strings.TrimSpace(r.Description) == "":
		return fmt.Errorf("empty description")
	case !strings.HasSuffix(r.Response, "."):
		return fmt.Errorf("response %q is not a sentence ending in a period", r.Response)
	case r.Severity < posture.SeverityLow || r.Severity > posture.SeverityCritical:
		return fmt.Errorf("invalid severity %d", int(r.Severity))
	case len(r.Techniques) == 0:
		return fmt.Errorf("no techniques")
	case len(r.Needs) == 0:
		return fmt.Errorf("no audit needs")
	case r.Match == nil:
		return fmt.Errorf("nil Match")
	}
	for _, id := range r.Techniques {
		t, ok := threatmatrix.TechniqueByID(id)
		if !ok {
			return fmt.Errorf("technique %s is not in the Threat Matrix catalog", id)
		}
		if !t.Active() {
			return fmt.Errorf("technique %s is retired", id)
		}
	}
	for i, n := range r.Needs {
		if n.Level.rank() == 0 {
			return fmt.Errorf("needs[%d]: invalid level %q", i, n.Level)
		}
	}
	return nil
}

// Tactics returns the IDs of the tactics of the rule's techniques, without
// duplicates, in the order the techniques list them.
func (r Rule) Tactics() []string {
	var out []string
	for _, id := range r.Techniques {
		t, _ := threatmatrix.TechniqueByID(id)
		for _, tac := range t.Tactics {
			if !slices.Contains(out, tac) {
				out = append(out, tac)
			}
		}
	}
	return out
}

// Registry is an explicit, validated set of rules, sorted by ID. It is
// immutable after NewRegistry and safe for concurrent use.
type Registry struct {
	rules []Rule
	byID  map[string]int
}

// NewRegistry validates the rules and returns a registry of them. It
// rejects duplicate IDs and rules that fail Rule.Validate.
func NewRegistry(rules ...Rule) (*Registry, error) {
	r := &Registry{byID: make(map[string]int, len(rules))}
	for _, rule := range rules {
		if err := rule.Validate(); err != nil {
			return nil, fmt.Errorf("registering rule %q: %w", rule.ID, err)
		}
		if _, dup := r.byID[rule.ID]; dup {
			return nil, fmt.Errorf("duplicate rule id: %s", rule.ID)
		}
		r.byID[rule.ID] = -1
		r.rules = append(r.rules, rule)
	}
	slices.SortFunc(r.rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	for i, rule := range r.rules {
		r.byID[rule.ID] = i
	}
	return r, nil
}

// All returns the rules sorted by ID. The slice is a copy; the rules'
// slices are shared and must not be modified.
func (r *Registry) All() []Rule { return slices.Clone(r.rules) }

// Len returns the number of rules.
func (r *Registry) Len() int { return len(r.rules) }

// Get returns the rule with the given ID.
func (r *Registry) Get(id string) (Rule, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Rule{}, false
	}
	return r.rules[i], true
}

// IDs returns the rule IDs, sorted.
func (r *Registry) IDs() []string {
	out := make([]string, len(r.rules))
	for i, rule := range r.rules {
		out[i] = rule.ID
	}
	return out
}
