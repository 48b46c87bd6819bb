package supplychain

import "testing"

func TestParseImage(t *testing.T) {
	t.Parallel()
	tests := map[string]imageRef{
		"nginx":                               {Registry: "docker.io", Repository: "nginx"},
		"nginx:1.27":                          {Registry: "docker.io", Repository: "nginx", Tag: "1.27"},
		"library/nginx@sha256:abc":            {Registry: "docker.io", Repository: "library/nginx", Digest: "sha256:abc"},
		"localhost:5000/app":                  {Registry: "localhost:5000", Repository: "app"},
		"localhost/app:v1":                    {Registry: "localhost", Repository: "app", Tag: "v1"},
		"ghcr.io/org/app:v1@sha256:abc":       {Registry: "ghcr.io", Repository: "org/app", Tag: "v1", Digest: "sha256:abc"},
		"203.0.113.7:5000/tools/miner:latest": {Registry: "203.0.113.7:5000", Repository: "tools/miner", Tag: "latest"},
	}
	for image, want := range tests {
		t.Run(image, func(t *testing.T) {
			t.Parallel()
			if got := parseImage(image); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestUntrustedRegistryWithAnAllowList(t *testing.T) {
	t.Parallel()
	check := UntrustedRegistry(RegistryOptions{Allowed: []string{"registry.example.com", "ghcr.io/landfall-dev"}})
	tests := map[string]bool{
		"registry.example.com/team/app:1": false,
		"ghcr.io/landfall-dev/landfall:1": false,
		"ghcr.io/someone-else/tool:1":     true,
		"nginx:1.27":                      true,
	}
	for image, want := range tests {
		t.Run(image, func(t *testing.T) {
			t.Parallel()
			got := len(check.Run(deployment(image), nil)) > 0
			if got != want {
				t.Errorf("flagged %v, want %v", got, want)
			}
		})
	}
}
