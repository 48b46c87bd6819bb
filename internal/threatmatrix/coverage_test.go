package threatmatrix

import (
	"slices"
	"testing"
)

func TestCoverage(t *testing.T) {
	t.Parallel()
	manifest := CoverageFrom(SourceManifest, []string{"MS-TA9018", "MS-TA9013", "MS-TA9018"})
	audit := CoverageFrom(SourceAuditLog, []string{"MS-TA9006", "MS-TA9013"})
	merged := Merge(manifest, nil, audit)

	tests := map[string]struct {
		cov  Coverage
		id   string
		want []Source
	}{
		"a manifest check covers its technique from manifests": {
			cov: manifest, id: "MS-TA9018", want: []Source{SourceManifest},
		},
		"merging keeps every source in display order": {
			cov: merged, id: "MS-TA9013", want: []Source{SourceManifest, SourceAuditLog},
		},
		"merging keeps techniques only one input covers": {
			cov: merged, id: "MS-TA9006", want: []Source{SourceAuditLog},
		},
		"an uncovered technique has no sources": {cov: merged, id: "MS-TA9021"},
		"a nil coverage covers nothing":         {cov: nil, id: "MS-TA9018"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := tc.cov.Sources(tc.id)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Sources(%q) = %v, want %v", tc.id, got, tc.want)
			}
			if tc.cov.Covered(tc.id) != (len(tc.want) > 0) {
				t.Errorf("Covered(%q) = %v", tc.id, tc.cov.Covered(tc.id))
			}
		})
	}
}

func TestMerge_DoesNotModifyItsInputs(t *testing.T) {
	t.Parallel()
	a := CoverageFrom(SourceManifest, []string{"MS-TA9018"})
	b := CoverageFrom(SourceLiveCluster, []string{"MS-TA9018"})
	_ = Merge(a, b)
	if a.Has("MS-TA9018", SourceLiveCluster) || b.Has("MS-TA9018", SourceManifest) {
		t.Errorf("Merge modified its inputs: a=%v b=%v", a, b)
	}
}

func TestCoverage_UnknownReportsStaleAndRetiredIDs(t *testing.T) {
	t.Parallel()
	c := CoverageFrom(SourceManifest, []string{"MS-TA9018", "MS-TA9032", "MS-TA9999"})
	if got, want := c.Unknown(), []string{"MS-TA9032", "MS-TA9999"}; !slices.Equal(got, want) {
		t.Errorf("Unknown() = %v, want %v", got, want)
	}
}
