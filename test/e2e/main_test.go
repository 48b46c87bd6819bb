package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// landfallBin is the binary under test, built once by TestMain.
var landfallBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "landfall-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	landfallBin = filepath.Join(dir, "landfall")
	build := exec.Command("go", "build", "-o", landfallBin, "../../cmd/landfall")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building landfall: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// landfall runs the binary with args and extra environment.
func landfall(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(landfallBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running landfall %v: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}
