package cluster

import "github.com/landfall-dev/landfall/internal/posture"

// Checks returns the cluster checks, sorted by ID.
func Checks() []posture.Check {
	return []posture.Check{
		WebhookExternalURL,
		CronJobSchedule,
		EphemeralContainers,
		KubeSystemUnownedPod,
		MutatingWebhookPods,
		MirrorPodOutsideSystem,
		SystemNameMimic,
	}
}
