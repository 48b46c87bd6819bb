package detect_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/detect"
)

func TestReadEvents_ReportsMalformedLinesWithTheirNumbersAndGoesOn(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	now := time.Now()
	input := strings.Join([]string{
		eventLine("a", "alice", "get", "pods", "", "ns", "p", now),
		`{"not": "an event"}`,
		"",
		`{"auditID": "broken"`,
		eventLine("b", "alice", "get", "pods", "", "ns", "p", now),
		"not json at all",
	}, "\n") + "\n" + eventLine("c", "bob", "get", "pods", "", "ns", "p", now) // no final newline
	c := &collector{}
	g.Expect(detect.ReadEvents(t.Context(), strings.NewReader(input), "audit.log", c)).To(Succeed())
	ids, malformed := c.snapshot()
	g.Expect(ids).To(Equal([]string{"a", "b", "c"}))
	g.Expect(c.positions).To(Equal([]string{"audit.log:1", "audit.log:5", "audit.log:7"}))
	lines := []string{}
	for _, m := range malformed {
		lines = append(lines, m.Position.String())
	}
	g.Expect(lines).To(Equal([]string{"audit.log:2", "audit.log:4", "audit.log:6"}))
	g.Expect(malformed[0].Error()).To(ContainSubstring("audit.log:2: malformed audit event: no auditID and no verb"))
}

func TestReadFile_NamesAMissingFile(t *testing.T) {
	t.Parallel()
	err := detect.ReadFile(t.Context(), filepath.Join(t.TempDir(), "nope.log"), &collector{})
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring("nope.log")))
}

// appendLines appends lines to file, each with a newline.
func appendLines(t *testing.T, file string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, l := range lines {
		if _, err := f.WriteString(l + "\n"); err != nil {
			t.Fatal(err)
		}
	}
}

func lines(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, eventLine(id(i), "alice", "get", "pods", "", "ns", "p", time.Now()))
	}
	return out
}

func ids(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, id(i))
	}
	return out
}

func TestFollow_SurvivesRenameAndTruncationWithoutLossOrRepeats(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "audit.log")
	appendLines(t, file, lines(0, 5)...)

	c := &collector{}
	done := make(chan error, 1)
	ctx := t.Context()
	go func() { done <- detect.Follow(ctx, file, detect.FollowOptions{Poll: 10 * time.Millisecond}, c) }()
	eventually := func(want []string) {
		t.Helper()
		g.Eventually(func() []string { got, _ := c.snapshot(); return got }, 5*time.Second, 10*time.Millisecond).Should(Equal(want))
	}
	eventually(ids(0, 5))

	// Growth, with a line written in two parts: decoded once complete.
	appendLines(t, file, lines(5, 8)...)
	half := eventLine(id(8), "alice", "get", "pods", "", "ns", "p", time.Now())
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0o600)
	g.Expect(err).NotTo(HaveOccurred())
	_, _ = f.WriteString(half[:40])
	f.Close()
	eventually(ids(0, 8))
	f, _ = os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0o600)
	_, _ = f.WriteString(half[40:] + "\n")
	f.Close()
	eventually(ids(0, 9))

	// Rename rotation (the API server's lumberjack, logrotate create):
	// the old file gets more lines after the rename and before the new
	// file appears; none is lost.
	g.Expect(os.Rename(file, filepath.Join(dir, "audit-1.log"))).To(Succeed())
	appendLines(t, filepath.Join(dir, "audit-1.log"), lines(9, 11)...)
	time.Sleep(30 * time.Millisecond)
	appendLines(t, file, lines(11, 14)...)
	eventually(ids(0, 14))

	// copytruncate: the file shrinks; reading starts again at its start.
	g.Expect(os.Truncate(file, 0)).To(Succeed())
	time.Sleep(50 * time.Millisecond)
	appendLines(t, file, lines(14, 16)...)
	eventually(ids(0, 16))

	_, malformed := c.snapshot()
	g.Expect(malformed).To(BeEmpty())
	// Positions restart per file.
	g.Expect(c.positions[9]).To(Equal(filepath.Join(dir, "audit.log") + ":10"))
	g.Expect(c.positions[11]).To(Equal(filepath.Join(dir, "audit.log") + ":1"))
	g.Consistently(done, 50*time.Millisecond).ShouldNot(Receive())
}

func TestFollow_WaitsForTheFileAndStopsWithTheContext(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	file := filepath.Join(t.TempDir(), "later.log")
	c := &collector{}
	ctx, cancel := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- detect.Follow(ctx, file, detect.FollowOptions{Poll: 10 * time.Millisecond}, c) }()
	time.Sleep(30 * time.Millisecond)
	appendLines(t, file, lines(0, 2)...)
	g.Eventually(func() []string { got, _ := c.snapshot(); return got }, 5*time.Second).Should(Equal(ids(0, 2)))
	cancel()
	g.Eventually(done, 5*time.Second).Should(Receive(BeNil()))
}

func TestFollow_FromEndSkipsWhatIsThere(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	file := filepath.Join(t.TempDir(), "audit.log")
	appendLines(t, file, lines(0, 3)...)
	c := &collector{}
	go func() {
		_ = detect.Follow(t.Context(), file, detect.FollowOptions{Poll: 10 * time.Millisecond, FromEnd: true}, c)
	}()
	// Append one line at a time until the follower reports one: a line
	// appended before it reached the end of the file is skipped with
	// the others, however long it took to start.
	next := 3
	g.Eventually(func() []string {
		appendLines(t, file, lines(next, next+1)...)
		next++
		got, _ := c.snapshot()
		return got
	}, 10*time.Second, 50*time.Millisecond).ShouldNot(BeEmpty())
	appendLines(t, file, lines(next, next+2)...)
	next += 2
	got, _ := c.snapshot()
	first := slices.Index(ids(0, next), got[0])
	g.Expect(first).To(BeNumerically(">=", 3), "a line that was there before following started: %v", got)
	g.Eventually(func() []string { got, _ := c.snapshot(); return got }, 5*time.Second).Should(Equal(ids(first, next)))
	g.Expect(c.positions[0]).To(HaveSuffix(fmt.Sprintf(":%d", 1)), "line numbers count from where following started")
}
