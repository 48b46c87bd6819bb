package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// ContainerInjected reports patches that add a container to a running
// workload.
var ContainerInjected = detect.Rule{
	ID:         "workload-container-injected",
	Title:      "Container added to a workload by patch",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9011", "MS-TA9012"},
	Description: "Reports JSON patches of pods and workloads that add an entry to containers or " +
		"initContainers. Deploy pipelines replace whole objects; a patch that slips a sidecar into " +
		"an existing workload is how an attacker injects code next to an application, and keeps a " +
		"backdoor container running under a trusted name.",
	Response: "Diff the workload against its source of truth and remove containers nobody deployed.",
	Needs:    []detect.Need{needPodBodies},
	Match:    containerInjected,
}

// jsonPatchOp is one operation of a JSON patch (RFC 6902).
type jsonPatchOp struct {
	Op   string `json:"op"`
	Path string `json:"path"`
}

func containerInjected(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !isPodKind(ev) || ev.Verb != "patch" || !byUser(ev) || len(ev.RequestObject) == 0 || ev.RequestObject[0] != '[' {
		return "", false
	}
	var ops []jsonPatchOp
	if err := json.Unmarshal(ev.RequestObject, &ops); err != nil {
		return "", false
	}
	for _, op := range ops {
		if op.Op != "add" {
			continue
		}
		for _, list := range []string{"/containers/", "/initContainers/"} {
			if i := strings.Index(op.Path, list); i >= 0 && !strings.Contains(op.Path[i+len(list):], "/") {
				return fmt.Sprintf("patch adds a container to %s at %s", objectName(ev), op.Path), true
			}
		}
	}
	return "", false
}
