package cluster

import (
	"fmt"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// CronJobSchedule lists active CronJobs for review.
var CronJobSchedule = posture.Check{
	ID:         "cronjob-active",
	Title:      "Active CronJob",
	Severity:   posture.SeverityLow,
	Techniques: []string{"MS-TA9014"},
	Kinds:      []string{"CronJob"},
	Description: "Lists CronJobs that are not suspended so their owners can confirm them: a " +
		"CronJob is a persistence mechanism that re-creates an attacker's pod on a schedule. " +
		"The pod template is checked by the workload checks like any other.",
	Remediation: "Confirm the CronJob is expected and owned, or delete it; set spec.suspend to true for CronJobs kept but not in use.",
	Run:         cronJobActive,
}

// cronJobActive reports the schedule and images, which is what a reviewer
// needs to tell a backup job from a backdoor.
func cronJobActive(cj *posture.Object, _ posture.Index) []posture.Violation {
	if suspended, _ := posture.Bool(cj.U.Object, "spec", "suspend"); suspended {
		return nil
	}
	var images []string
	if pt, ok := posture.PodTemplateOf(cj); ok {
		for _, c := range pt.Containers() {
			images = append(images, posture.Str(c.Map, "image"))
		}
	}
	return []posture.Violation{{
		Path: "spec.schedule",
		Message: fmt.Sprintf("CronJob runs on schedule %q with images %s",
			posture.Str(cj.U.Object, "spec", "schedule"), strings.Join(images, ", ")),
	}}
}
