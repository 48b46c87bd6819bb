package cliutil

import (
	"fmt"
	"slices"
	"strings"

	landfallv1alpha1 "github.com/landfall-dev/landfall/api/v1alpha1"
)

// SetTemplateParams sets each of params, TEMPLATE.NAME=VALUE as given to a
// --param flag, on the template of refs it names; a later value for the
// same parameter wins. of says whose templates refs are, for the error
// when a param names another: "the account's", "--template".
func SetTemplateParams(refs []landfallv1alpha1.TemplateReference, params []string, of string) error {
	for _, p := range params {
		key, value, ok := strings.Cut(p, "=")
		// Template names may hold dots, parameter names may not.
		dot := strings.LastIndex(key, ".")
		if !ok || dot <= 0 || dot == len(key)-1 {
			return UsageError(fmt.Errorf("--param %q: want TEMPLATE.NAME=VALUE", p))
		}
		tpl, param := key[:dot], key[dot+1:]
		i := slices.IndexFunc(refs, func(r landfallv1alpha1.TemplateReference) bool { return r.Name == tpl })
		if i < 0 {
			names := make([]string, len(refs))
			for j, r := range refs {
				names[j] = r.Name
			}
			given := strings.Join(names, ", ")
			if given == "" {
				given = "none"
			}
			return UsageError(fmt.Errorf("--param %q: template %s is not one of %s (%s)", key, tpl, of, given))
		}
		ref := &refs[i]
		ref.Parameters = slices.DeleteFunc(ref.Parameters, func(v landfallv1alpha1.ParameterValue) bool { return v.Name == param })
		ref.Parameters = append(ref.Parameters, landfallv1alpha1.ParameterValue{Name: param, Value: value})
	}
	return nil
}
