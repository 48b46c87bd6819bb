package dev

import "syscall"

// detached starts the supervisor in a session of its own, so it outlives
// `landfall dev up` and a terminal's hang-up or Ctrl-C does not reach it.
func detached() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true}
}
