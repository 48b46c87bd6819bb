package rbac

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Namespace, ServiceAccount and ClusterRole of the manager, as the
// manifests name them.
const (
	Namespace      = "landfall-system"
	ServiceAccount = "landfall-manager"
	ClusterRole    = "landfall-manager"
)

// ServiceAccountUser is the user name the API server gives the manager's
// ServiceAccount.
const ServiceAccountUser = "system:serviceaccount:" + Namespace + ":" + ServiceAccount

//go:embed *.yaml
var manifests embed.FS

// Objects returns every object of the embedded manifests, files in name
// order, documents in file order.
func Objects() ([]*unstructured.Unstructured, error) {
	files, err := fs.Glob(manifests, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("listing manifests: %w", err)
	}
	var out []*unstructured.Unstructured
	for _, f := range files {
		data, err := manifests.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			u := &unstructured.Unstructured{}
			if err := dec.Decode(&u.Object); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return nil, fmt.Errorf("decoding %s: %w", path.Base(f), err)
			}
			if len(u.Object) == 0 {
				continue
			}
			out = append(out, u)
		}
	}
	return out, nil
}

// Apply server-side applies every embedded object with c, which must be
// allowed to grant what the manifests grant (a platform admin). The
// manager's namespace must exist.
func Apply(ctx context.Context, c client.Client, fieldManager string) error {
	objs, err := Objects()
	if err != nil {
		return err
	}
	for _, u := range objs {
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(fieldManager), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return nil
}
