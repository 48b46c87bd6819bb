package secrets

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/landfall-dev/landfall/internal/posture"
)

// RegistryCredentials flags image pull Secrets committed with their
// credentials.
var RegistryCredentials = posture.Check{
	ID:         "registry-credentials-in-manifest",
	Title:      "Registry credentials in manifest",
	Severity:   posture.SeverityHigh,
	Techniques: []string{"MS-TA9037", "MS-TA9027"},
	Kinds:      []string{"Secret"},
	Description: "Flags Secrets of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg " +
		"that carry registry credentials in the manifest. Whoever reads the repository can pull " +
		"the organisation's private images (and read the secrets and code baked into them) " +
		"and, with push rights, replace them.",
	Remediation: "Remove the Secret from Git and provision pull credentials from a vault or an external secret operator, or use the node's or workload's cloud identity to pull.",
	Run:         registryCredentials,
}

// dockerConfigKeys are the data keys of the two registry Secret types.
var dockerConfigKeys = map[string]string{
	"kubernetes.io/dockerconfigjson": ".dockerconfigjson",
	"kubernetes.io/dockercfg":        ".dockercfg",
}

func registryCredentials(s *posture.Object, _ posture.Index) []posture.Violation {
	key, ok := dockerConfigKeys[posture.Str(s.U.Object, "type")]
	if !ok {
		return nil
	}
	for _, field := range []string{"data", "stringData"} {
		v := posture.Str(s.U.Object, field, key)
		if v == "" {
			continue
		}
		if field == "data" {
			raw, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return []posture.Violation{{Path: field + "." + key, Message: "registry credentials in the manifest (value is not valid base64)"}}
			}
			v = string(raw)
		}
		return []posture.Violation{{
			Path:    field + "." + key,
			Message: fmt.Sprintf("pull credentials for %s committed in the manifest", registriesOf(v)),
		}}
	}
	return nil
}

// registriesOf names the registries of a docker config (never the
// credentials), or "a registry" when the config does not parse.
func registriesOf(cfg string) string {
	var doc struct {
		Auths map[string]json.RawMessage `json:"auths"`
	}
	var hosts []string
	if err := json.Unmarshal([]byte(cfg), &doc); err == nil && doc.Auths != nil {
		for h := range doc.Auths {
			hosts = append(hosts, h)
		}
	} else {
		var legacy map[string]json.RawMessage // .dockercfg: registry -> auth
		if err := json.Unmarshal([]byte(cfg), &legacy); err == nil {
			for h := range legacy {
				hosts = append(hosts, h)
			}
		}
	}
	if len(hosts) == 0 {
		return "a registry"
	}
	slices.Sort(hosts)
	return strings.Join(hosts, ", ")
}
