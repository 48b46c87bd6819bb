package tenancy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// Predefined parameters, set by Landfall for every rendering.
const (
	// ParamSpace is the space (and namespace) name.
	ParamSpace = "SPACE"
	// ParamAccount is the account name.
	ParamAccount = "ACCOUNT"
	// ParamAccountLabelPrefix prefixes one parameter per account label:
	// label "cost-center" is ${ACCOUNT_LABEL_COST_CENTER}.
	ParamAccountLabelPrefix = "ACCOUNT_LABEL_"
)

// Scope is what a template is rendered for.
type Scope struct {
	// Space is the space name, which is also its namespace name.
	Space string
	// Account is the account name.
	Account string
	// AccountLabels are the Account object's labels.
	AccountLabels map[string]string
}

// Rendered is a template rendered for one space.
type Rendered struct {
	// Template is the template name.
	Template string
	// Parameters are the resolved values, predefined ones included.
	Parameters map[string]string
	// NamespaceLabels are the labels to set on the namespace.
	NamespaceLabels map[string]string
	// Objects are the namespaced objects, with the namespace set and the
	// landfall.dev/template label added.
	Objects []*unstructured.Unstructured
}

// RenderError says which template, object and parameter a rendering
// failed on.
type RenderError struct {
	// Template is the template name.
	Template string
	// Object is the index in spec.resources, or -1.
	Object int
	// Parameter is the parameter concerned, if any.
	Parameter string
	// Err is the cause.
	Err error
}

func (e *RenderError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "template %q", e.Template)
	if e.Object >= 0 {
		fmt.Fprintf(&b, ": resources[%d]", e.Object)
	}
	if e.Parameter != "" {
		fmt.Fprintf(&b, ": parameter %s", e.Parameter)
	}
	return b.String() + ": " + e.Err.Error()
}

func (e *RenderError) Unwrap() error { return e.Err }

var (
	// ErrMissingParameter is the cause when a required parameter has no
	// value and no default.
	ErrMissingParameter = errors.New("required parameter has no value")
	// ErrUnknownParameter is the cause when a value is given for, or the
	// template refers to, a parameter the template does not declare.
	ErrUnknownParameter = errors.New("parameter is not declared by the template")
	// ErrInvalidParameter is the cause when a value does not match the
	// parameter's validation.
	ErrInvalidParameter = errors.New("value does not match the validation")
)

var accountLabelKey = regexp.MustCompile(`[^A-Z0-9_]`)

// AccountLabelParameter returns the parameter name of an account label.
func AccountLabelParameter(key string) string {
	return ParamAccountLabelPrefix + accountLabelKey.ReplaceAllString(strings.ToUpper(key), "_")
}

// validations caches compiled parameter validations by pattern: every
// space renders its templates (twice when it is created), and compiling
// the same pattern each time was the largest single cost of a render.
// Templates are written by platform admins, so the patterns are few; the
// cache stops growing at maxValidations all the same.
var validations struct {
	sync.Mutex
	byPattern map[string]*regexp.Regexp
}

const maxValidations = 512

// compileValidation compiles a parameter validation anchored to the whole
// value, from the cache when it was compiled before.
func compileValidation(pattern string) (*regexp.Regexp, error) {
	validations.Lock()
	re, ok := validations.byPattern[pattern]
	validations.Unlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, err
	}
	validations.Lock()
	defer validations.Unlock()
	if validations.byPattern == nil {
		validations.byPattern = map[string]*regexp.Regexp{}
	}
	if len(validations.byPattern) < maxValidations {
		validations.byPattern[pattern] = re
	}
	return re, nil
}

// ResolveParameters returns the values of every parameter: the given
// values, else the defaults, plus the predefined ones. Unknown values,
// missing required values and values that fail validation are errors.
func ResolveParameters(tpl *landfallv1alpha1.Template, values []landfallv1alpha1.ParameterValue, scope Scope) (map[string]string, error) {
	fail := func(param string, err error) error {
		return &RenderError{Template: tpl.Name, Object: -1, Parameter: param, Err: err}
	}
	out := map[string]string{ParamSpace: scope.Space, ParamAccount: scope.Account}
	for k, v := range scope.AccountLabels {
		out[AccountLabelParameter(k)] = v
	}
	declared := map[string]landfallv1alpha1.TemplateParameter{}
	for _, p := range tpl.Spec.Parameters {
		declared[p.Name] = p
	}
	given := map[string]string{}
	for _, v := range values {
		if _, ok := declared[v.Name]; !ok {
			return nil, fail(v.Name, ErrUnknownParameter)
		}
		given[v.Name] = v.Value
	}
	for _, p := range tpl.Spec.Parameters {
		v, ok := given[p.Name]
		if !ok && p.Default != nil {
			v, ok = *p.Default, true
		}
		if !ok {
			if p.Required {
				return nil, fail(p.Name, ErrMissingParameter)
			}
			v = ""
		}
		if p.Validation != "" {
			re, err := compileValidation(p.Validation)
			if err != nil {
				return nil, fail(p.Name, fmt.Errorf("compiling validation: %w", err))
			}
			if !re.MatchString(v) {
				// The value is not repeated: this error reaches conditions
				// and logs, and a parameter may hold a credential.
				return nil, fail(p.Name, fmt.Errorf("%w %s (the value is not shown)", ErrInvalidParameter, p.Validation))
			}
		}
		out[p.Name] = v
	}
	return out, nil
}

