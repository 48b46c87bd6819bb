// Package webhooktest runs Landfall's tenancy manager, the reconcilers of
// internal/controller and the webhooks of internal/webhook, in-process
// against a test cluster, the way `landfall manager` runs them in one:
//
//   - as its own identity, the ServiceAccount landfall-system/landfall-manager
//     bound to the generated ClusterRole of config/rbac (applied from the
//     embedded files, never cluster-admin), with a token from the
//     TokenRequest API, so RBAC really decides what the manager may do;
//   - with a webhook server on a fixed local port and a self-signed
//     certificate, registered in the cluster's webhook configurations;
//   - stoppable and restartable: Stop cancels the manager and waits until
//     it has shut down, Start runs a new one on the same port, so a test
//     can interrupt it mid-way and check that nothing is lost.
//
// A test package shares one Manager (the reconcilers of two managers
// would fight over the same objects):
//
//	mgr, err := webhooktest.New(ctx, webhooktest.Options{Admin: env.AdminConfig(t), CertDir: env.Dir(t, "webhook-certs")})
//	...
//	err = mgr.Start()
//	defer mgr.Stop()
package webhooktest
