package posture

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// SynthesizedAnnotation marks Namespace objects that the engine made up for
// namespaces that scanned objects live in but that no Namespace manifest
// declares. Their Source is the first object seen in that namespace.
const SynthesizedAnnotation = "posture.landfall.dev/synthesized"

type nsKey struct{ kind, namespace string }

type nameKey struct{ kind, namespace, name string }

// MemIndex is an in-memory Index. Build it with NewIndex or let a Scan fill
// it; it is not safe for concurrent writes, but concurrent reads after it is
// built are safe.
type MemIndex struct {
	byKind   map[string][]*Object
	byNS     map[nsKey][]*Object
	byName   map[nameKey]*Object
	nsFirst  map[string]Source
	nsOrder  []string
	declared map[string]bool
}

var _ Index = (*MemIndex)(nil)

// NewIndex returns an index of the objects, in the given order. It keeps
// the objects as they are (no light copies).
func NewIndex(objects []*Object) *MemIndex {
	idx := newMemIndex()
	for _, o := range objects {
		idx.add(o)
		idx.noteNamespace(o)
	}
	return idx
}

func newMemIndex() *MemIndex {
	return &MemIndex{
		byKind:   map[string][]*Object{},
		byNS:     map[nsKey][]*Object{},
		byName:   map[nameKey]*Object{},
		nsFirst:  map[string]Source{},
		declared: map[string]bool{},
	}
}

func (x *MemIndex) add(o *Object) {
	kind, ns, name := o.U.GetKind(), o.U.GetNamespace(), o.U.GetName()
	x.byKind[kind] = append(x.byKind[kind], o)
	x.byNS[nsKey{kind, ns}] = append(x.byNS[nsKey{kind, ns}], o)
	if _, seen := x.byName[nameKey{kind, ns, name}]; !seen {
		x.byName[nameKey{kind, ns, name}] = o
	}
	if kind == "Namespace" {
		x.declared[name] = true
	}
}

// noteNamespace records the namespace an object lives in, or that it
// declares, whether or not the index keeps the object.
func (x *MemIndex) noteNamespace(o *Object) {
	if o.U.GetKind() == "Namespace" {
		x.declared[o.U.GetName()] = true
		return
	}
	ns := o.U.GetNamespace()
	if ns == "" {
		return
	}
	if _, ok := x.nsFirst[ns]; !ok {
		x.nsFirst[ns] = o.Source
		x.nsOrder = append(x.nsOrder, ns)
	}
}

// ByKind implements Index.
func (x *MemIndex) ByKind(kind string) []*Object { return x.byKind[kind] }

// InNamespace implements Index.
func (x *MemIndex) InNamespace(kind, namespace string) []*Object {
	return x.byNS[nsKey{kind, namespace}]
}

// Get implements Index.
func (x *MemIndex) Get(kind, namespace, name string) *Object {
	return x.byName[nameKey{kind, namespace, name}]
}

// synthesizeNamespaces adds a Namespace object for every namespace that
// objects live in but no Namespace object declares, and returns them.
func (x *MemIndex) synthesizeNamespaces() []*Object {
	var out []*Object
	for _, ns := range x.nsOrder {
		if x.declared[ns] {
			continue
		}
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1",
			"kind":       "Namespace",
			"metadata": map[string]any{
				"name":        ns,
				"annotations": map[string]any{SynthesizedAnnotation: "true"},
			},
		}}
		o := &Object{U: u, Source: x.nsFirst[ns]}
		x.add(o)
		out = append(out, o)
	}
	return out
}

// Lighten returns the part of an object that cross-object checks may read
// from the index: apiVersion, kind, metadata name, namespace and labels and,
// for kinds with a pod template, the template's labels and each container's
// image (containers only, not init or ephemeral ones). Everything else is
// dropped; the label maps are shared with the original object. A light
// workload costs about 2 KB of memory.
func Lighten(o *Object) *Object {
	meta, _ := o.U.Object["metadata"].(map[string]any)
	lightMeta := map[string]any{}
	for _, k := range []string{"name", "namespace", "labels"} {
		if v, ok := meta[k]; ok {
			lightMeta[k] = v
		}
	}
	light := map[string]any{
		"apiVersion": o.U.Object["apiVersion"],
		"kind":       o.U.Object["kind"],
		"metadata":   lightMeta,
	}
	if pt, ok := PodTemplateOf(o); ok && pt.SpecPath != "spec" {
		tmplLabels := Map(pt.Meta, "labels")
		spec := map[string]any{"containers": lightContainers(pt.Spec)}
		setPath(light, pt.MetaPath, map[string]any{"labels": tmplLabels})
		setPath(light, pt.SpecPath, spec)
	} else if ok {
		setPath(light, "spec", map[string]any{"containers": lightContainers(pt.Spec)})
	}
	return &Object{U: &unstructured.Unstructured{Object: light}, Source: o.Source}
}

func lightContainers(spec map[string]any) []any {
	var out []any
	for _, c := range Slice(spec, "containers") {
		cm, _ := c.(map[string]any)
		l := map[string]any{}
		if v, ok := cm["image"]; ok {
			l["image"] = v
		}
		out = append(out, l)
	}
	return out
}

// setPath sets a dotted path (no list indexes) in m, creating maps on the
// way.
func setPath(m map[string]any, path string, v any) {
	keys := splitDots(path)
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}

func splitDots(path string) []string {
	var out []string
	start := 0
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			out = append(out, path[start:i])
			start = i + 1
		}
	}
	return append(out, path[start:])
}

// Namespaces returns every namespace seen (declared or used), in first-seen
// order followed by declared-only namespaces in index order.
func (x *MemIndex) Namespaces() []string {
	out := slices.Clone(x.nsOrder)
	for _, o := range x.byKind["Namespace"] {
		if !slices.Contains(out, o.U.GetName()) {
			out = append(out, o.U.GetName())
		}
	}
	return out
}