// Render renders the template for a scope with the given values.
func Render(tpl *landfallv1alpha1.Template, values []landfallv1alpha1.ParameterValue, scope Scope) (*Rendered, error) {
	params, err := ResolveParameters(tpl, values, scope)
	if err != nil {
		return nil, err
	}
	out := &Rendered{Template: tpl.Name, Parameters: params, NamespaceLabels: map[string]string{}}
	for _, k := range slices.Sorted(maps.Keys(tpl.Spec.NamespaceLabels)) {
		key, err := substitute(k, params)
		if err == nil {
			var v string
			v, err = substitute(tpl.Spec.NamespaceLabels[k], params)
			out.NamespaceLabels[key] = v
		}
		if err != nil {
			return nil, withLocation(err, tpl.Name, -1)
		}
	}
	seen := map[string]int{}
	for i, raw := range tpl.Spec.Resources {
		obj, err := renderObject(raw.Raw, params, scope.Space, tpl.Name)
		if err != nil {
			return nil, withLocation(err, tpl.Name, i)
		}
		key := obj.GetAPIVersion() + "/" + obj.GetKind() + "/" + obj.GetName()
		if j, dup := seen[key]; dup {
			return nil, &RenderError{Template: tpl.Name, Object: i, Err: fmt.Errorf("%s %q is also resources[%d]", obj.GetKind(), obj.GetName(), j)}
		}
		seen[key] = i
		out.Objects = append(out.Objects, obj)
	}
	return out, nil
}

// paramError is a substitution failure on one parameter.
type paramError struct {
	param string
	err   error
}

func (e *paramError) Error() string { return e.err.Error() }

func withLocation(err error, tpl string, obj int) error {
	var pe *paramError
	if errors.As(err, &pe) {
		return &RenderError{Template: tpl, Object: obj, Parameter: pe.param, Err: pe.err}
	}
	return &RenderError{Template: tpl, Object: obj, Err: err}
}

func renderObject(raw []byte, params map[string]string, namespace, tpl string) (*unstructured.Unstructured, error) {
	var content map[string]any
	if err := json.Unmarshal(raw, &content); err != nil {
		return nil, fmt.Errorf("decoding object: %w", err)
	}
	rendered, err := walk(content, params)
	if err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{Object: rendered.(map[string]any)}
	switch {
	case obj.GetAPIVersion() == "" || obj.GetKind() == "":
		return nil, errors.New("object has no apiVersion or kind")
	case obj.GetName() == "":
		return nil, errors.New("object has no metadata.name")
	case obj.GetNamespace() != "" && obj.GetNamespace() != namespace:
		return nil, fmt.Errorf("object is in namespace %q, not the space's", obj.GetNamespace())
	case obj.GetKind() == "Namespace":
		return nil, errors.New("templates cannot create namespaces")
	}
	obj.SetNamespace(namespace)
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelTemplate] = tpl
	obj.SetLabels(labels)
	return obj, nil
}

// walk substitutes parameters in every string value and map key.
func walk(v any, params map[string]string) (any, error) {
	switch t := v.(type) {
	case string:
		return substitute(t, params)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			nk, err := substitute(k, params)
			if err != nil {
				return nil, err
			}
			ne, err := walk(e, params)
			if err != nil {
				return nil, err
			}
			out[nk] = ne
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			ne, err := walk(e, params)
			if err != nil {
				return nil, err
			}
			out[i] = ne
		}
		return out, nil
	default:
		return v, nil
	}
}

// substitute replaces ${NAME} with its value; "$${" is a literal "${".
func substitute(s string, params map[string]string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("unterminated ${ in %q", s)
		}
		name := s[i+2 : i+end]
		v, ok := params[name]
		if !ok {
			return "", &paramError{param: name, err: ErrUnknownParameter}
		}
		b.WriteString(v)
		s = s[i+end+1:]
	}
}

// Parameters lists the parameters a template can be given, predefined
// ones excluded, for display.
func Parameters(tpl *landfallv1alpha1.Template) []landfallv1alpha1.TemplateParameter {
	return slices.Clone(tpl.Spec.Parameters)
}
