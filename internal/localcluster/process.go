package localcluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// component is one child process of the cluster.
type component struct {
	name    string
	port    int
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
	done    chan struct{} // closed when the process has exited
	waitErr error         // valid after done is closed
	stopped bool          // Stop asked it to end
}

// startComponent starts bin with args, its output appended to
// logDir/<name>.log.
func startComponent(name, bin string, args []string, env []string, logDir string, port int) (*component, error) {
	logPath := filepath.Join(logDir, name+".log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening log of %s: %w", name, err)
	}
	fmt.Fprintf(logFile, "\n==== %s starting %s at %s ====\n", name, filepath.Base(bin), time.Now().Format(time.RFC3339))
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Stdin = nil
	cmd.SysProcAttr = sysProcAttr()
	if env != nil {
		cmd.Env = env
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	c := &component{name: name, port: port, cmd: cmd, logPath: logPath, logFile: logFile, done: make(chan struct{})}
	go func() {
		c.waitErr = cmd.Wait()
		logFile.Close()
		close(c.done)
	}()
	return c, nil
}

// pid returns the process ID.
func (c *component) pid() int { return c.cmd.Process.Pid }

// exited reports whether the process has ended.
func (c *component) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// exitError describes how the process ended, with the tail of its log.
func (c *component) exitError() error {
	status := "exited"
	if c.waitErr != nil {
		status = c.waitErr.Error()
	}
	return &ComponentError{Component: c.name, Err: errors.New(status), LogPath: c.logPath, LogTail: tailFile(c.logPath, 20)}
}

// stop sends SIGTERM to the process group, waits up to timeout, then
// SIGKILLs it and waits for the exit.
func (c *component) stop(timeout time.Duration) {
	c.stopped = true
	if c.exited() {
		return
	}
	pgid := -c.pid()
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-c.done:
		return
	case <-time.After(timeout):
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	_ = c.cmd.Process.Kill()
	<-c.done
}

// ComponentError says which component failed and shows the end of its log.
type ComponentError struct {
	// Component is the component name, for example "kube-apiserver".
	Component string
	// Err is what went wrong.
	Err error
	// LogPath is the component's log file.
	LogPath string
	// LogTail holds the last lines of that log.
	LogTail string
}

func (e *ComponentError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %v", e.Component, e.Err)
	if e.LogTail != "" {
		fmt.Fprintf(&b, "\nlast lines of %s:\n%s", e.LogPath, e.LogTail)
	}
	return b.String()
}

func (e *ComponentError) Unwrap() error { return e.Err }

// tailFile returns the last n lines of a file, each indented.
func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const maxRead = 64 << 10
	if fi, err := f.Stat(); err == nil && fi.Size() > maxRead {
		_, _ = f.Seek(fi.Size()-maxRead, io.SeekStart)
	}
	data, _ := io.ReadAll(f)
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  ")
		b.Write(l)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}
