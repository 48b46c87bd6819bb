package delivery

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fluxcd/cli-utils/pkg/object"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
)

// FieldManager is the server-side apply field manager Landfall applies
// with.
const FieldManager = "landfall"

// PruneAnnotation set to PruneDisabled on an applied object keeps it in
// the cluster when it is removed from Git.
const (
	PruneAnnotation = "landfall.dev/prune"
	PruneDisabled   = "disabled"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrAuthentication means the Git server refused the credentials, or
	// needs some.
	ErrAuthentication = errors.New("authentication failed")
	// ErrRevisionNotFound means the branch, tag or commit does not exist.
	ErrRevisionNotFound = errors.New("revision not found")
	// ErrTooLarge means the repository exceeds Fetcher.MaxBytes.
	ErrTooLarge = errors.New("repository too large")
	// ErrPathEscapes means a path (Source.Path, a symbolic link, a
	// kustomize reference) leads outside the repository.
	ErrPathEscapes = errors.New("path leads outside the repository")
	// ErrInvalidSource means the Source is not usable as given.
	ErrInvalidSource = errors.New("invalid source")
	// ErrConflict means a push kept being rejected as non-fast-forward.
	ErrConflict = errors.New("push rejected: the branch moved")
)

// Source names one revision of a directory in a Git repository.
type Source struct {
	// URL is https://, http://, ssh://, user@host:path (scp-like SSH),
	// file:// or a local path. User information in the URL is used as
	// basic-auth credentials when Auth is nil, and never printed.
	URL string
	// Branch is the branch to fetch. With Commit set, it is the branch the
	// commit is fetched from.
	Branch string
	// Tag is the tag to fetch, instead of a branch.
	Tag string
	// Commit is the full commit SHA to check out (rollback). It must be
	// reachable from Branch (or from any branch when Branch is empty).
	Commit string
	// Path is the directory in the repository to render, slash-separated,
	// relative to the repository root; empty means the root.
	Path string
	// Auth holds credentials; nil for none.
	Auth *Auth
}

// String renders the source without credentials, for logs and messages.
func (s Source) String() string {
	var ref string
	switch {
	case s.Commit != "" && s.Branch != "":
		ref = s.Branch + "@" + s.Commit
	case s.Commit != "":
		ref = s.Commit
	case s.Tag != "":
		ref = "tag " + s.Tag
	default:
		ref = s.Branch
	}
	out := RedactURL(s.URL)
	if ref != "" {
		out += " " + ref
	}
	if s.Path != "" {
		out += " path " + s.Path
	}
	return out
}

// Auth holds Git credentials. Its printed and JSON forms are redacted.
type Auth struct {
	// Username and Password are HTTP basic-auth credentials. For a token,
	// set Password to the token; Username defaults to "git".
	Username, Password string
	// SSHKey is a PEM private key for ssh:// URLs.
	SSHKey []byte
	// SSHKeyPassphrase decrypts SSHKey when it is encrypted.
	SSHKeyPassphrase string
	// KnownHosts is a known_hosts file; required with SSHKey (host keys
	// are always verified).
	KnownHosts []byte
	// CABundle holds PEM certificates trusted for https:// URLs, in
	// addition to the system's.
	CABundle []byte
}

// String never shows credentials.
func (a Auth) String() string {
	var kinds []string
	if a.Password != "" {
		kinds = append(kinds, "basic")
	}
	if len(a.SSHKey) > 0 {
		kinds = append(kinds, "ssh-key")
	}
	if len(a.KnownHosts) > 0 {
		kinds = append(kinds, "known-hosts")
	}
	return "Auth{" + strings.Join(kinds, ",") + " redacted}"
}

// GoString never shows credentials.
func (a Auth) GoString() string { return a.String() }

// Format never shows credentials, whatever the verb.
func (a Auth) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(a.String())) }

// MarshalJSON never shows credentials.
func (a Auth) MarshalJSON() ([]byte, error) { return []byte(`"redacted"`), nil }

// Checkout is a fetched revision on disk. Close it when done reading: it
// holds the repository's lock.
type Checkout struct {
	// Revision is the full commit SHA checked out.
	Revision string
	// Dir is the worktree root.
	Dir string
	// Path is Dir joined with Source.Path, checked to stay inside Dir.
	Path string
	// release unlocks the repository; nil once closed.
	release func()
}

// RenderOptions tune Render.
type RenderOptions struct {
	// Root confines reads (kustomize references, symbolic links): nothing
	// outside it is read. Empty means the directory rendered; pass the
	// Checkout's Dir so that overlays may reach bases elsewhere in the
	// repository.
	Root string
	// HelmValuesFiles are values files merged over a chart's values.yaml,
	// relative to Root.
	HelmValuesFiles []string
	// HelmReleaseName is the release name of rendered charts; empty means
	// "release".
	HelmReleaseName string
	// HelmNamespace is the release namespace of rendered charts; empty
	// means "default".
	HelmNamespace string
}

