package fleet

import (
	"fmt"
	"path"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// SystemNamespace is where Landfall keeps kubeconfig Secrets and
// platform-owned Environments.
const SystemNamespace = "landfall-system"

// EnvironmentKind is the Kind of the delivery issue's Environment objects,
// emitted as unstructured YAML until its Go type exists.
const EnvironmentKind = "Environment"

// Defaults written into emitted Environments.
const (
	defaultBranch        = "main"
	defaultRepoURL       = "https://git.example.com/your-org/fleet.git"
	defaultSyncInterval  = "5m"
	defaultHealthTimeout = "5m"
	defaultGate          = "high"
)

// File is one file to write, relative to the output directory.
type File struct {
	// Path is slash-separated and relative.
	Path string
	// Data is the content.
	Data []byte
}

// Emit returns what topology t of the plan needs, as files: the Cluster
// objects under fleet/clusters/, the Environment objects under
// fleet/environments/, a directory per environment (and per cluster of
// it) under environments/ with a kustomization, and a README.
func Emit(p *Profile, plan *Plan, t Topology) ([]File, error) {
	r := plan.Result(t)
	if r == nil {
		return nil, fmt.Errorf("emitting plan: unknown topology %q", t)
	}
	var files []File
	for _, c := range r.Clusters {
		data, err := marshalObject(ClusterObject(c))
		if err != nil {
			return nil, fmt.Errorf("emitting cluster %s: %w", c.Name, err)
		}
		files = append(files, File{Path: path.Join("fleet", "clusters", c.Name+".yaml"), Data: data})
	}
	envs := EnvironmentObjects(p, r)
	for _, e := range envs {
		data, err := marshalObject(e)
		if err != nil {
			return nil, fmt.Errorf("emitting environment %s: %w", e.GetName(), err)
		}
		files = append(files, File{Path: path.Join("fleet", "environments", e.GetName()+".yaml"), Data: data})
		srcPath, _, _ := unstructured.NestedString(e.Object, "spec", "source", "path")
		files = append(files, File{Path: path.Join(srcPath, "kustomization.yaml"), Data: kustomization(e)})
	}
	files = append(files, File{Path: "README.md", Data: readme(p, plan, r, envs)})
	return files, nil
}

// ClusterObject returns the Cluster object for a planned cluster: its
// kubeconfig is expected in the Secret <name>-kubeconfig of
// SystemNamespace, as `landfall cluster add` creates it.
func ClusterObject(c PlannedCluster) *landfallv1alpha1.Cluster {
	obj := &landfallv1alpha1.Cluster{
		TypeMeta:   metav1.TypeMeta{APIVersion: landfallv1alpha1.GroupVersion.String(), Kind: landfallv1alpha1.ClusterKind},
		ObjectMeta: metav1.ObjectMeta{Name: c.Name},
		Spec: landfallv1alpha1.ClusterSpec{
			KubeConfig: &landfallv1alpha1.KubeConfigReference{
				Namespace: SystemNamespace,
				Name:      KubeconfigSecretName(c.Name),
				Key:       landfallv1alpha1.DefaultKubeConfigKey,
			},
			Environments: slices.Clone(c.Environments),
			Region:       c.Region,
			Zones:        slices.Clone(c.Zones),
			Purpose:      c.Purpose,
		},
	}
	obj.Labels = obj.FleetLabels()
	return obj
}

// KubeconfigSecretName is the Secret holding cluster's kubeconfig.
func KubeconfigSecretName(cluster string) string { return cluster + "-kubeconfig" }

// EnvironmentObjects returns one Environment per environment and cluster
// of the layout: an environment spread over several clusters (one per
// application) gets one Environment per cluster, named <env>-<cluster
// purpose>, syncing environments/<env>/<purpose>.
func EnvironmentObjects(p *Profile, r *TopologyResult) []*unstructured.Unstructured {
	url, branch := p.Git.URL, p.Git.Branch
	if url == "" {
		url = defaultRepoURL
	}
	if branch == "" {
		branch = defaultBranch
	}
	var out []*unstructured.Unstructured
	for _, e := range p.Environments {
		var hosts []PlannedCluster
		for _, c := range r.Clusters {
			if slices.Contains(c.Environments, e.Name) {
				hosts = append(hosts, c)
			}
		}
		for _, c := range hosts {
			name, dir := e.Name, path.Join("environments", e.Name)
			if len(hosts) > 1 {
				suffix := c.Purpose
				if c.Purpose == e.Name || c.Purpose == "shared" {
					suffix = c.Region
				}
				name = e.Name + "-" + suffix
				dir = path.Join(dir, suffix)
			}
			var apps []string
			for _, w := range c.workloads {
				if w.Env == e.Name {
					apps = addSorted(apps, w.App)
				}
			}
			namespaces := make([]any, 0, len(apps))
			for _, a := range apps {
				namespaces = append(namespaces, a)
			}
			u := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": landfallv1alpha1.GroupVersion.String(),
				"kind":       EnvironmentKind,
				"metadata": map[string]any{
					"name":      name,
					"namespace": SystemNamespace,
					"labels": map[string]any{
						landfallv1alpha1.LabelEnvironment: e.Name,
					},
					"annotations": map[string]any{
						"landfall.dev/applications": strings.Join(apps, ","),
					},
				},
				"spec": map[string]any{
					"source": map[string]any{"url": url, "branch": branch, "path": dir},
					"target": map[string]any{"cluster": c.Name, "namespaces": namespaces},
					// Platform-owned: the delivery issue's tenancy narrows this
					// per team once Accounts exist.
					"serviceAccountName": "landfall-deployer",
					"interval":           defaultSyncInterval,
					"prune":              true,
					"selfHeal":           e.Production,
					"suspend":            false,
					"gate":               map[string]any{"severity": defaultGate},
					"healthTimeout":      defaultHealthTimeout,
				},
			}}
			out = append(out, u)
		}
	}
	return out
}

