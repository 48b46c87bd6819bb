package cliutil

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// Output formats shared by commands that print structured data.
const (
	// OutputText is the human-readable default.
	OutputText = "text"
	// OutputJSON is indented JSON.
	OutputJSON = "json"
	// OutputYAML is YAML.
	OutputYAML = "yaml"
)

// OutputFlag is an -o/--output flag restricted to a fixed set of formats.
type OutputFlag struct {
	value   string
	allowed []string
}

// NewOutputFlag returns an output flag with the given default and allowed
// formats.
func NewOutputFlag(def string, allowed ...string) *OutputFlag {
	return &OutputFlag{value: def, allowed: allowed}
}

// String implements pflag.Value.
func (o *OutputFlag) String() string { return o.value }

// Type implements pflag.Value.
func (o *OutputFlag) Type() string { return "format" }

// Set implements pflag.Value and rejects unknown formats.
func (o *OutputFlag) Set(v string) error {
	for _, a := range o.allowed {
		if v == a {
			o.value = v
			return nil
		}
	}
	return fmt.Errorf("unknown output format %q (one of %s)", v, strings.Join(o.allowed, ", "))
}

// Bind registers the flag as -o/--output on cmd with shell completion of
// the allowed formats.
func (o *OutputFlag) Bind(cmd *cobra.Command) {
	cmd.Flags().VarP(o, "output", "o", "output format: "+strings.Join(o.allowed, "|"))
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return o.allowed, cobra.ShellCompDirectiveNoFileComp
	})
}

// PrintStructured writes v as JSON or YAML according to format. Like
// kubectl, it leaves out the managedFields of Kubernetes objects (see
// WithoutManagedFields): they are server-side apply's bookkeeping, and in
// a list they outweigh the objects.
func PrintStructured(w io.Writer, format string, v any) error {
	v = WithoutManagedFields(v)
	switch format {
	case OutputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("writing json: %w", err)
		}
		return nil
	case OutputYAML:
		data, err := yaml.Marshal(v)
		if err != nil {
			return fmt.Errorf("writing yaml: %w", err)
		}
		_, err = w.Write(data)
		return err
	default:
		return fmt.Errorf("format %q is not structured", format)
	}
}

// WithoutManagedFields returns v with the managedFields of its Kubernetes
// objects cleared: a Kubernetes object, a list object, or a slice of
// object values ([]T whose *T is a metav1.Object). It copies what it
// changes, so v itself is untouched; anything else (a slice of pointers
// included) is returned as it is.
func WithoutManagedFields(v any) any {
	if obj, ok := v.(runtime.Object); ok && !isNil(v) {
		c := obj.DeepCopyObject()
		if meta.IsListType(c) {
			_ = meta.EachListItem(c, func(item runtime.Object) error {
				clearManagedFields(item)
				return nil
			})
		} else {
			clearManagedFields(c)
		}
		return c
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.IsNil() {
		return v
	}
	if _, ok := reflect.New(rv.Type().Elem()).Interface().(metav1.Object); !ok {
		return v
	}
	c := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
	reflect.Copy(c, rv)
	for i := range c.Len() {
		c.Index(i).Addr().Interface().(metav1.Object).SetManagedFields(nil)
	}
	return c.Interface()
}

func clearManagedFields(obj runtime.Object) {
	if a, err := meta.Accessor(obj); err == nil {
		a.SetManagedFields(nil)
	}
}

func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
