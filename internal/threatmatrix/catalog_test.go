package threatmatrix

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestValidate_CatalogIsConsistent(t *testing.T) {
	t.Parallel()
	if err := Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}

func TestTactics_AreTheTenColumnsInMatrixOrder(t *testing.T) {
	t.Parallel()
	want := []string{
		"Initial Access", "Execution", "Persistence", "Privilege Escalation", "Defense Evasion",
		"Credential Access", "Discovery", "Lateral Movement", "Collection", "Impact",
	}
	var got []string
	for _, tac := range Tactics() {
		got = append(got, tac.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Tactics() names = %v, want %v", got, want)
	}
}

func TestTechniques_CoverEveryIDFrom9001To9041(t *testing.T) {
	t.Parallel()
	all := Techniques()
	if len(all) != 41 {
		t.Fatalf("len(Techniques()) = %d, want 41 (40 active + retired MS-TA9032)", len(all))
	}
	for i, tech := range all {
		if want := fmt.Sprintf("MS-TA%d", 9001+i); tech.ID != want {
			t.Errorf("Techniques()[%d].ID = %s, want %s", i, tech.ID, want)
		}
	}
	if n := len(ActiveTechniques()); n != 40 {
		t.Errorf("len(ActiveTechniques()) = %d, want 40", n)
	}
}

func TestTechniqueByID(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		id          string
		wantFound   bool
		wantName    string
		wantRetired bool
		wantTactics []string
	}{
		"writable hostPath mount sits under three tactics": {
			id: "MS-TA9013", wantFound: true, wantName: "Writable hostPath mount",
			wantTactics: []string{TacticPersistence, TacticPrivilegeEscalation, TacticLateralMovement},
		},
		"container service account sits under three tactics in matrix order": {
			id: "MS-TA9016", wantFound: true, wantName: "Container service account",
			wantTactics: []string{TacticPersistence, TacticCredentialAccess, TacticLateralMovement},
		},
		"exposed sensitive interfaces is initial access and discovery": {
			id: "MS-TA9005", wantFound: true, wantName: "Exposed sensitive interfaces",
			wantTactics: []string{TacticInitialAccess, TacticDiscovery},
		},
		"the retired dashboard technique resolves but has no tactics": {
			id: "MS-TA9032", wantFound: true, wantName: "Access Kubernetes dashboard", wantRetired: true,
		},
		"an ID past the end is not found": {id: "MS-TA9042"},
		"a lower-case ID is not found":    {id: "ms-ta9013"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ok := TechniqueByID(tc.id)
			if ok != tc.wantFound {
				t.Fatalf("TechniqueByID(%q) found = %v, want %v", tc.id, ok, tc.wantFound)
			}
			if !ok {
				return
			}
			if got.Name != tc.wantName || got.Retired != tc.wantRetired || !slices.Equal(got.Tactics, tc.wantTactics) {
				t.Errorf("TechniqueByID(%q) = %q retired=%v tactics=%v, want %q retired=%v tactics=%v",
					tc.id, got.Name, got.Retired, got.Tactics, tc.wantName, tc.wantRetired, tc.wantTactics)
			}
			if got.Retired && got.Note == "" {
				t.Errorf("retired technique %s has no note", tc.id)
			}
		})
	}
}

func TestTechniquesByTactic(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		tactic string
		want   []string
	}{
		"privilege escalation follows grid order, not ID order": {
			tactic: TacticPrivilegeEscalation,
			want:   []string{"MS-TA9018", "MS-TA9019", "MS-TA9013", "MS-TA9020"},
		},
		"discovery never shows the retired dashboard technique": {
			tactic: TacticDiscovery,
			want:   []string{"MS-TA9029", "MS-TA9030", "MS-TA9031", "MS-TA9005", "MS-TA9033"},
		},
		"collection holds the newest technique": {
			tactic: TacticCollection,
			want:   []string{"MS-TA9037", "MS-TA9041"},
		},
		"an unknown tactic has no techniques": {tactic: "reconnaissance"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, tech := range TechniquesByTactic(tc.tactic) {
				got = append(got, tech.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("TechniquesByTactic(%q) = %v, want %v", tc.tactic, got, tc.want)
			}
		})
	}
}

func TestTechniquesByTactic_FillFortyEightCellsWithEveryActiveTechnique(t *testing.T) {
	t.Parallel()
	cells := 0
	placed := map[string]bool{}
	for _, tac := range Tactics() {
		for _, tech := range TechniquesByTactic(tac.ID) {
			cells++
			placed[tech.ID] = true
			if tech.Retired {
				t.Errorf("%s column shows retired %s", tac.Name, tech.ID)
			}
		}
	}
	if cells != 48 {
		t.Errorf("matrix has %d cells, want 48", cells)
	}
	for _, tech := range ActiveTechniques() {
		if !placed[tech.ID] {
			t.Errorf("%s is in no column", tech.ID)
		}
	}
}

func TestReferences_Resolve(t *testing.T) {
	t.Parallel()
	for _, tech := range Techniques() {
		for _, tid := range tech.Tactics {
			if _, ok := TacticByID(tid); !ok {
				t.Errorf("%s names unknown tactic %q", tech.ID, tid)
			}
		}
		for _, mid := range tech.Mitigations {
			if _, ok := MitigationByID(mid); !ok {
				t.Errorf("%s names unknown mitigation %q", tech.ID, mid)
			}
		}
	}
	for _, id := range []string{"MS-M9001", "MS-M9005.001", "MS-M9005.002", "MS-M9005.003", "MS-M9032"} {
		if _, ok := MitigationByID(id); !ok {
			t.Errorf("MitigationByID(%q) not found", id)
		}
	}
	if n := len(Mitigations()); n != 35 {
		t.Errorf("len(Mitigations()) = %d, want 35 (32 + 3 sub-mitigations)", n)
	}
}

