// Package testenv gives integration tests a real local control plane (see
// internal/localcluster), started once per test package in TestMain, with
// clients for the admin and for named test users.
//
//	var env *testenv.Env
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Run(m, testenv.Options{Nodes: 3}, &env)) }
//
//	func TestSomething(t *testing.T) {
//		ns := env.Namespace(t)
//		cs := env.User(t, "alice")
//		...
//	}
//
// When the Kubernetes binaries are missing, tests skip with a message that
// says how to build them, unless the CI environment variable is set: under
// CI a missing binary fails the package.
package testenv
