package root

import (
	"testing"

	"github.com/landfall-dev/landfall/internal/threatmatrix"
)

// The manifest checks cover every technique that the catalog says a
// manifest can show (directly or as a precondition), and name no technique
// the catalog does not know.
func TestManifestChecksCoverEveryTechniqueManifestsCanShow(t *testing.T) {
	t.Parallel()
	cov := coverage()
	if unknown := cov.Unknown(); len(unknown) > 0 {
		t.Errorf("checks name techniques not in the catalog: %v", unknown)
	}
	for _, tech := range threatmatrix.Techniques() {
		if tech.Retired {
			if cov.Covered(tech.ID) {
				t.Errorf("retired technique %s is assessed", tech.ID)
			}
			continue
		}
		if tech.Assessment.Manifest != threatmatrix.EvidenceNone && !cov.Has(tech.ID, threatmatrix.SourceManifest) {
			t.Errorf("%s %s: a manifest can show it, but no check assesses it", tech.ID, tech.Name)
		}
	}
}

// The detection rules cover every technique that the catalog says an
// audit log can show (directly or as a precondition).
func TestDetectRulesCoverEveryTechniqueAuditLogsCanShow(t *testing.T) {
	t.Parallel()
	cov := coverage()
	for _, tech := range threatmatrix.Techniques() {
		if tech.Retired {
			continue
		}
		if tech.Assessment.AuditLog != threatmatrix.EvidenceNone && !cov.Has(tech.ID, threatmatrix.SourceAuditLog) {
			t.Errorf("%s %s: an audit log can show it, but no detection rule assesses it", tech.ID, tech.Name)
		}
	}
}
