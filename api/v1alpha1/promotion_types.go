package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PromotionKind is the Kind of Promotion objects.
const PromotionKind = "Promotion"

// PromotionApproveVerb is the RBAC verb on promotions (group landfall.dev)
// that lets a user approve a Promotion, like cert-manager's approve verb
// on signers. Grant it with a Role rule {apiGroups: [landfall.dev],
// resources: [promotions], verbs: [approve]}.
const PromotionApproveVerb = "approve"

// Phases of a Promotion.
const (
	// PromotionPending: not looked at yet.
	PromotionPending = "Pending"
	// PromotionWaitingForApproval: the target environment requires
	// approval and the Promotion has none.
	PromotionWaitingForApproval = "WaitingForApproval"
	// PromotionRefused: the source environment is not Ready at the
	// revision, or its gate blocked it. Checked again as the source
	// changes.
	PromotionRefused = "Refused"
	// PromotionPromoting: the commit is being written.
	PromotionPromoting = "Promoting"
	// PromotionSucceeded: the commit is in the target's branch (final).
	PromotionSucceeded = "Succeeded"
	// PromotionFailed: the commit could not be written and retrying will
	// not help (final).
	PromotionFailed = "Failed"
)

// PromotionSpec says what to promote from which environment to which.
// Everything but approval is immutable: a different promotion is a new
// object.
//
// +kubebuilder:validation:XValidation:rule="self.from != self.to",message="from and to must differ"
// +kubebuilder:validation:XValidation:rule="self.application == oldSelf.application && self.from == oldSelf.from && self.to == oldSelf.to && (has(self.revision) ? self.revision : 'unset') == (has(oldSelf.revision) ? oldSelf.revision : 'unset') && (has(self.strategy) ? self.strategy : 'unset') == (has(oldSelf.strategy) ? oldSelf.strategy : 'unset')",message="only approval may change: application, from, to, revision and strategy are immutable"
type PromotionSpec struct {
	// application is the directory of the application under each
	// environment's source path (for example "web" for dev/web and
	// prod/web). Promoting copies it from the source environment's path
	// at the revision into the target environment's path.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`
	Application string `json:"application"`

	// from is the source Environment (same namespace).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	From string `json:"from"`

	// to is the target Environment (same namespace).
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	To string `json:"to"`

	// revision is the full commit SHA of the source to promote. Defaults
	// to the source environment's lastAppliedRevision when the Promotion
	// is first reconciled (recorded in status.revision).
	// +optional
	// +kubebuilder:validation:Pattern=`^([0-9a-f]{40}|[0-9a-f]{64})$`
	Revision string `json:"revision,omitempty"`

	// strategy is how the application is promoted: Images (the default)
	// sets the image tags of the target's copy of the application to those
	// of the source (kustomize images, Helm values image.tag or plain
	// manifests), keeping the target's own configuration; Copy replaces
	// the target's directory of the application with the source's.
	// +optional
	// +kubebuilder:validation:Enum=Images;Copy
	Strategy string `json:"strategy,omitempty"`

	// approval is set by an approver when the target environment
	// requires approval. Setting or changing it needs the `approve` verb
	// on promotions in the namespace (checked by the admission webhook).
	// +optional
	Approval *PromotionApproval `json:"approval,omitempty"`
}

// Strategies of PromotionSpec.Strategy.
const (
	// PromotionStrategyImages sets image tags only.
	PromotionStrategyImages = "Images"
	// PromotionStrategyCopy copies the application's directory.
	PromotionStrategyCopy = "Copy"
)

// PromotionApproval is an approver's decision.
type PromotionApproval struct {
	// approved lets the promotion go ahead.
	// +required
	Approved bool `json:"approved"`

	// approver is the user name of whoever set approval; the admission
	// webhook rejects any other name than the requesting user's.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	Approver string `json:"approver"`

	// message is the approver's comment.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Message string `json:"message,omitempty"`
}

// PromotionStatus is what the manager did with a Promotion.
type PromotionStatus struct {
	// observedGeneration is the generation last reconciled.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// phase is Pending, WaitingForApproval, Refused, Promoting, Succeeded
	// or Failed.
	// +optional
	// +kubebuilder:validation:Enum=Pending;WaitingForApproval;Refused;Promoting;Succeeded;Failed
	Phase string `json:"phase,omitempty"`

	// revision is the source commit being promoted.
	// +optional
	Revision string `json:"revision,omitempty"`

	// commit is the commit written into the target's branch.
	// +optional
	Commit string `json:"commit,omitempty"`

	// message says why the promotion is in its phase.
	// +optional
	Message string `json:"message,omitempty"`

	// completionTime is when the promotion succeeded or failed.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`

	// conditions are Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Promotion moves an application from one Environment to the next by a
// Git commit into the target environment's path, once the source is Ready
// at the revision, its gate passed, and (when the target requires it)
// someone allowed to approve has approved.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=lfpromo,categories=landfall
// +kubebuilder:printcolumn:name="Application",type=string,JSONPath=`.spec.application`
// +kubebuilder:printcolumn:name="From",type=string,JSONPath=`.spec.from`
// +kubebuilder:printcolumn:name="To",type=string,JSONPath=`.spec.to`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Commit",type=string,JSONPath=`.status.commit`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.message`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Promotion struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says what to promote.
	// +required
	Spec PromotionSpec `json:"spec"`

	// status is what the manager did.
	// +optional
	Status PromotionStatus `json:"status,omitempty"`
}

// PromotionList is a list of Promotions.
//
// +kubebuilder:object:root=true
type PromotionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Promotions.
	Items []Promotion `json:"items"`
}

// GetConditions returns the status conditions.
func (p *Promotion) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the status conditions.
func (p *Promotion) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// IsApproved reports whether an approver approved the promotion.
func (p *Promotion) IsApproved() bool {
	return p.Spec.Approval != nil && p.Spec.Approval.Approved
}

// GetStrategy returns spec.strategy or PromotionStrategyImages.
func (p *Promotion) GetStrategy() string {
	if p.Spec.Strategy != "" {
		return p.Spec.Strategy
	}
	return PromotionStrategyImages
}

// IsFinished reports whether the promotion reached a final phase.
func (p *Promotion) IsFinished() bool {
	return p.Status.Phase == PromotionSucceeded || p.Status.Phase == PromotionFailed
}
