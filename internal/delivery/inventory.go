package delivery

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fluxcd/cli-utils/pkg/object"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// InventoryOf returns the inventory of objs as they are, sorted by ID,
// without duplicates. For rendered objects, whose namespaces Apply may
// still default, use Applier.PlannedInventory.
func InventoryOf(objs []*unstructured.Unstructured) Inventory {
	refs := make([]ObjectRef, 0, len(objs))
	for _, o := range objs {
		refs = append(refs, RefOf(o))
	}
	return inventoryOfRefs(refs)
}

func inventoryOfRefs(refs []ObjectRef) Inventory {
	seen := map[string]bool{}
	inv := Inventory{Entries: make([]InventoryEntry, 0, len(refs))}
	for _, r := range refs {
		id := r.ID()
		if seen[id] {
			continue
		}
		seen[id] = true
		inv.Entries = append(inv.Entries, InventoryEntry{ID: id, Version: r.Version})
	}
	slices.SortFunc(inv.Entries, func(a, b InventoryEntry) int { return strings.Compare(a.ID, b.ID) })
	return inv
}

// Refs parses the inventory's entries.
func (inv Inventory) Refs() ([]ObjectRef, error) {
	out := make([]ObjectRef, 0, len(inv.Entries))
	for _, e := range inv.Entries {
		r, err := ParseID(e.ID)
		if err != nil {
			return nil, err
		}
		r.Version = e.Version
		out = append(out, r)
	}
	return out, nil
}

// ParseID parses a Flux-style inventory ID, namespace_name_group_kind.
func ParseID(id string) (ObjectRef, error) {
	m, err := object.ParseObjMetadata(id)
	if err != nil {
		return ObjectRef{}, fmt.Errorf("parsing inventory ID %q: %w", id, err)
	}
	return ObjectRef{Namespace: m.Namespace, Name: m.Name, Group: m.GroupKind.Group, Kind: m.GroupKind.Kind}, nil
}

// Len returns the number of entries.
func (inv Inventory) Len() int { return len(inv.Entries) }
