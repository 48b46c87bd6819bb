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
