package rules

import (
	"fmt"

	"github.com/landfall-dev/landfall/internal/detect"
	"github.com/landfall-dev/landfall/internal/posture"
)

// CronJobCreated reports CronJobs created by users.
var CronJobCreated = detect.Rule{
	ID:         "cronjob-created",
	Title:      "CronJob created",
	Severity:   posture.SeverityMedium,
	Techniques: []string{"MS-TA9014"},
	Description: "Reports CronJobs created by anyone but the control plane. A CronJob brings its " +
		"container back on schedule after every cleanup, which makes it a favourite for persistence " +
		"(Falco has no rule for it).",
	Response: "Confirm the CronJob belongs to a known application and was deployed through the usual pipeline.",
	Needs: []detect.Need{{Level: detect.LevelMetadata, Verbs: []string{"create"}, Resources: []detect.GroupResources{
		{Group: "batch", Resources: []string{"cronjobs"}},
	}}},
	Match: cronJobCreated,
}

func cronJobCreated(ev *detect.Event, _ *detect.Settings) (string, bool) {
	if !ev.Is("batch", "cronjobs", "") || ev.Verb != "create" || !byUser(ev) || ev.Code() >= 300 {
		return "", false
	}
	return fmt.Sprintf("created %s", objectName(ev)), true
}