// GateOptions tune Gate.
type GateOptions struct {
	// MinSeverity is the lowest severity that blocks; zero means high.
	MinSeverity posture.Severity
	// Exceptions are config exceptions, as landfall scan --config reads
	// them; nil for none.
	Exceptions *exception.Config
	// NoAnnotations ignores landfall.dev/ignore annotations on objects.
	NoAnnotations bool
	// Now decides which exceptions have expired; zero means time.Now().
	Now time.Time
	// Registry holds the checks to run; nil means every built-in check.
	Registry *posture.Registry
}

// Verdict is what the gate decided about a revision.
type Verdict struct {
	// Blocked is true when a finding is at or above the minimum severity.
	Blocked bool `json:"blocked"`
	// MinSeverity is the severity that blocks.
	MinSeverity string `json:"minSeverity"`
	// Findings are every finding that no exception suppressed, sorted.
	Findings []posture.Finding `json:"findings"`
	// Blocking are the findings that block: those at or above
	// MinSeverity.
	Blocking []posture.Finding `json:"blocking"`
	// Suppressed counts the findings exceptions suppressed.
	Suppressed int `json:"suppressed"`
	// CountsByTactic counts Findings by Threat Matrix tactic ID (a finding
	// counts once under each tactic of its techniques).
	CountsByTactic map[string]int `json:"countsByTactic"`
	// CountsBySeverity counts Findings by severity name.
	CountsBySeverity map[string]int `json:"countsBySeverity"`
}

