package localcluster

import "syscall"

// sysProcAttr puts a child in its own process group, so a terminal's Ctrl-C
// reaches only the parent (which stops the children in order), and asks
// the kernel to SIGKILL the child if the parent dies first, so no component
// outlives a test binary that panics or is killed.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
