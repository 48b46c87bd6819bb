package deliveryenv

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/posture"
)

func secret(data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "git"}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestAuthFromSecret(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		data    map[string]string
		want    *delivery.Auth
		wantErr string
	}{
		"a token for https": {
			data: map[string]string{"password": "s3cr3t-token"},
			want: &delivery.Auth{Password: "s3cr3t-token"},
		},
		"basic auth with a CA": {
			data: map[string]string{"username": "ci", "password": "s3cr3t", "ca.crt": "PEM"},
			want: &delivery.Auth{Username: "ci", Password: "s3cr3t", CABundle: []byte("PEM")},
		},
		"an ssh key with known_hosts and a passphrase": {
			data: map[string]string{"identity": "KEY", "known_hosts": "git.example ssh-ed25519 AAAA", "password": "pass"},
			want: &delivery.Auth{SSHKey: []byte("KEY"), KnownHosts: []byte("git.example ssh-ed25519 AAAA"), SSHKeyPassphrase: "pass"},
		},
		"an ssh key without known_hosts is refused": {
			data:    map[string]string{"identity": "s3cr3t-KEY"},
			wantErr: `secret shop/git has "identity" but no "known_hosts": SSH host keys are always verified`,
		},
		"no credentials at all": {
			data:    map[string]string{"username": "ci"},
			wantErr: `secret shop/git has none of "password" (HTTPS), "ca.crt" (HTTPS CA) and "identity" (SSH)`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			got, err := AuthFromSecret(secret(tc.data))
			if tc.wantErr != "" {
				g.Expect(err).To(MatchError(tc.wantErr))
				g.Expect(errors.Is(err, ErrInvalid)).To(BeTrue())
				g.Expect(err.Error()).NotTo(ContainSubstring("s3cr3t"))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tc.want))
		})
	}
}

func env(mods ...func(*landfallv1alpha1.Environment)) *landfallv1alpha1.Environment {
	e := &landfallv1alpha1.Environment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "prod"}}
	e.Spec.Source.URL = "https://git.example/shop.git"
	for _, m := range mods {
		m(e)
	}
	return e
}

func TestGateOptions(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	inline := func(checks ...string) func(*landfallv1alpha1.Environment) {
		return func(e *landfallv1alpha1.Environment) {
			e.Spec.Gate.Exceptions.Inline = append(e.Spec.Gate.Exceptions.Inline, landfallv1alpha1.GateException{
				Checks: checks, Resource: landfallv1alpha1.GateExceptionResource{Kind: "DaemonSet", Name: "agent"}, Reason: "needs the host", Expires: "2027-01-31",
			})
		}
	}
	fromConfigMap := func(e *landfallv1alpha1.Environment) {
		e.Spec.Gate.Exceptions.ConfigMapRef = &landfallv1alpha1.ConfigMapKeyReference{Name: "exceptions"}
	}
	cm := func(data string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "exceptions"}, Data: map[string]string{"exceptions.yaml": data}}
	}
	const file = "exceptions:\n  - checks: [host-network]\n    resource: {kind: CronJob, namespace: shop, name: backup}\n    reason: node-local storage\n"
	tests := map[string]struct {
		env          *landfallv1alpha1.Environment
		cm           *corev1.ConfigMap
		wantSeverity posture.Severity
		wantRules    []string
		wantErr      string
		wantKind     error
	}{
		"defaults block at high, with no exceptions": {
			env: env(), wantSeverity: posture.SeverityHigh,
		},
		"the configmap's exceptions, then the inline ones": {
			env: env(func(e *landfallv1alpha1.Environment) { e.Spec.Gate.MinSeverity = "critical" }, fromConfigMap, inline("privileged-container")),
			cm:  cm(file), wantSeverity: posture.SeverityCritical,
			wantRules: []string{"CronJob/shop/backup [host-network]", "DaemonSet/*/agent [privileged-container]"},
		},
		"an inline exception naming no known check": {
			env: env(inline("privileged-containr")), wantErr: `"privileged-containr" matches no check`, wantKind: ErrInvalid,
		},
		"a configmap without the key": {
			env: env(fromConfigMap), cm: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "exceptions"}},
			wantErr: `configmap shop/exceptions has no key "exceptions.yaml"`, wantKind: ErrMissing,
		},
		"a configmap that is not an exceptions file": {
			env: env(fromConfigMap), cm: cm("exceptions: [oops"), wantErr: "configmap shop/exceptions key exceptions.yaml", wantKind: ErrInvalid,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			got, err := GateOptions(tc.env, tc.cm, now)
			if tc.wantErr != "" {
				g.Expect(err).To(HaveOccurred())
				g.Expect(err.Error()).To(ContainSubstring(tc.wantErr))
				g.Expect(errors.Is(err, tc.wantKind)).To(BeTrue(), "%v", err)
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got.MinSeverity).To(Equal(tc.wantSeverity))
			g.Expect(got.Now).To(Equal(now))
			var rules []string
			if got.Exceptions != nil {
				for _, r := range got.Exceptions.Exceptions {
					rules = append(rules, fmt.Sprintf("%s %v", r.Resource(), r.Checks))
				}
			}
			g.Expect(rules).To(Equal(tc.wantRules))
		})
	}
}

