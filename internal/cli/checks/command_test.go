package checks

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	builtin "github.com/landfall-dev/landfall/internal/posture/checks"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := Command()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestChecksJSONListsEveryCheck(t *testing.T) {
	t.Parallel()
	out, err := run(t, "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got []entry
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if len(got) != len(builtin.All()) {
		t.Fatalf("got %d checks, want %d", len(got), len(builtin.All()))
	}
	for _, e := range got {
		if e.Remediation == "" || len(e.Techniques) == 0 || e.Severity == "" {
			t.Errorf("%s: incomplete entry %+v", e.ID, e)
		}
	}
}

func TestChecksFilterByTechnique(t *testing.T) {
	t.Parallel()
	out, err := run(t, "--technique", "MS-TA9019")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "cluster-admin-binding") || strings.Contains(out, "privileged-container") {
		t.Errorf("filter by MS-TA9019 gave:\n%s", out)
	}
	if _, err := run(t, "--technique", "MS-TA9999"); err == nil || !strings.Contains(err.Error(), "MS-TA9999") {
		t.Errorf("unknown technique: got %v", err)
	}
}

// docs/checks.md is generated; it must match the checks in the binary.
func TestDocsChecksIsUpToDate(t *testing.T) {
	t.Parallel()
	var want bytes.Buffer
	if err := WriteMarkdown(&want, builtin.All()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "..", "docs", "checks.md")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v (regenerate with: go run ./cmd/landfall checks -o markdown > docs/checks.md)", path, err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s is out of date; regenerate with: go run ./cmd/landfall checks -o markdown > docs/checks.md", path)
	}
}
