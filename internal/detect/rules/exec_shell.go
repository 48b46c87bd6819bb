package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ExecShell reports exec requests that start a shell.
var ExecShell = detect.Rule{
	ID:         "exec-shell",
	Title:      "Shell started in a container",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9007"},
	Description: "Reports pods/exec requests whose command is a Unix shell (sh, bash, ash, zsh ...), " +
		"busybox sh, or cmd or PowerShell on Windows nodes. A shell is an interactive foothold: " +
		"anything can be run from it without showing up in the audit log. The log sees only shells " +
		"started through the API; one spawned by an exploited process needs a runtime sensor.",
	Response: "Find out what was run in the shell (the user, the pod's processes); restrict pods/exec and prefer kubectl debug with a separate image.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Resources: []detect.GroupResources{
		{Group: "", Resources: []string{"pods/exec"}},
	}}},
	Match: execShell,
}

// shells are the programs that start a shell, by base name.
var shells = []string{
	"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish",
	"cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh", "pwsh.exe",
}

// baseName is the lower-case program name of a Unix or Windows path.
func baseName(cmd string) string {
	if i := strings.LastIndexByte(cmd, '\\'); i >= 0 {
		cmd = cmd[i+1:]
	}
	return strings.ToLower(program(cmd))
}

func execShell(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("", "pods", "exec") || !byUser(ev) {
		return "", false
	}
	args := execArgs(ev)
	if len(args) == 0 {
		return "", false
	}
	prog := baseName(args[0])
	if prog == "busybox" && len(args) > 1 {
		prog = baseName(args[1])
	}
	if !slices.Contains(shells, prog) {
		return "", false
	}
	return fmt.Sprintf("shell %q started in pod %s/%s", prog, ev.Namespace(), ev.Name()), true
}
