package detect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// execRule is a test rule that fires on exec into pods.
var execRule = detect.Rule{
	ID: "test-exec", Title: "Exec", Severity: posture.SeverityMedium, Techniques: []string{"MS-TA9006"},
	Description: "Test rule.", Response: "Look.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{{Resources: []string{"pods/exec"}}}}},
	Match: func(ev *detect.Event, _ *detect.Settings) (string, bool) {
		return "exec in " + ev.Name(), ev.Is("", "pods", "exec")
	},
}

// deleteRule is a test burst rule on deletes.
var deleteRule = detect.Rule{
	ID: "test-delete-burst", Title: "Deletes", Severity: posture.SeverityHigh, Techniques: []string{"MS-TA9038"},
	Description: "Test rule.", Response: "Look.", Burst: true,
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"delete"}}},
	Match: func(ev *detect.Event, _ *detect.Settings) (string, bool) { return "deleted", ev.Verb == "delete" },
}

// eventLine renders one audit event as a JSON line.
func eventLine(id, user, verb, resource, sub, ns, name string, t time.Time) string {
	ev := map[string]any{
		"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": id, "stage": "ResponseComplete",
		"requestURI": "/api/v1/namespaces/" + ns + "/" + resource, "verb": verb,
		"user":           map[string]any{"username": user, "groups": []string{"system:authenticated"}},
		"sourceIPs":      []string{"10.0.0.1"},
		"objectRef":      map[string]any{"resource": resource, "subresource": sub, "namespace": ns, "name": name},
		"responseStatus": map[string]any{"code": 200}, "requestReceivedTimestamp": t.Format(time.RFC3339Nano),
		"stageTimestamp": t.Format(time.RFC3339Nano),
	}
	data, _ := json.Marshal(ev)
	return string(data)
}

// collector is a Handler that records what it is given.
type collector struct {
	mu        sync.Mutex
	ids       []string
	positions []string
	malformed []detect.Malformed
}

func (c *collector) Event(ev *detect.Event, pos detect.Position) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ids = append(c.ids, ev.AuditID)
	c.positions = append(c.positions, pos.String())
}

func (c *collector) Malformed(m detect.Malformed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.malformed = append(c.malformed, m)
}

func (c *collector) snapshot() ([]string, []detect.Malformed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.ids...), append([]detect.Malformed(nil), c.malformed...)
}

func id(i int) string { return fmt.Sprintf("id-%04d", i) }

// contextWithCancel returns a context ended by cancel or the test's end.
func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}
