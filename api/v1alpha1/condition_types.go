package v1alpha1

// Condition types shared by every Landfall Kind. They follow kstatus: Ready
// summarises, Reconciling and Stalled are abnormal-true (present only while
// they hold).
const (
	// ReadyCondition is True when the object's last reconciliation
	// succeeded and the object is fit for use (for a Cluster: the cluster
	// answered the probe). Normal-true.
	ReadyCondition string = "Ready"

	// ReconcilingCondition is True while the controller is still working
	// towards Ready, including retries after a transient failure.
	// Abnormal-true: removed once Ready is True.
	ReconcilingCondition string = "Reconciling"

	// StalledCondition is True when the controller cannot make progress
	// without a change to the object or its inputs (invalid spec, a
	// malformed kubeconfig). Abnormal-true: removed once the cause is fixed.
	StalledCondition string = "Stalled"
)

// Reasons used by the Cluster reconciler in the conditions above.
const (
	// ClusterReachableReason (Ready=True): the probe reached the API server
	// and read its version and nodes.
	ClusterReachableReason string = "ClusterReachable"

	// ClusterUnreachableReason (Ready=False, Reconciling=True): the API
	// server did not answer or answered with an error; the probe is retried
	// with backoff.
	ClusterUnreachableReason string = "ClusterUnreachable"

	// SecretNotFoundReason (Ready=False, Reconciling=True): the referenced
	// kubeconfig Secret, or its key, does not exist yet; retried.
	SecretNotFoundReason string = "SecretNotFound"

	// InvalidKubeConfigReason (Ready=False, Stalled=True): the Secret holds
	// data that is not a usable kubeconfig. Fixing the Secret triggers a new
	// reconciliation.
	InvalidKubeConfigReason string = "InvalidKubeConfig"

	// InvalidSpecReason (Ready=False, Stalled=True): the spec names neither
	// or both of kubeConfig and inCluster.
	InvalidSpecReason string = "InvalidSpec"

	// ProgressingReason (Reconciling=True): a new generation is being
	// probed for the first time.
	ProgressingReason string = "Progressing"

	// RetryingReason (Reconciling=True): the last attempt failed and the
	// next one is scheduled.
	RetryingReason string = "Retrying"
)

// Reasons used by the Environment and Promotion reconcilers (delivery).
const (
	// SyncSucceededReason (Environment Ready=True): the revision is
	// applied, pruned and healthy.
	SyncSucceededReason string = "SyncSucceeded"

	// FetchFailedReason (Environment Ready=False, Reconciling=True): the
	// source could not be fetched; the last good state stays applied.
	FetchFailedReason string = "FetchFailed"

	// RenderFailedReason, declared with the tenancy reasons, is also the
	// Environment's (Ready=False, Stalled=True) when a revision does not
	// render (bad YAML, kustomization or chart): the last good state
	// stays applied until a new revision fixes it.

	// GateBlockedReason (Environment Ready=False, Stalled=True): the
	// security gate found a finding at or above minSeverity in the
	// revision; nothing of it was applied. status.gate says which.
	GateBlockedReason string = "GateBlocked"

	// ApplyFailedReason, declared with the tenancy reasons, is also the
	// Environment's (Ready=False, Reconciling=True) when the API server
	// refused objects of the revision (RBAC of the impersonated account,
	// validation, a namespace outside target.namespaces); the message
	// names them.

	// HealthCheckFailedReason (Environment Ready=False, Reconciling=True):
	// applied objects did not become healthy within healthTimeout.
	HealthCheckFailedReason string = "HealthCheckFailed"

	// DependencyNotReadyReason (Environment Ready=False, Reconciling=True):
	// an environment of dependsOn is not Ready yet.
	DependencyNotReadyReason string = "DependencyNotReady"

	// DriftDetectedReason (Environment Ready=True): objects were changed
	// by hand and selfHeal is off; status.drift lists them.
	DriftDetectedReason string = "DriftDetected"

	// SuspendedReason (Environment Ready unchanged, Reconciling removed):
	// spec.suspend is set; nothing is synced.
	SuspendedReason string = "Suspended"

	// CredentialsNotFoundReason (Ready=False, Reconciling=True): the Git
	// credentials Secret, the exceptions ConfigMap or the target Cluster's
	// kubeconfig does not exist yet.
	CredentialsNotFoundReason string = "CredentialsNotFound"

	// PruneFailedReason (Environment Ready=False, Reconciling=True):
	// objects removed from Git could not be deleted.
	PruneFailedReason string = "PruneFailed"

	// PromotionSucceededReason (Promotion Ready=True): the commit is in
	// the target's branch.
	PromotionSucceededReason string = "PromotionSucceeded"

	// PromotionRefusedReason (Promotion Ready=False, Reconciling=True): the
	// source environment is not Ready at the revision or its gate blocked
	// it; checked again as the source changes.
	PromotionRefusedReason string = "PromotionRefused"

	// WaitingForApprovalReason (Promotion Ready=False, Reconciling=True):
	// the target environment requires approval.
	WaitingForApprovalReason string = "WaitingForApproval"

	// PromotionFailedReason (Promotion Ready=False, Stalled=True): writing
	// the commit failed for good (the application is not in the source,
	// the environments are in different repositories...).
	PromotionFailedReason string = "PromotionFailed"

	// EnvironmentNotFoundReason (Promotion Ready=False, Reconciling=True):
	// the source or target Environment does not exist.
	EnvironmentNotFoundReason string = "EnvironmentNotFound"
)

// Reasons used by the PostureReport reconciler.
const (
	// PostureScannedReason (PostureReport Ready=True): the live scan read
	// every object kind the checks need.
	PostureScannedReason string = "Scanned"

	// PostureScanIncompleteReason (PostureReport Ready=True): the scan ran
	// but some kinds could not be read (usually forbidden to the manager);
	// status.completeness names them and the findings of checks that need
	// them are dropped, never passed.
	PostureScanIncompleteReason string = "ScanIncomplete"

	// PostureScanFailedReason (PostureReport Ready=False, Reconciling=True):
	// the scan could not run (discovery failed, the scan timed out) or its
	// findings could not be written; retried with backoff.
	PostureScanFailedReason string = "ScanFailed"
)
