package delivery_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/delivery"
	"github.com/landfall-dev/landfall/internal/posture"
	"github.com/landfall-dev/landfall/internal/posture/exception"
)

const privilegedDaemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: apps
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      containers:
      - name: agent
        image: registry.example.com/agent:1.0
        securityContext:
          privileged: true
`

func renderFiles(t *testing.T, files map[string]string) []*posture.Object {
	t.Helper()
	dir := writeTree(t, files)
	objs, err := delivery.Render(t.Context(), dir, delivery.RenderOptions{})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return objs
}

func TestGateBlocksAPrivilegedDaemonSet(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	objs := renderFiles(t, map[string]string{"ds.yaml": privilegedDaemonSet, "cm.yaml": cm("settings", "apps")})

	v, err := delivery.Gate(objs, delivery.GateOptions{MinSeverity: posture.SeverityCritical})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(v.Blocked).To(BeTrue())
	g.Expect(v.Blocking).NotTo(BeEmpty())
	for _, f := range v.Blocking {
		g.Expect(f.Severity).To(Equal(posture.SeverityCritical))
		g.Expect(f.Object.String()).To(Equal("DaemonSet/apps/node-agent"))
	}
	var ids []string
	for _, f := range v.Blocking {
		ids = append(ids, f.CheckID)
	}
	g.Expect(ids).To(ContainElement("privileged-container"))
	g.Expect(v.Blocking[0].Source.File).To(Equal("ds.yaml"), "findings name the file")
	g.Expect(len(v.Findings)).To(BeNumerically(">", len(v.Blocking)), "lower findings are reported but do not block")
	g.Expect(v.CountsByTactic).To(HaveKey("privilege-escalation"))
	g.Expect(v.Summary()).To(ContainSubstring("privileged-container on DaemonSet/apps/node-agent (ds.yaml:1)"))
}

func TestGateHonoursExceptions(t *testing.T) {
	t.Parallel()
	objs := renderFiles(t, map[string]string{"ds.yaml": privilegedDaemonSet})
	cfg, err := exception.Parse("landfall.yaml", []byte(`
exceptions:
  - checks: ["*"]
    resource: {kind: DaemonSet, name: node-agent}
    reason: the node agent needs the host
`))
	if err != nil {
		t.Fatal(err)
	}
	expired, err := exception.Parse("landfall.yaml", []byte(`
exceptions:
  - checks: ["*"]
    reason: was fine once
    expires: 2020-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	annotated := renderFiles(t, map[string]string{"ds.yaml": privilegedDaemonSet[:len("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n")] +
		"  annotations:\n    landfall.dev/ignore: privileged-container\n    landfall.dev/ignore-reason: node agent\n" +
		privilegedDaemonSet[len("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n"):]})

	tests := map[string]struct {
		objs        []*posture.Object
		opts        delivery.GateOptions
		wantBlocked bool
	}{
		"a config exception suppresses":         {objs: objs, opts: delivery.GateOptions{MinSeverity: posture.SeverityCritical, Exceptions: cfg}},
		"an expired exception does not":         {objs: objs, opts: delivery.GateOptions{MinSeverity: posture.SeverityCritical, Exceptions: expired, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, wantBlocked: true},
		"an ignore annotation suppresses":       {objs: annotated, opts: delivery.GateOptions{MinSeverity: posture.SeverityCritical}},
		"annotations can be switched off":       {objs: annotated, opts: delivery.GateOptions{MinSeverity: posture.SeverityCritical, NoAnnotations: true}, wantBlocked: true},
		"no exception, the revision is blocked": {objs: objs, opts: delivery.GateOptions{MinSeverity: posture.SeverityCritical}, wantBlocked: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			v, err := delivery.Gate(tc.objs, tc.opts)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(v.Blocked).To(Equal(tc.wantBlocked), v.Summary())
			if !tc.wantBlocked {
				g.Expect(v.Suppressed).To(BeNumerically(">", 0))
			}
		})
	}
}

func TestGatePassesHarmlessObjects(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	v, err := delivery.Gate(renderFiles(t, map[string]string{"cm.yaml": cm("settings", "apps")}), delivery.GateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(v.Blocked).To(BeFalse(), v.Summary())
	g.Expect(v.MinSeverity).To(Equal("high"))
}
