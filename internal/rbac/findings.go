package rbac

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/landfall-dev/landfall/internal/posture"
)

// AttackPathCheckID is the check ID of attack-path findings.
const AttackPathCheckID = "rbac-attack-path-exposed-workload"

// attackPathCheck is the metadata of attack-path findings.
var attackPathCheck = posture.Check{
	ID:         AttackPathCheckID,
	Title:      "Exposed workload's service account leads to cluster takeover",
	Severity:   posture.SeverityCritical,
	Techniques: []string{"MS-TA9004", "MS-TA9009", "MS-TA9016", "MS-TA9019", "MS-TA9025", "MS-TA9008"},
	Description: "Flags workloads behind a Service of type LoadBalancer or NodePort, with externalIPs, or behind " +
		"an Ingress, whose pods mount a service-account token that may act as cluster-admin, read secrets or " +
		"create pods: one application exploit away from the cluster's credentials or new privileged containers.",
	Remediation: "Set automountServiceAccountToken: false on workloads that do not call the API, and give the ones " +
		"that do a dedicated service account with only the rights they use.",
}

// Checks returns the metadata of the findings this package reports, sorted
// by ID: the risk checks and the attack-path check. Run is nil: they are
// for report metadata (report.CheckInfoOf) and coverage, never for a
// posture.Registry.
func Checks() []posture.Check {
	var out []posture.Check
	for _, c := range riskChecks() {
		out = append(out, c.Check)
	}
	out = append(out, attackPathCheck)
	slices.SortFunc(out, func(a, b posture.Check) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// remediation returns the remediation of a check by ID.
func remediation(id string) string {
	for _, c := range Checks() {
		if c.ID == id {
			return c.Remediation
		}
	}
	return ""
}

// subjectRef is the ObjectRef of a binding subject: User and Group are not
// objects, but their kind and name identify them in a report.
func subjectRef(s rbacv1.Subject) posture.ObjectRef {
	ref := posture.ObjectRef{APIVersion: apiVersions[s.Kind], Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}
	if s.Kind == rbacv1.ServiceAccountKind {
		ref.APIVersion = "v1"
	}
	return ref
}

// maxListed is how many grants a finding message names.
const maxListed = 3

// Finding returns the risk as a posture finding on the subject, with the
// source (for a live scan, Source{Cluster: name}).
func (r Risk) Finding(src posture.Source) posture.Finding {
	ref := subjectRef(r.Subject)
	var via []string
	for i, g := range r.Grants {
		if i == maxListed {
			via = append(via, fmt.Sprintf("and %d more", len(r.Grants)-maxListed))
			break
		}
		via = append(via, g.Binding.String()+" -> "+g.Role.String())
	}
	return posture.Finding{
		ID:          posture.FindingID(r.Check, ref, ""),
		CheckID:     r.Check,
		Title:       r.Title,
		Severity:    r.Severity,
		Techniques:  r.Techniques,
		Object:      ref,
		Source:      src,
		Message:     fmt.Sprintf("%s can %s, through %s", SubjectString(r.Subject), strings.Join(r.Permissions, "; "), strings.Join(via, ", ")),
		Remediation: remediation(r.Check),
	}
}

// Finding returns the attack path as a posture finding on its entry
// (the Service or Ingress), its message listing every hop. The ID also
// covers the workload and capability, so that one entry's paths differ.
func (p AttackPath) Finding(src posture.Source) posture.Finding {
	e := p.Entry()
	ref := posture.ObjectRef{APIVersion: apiVersions[e.Kind], Kind: e.Kind, Namespace: e.Namespace, Name: e.Name}
	key := p.Workload.String() + "/" + string(p.Capability)
	return posture.Finding{
		ID:          posture.FindingID(AttackPathCheckID, ref, key),
		CheckID:     AttackPathCheckID,
		Title:       attackPathCheck.Title,
		Severity:    p.Severity,
		Techniques:  p.Techniques,
		Object:      ref,
		Source:      src,
		Message:     fmt.Sprintf("attack path to %s (%s): %s", p.Capability, p.Scope, p.String()),
		Remediation: attackPathCheck.Remediation,
	}
}

// Findings converts risks and attack paths into posture findings with the
// source, sorted by posture.SortFindings, for a live scan's report.
func Findings(risks []Risk, paths []AttackPath, src posture.Source) []posture.Finding {
	out := make([]posture.Finding, 0, len(risks)+len(paths))
	for _, r := range risks {
		out = append(out, r.Finding(src))
	}
	for _, p := range paths {
		out = append(out, p.Finding(src))
	}
	return posture.SortFindings(out)
}
