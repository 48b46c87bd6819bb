package deliveryenv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/checks"
	"github.com/landfall-dev/landfall/internal/posture/exception"
	"github.com/landfall-dev/landfall/internal/tenancy"
)

// Keys of the Git credentials Secret, as Flux's GitRepository reads them.
const (
	// KeyUsername is the HTTPS user name ("git" when only a password is
	// given).
	KeyUsername = "username"
	// KeyPassword is the HTTPS password or token, or the passphrase of an
	// encrypted SSH identity.
	KeyPassword = "password"
	// KeyIdentity is the PEM private key for SSH.
	KeyIdentity = "identity"
	// KeyKnownHosts is the known_hosts file for SSH; required with
	// identity (host keys are always verified).
	KeyKnownHosts = "known_hosts"
	// KeyCABundle holds PEM certificates trusted for HTTPS, in addition
	// to the system's.
	KeyCABundle = "ca.crt"
)

// ErrMissing marks an input that does not exist yet (a Secret, a
// ConfigMap or one of their keys): creating it fixes the environment.
var ErrMissing = errors.New("missing input")

// ErrInvalid marks an input whose content is unusable: only changing it
// fixes the environment.
var ErrInvalid = errors.New("invalid input")

// inputError is a message about an input with its kind (ErrMissing or
// ErrInvalid) for errors.Is. The message never quotes a credential.
type inputError struct {
	kind error
	msg  string
}

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == e.kind }

