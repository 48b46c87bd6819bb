package live

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// reference decodes a list body as the dynamic client does and strips the
// items as ScanWith does.
func reference(body []byte) (items []map[string]any, cont string, err error) {
	var list unstructured.UnstructuredList
	if err := runtime.DecodeInto(unstructured.UnstructuredJSONScheme, body, &list); err != nil {
		return nil, "", err
	}
	for i := range list.Items {
		u := &list.Items[i]
		strip(u)
		// The dynamic client sets the list's kind on items without one;
		// the scan sets every item's kind itself.
		if u.GetKind() == strings.TrimSuffix(list.GetKind(), "List") {
			delete(u.Object, "kind")
			delete(u.Object, "apiVersion")
		}
		items = append(items, u.Object)
	}
	return items, list.GetContinue(), nil
}

func decodeAll(body []byte) (items []map[string]any, cont string, err error) {
	cont, err = newListDecoder().decode(body, func(m map[string]any) { items = append(items, m) })
	return items, cont, err
}

// list wraps items into the body of a LIST response.
func list(cont string, items ...string) []byte {
	return fmt.Appendf(nil, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":%q},"items":[%s]}`,
		cont, strings.Join(items, ","))
}

func TestListDecoderDecodesLikeTheDynamicClientWithoutWhatStripRemoves(t *testing.T) {
	t.Parallel()
	tests := map[string][]byte{
		"an object with status, managed fields and kubectl's copy": list("next", `{
			"metadata": {"name": "web", "namespace": "shop", "uid": "1",
				"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"big\":true}\n", "team": "a"},
				"managedFields": [{"manager": "kubectl", "fieldsV1": {"f:data": {}}}]},
			"data": {"k": "v"},
			"status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}]}}`),
		"annotations holding only kubectl's copy become empty": list("", `{"metadata": {"name": "a", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}}}`),
		"numbers: int64 when whole and in range, float64 otherwise": list("", `{"metadata": {"name": "n", "generation": 3},
			"spec": {"a": 0, "b": -0, "c": -17, "d": 9223372036854775807, "e": -9223372036854775808, "f": 9223372036854775808,
			"g": 1.5, "h": 1.0, "i": 1e3, "j": -2.5E-3, "k": 123456789012345678, "l": 1234567890123456789, "m": 0.0}}`),
		"strings: escapes, surrogates, invalid UTF-8 and multi-byte text": list("", `{"metadata": {"name": "s"}, "data": {
			"esc": "a\"b\\c\/d\b\f\n\r\t", "u": "\u00e9\u4e2d", "pair": "\ud83d\ude00", "lone": "\ud800x", "utf8": "héllo 中文 😀",
			"bad": "`+"\xff\xfe"+`ok", "ctrl-escaped": "\u0001", "empty": ""}}`),
		"nesting, empty containers, null and booleans": list("", `{"metadata": {"name": "x", "labels": {}},
			"spec": {"a": [], "b": {}, "c": null, "d": true, "e": false, "f": [[1, [2, {"g": [null]}]], {"h": {"i": {}}}]}}`),
		"whitespace everywhere":                      []byte(" \n\t{ \"kind\" : \"PodList\" , \"items\" : [ { \"metadata\" : { \"name\" : \"p\" } , \"status\" : { } } ] , \"metadata\" : { } } \r\n"),
		"duplicate keys: the last wins":              list("", `{"metadata": {"name": "a", "name": "b"}, "spec": {"x": 1, "x": {"y": 2}}}`),
		"items with their own kind are kept":         list("", `{"kind": "Other", "apiVersion": "x/v1", "metadata": {"name": "o"}}`),
		"metadata that is not an object is kept":     list("", `{"metadata": ["odd"], "status": 1}`),
		"no items":                                   []byte(`{"kind":"PodList","apiVersion":"v1","metadata":{}}`),
		"null items":                                 []byte(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":null}`),
		"several items and a continue token":         list("tok/en+=", `{"metadata":{"name":"a"}}`, `{"metadata":{"name":"b"},"status":{"x":[1,2,{"y":"\u0041"}]}}`),
		"status with every kind of value is skipped": list("", `{"metadata":{"name":"a"},"status":{"s":"a\\b\u00e9","n":-1.5e+10,"t":true,"f":false,"z":null,"l":[[],{}]}}`),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			want, wantCont, err := reference(body)
			g.Expect(err).NotTo(HaveOccurred(), "the reference rejects the test input")
			got, cont, err := decodeAll(body)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(cont).To(Equal(wantCont))
			g.Expect(got).To(Equal(want))
		})
	}
}

