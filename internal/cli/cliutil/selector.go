package cliutil

import (
	"fmt"
	"slices"

	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// SelectorFlag is kubectl's -l/--selector for list commands: a label
// selector the listed objects must match.
type SelectorFlag struct {
	raw string
}

// Bind registers -l/--selector.
func (s *SelectorFlag) Bind(fs *pflag.FlagSet) {
	fs.StringVarP(&s.raw, "selector", "l", "", "label selector to filter on, as kubectl -l (e.g. -l landfall.dev/account=team-a, -l 'tier in (web,api)')")
}

// Parse returns the selector, everything when none was given, or a usage
// error naming the flag.
func (s *SelectorFlag) Parse() (labels.Selector, error) {
	sel, err := labels.Parse(s.raw)
	if err != nil {
		return nil, UsageError(fmt.Errorf("--selector %q: %w", s.raw, err))
	}
	return sel, nil
}

// MatchingLabels returns the items whose labels sel matches, in order.
func MatchingLabels[T any, PT interface {
	*T
	metav1.Object
}](items []T, sel labels.Selector) []T {
	if sel.Empty() {
		return items
	}
	return slices.DeleteFunc(items, func(it T) bool {
		return !sel.Matches(labels.Set(PT(&it).GetLabels()))
	})
}
