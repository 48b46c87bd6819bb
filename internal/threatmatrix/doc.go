// Package threatmatrix is the Threat Matrix for Kubernetes compiled into
// Landfall: its tactics, techniques and mitigations as Go data, plus which
// Landfall sources can assess each technique.
//
// Content: Threat Matrix for Kubernetes, Microsoft, CC BY 4.0
// (https://microsoft.github.io/Threat-Matrix-for-Kubernetes/, source
// https://github.com/microsoft/Threat-Matrix-for-Kubernetes at commit b885d18).
// Names, IDs, tactics, MITRE ATT&CK references and mitigation lists are taken
// from the project's pages; the one-line descriptions are condensed from
// them. Landfall's assessment classification is Landfall's own and is not
// part of the matrix. Show Attribution wherever the content is displayed.
//
// # Catalog
//
// Tactics returns the ten tactics in matrix order (Initial Access through
// Impact). The matrix gives tactics no IDs, so Landfall uses stable slugs
// such as "initial-access"; each tactic also names its MITRE ATT&CK
// Enterprise tactic (TA00xx). Techniques returns every technique in ID
// order, MS-TA9001 to MS-TA9041. MS-TA9032 ("Access Kubernetes dashboard")
// was retired upstream on 2022-10-31 and replaced by MS-TA9005 ("Exposed
// sensitive interfaces"); it stays in the catalog marked Retired so old
// references resolve, but it sits in no tactic column, so
// TechniquesByTactic and any grid built from it never show it. Mitigations
// returns MS-M9001 to MS-M9032 including the sub-mitigations
// MS-M9005.001 to MS-M9005.003.
//
// Every accessor returns copies; callers cannot change the catalog.
// Validate checks the catalog's internal consistency and is run by the
// package tests.
//
// # Assessment
//
// Each technique carries an Assessment: for each Landfall Source (Manifest,
// LiveCluster, AuditLog) whether that source shows the technique directly
// (EvidenceDirect), only a precondition for it (EvidencePrecondition) or
// nothing (EvidenceNone). The rule used throughout:
//
//   - Direct: the technique names a configuration (a privileged container, a
//     writable hostPath mount, a cluster-admin binding) and the source shows
//     that configuration, or the technique is an action and the source
//     records the action itself (an exec request in the audit log).
//   - Precondition: the source shows only what makes the technique possible,
//     such as RBAC that grants pods/exec or a pod without resource limits.
//   - None: the source shows nothing useful.
//
// A technique that no source shows directly needs a runtime, node or cloud
// sensor (NeedsSensor) and Landfall must report it as such instead of
// silently passing it.
//
// # Coverage
//
// Coverage records which sources Landfall implements today for each
// technique. CoverageFrom builds it from a list of technique IDs (for
// example those referenced by the manifest checks of the posture registry)
// and Merge combines several.
package threatmatrix