func TestAccessors_ReturnCopies(t *testing.T) {
	t.Parallel()
	tech, _ := TechniqueByID("MS-TA9013")
	tech.Tactics[0] = "mutated"
	tech.Mitigations[0] = "mutated"
	all := Techniques()
	all[0].Tactics[0] = "mutated"
	tacs := Tactics()
	tacs[0].TechniqueIDs[0] = "mutated"
	m, _ := MitigationByID("MS-M9005")
	m.AttackMitigations[0] = "mutated"

	if again, _ := TechniqueByID("MS-TA9013"); again.Tactics[0] != TacticPersistence || again.Mitigations[0] != "MS-M9013" {
		t.Errorf("TechniqueByID result aliases the catalog: %v %v", again.Tactics, again.Mitigations)
	}
	if again := Techniques(); again[0].Tactics[0] != TacticInitialAccess {
		t.Errorf("Techniques result aliases the catalog: %v", again[0].Tactics)
	}
	if again := Tactics(); again[0].TechniqueIDs[0] != "MS-TA9001" {
		t.Errorf("Tactics result aliases the catalog: %v", again[0].TechniqueIDs)
	}
	if again, _ := MitigationByID("MS-M9005"); again.AttackMitigations[0] != "M1016" {
		t.Errorf("MitigationByID result aliases the catalog: %v", again.AttackMitigations)
	}
}

func TestAssessment(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		id                   string
		wantAssessable       bool
		wantPreconditionOnly bool
		wantManifest         Evidence
		wantAudit            Evidence
	}{
		"exposed sensitive interfaces are visible in manifests": {
			id: "MS-TA9005", wantAssessable: true, wantManifest: EvidenceDirect, wantAudit: EvidencePrecondition,
		},
		"exec into container is a manifest precondition and an audited act": {
			id: "MS-TA9006", wantAssessable: true, wantManifest: EvidencePrecondition, wantAudit: EvidenceDirect,
		},
		"bash inside a container is precondition only": {
			id: "MS-TA9007", wantPreconditionOnly: true, wantManifest: EvidencePrecondition, wantAudit: EvidencePrecondition,
		},
		"clearing container logs is invisible to every Landfall source": {
			id: "MS-TA9021", wantManifest: EvidenceNone, wantAudit: EvidenceNone,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tech, ok := TechniqueByID(tc.id)
			if !ok {
				t.Fatalf("TechniqueByID(%q) not found", tc.id)
			}
			a := tech.Assessment
			if a.Assessable() != tc.wantAssessable || a.PreconditionOnly() != tc.wantPreconditionOnly || a.NeedsSensor() == tc.wantAssessable {
				t.Errorf("%s: assessable=%v preconditionOnly=%v needsSensor=%v", tc.id, a.Assessable(), a.PreconditionOnly(), a.NeedsSensor())
			}
			if a.Evidence(SourceManifest) != tc.wantManifest || a.Evidence(SourceAuditLog) != tc.wantAudit {
				t.Errorf("%s: manifest=%s audit=%s, want %s %s", tc.id, a.Manifest, a.AuditLog, tc.wantManifest, tc.wantAudit)
			}
		})
	}
}

func TestValidate_FindsBrokenCatalogs(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		breakIt func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation)
		want    string
	}{
		"a technique under an unknown tactic": {
			breakIt: func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation) {
				techs[0].Tactics = []string{"reconnaissance"}
				return tacs, techs, mits
			},
			want: `technique MS-TA9001: unknown tactic "reconnaissance"`,
		},
		"a technique citing an unknown mitigation": {
			breakIt: func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation) {
				techs[1].Mitigations = []string{"MS-M9099"}
				return tacs, techs, mits
			},
			want: "technique MS-TA9002: unknown mitigation MS-M9099",
		},
		"a column missing a technique that names its tactic": {
			breakIt: func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation) {
				tacs[3].TechniqueIDs = []string{"MS-TA9018", "MS-TA9019", "MS-TA9020"}
				return tacs, techs, mits
			},
			want: "technique MS-TA9013 names tactic privilege-escalation, whose column does not list it",
		},
		"a retired technique placed in a column": {
			breakIt: func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation) {
				tacs[6].TechniqueIDs = append(tacs[6].TechniqueIDs, "MS-TA9032")
				return tacs, techs, mits
			},
			want: "tactic discovery: lists retired technique MS-TA9032",
		},
		"a duplicated technique": {
			breakIt: func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation) {
				return tacs, append(techs, techs[len(techs)-1]), mits
			},
			want: "duplicate technique MS-TA9041",
		},
		"an undefined evidence level": {
			breakIt: func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation) {
				techs[4].Assessment.AuditLog = "maybe"
				return tacs, techs, mits
			},
			want: `technique MS-TA9005: audit-log evidence "maybe" is not none, precondition or direct`,
		},
		"a sub-mitigation without its parent": {
			breakIt: func(tacs []Tactic, techs []Technique, mits []Mitigation) ([]Tactic, []Technique, []Mitigation) {
				return tacs, techs, slices.DeleteFunc(mits, func(m Mitigation) bool { return m.ID == "MS-M9005" })
			},
			want: `mitigation MS-M9005.001: parent "MS-M9005" does not exist`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := validate(tc.breakIt(Tactics(), Techniques(), Mitigations()))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
