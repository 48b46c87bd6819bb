package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// AnonymousRequest reports requests without credentials that succeeded.
var AnonymousRequest = detect.Rule{
	ID:         "anonymous-request-allowed",
	Title:      "Anonymous request allowed",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9029"},
	Description: "Reports requests by system:anonymous that succeeded, except the health and version " +
		"endpoints open to everyone by default (falco#1794). Anonymous access that works means some " +
		"binding grants rights to the whole network.",
	Response: "Find the binding that grants system:anonymous or system:unauthenticated rights and remove it.",
	Needs:    []detect.Need{{Level: detect.LevelMetadata, Users: []string{"system:anonymous"}}},
	Match:    anonymousRequest,
}

func anonymousRequest(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if ev.User.Username != "system:anonymous" || !ev.Succeeded() {
		return "", false
	}
	path, _, _ := strings.Cut(ev.RequestURI, "?")
	if slices.ContainsFunc(detect.HealthURLs, func(p string) bool {
		return path == p || (strings.HasSuffix(p, "/*") && strings.HasPrefix(path, strings.TrimSuffix(p, "*")))
	}) {
		return "", false
	}
	if ev.ObjectRef == nil {
		return fmt.Sprintf("anonymous %s %s succeeded", ev.Verb, path), true
	}
	return fmt.Sprintf("anonymous %s of %s succeeded", ev.Verb, objectName(ev)), true
}