func TestApplyOptions(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	off := false
	o := ApplyOptions(env(func(e *landfallv1alpha1.Environment) {
		e.Spec.Prune = &off
		e.Spec.Target.Namespaces = []string{"shop-prod", "shop-shared"}
		e.Spec.HealthTimeout = &metav1.Duration{Duration: 30 * time.Second}
	}))
	g.Expect(o.Prune).To(BeFalse())
	g.Expect(o.Wait).To(BeTrue())
	g.Expect(o.Timeout).To(Equal(30 * time.Second))
	g.Expect(o.DefaultNamespace).To(Equal("shop-prod"), "the first target namespace")
	g.Expect(o.Namespaces).To(Equal([]string{"shop-prod", "shop-shared"}))
	g.Expect(o.Labels).To(Equal(map[string]string{landfallv1alpha1.LabelEnvironmentName: "prod", landfallv1alpha1.LabelEnvironmentNamespace: "shop"}))
	g.Expect(ApplyOptions(env()).DefaultNamespace).To(Equal("shop"), "the environment's own namespace")
	g.Expect(ApplyOptions(env()).Prune).To(BeTrue(), "prune defaults to on")
}

func TestResolveRevision(t *testing.T) {
	t.Parallel()
	a, b, c := "aa11"+strings.Repeat("0", 36), "aa12"+strings.Repeat("0", 36), "bb00"+strings.Repeat("1", 36)
	e := env(func(e *landfallv1alpha1.Environment) {
		e.Status.LastAppliedRevision = c
		e.Status.History = []landfallv1alpha1.SyncRecord{{Revision: c}, {Revision: b}, {Revision: a}}
	})
	tests := map[string]struct {
		prefix, want, wantErr string
	}{
		"a unique prefix":           {prefix: "aa11", want: a},
		"upper case":                {prefix: "BB00", want: c},
		"a full SHA not in history": {prefix: strings.Repeat("f", 40), want: strings.Repeat("f", 40)},
		"a prefix shorter than 4":   {prefix: "aa1", wantErr: `revision "aa1" is too short`},
		"a prefix of no revision":   {prefix: "aa10", wantErr: `revision "aa10" is not in the history of environment prod`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			got, err := ResolveRevision(e, tc.prefix)
			if tc.wantErr != "" {
				g.Expect(err).To(HaveOccurred())
				g.Expect(err.Error()).To(ContainSubstring(tc.wantErr))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tc.want))
		})
	}
	ambiguous := e.DeepCopy()
	ambiguous.Status.History = append(ambiguous.Status.History, landfallv1alpha1.SyncRecord{Revision: "aa11" + strings.Repeat("9", 36)})
	_, err := ResolveRevision(ambiguous, "aa11")
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring(`revision "aa11" is ambiguous`)))
}

func TestVerdictToAPI(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	var blocking []posture.Finding
	for i := range 25 {
		blocking = append(blocking, posture.Finding{
			CheckID: "privileged-container", Severity: posture.SeverityCritical,
			Object: posture.ObjectRef{Kind: "DaemonSet", Namespace: "shop", Name: fmt.Sprintf("agent-%d", i)},
			Source: posture.Source{File: "dev/agent.yaml", Line: 3}, Path: "spec.x", Message: "runs privileged",
		})
	}
	v := &delivery.Verdict{
		Blocked: true, MinSeverity: "high", Findings: append(blocking, posture.Finding{CheckID: "latest-tag"}), Blocking: blocking, Suppressed: 2,
		CountsByTactic: map[string]int{"privilege-escalation": 25, "execution": 3, "impact": 1},
	}
	got := VerdictToAPI("abc", v)
	g.Expect(got.Blocked).To(BeTrue())
	g.Expect(got.Findings).To(BeEquivalentTo(26))
	g.Expect(got.Excepted).To(BeEquivalentTo(2))
	g.Expect(got.Blocking).To(HaveLen(landfallv1alpha1.MaxGateFindings))
	g.Expect(got.Blocking[0]).To(Equal(landfallv1alpha1.GateFinding{
		Check: "privileged-container", Severity: "critical", Object: "DaemonSet/shop/agent-0", Source: "dev/agent.yaml:3", Path: "spec.x", Message: "runs privileged",
	}))
	// Matrix order, not alphabetical.
	g.Expect(got.Tactics).To(Equal([]landfallv1alpha1.TacticCount{{Tactic: "execution", Count: 3}, {Tactic: "privilege-escalation", Count: 25}, {Tactic: "impact", Count: 1}}))
	g.Expect(BlockedMessage("abcdef0123456789", v)).To(Equal("gate blocked revision abcdef012345: 25 finding(s) at or above high: " +
		"privileged-container (critical) on DaemonSet/shop/agent-0, privileged-container (critical) on DaemonSet/shop/agent-1, " +
		"privileged-container (critical) on DaemonSet/shop/agent-2, and 22 more"))
}

func TestDriftAndHealth(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ref := func(name string) delivery.ObjectRef {
		return delivery.ObjectRef{Kind: "ConfigMap", Namespace: "shop", Name: name}
	}
	g.Expect(DriftOf([]delivery.Change{
		{Object: ref("edited"), Action: delivery.ActionUpdate},
		{Object: ref("deleted"), Action: delivery.ActionCreate},
		{Object: ref("same"), Action: delivery.ActionUnchanged},
		{Object: ref("removed-from-git"), Action: delivery.ActionDelete},
	})).To(Equal([]string{"ConfigMap/shop/edited", "ConfigMap/shop/deleted"}))

	g.Expect(HealthToAPI(nil).Status).To(Equal(landfallv1alpha1.HealthUnknown))
	g.Expect(HealthToAPI(&delivery.Health{Healthy: true}).Status).To(Equal(landfallv1alpha1.HealthHealthy))
	h := HealthToAPI(&delivery.Health{Objects: []delivery.ObjectStatus{
		{Object: ref("a"), Status: "InProgress", Message: "rolling out"},
		{Object: ref("b"), Status: "Failed", Message: "crash loop"},
	}})
	g.Expect(h.Status).To(Equal(landfallv1alpha1.HealthUnhealthy))
	g.Expect(h.Message).To(Equal("ConfigMap/shop/a InProgress: rolling out; ConfigMap/shop/b Failed: crash loop"))
}
