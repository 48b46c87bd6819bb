package posture

// Helpers to read decoded (unstructured) objects without panicking on
// missing fields or unexpected types: a missing key or a value of the wrong
// type reads as the zero value.

// Map returns the map at the path of keys under m, or nil.
func Map(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// Value returns the value at the path of keys under m and whether it is
// present.
func Value(m map[string]any, keys ...string) (any, bool) {
	if len(keys) == 0 {
		return m, m != nil
	}
	parent := Map(m, keys[:len(keys)-1]...)
	v, ok := parent[keys[len(keys)-1]]
	return v, ok
}

// Slice returns the list at the path of keys under m, or nil.
func Slice(m map[string]any, keys ...string) []any {
	v, _ := Value(m, keys...)
	s, _ := v.([]any)
	return s
}

// Maps returns the maps in the list at the path of keys under m; items that
// are not maps are returned as nil so that list indexes stay true.
func Maps(m map[string]any, keys ...string) []map[string]any {
	s := Slice(m, keys...)
	out := make([]map[string]any, len(s))
	for i, v := range s {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// Str returns the string at the path of keys under m, or "".
func Str(m map[string]any, keys ...string) string {
	v, _ := Value(m, keys...)
	s, _ := v.(string)
	return s
}

// Strings returns the strings in the list at the path of keys under m,
// skipping items that are not strings.
func Strings(m map[string]any, keys ...string) []string {
	s := Slice(m, keys...)
	out := make([]string, 0, len(s))
	for _, v := range s {
		if str, ok := v.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// Bool returns the boolean at the path of keys under m and whether it is
// set to a boolean.
func Bool(m map[string]any, keys ...string) (value, set bool) {
	v, _ := Value(m, keys...)
	b, ok := v.(bool)
	return b, ok
}

// Int returns the integer at the path of keys under m and whether it is
// set to a number. JSON numbers (float64) and YAML integers are accepted.
func Int(m map[string]any, keys ...string) (int64, bool) {
	v, _ := Value(m, keys...)
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}
