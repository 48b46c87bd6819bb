package threatmatrix

import "slices"

// Attribution credits the Threat Matrix for Kubernetes; show it wherever
// catalog content is displayed (CC BY 4.0 requires it).
const Attribution = "Threat Matrix for Kubernetes, Microsoft, CC BY 4.0"

// ProjectURL is the home page of the Threat Matrix for Kubernetes.
const ProjectURL = "https://microsoft.github.io/Threat-Matrix-for-Kubernetes/"

// Tactic is one column of the matrix: an attacker goal.
type Tactic struct {
	// ID is Landfall's stable slug for the tactic, for example
	// "initial-access". The matrix itself gives tactics no IDs.
	ID string `json:"id"`
	// Name is the tactic's name as the matrix prints it.
	Name string `json:"name"`
	// AttackID is the MITRE ATT&CK Enterprise tactic ID, for example
	// "TA0001". It comes from ATT&CK, not from the matrix pages.
	AttackID string `json:"attackId"`
	// Description is the first paragraph of the tactic's page.
	Description string `json:"description"`
	// TechniqueIDs are the active techniques in this column, in the order
	// of the matrix grid (docs/index.md), which is not ID order.
	TechniqueIDs []string `json:"techniqueIds"`
}

// Technique is one attack technique of the matrix.
type Technique struct {
	// ID is the matrix ID, "MS-TA9001" to "MS-TA9041".
	ID string `json:"id"`
	// Name is the title of the technique's page.
	Name string `json:"name"`
	// Tactics are the IDs of the tactics the technique sits under, in
	// matrix order. Empty for a retired technique.
	Tactics []string `json:"tactics"`
	// AttackTechniques are the MITRE ATT&CK technique IDs the page gives
	// (for example "T1611"); empty when the page gives none.
	AttackTechniques []string `json:"attackTechniques,omitempty"`
	// Description is a one-line summary condensed from the page.
	Description string `json:"description"`
	// Mitigations are the IDs of the page's mitigations, in page order.
	Mitigations []string `json:"mitigations,omitempty"`
	// Retired marks a technique the matrix no longer lists.
	Retired bool `json:"retired,omitempty"`
	// Note explains a retirement, and what replaced it.
	Note string `json:"note,omitempty"`
	// Assessment says which Landfall sources can assess the technique.
	Assessment Assessment `json:"assessment"`
}

// Active reports whether the technique is part of the current matrix.
func (t Technique) Active() bool { return !t.Retired }

// Mitigation is a security measure the matrix recommends.
type Mitigation struct {
	// ID is the matrix ID, for example "MS-M9013" or "MS-M9005.003".
	ID string `json:"id"`
	// Name is the title of the mitigation's page.
	Name string `json:"name"`
	// Parent is the ID of the mitigation this one is a sub-mitigation of,
	// empty for top-level mitigations.
	Parent string `json:"parent,omitempty"`
	// AttackMitigations are the MITRE ATT&CK mitigation IDs the page gives
	// (for example "M1018").
	AttackMitigations []string `json:"attackMitigations,omitempty"`
}

// Source is a kind of evidence Landfall can read.
type Source string

// Landfall's sources, in display order.
const (
	// SourceManifest is YAML manifests (files, Helm charts, kustomize
	// output) scanned before they reach a cluster.
	SourceManifest Source = "manifest"
	// SourceLiveCluster is the objects read from a running cluster's API.
	SourceLiveCluster Source = "live-cluster"
	// SourceAuditLog is API-server audit events.
	SourceAuditLog Source = "audit-log"
)

// Sources returns every Source in display order.
func Sources() []Source {
	return []Source{SourceManifest, SourceLiveCluster, SourceAuditLog}
}

// Title returns the source's human-readable name, for example
// "live cluster".
func (s Source) Title() string {
	switch s {
	case SourceManifest:
		return "manifest"
	case SourceLiveCluster:
		return "live cluster"
	case SourceAuditLog:
		return "audit log"
	default:
		return string(s)
	}
}

// Evidence is how much a source shows of a technique.
type Evidence string

// Evidence levels, weakest first.
const (
	// EvidenceNone means the source shows nothing useful.
	EvidenceNone Evidence = "none"
	// EvidencePrecondition means the source shows only what makes the
	// technique possible, such as a permission or a missing limit.
	EvidencePrecondition Evidence = "precondition"
	// EvidenceDirect means the source shows the configuration the
	// technique names, or records the attacker's action itself.
	EvidenceDirect Evidence = "direct"
)

// valid reports whether e is one of the defined levels.
func (e Evidence) valid() bool {
	return e == EvidenceNone || e == EvidencePrecondition || e == EvidenceDirect
}

// Assessment is Landfall's classification of what each source shows of a
// technique. It is Landfall's own judgement, not part of the matrix.
type Assessment struct {
	// Manifest is what YAML manifests show.
	Manifest Evidence `json:"manifest"`
	// LiveCluster is what a running cluster's API objects show.
	LiveCluster Evidence `json:"liveCluster"`
	// AuditLog is what API-server audit events show.
	AuditLog Evidence `json:"auditLog"`
	// Rationale explains the classification in a sentence or two.
	Rationale string `json:"rationale"`
}

// Evidence returns the level for one source; EvidenceNone for an unknown
// source.
func (a Assessment) Evidence(s Source) Evidence {
	switch s {
	case SourceManifest:
		return a.Manifest
	case SourceLiveCluster:
		return a.LiveCluster
	case SourceAuditLog:
		return a.AuditLog
	default:
		return EvidenceNone
	}
}

// SourcesAt returns the sources whose evidence is exactly level, in
// display order.
func (a Assessment) SourcesAt(level Evidence) []Source {
	var out []Source
	for _, s := range Sources() {
		if a.Evidence(s) == level {
			out = append(out, s)
		}
	}
	return out
}

// Assessable reports whether at least one source shows the technique
// directly.
func (a Assessment) Assessable() bool {
	return len(a.SourcesAt(EvidenceDirect)) > 0
}

// PreconditionOnly reports whether no source shows the technique directly
// but at least one shows a precondition.
func (a Assessment) PreconditionOnly() bool {
	return !a.Assessable() && len(a.SourcesAt(EvidencePrecondition)) > 0
}

// NeedsSensor reports whether seeing the technique itself needs a runtime,
// node or cloud sensor, because no Landfall source shows it directly.
func (a Assessment) NeedsSensor() bool { return !a.Assessable() }

// clone returns a deep copy of t.
func (t Technique) clone() Technique {
	t.Tactics = slices.Clone(t.Tactics)
	t.AttackTechniques = slices.Clone(t.AttackTechniques)
	t.Mitigations = slices.Clone(t.Mitigations)
	return t
}

// clone returns a deep copy of t.
func (t Tactic) clone() Tactic {
	t.TechniqueIDs = slices.Clone(t.TechniqueIDs)
	return t
}

// clone returns a deep copy of m.
func (m Mitigation) clone() Mitigation {
	m.AttackMitigations = slices.Clone(m.AttackMitigations)
	return m
}