func missing(format string, args ...any) error {
	return &inputError{kind: ErrMissing, msg: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) error {
	return &inputError{kind: ErrInvalid, msg: fmt.Sprintf(format, args...)}
}

// Inputs are what the engine needs to fetch and gate an environment.
type Inputs struct {
	// Source is the revision to fetch, with its credentials.
	Source delivery.Source
	// Gate configures the gate; meaningless when GateDisabled.
	Gate delivery.GateOptions
	// GateDisabled turns the gate off (spec.gate.disabled).
	GateDisabled bool
}

// Load reads the environment's credentials Secret and exceptions
// ConfigMap through c and returns the engine's inputs. Missing objects
// fail with ErrMissing, unusable content with ErrInvalid.
func Load(ctx context.Context, c client.Reader, env *landfallv1alpha1.Environment, now time.Time) (*Inputs, error) {
	in := &Inputs{Source: SourceOf(env), GateDisabled: env.Spec.Gate.Disabled}
	if ref := env.Spec.Source.SecretRef; ref != nil {
		var s corev1.Secret
		if err := c.Get(ctx, types.NamespacedName{Namespace: env.Namespace, Name: ref.Name}, &s); err != nil {
			if apierrors.IsNotFound(err) {
				return nil, missing("secret %s/%s not found", env.Namespace, ref.Name)
			}
			return nil, fmt.Errorf("reading secret %s/%s: %w", env.Namespace, ref.Name, err)
		}
		auth, err := AuthFromSecret(&s)
		if err != nil {
			return nil, err
		}
		in.Source.Auth = auth
	}
	var cm *corev1.ConfigMap
	if ref := env.Spec.Gate.Exceptions.ConfigMapRef; ref != nil && !env.Spec.Gate.Disabled {
		cm = &corev1.ConfigMap{}
		if err := c.Get(ctx, types.NamespacedName{Namespace: env.Namespace, Name: ref.Name}, cm); err != nil {
			if apierrors.IsNotFound(err) {
				return nil, missing("configmap %s/%s not found", env.Namespace, ref.Name)
			}
			return nil, fmt.Errorf("reading configmap %s/%s: %w", env.Namespace, ref.Name, err)
		}
	}
	gate, err := GateOptions(env, cm, now)
	if err != nil {
		return nil, err
	}
	in.Gate = gate
	return in, nil
}

// SourceOf returns the revision the environment's spec names, without
// credentials.
func SourceOf(env *landfallv1alpha1.Environment) delivery.Source {
	src := env.Spec.Source
	return delivery.Source{
		URL:    src.URL,
		Branch: src.Ref.GetBranch(),
		Tag:    src.Ref.Tag,
		Commit: src.Ref.Commit,
		Path:   src.Path,
	}
}

// AtCommit returns src pinned to commit (a rollback): fetched from src's
// branch, or from any branch when src follows a tag.
func AtCommit(src delivery.Source, commit string) delivery.Source {
	src.Commit = commit
	src.Tag = ""
	return src
}

// AuthFromSecret returns the credentials in a Secret: identity and
// known_hosts (and password as the key's passphrase) for SSH, username
// and password (and ca.crt) for HTTPS.
func AuthFromSecret(s *corev1.Secret) (*delivery.Auth, error) {
	name := s.Namespace + "/" + s.Name
	a := &delivery.Auth{}
	if key, ok := s.Data[KeyIdentity]; ok {
		hosts, ok := s.Data[KeyKnownHosts]
		if !ok || len(hosts) == 0 {
			return nil, invalid("secret %s has %q but no %q: SSH host keys are always verified", name, KeyIdentity, KeyKnownHosts)
		}
		a.SSHKey, a.KnownHosts = key, hosts
		a.SSHKeyPassphrase = string(s.Data[KeyPassword])
		return a, nil
	}
	a.Username, a.Password = string(s.Data[KeyUsername]), string(s.Data[KeyPassword])
	a.CABundle = s.Data[KeyCABundle]
	if a.Password == "" && len(a.CABundle) == 0 {
		return nil, invalid("secret %s has none of %q (HTTPS), %q (HTTPS CA) and %q (SSH)", name, KeyPassword, KeyCABundle, KeyIdentity)
	}
	return a, nil
}

// GateOptions returns the gate's options: the minimum severity and the
// exceptions of the ConfigMap (nil for none) followed by the inline ones,
// checked against the built-in check IDs so a typo fails instead of
// silently excepting nothing.
func GateOptions(env *landfallv1alpha1.Environment, cm *corev1.ConfigMap, now time.Time) (delivery.GateOptions, error) {
	gate := env.Spec.Gate
	sev, err := posture.ParseSeverity(gate.GetMinSeverity())
	if err != nil {
		return delivery.GateOptions{}, invalid("spec.gate.minSeverity: %v", err)
	}
	opts := delivery.GateOptions{MinSeverity: sev, Now: now}
	cfg := &exception.Config{File: "Environment " + env.Namespace + "/" + env.Name}
	if cm != nil {
		key := gate.Exceptions.ConfigMapRef.GetKey()
		data, ok := cm.Data[key]
		if !ok {
			return opts, missing("configmap %s/%s has no key %q", cm.Namespace, cm.Name, key)
		}
		parsed, err := exception.Parse("configmap "+cm.Namespace+"/"+cm.Name+" key "+key, []byte(data))
		if err != nil {
			return opts, invalid("%v", err)
		}
		cfg.Exceptions = append(cfg.Exceptions, parsed.Exceptions...)
	}
	if len(gate.Exceptions.Inline) > 0 {
		data, err := yaml.Marshal(map[string]any{"exceptions": gate.Exceptions.Inline})
		if err != nil {
			return opts, fmt.Errorf("encoding inline exceptions: %w", err)
		}
		parsed, err := exception.Parse("spec.gate.exceptions.inline", data)
		if err != nil {
			return opts, invalid("%v", err)
		}
		cfg.Exceptions = append(cfg.Exceptions, parsed.Exceptions...)
	}
	if len(cfg.Exceptions) == 0 {
		return opts, nil
	}
	var ids []string
	for _, c := range checks.All() {
		ids = append(ids, c.ID)
	}
	if err := cfg.Validate(ids); err != nil {
		return opts, invalid("%v", err)
	}
	opts.Exceptions = cfg
	return opts, nil
}

// ApplyOptions returns how the environment's objects are applied:
// pruning per spec.prune, waiting for health up to spec.healthTimeout,
// namespaced objects without a namespace put in the first target
// namespace (or the environment's own),
// only spec.target.namespaces written when it is set, and every object
// labelled with the environment's name and namespace.
func ApplyOptions(env *landfallv1alpha1.Environment) delivery.ApplyOptions {
	return delivery.ApplyOptions{
		Prune:            env.GetPrune(),
		Wait:             true,
		Timeout:          env.GetHealthTimeout(),
		DefaultNamespace: env.GetDefaultNamespace(),
		Namespaces:       env.Spec.Target.Namespaces,
		Labels: map[string]string{
			landfallv1alpha1.LabelEnvironmentName:      env.Name,
			landfallv1alpha1.LabelEnvironmentNamespace: env.Namespace,
		},
	}
}

// DefaultNamespace puts the namespaced objects of a rendered revision
// that name no namespace into ns, as Apply will, so the gate, its
// exceptions and the planned inventory see where each object goes. Kinds
// the mapper does not know (a CRD of the same revision) are left alone;
// Apply places them.
func DefaultNamespace(objs []*posture.Object, mapper meta.RESTMapper, ns string) {
	if ns == "" {
		return
	}
	for _, o := range objs {
		if o.U.GetNamespace() != "" {
			continue
		}
		gvk := o.U.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err == nil && m.Scope.Name() == meta.RESTScopeNameNamespace {
			o.U.SetNamespace(ns)
		}
	}
}

// IsTenantNamespace reports whether a namespace (by its labels) is a
// tenant's space: an environment there always impersonates a
// ServiceAccount of that space.
func IsTenantNamespace(labels map[string]string) bool {
	return labels[tenancy.LabelAccount] != ""
}

// ServiceAccountUser is the user name of a ServiceAccount.
func ServiceAccountUser(namespace, name string) string {
	return "system:serviceaccount:" + namespace + ":" + name
}

// Impersonate returns a copy of cfg that acts as the ServiceAccount
// namespace/name. The API server adds the account's groups; the caller
// needs only the impersonate verb on that serviceaccount.
func Impersonate(cfg *rest.Config, namespace, name string) *rest.Config {
	out := rest.CopyConfig(cfg)
	out.Impersonate = rest.ImpersonationConfig{UserName: ServiceAccountUser(namespace, name)}
	return out
}

// InventoryFromAPI returns the engine's form of a status inventory.
func InventoryFromAPI(inv *landfallv1alpha1.Inventory) delivery.Inventory {
	if inv == nil {
		return delivery.Inventory{}
	}
	out := delivery.Inventory{Entries: make([]delivery.InventoryEntry, 0, len(inv.Entries))}
	for _, e := range inv.Entries {
		out.Entries = append(out.Entries, delivery.InventoryEntry{ID: e.ID, Version: e.Version})
	}
	return out
}

// InventoryToAPI returns the status form of an engine inventory.
func InventoryToAPI(inv delivery.Inventory) *landfallv1alpha1.Inventory {
	out := &landfallv1alpha1.Inventory{Entries: make([]landfallv1alpha1.InventoryEntry, 0, len(inv.Entries))}
	for _, e := range inv.Entries {
		out.Entries = append(out.Entries, landfallv1alpha1.InventoryEntry{ID: e.ID, Version: e.Version})
	}
	return out
}

// Short returns the first 12 characters of a revision, for messages.
func Short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// ResolveRevision returns the full revision of the history whose SHA
// starts with prefix, prefix itself when it is a full SHA, or an error.
func ResolveRevision(env *landfallv1alpha1.Environment, prefix string) (string, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if len(prefix) == 40 || len(prefix) == 64 {
		return prefix, nil
	}
	if len(prefix) < 4 {
		return "", invalid("revision %q is too short", prefix)
	}
	var found []string
	seen := map[string]bool{}
	candidates := []string{env.Status.LastAppliedRevision, env.Status.LastAttemptedRevision, env.Status.LastFetchedRevision}
	for _, h := range env.Status.History {
		candidates = append(candidates, h.Revision)
	}
	for _, r := range candidates {
		if r != "" && strings.HasPrefix(r, prefix) && !seen[r] {
			seen[r] = true
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", invalid("revision %q is not in the history of environment %s: give the full commit SHA", prefix, env.Name)
	default:
		return "", invalid("revision %q is ambiguous: %s", prefix, strings.Join(found, ", "))
	}
}