// marshalObject renders a typed or unstructured object as YAML without
// status or empty creation timestamps.
func marshalObject(obj runtime.Object) ([]byte, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("converting object: %w", err)
	}
	delete(m, "status")
	unstructured.RemoveNestedField(m, "metadata", "creationTimestamp")
	data, err := yaml.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding object: %w", err)
	}
	return data, nil
}

func kustomization(e *unstructured.Unstructured) []byte {
	apps := strings.Split(e.GetAnnotations()["landfall.dev/applications"], ",")
	var b strings.Builder
	fmt.Fprintf(&b, "# Manifests of environment %s, synced by the Environment of the same name.\n", e.GetName())
	b.WriteString("# Add one directory per application and list it under resources.\n")
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n")
	b.WriteString("# Applications expected here:\n")
	for _, a := range apps {
		if a != "" {
			fmt.Fprintf(&b, "# - %s/\n", a)
		}
	}
	return []byte(b.String())
}

func readme(p *Profile, plan *Plan, r *TopologyResult, envs []*unstructured.Unstructured) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Fleet for %s: %s\n\n", p.Name, r.Title)
	fmt.Fprintf(&b, "Generated by `landfall plan --emit` (recommended topology: %s; this layout: %s).\n", plan.Recommended().Title, r.Title)
	b.WriteString("Review it, replace the Git URL if needed, and commit it.\n\n")
	b.WriteString("## Layout\n\n")
	b.WriteString("- `fleet/clusters/`: one `Cluster` per cluster. Register each with\n")
	b.WriteString("  `landfall cluster add NAME --kubeconfig FILE --env ENV --region REGION`, which\n")
	fmt.Fprintf(&b, "  creates the kubeconfig Secret in `%s`, or apply these files after creating\n", SystemNamespace)
	b.WriteString("  the Secrets `<cluster>-kubeconfig` yourself.\n")
	b.WriteString("- `fleet/environments/`: one `Environment` per environment and cluster; each syncs\n")
	b.WriteString("  its directory under `environments/` to its target cluster.\n")
	b.WriteString("- `environments/<env>/...`: the manifests of each environment, one directory per\n")
	b.WriteString("  application, promoted from one environment to the next by Git commits.\n\n")
	b.WriteString("## Clusters\n\n| cluster | environments | applications | region | zones |\n|---|---|---|---|---|\n")
	for _, c := range r.Clusters {
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %d |\n", c.Name, strings.Join(c.Environments, ", "), len(c.Applications), c.Region, len(c.Zones))
	}
	b.WriteString("\n## Environments\n\n| environment | path | cluster |\n|---|---|---|\n")
	for _, e := range envs {
		src, _, _ := unstructured.NestedString(e.Object, "spec", "source", "path")
		target, _, _ := unstructured.NestedString(e.Object, "spec", "target", "cluster")
		fmt.Fprintf(&b, "| %s | `%s` | %s |\n", e.GetName(), src, target)
	}
	return []byte(b.String())
}
