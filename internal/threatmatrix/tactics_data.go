package threatmatrix

// Tactic IDs: Landfall's stable slugs for the matrix columns.
const (
	// TacticInitialAccess is the Initial Access column.
	TacticInitialAccess = "initial-access"
	// TacticExecution is the Execution column.
	TacticExecution = "execution"
	// TacticPersistence is the Persistence column.
	TacticPersistence = "persistence"
	// TacticPrivilegeEscalation is the Privilege Escalation column.
	TacticPrivilegeEscalation = "privilege-escalation"
	// TacticDefenseEvasion is the Defense Evasion column.
	TacticDefenseEvasion = "defense-evasion"
	// TacticCredentialAccess is the Credential Access column.
	TacticCredentialAccess = "credential-access" //nolint:gosec // G101: a tactic ID, not a credential
	// TacticDiscovery is the Discovery column.
	TacticDiscovery = "discovery"
	// TacticLateralMovement is the Lateral Movement column.
	TacticLateralMovement = "lateral-movement"
	// TacticCollection is the Collection column.
	TacticCollection = "collection"
	// TacticImpact is the Impact column.
	TacticImpact = "impact"
)

// tactics are the matrix columns in matrix order. Descriptions are the first
// paragraph of each docs/tactics/<Name>/index.md; TechniqueIDs follow the
// grid in docs/index.md (the tactic pages list them in the same order).
var tactics = []Tactic{
	{
		ID:           TacticInitialAccess,
		Name:         "Initial Access",
		AttackID:     "TA0001",
		Description:  "The initial access tactic consists of techniques that are used for gaining access to the resource. In containerized environments, those techniques enable first access to the cluster. This access can be achieved directly via the cluster management layer or, alternatively, by gaining access to a malicious or vulnerable resource that is deployed on the cluster.",
		TechniqueIDs: []string{"MS-TA9001", "MS-TA9002", "MS-TA9003", "MS-TA9004", "MS-TA9005"},
	},
	{
		ID:           TacticExecution,
		Name:         "Execution",
		AttackID:     "TA0002",
		Description:  "The execution tactic consists of techniques that are used by attackers to run their code inside a cluster.",
		TechniqueIDs: []string{"MS-TA9006", "MS-TA9007", "MS-TA9008", "MS-TA9009", "MS-TA9010", "MS-TA9011"},
	},
	{
		ID:           TacticPersistence,
		Name:         "Persistence",
		AttackID:     "TA0003",
		Description:  "The persistence tactic consists of techniques that are used by attackers to keep access to the cluster in case their initial foothold is lost.",
		TechniqueIDs: []string{"MS-TA9012", "MS-TA9013", "MS-TA9014", "MS-TA9015", "MS-TA9016", "MS-TA9017"},
	},
	{
		ID:           TacticPrivilegeEscalation,
		Name:         "Privilege Escalation",
		AttackID:     "TA0004",
		Description:  "The privilege escalation tactic consists of techniques that are used by attackers to get higher privileges in the environment than those they currently have. In containerized environments, this can include getting access to the node from a container, gaining higher privileges in the cluster, and even getting access to the cloud resources.",
		TechniqueIDs: []string{"MS-TA9018", "MS-TA9019", "MS-TA9013", "MS-TA9020"},
	},
	{
		ID:           TacticDefenseEvasion,
		Name:         "Defense Evasion",
		AttackID:     "TA0005",
		Description:  "The defense evasion tactic consists of techniques that are used by attackers to avoid detection and hide their activity.",
		TechniqueIDs: []string{"MS-TA9021", "MS-TA9022", "MS-TA9023", "MS-TA9024"},
	},
	{
		ID:           TacticCredentialAccess,
		Name:         "Credential Access",
		AttackID:     "TA0006",
		Description:  "The credential access tactic consists of techniques that are used by attackers to steal credentials.",
		TechniqueIDs: []string{"MS-TA9025", "MS-TA9026", "MS-TA9016", "MS-TA9027", "MS-TA9028", "MS-TA9015"},
	},
	{
		ID:           TacticDiscovery,
		Name:         "Discovery",
		AttackID:     "TA0007",
		Description:  "The discovery tactic consists of techniques that are used by attackers to explore the environment to which they gained access. This exploration helps the attackers to perform lateral movement and gain access to additional resources.",
		TechniqueIDs: []string{"MS-TA9029", "MS-TA9030", "MS-TA9031", "MS-TA9005", "MS-TA9033"},
	},
	{
		ID:           TacticLateralMovement,
		Name:         "Lateral Movement",
		AttackID:     "TA0008",
		Description:  "The lateral movement tactic consists of techniques that are used by attackers to move through the victim’s environment. In containerized environments, this includes gaining access to various resources in the cluster from a given access to one container, gaining access to the underlying node from a container, or gaining access to the cloud environment.",
		TechniqueIDs: []string{"MS-TA9020", "MS-TA9016", "MS-TA9034", "MS-TA9027", "MS-TA9013", "MS-TA9035", "MS-TA9036"},
	},
	{
		ID:           TacticCollection,
		Name:         "Collection",
		AttackID:     "TA0009",
		Description:  "Collection in Kubernetes consists of techniques that are used by attackers to collect data from the cluster or through using the cluster.",
		TechniqueIDs: []string{"MS-TA9037", "MS-TA9041"},
	},
	{
		ID:           TacticImpact,
		Name:         "Impact",
		AttackID:     "TA0040",
		Description:  "The Impact tactic consists of techniques that are used by attackers to destroy, abuse, or disrupt the normal behavior of the environment.",
		TechniqueIDs: []string{"MS-TA9038", "MS-TA9039", "MS-TA9040"},
	},
}
