// Package load reads Kubernetes objects for a posture scan from files,
// directories, standard input, Helm charts and kustomize directories.
//
// # Inputs
//
// Walk takes roots: files (any extension), directories (walked
// recursively for .yaml, .yml and .json files, skipping hidden
// directories) and "-" for standard input. A file holds a YAML stream of
// one or more documents or a stream of JSON values. Objects of a kind
// ending in "List" with an items field are flattened into their items.
//
// A directory holding Chart.yaml is rendered as a Helm chart, and a
// directory holding kustomization.yaml, kustomization.yml or Kustomization
// is built with kustomize; the rendered objects are scanned instead of the
// directory's files.
//
// # Source lines
//
// Source.File is the path relative to Options.Root (slash-separated), or
// the path as given when it is not under Root, or "<stdin>". Source.Line is
// the 1-based line of the first line of the document that is neither blank,
// a comment nor a "---" separator; for a JSON value it is the line of its
// opening brace. Items of a List carry the List's line. Rendered Helm
// objects carry the template path from the "# Source:" comment (line 0);
// kustomize objects carry the kustomization directory (line 0).
//
// # Notes and errors
//
// Documents that are not Kubernetes objects (no apiVersion or kind) are
// passed over with a Note. Broken YAML or JSON, unreadable files and binary
// files become errors that name the file (and line where known); loading
// goes on with the other documents and files, and the caller decides the
// exit code.
//
// # Memory
//
// Walk streams: it reads one file at a time per worker and hands each
// object to a callback, so memory does not grow with the corpus.
package load