// ObjectRef identifies a cluster object by group, kind, namespace and
// name, with the version it was applied as.
type ObjectRef struct {
	Group     string `json:"group,omitempty"`
	Version   string `json:"version"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// RefOf returns the reference of an object.
func RefOf(u *unstructured.Unstructured) ObjectRef {
	gvk := u.GroupVersionKind()
	return ObjectRef{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind, Namespace: u.GetNamespace(), Name: u.GetName()}
}

// GroupVersionKind returns the reference's group, version and kind.
func (r ObjectRef) GroupVersionKind() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind}
}

// String renders Kind/namespace/name, or Kind/name when cluster-scoped.
func (r ObjectRef) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// ID is the Flux-style inventory ID: namespace_name_group_kind, with ":"
// in names written "__" (as Flux's kustomize-controller writes it).
func (r ObjectRef) ID() string { return r.objMetadata().String() }

func (r ObjectRef) objMetadata() object.ObjMetadata {
	return object.ObjMetadata{Namespace: r.Namespace, Name: r.Name, GroupKind: schema.GroupKind{Group: r.Group, Kind: r.Kind}}
}

// Inventory lists the objects an environment applied, as Flux's
// kustomize-controller keeps it in status.
type Inventory struct {
	// Entries are sorted by ID.
	Entries []InventoryEntry `json:"entries"`
}

// InventoryEntry is one applied object.
type InventoryEntry struct {
	// ID is namespace_name_group_kind (see ObjectRef.ID).
	ID string `json:"id"`
	// Version is the API version the object was applied as.
	Version string `json:"v"`
}

// ApplierOptions tune an Applier.
type ApplierOptions struct {
	// FieldManager is the server-side apply field manager; empty means
	// FieldManager ("landfall").
	FieldManager string
	// Concurrency is the number of objects applied at once; 0 means 8.
	Concurrency int
	// QPS, when set, replaces the rest.Config's client rate limit; 0
	// keeps a config without limit (QPS < 0) and raises others to at
	// least DefaultQPS. Burst is at least DefaultBurst.
	QPS   float32
	Burst int
	// Cache remembers what was applied, so that resyncs of unchanged
	// objects cost no dry-run; nil gives the Applier a cache of its own.
	// Share one per cluster between the Appliers of its identities.
	Cache *ApplyCache
}

// ApplyOptions tune Apply and Diff.
type ApplyOptions struct {
	// Prune deletes objects of the previous inventory that are no longer
	// applied (unless annotated landfall.dev/prune: disabled).
	Prune bool
	// Wait waits for every applied object to be healthy (kstatus
	// Current) for up to Timeout.
	Wait bool
	// Timeout bounds the wait; 0 means 5 minutes.
	Timeout time.Duration
	// DefaultNamespace is set on namespaced objects that have no
	// namespace; without it such objects fail.
	DefaultNamespace string
	// Namespaces, when not empty, are the only namespaces objects may be
	// in; objects elsewhere fail without being sent. Cluster-scoped
	// objects are left to the API server's RBAC.
	Namespaces []string
	// Force recreates objects whose immutable fields changed.
	Force bool
	// Labels are added to every object, for example to name the
	// environment that applied it.
	Labels map[string]string
}

// Action is what an apply did, or a diff would do, to one object.
type Action string

// Actions.
const (
	// ActionCreate: the object did not exist and is (or would be) created.
	ActionCreate Action = "create"
	// ActionUpdate: the object exists and differs.
	ActionUpdate Action = "update"
	// ActionUnchanged: the object exists and would not change.
	ActionUnchanged Action = "unchanged"
	// ActionDelete: the object is pruned (or would be).
	ActionDelete Action = "delete"
	// ActionSkip: the object was left alone (prune disabled, or not
	// attempted after an earlier failure).
	ActionSkip Action = "skip"
	// ActionFail: applying or deleting the object failed; see
	// Change.Error.
	ActionFail Action = "fail"
)

// Change is what happened, or would happen, to one object.
type Change struct {
	// Object is the object.
	Object ObjectRef `json:"object"`
	// Action is what was done.
	Action Action `json:"action"`
	// Diff is a unified diff of the live and the desired object (YAML),
	// with Secret data masked; set by Diff for updates.
	Diff string `json:"diff,omitempty"`
	// Error is the API server's message when Action is ActionFail.
	Error string `json:"error,omitempty"`
}

// ObjectError is the failure of one object.
type ObjectError struct {
	// Object is the object that failed.
	Object ObjectRef
	// Err is the cause, usually the API server's status error (test it
	// with apierrors.IsForbidden and friends).
	Err error
}

// Error renders "Kind/namespace/name: cause".
func (e *ObjectError) Error() string { return e.Object.String() + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *ObjectError) Unwrap() error { return e.Err }

// Health is the kstatus health of the applied objects.
type Health struct {
	// Healthy is true when every object is Current.
	Healthy bool `json:"healthy"`
	// Objects lists the objects that are not Current, with their status.
	Objects []ObjectStatus `json:"objects,omitempty"`
}

// ObjectStatus is the kstatus status of one object.
type ObjectStatus struct {
	Object ObjectRef `json:"object"`
	// Status is kstatus' status: Current, InProgress, Failed, Terminating,
	// NotFound or Unknown.
	Status string `json:"status"`
	// Message is kstatus' message.
	Message string `json:"message,omitempty"`
}

// Result is the outcome of Apply.
type Result struct {
	// Changes lists every object applied, skipped, failed or pruned.
	Changes []Change `json:"changes"`
	// Inventory is what the environment now owns: the objects applied
	// plus, after a failure or without Prune, the objects of the previous
	// inventory that were not deleted. Store it even when Apply fails.
	Inventory Inventory `json:"inventory"`
	// Health is set when ApplyOptions.Wait was set.
	Health *Health `json:"health,omitempty"`
}

// Signature is a commit author.
type Signature struct {
	Name, Email string
}

// PromoteRequest asks Promote to move an application from one
// environment's path to another's.
type PromoteRequest struct {
	// Repo is the repository and the branch to commit to (URL, Branch,
	// Auth); Tag, Commit and Path are ignored.
	Repo Source
	// FromPath and ToPath are the environments' directories in the
	// repository, for example "envs/staging" and "envs/prod".
	FromPath, ToPath string
	// App is the application's directory under each environment path;
	// empty means the environment path itself.
	App string
	// Images maps an image name (without tag) to the tag to set. Empty
	// means the tags found in FromPath's copy of the application.
	Images map[string]string
	// Copy copies the application's directory from FromPath to ToPath
	// instead of updating image tags.
	Copy bool
	// Revision is the source revision being promoted (the commit the
	// source environment applied), a full SHA on Repo's branch: FromPath
	// is read at this commit, and the commit message names it. Empty
	// means the branch head.
	Revision string
	// Message is added to the commit message's body.
	Message string
	// Marker, when set, is a line the commit message ends with (a
	// trailer such as "Landfall-Promotion: <uid>") that names this
	// promotion. Promote first looks for a commit carrying it among the
	// branch's last MarkerSearchDepth commits: one there means the
	// promotion was pushed before, by a process that stopped before it
	// could record the commit, and Promote returns it as Found and
	// changes nothing.
	Marker string
	// Author signs the commit; empty means "Landfall <landfall@landfall.dev>".
	Author Signature
}

// MarkerSearchDepth is how many commits from the branch head Promote
// searches for a PromoteRequest.Marker.
const MarkerSearchDepth = 50

// PromoteResult is what Promote wrote.
type PromoteResult struct {
	// Commit is the new commit's SHA; empty when nothing changed.
	Commit string `json:"commit,omitempty"`
	// Found is the commit of an earlier push of the same promotion (see
	// PromoteRequest.Marker); nothing was committed.
	Found string `json:"found,omitempty"`
	// Files are the repository paths changed, sorted.
	Files []string `json:"files,omitempty"`
	// Images are the image tags set, name to tag.
	Images map[string]string `json:"images,omitempty"`
	// Message is the commit message.
	Message string `json:"message,omitempty"`
}