func TestListDecoderKeepsTypesAndDropsFields(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	got, cont, err := decodeAll(list("c1", `{"metadata":{"name":"a","managedFields":[],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"x","k":"v"}},"spec":{"replicas":3,"ratio":0.5},"status":{}}`))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cont).To(Equal("c1"))
	g.Expect(got).To(Equal([]map[string]any{{
		"metadata": map[string]any{"name": "a", "annotations": map[string]any{"k": "v"}},
		"spec":     map[string]any{"replicas": int64(3), "ratio": 0.5},
	}}))
}

func TestListDecoderRejectsWhatTheDynamicClientRejects(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"truncated":                   `{"kind":"PodList","items":[{"metadata":{"name":"a"}`,
		"trailing data":               `{"kind":"PodList","items":[]} x`,
		"a leading zero":              `{"kind":"PodList","items":[{"n":01}]}`,
		"a bare minus":                `{"kind":"PodList","items":[{"n":-}]}`,
		"a fraction without digits":   `{"kind":"PodList","items":[{"n":1.}]}`,
		"an exponent without digits":  `{"kind":"PodList","items":[{"n":1e}]}`,
		"a control character":         "{\"kind\":\"PodList\",\"items\":[{\"s\":\"a\x01b\"}]}",
		"a bad escape":                `{"kind":"PodList","items":[{"s":"\x"}]}`,
		"a bad escape in status":      `{"kind":"PodList","items":[{"status":{"s":"\q"}}]}`,
		"a short unicode escape":      `{"kind":"PodList","items":[{"status":"\u12"}]}`,
		"a missing colon":             `{"kind":"PodList","items":[{"a" 1}]}`,
		"a missing comma":             `{"kind":"PodList","items":[{"a":1 "b":2}]}`,
		"a trailing comma":            `{"kind":"PodList","items":[{"a":1,}]}`,
		"a bad literal":               `{"kind":"PodList","items":[{"a":nul}]}`,
		"a bad literal in status":     `{"kind":"PodList","items":[{"status":[tru]}]}`,
		"an unquoted key":             `{"kind":"PodList","items":[{a:1}]}`,
		"an item that is a number":    `{"kind":"PodList","items":[1]}`,
		"a number out of float range": `{"kind":"PodList","items":[{"n":1e999}]}`,
		"not an object":               `[]`,
		"empty":                       ``,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			_, _, refErr := reference([]byte(body))
			g.Expect(refErr).To(HaveOccurred(), "the reference accepts the test input")
			_, _, err := decodeAll([]byte(body))
			g.Expect(err).To(HaveOccurred())
			g.Expect(err.Error()).To(HavePrefix("decoding list: "))
		})
	}
}

func TestListDecoderBoundsNesting(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	for _, body := range []string{`{"items":[{"spec":` + deep + `}]}`, `{"items":[{"status":` + deep + `}]}`} {
		_, _, err := decodeAll([]byte(body))
		g.Expect(err).To(MatchError(ContainSubstring("exceeded max depth")))
	}
}

// FuzzListDecoder checks that any JSON value, as an item's field or as its
// status, decodes (or fails) as with the dynamic client.
func FuzzListDecoder(f *testing.F) {
	for _, seed := range []string{`1`, `-0.5e3`, `"a\u00e9\ud83d\ude00"`, `[1,{"a":null}]`, `{"managedFields":1}`, `true`, "\"\xff\"", `"\ud800"`, `{"a":{"b":[[]]}}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, body := range []string{
			`{"kind":"PodList","items":[{"metadata":{"name":"a"},"spec":` + v + `}]}`,
			`{"kind":"PodList","items":[{"metadata":{"name":"a"},"status":` + v + `}]}`,
			`{"kind":"PodList","items":[{"metadata":{"name":"a","managedFields":` + v + `}}]}`,
		} {
			want, _, refErr := reference([]byte(body))
			got, _, err := decodeAll([]byte(body))
			if (refErr == nil) != (err == nil) {
				t.Fatalf("%s: reference error %v, decoder error %v", body, refErr, err)
			}
			if err == nil {
				wantJSON, _ := json.Marshal(want)
				gotJSON, _ := json.Marshal(got)
				if string(wantJSON) != string(gotJSON) || fmt.Sprintf("%#v", want) != fmt.Sprintf("%#v", got) {
					t.Fatalf("%s:\nreference %#v\ndecoder   %#v", body, want, got)
				}
			}
		}
	})
}
