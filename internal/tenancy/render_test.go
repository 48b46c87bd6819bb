package tenancy

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

func strp(s string) *string { return &s }

func tpl(name string, params []landfallv1alpha1.TemplateParameter, objs ...string) *landfallv1alpha1.Template {
	t := &landfallv1alpha1.Template{}
	t.Name = name
	t.Spec.Parameters = params
	for _, o := range objs {
		t.Spec.Resources = append(t.Spec.Resources, runtime.RawExtension{Raw: []byte(o)})
	}
	return t
}

const cm = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${NAME}"},"data":{"space":"${SPACE}","account":"${ACCOUNT}","cc":"${ACCOUNT_LABEL_COST_CENTER}","lit":"$${NAME}","size":"${SIZE}"}}`

func TestRender(t *testing.T) {
	t.Parallel()
	params := []landfallv1alpha1.TemplateParameter{
		{Name: "NAME", Required: true, Validation: "[a-z]+"},
		{Name: "SIZE", Default: strp("small")},
	}
	scope := Scope{Space: "team-a-dev", Account: "team-a", AccountLabels: map[string]string{"cost-center": "42"}}
	tests := map[string]struct {
		tpl      *landfallv1alpha1.Template
		values   []landfallv1alpha1.ParameterValue
		wantErr  error
		wantText string
		wantData map[string]string
	}{
		"values, defaults and predefined parameters are substituted": {
			tpl:      tpl("t", params, cm),
			values:   []landfallv1alpha1.ParameterValue{{Name: "NAME", Value: "cfg"}},
			wantData: map[string]string{"space": "team-a-dev", "account": "team-a", "cc": "42", "lit": "${NAME}", "size": "small"},
		},
		"a missing required parameter names template and parameter": {
			tpl:      tpl("t", params, cm),
			wantErr:  ErrMissingParameter,
			wantText: `template "t": parameter NAME: required parameter has no value`,
		},
		"a value failing validation is rejected with the regex, not the value": {
			tpl:      tpl("t", params, cm),
			values:   []landfallv1alpha1.ParameterValue{{Name: "NAME", Value: "Bad1"}},
			wantErr:  ErrInvalidParameter,
			wantText: `template "t": parameter NAME: value does not match the validation [a-z]+ (the value is not shown)`,
		},
		"validation matches the whole value": {
			tpl:     tpl("t", params, cm),
			values:  []landfallv1alpha1.ParameterValue{{Name: "NAME", Value: "abc-"}},
			wantErr: ErrInvalidParameter,
		},
		"an undeclared value is rejected": {
			tpl:      tpl("t", params, cm),
			values:   []landfallv1alpha1.ParameterValue{{Name: "NAME", Value: "x"}, {Name: "OTHER", Value: "y"}},
			wantErr:  ErrUnknownParameter,
			wantText: `template "t": parameter OTHER: parameter is not declared by the template`,
		},
		"an undeclared reference names the object index": {
			tpl:      tpl("t", nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${NOPE}"}}`),
			wantErr:  ErrUnknownParameter,
			wantText: `template "t": resources[1]: parameter NOPE: parameter is not declared by the template`,
		},
		"an object in another namespace is rejected": {
			tpl:      tpl("t", nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"kube-system"}}`),
			wantText: `template "t": resources[0]: object is in namespace "kube-system", not the space's`,
		},
		"a namespace object is rejected": {
			tpl:      tpl("t", nil, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}`),
			wantText: `template "t": resources[0]: templates cannot create namespaces`,
		},
		"duplicate objects are rejected": {
			tpl:      tpl("t", nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`),
			wantText: `template "t": resources[1]: ConfigMap "a" is also resources[0]`,
		},
		"an unterminated reference is an error": {
			tpl:      tpl("t", nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${SPACE"}}`),
			wantText: `template "t": resources[0]: unterminated ${ in "${SPACE"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r, err := Render(tc.tpl, tc.values, scope)
			if tc.wantErr != nil || tc.wantText != "" {
				if err == nil {
					t.Fatalf("Render succeeded, want error %v %q", tc.wantErr, tc.wantText)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("error %v is not %v", err, tc.wantErr)
				}
				if tc.wantText != "" && err.Error() != tc.wantText {
					t.Errorf("error\n got %s\nwant %s", err, tc.wantText)
				}
				var re *RenderError
				if !errors.As(err, &re) || re.Template != "t" {
					t.Errorf("error %v is not a RenderError naming the template", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			obj := r.Objects[0]
			if obj.GetNamespace() != scope.Space || obj.GetLabels()[LabelTemplate] != "t" || obj.GetName() != "cfg" {
				t.Errorf("object %s/%s labels %v: want namespace, name and template label set", obj.GetNamespace(), obj.GetName(), obj.GetLabels())
			}
			for k, want := range tc.wantData {
				if got := obj.Object["data"].(map[string]any)[k]; got != want {
					t.Errorf("data[%s] = %v, want %q", k, got, want)
				}
			}
		})
	}
}

func TestBaseline(t *testing.T) {
	t.Parallel()
	r, err := Render(Baseline(), []landfallv1alpha1.ParameterValue{{Name: "QUOTA_PODS", Value: "7"}}, Scope{Space: "s1", Account: "acme"})
	if err != nil {
		t.Fatalf("rendering baseline: %v", err)
	}
	kinds := map[string]bool{}
	for _, o := range r.Objects {
		kinds[o.GetKind()+"/"+o.GetName()] = true
	}
	for _, want := range []string{"ResourceQuota/" + BaselineResourceQuota, "LimitRange/" + BaselineLimitRange,
		"NetworkPolicy/" + BaselineDenyIngress, "NetworkPolicy/" + BaselineAllowSameAccount, "NetworkPolicy/" + BaselineAllowDNSEgress} {
		if !kinds[want] {
			t.Errorf("baseline lacks %s (has %v)", want, kinds)
		}
	}
	if got := r.NamespaceLabels["pod-security.kubernetes.io/enforce"]; got != "restricted" {
		t.Errorf("enforce label = %q, want restricted", got)
	}
	data, _ := json.Marshal(r.Objects)
	for _, want := range []string{`"pods":"7"`, `{"matchLabels":{"landfall.dev/account":"acme"}}`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("rendered baseline lacks %s", want)
		}
	}
	if _, err := Render(Baseline(), []landfallv1alpha1.ParameterValue{{Name: "POD_SECURITY", Value: "none"}}, Scope{Space: "s1", Account: "acme"}); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("POD_SECURITY=none: got %v, want invalid parameter", err)
	}
}

func TestBaselineSampleIsCurrent(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../config/samples/landfall_v1alpha1_template_baseline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var sample landfallv1alpha1.Template
	if err := yaml.UnmarshalStrict(data, &sample); err != nil {
		t.Fatalf("decoding sample: %v", err)
	}
	scope := Scope{Space: "s", Account: "a"}
	got, err := Render(&sample, nil, scope)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Render(Baseline(), nil, scope)
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("config/samples baseline differs from tenancy.Baseline(); regenerate it from yaml.Marshal(Baseline())")
	}
}
