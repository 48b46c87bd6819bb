// Package env implements `landfall env list|status|diff|sync|history|rollback`:
// the environments of GitOps delivery as their users see them, with their
// own credentials. diff runs the delivery engine locally (fetch, render,
// gate, server-side dry-run) so it shows what a sync would change before
// anything is applied; sync and rollback only annotate the Environment and
// let the manager do the work.
package env
