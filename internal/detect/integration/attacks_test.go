package integration

import (
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
)

const admin = "platform-admin"

// grant binds a ClusterRole to a user in a namespace (setup, as the
// harness admin, before the scenario's window).
func grant(t *testing.T, ns, user, clusterRole string) {
	t.Helper()
	_, err := env.Admin(t).RbacV1().RoleBindings(ns).Create(t.Context(), &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: user + "-" + clusterRole},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: clusterRole},
		Subjects:   []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: user}},
	}, metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
}

// user returns a client acting as a sample user.
func user(t *testing.T, name string) kubernetes.Interface {
	t.Helper()
	return env.User(t, name)
}

func TestDetect_ExecIntoPodAndCopyFilesOut(t *testing.T) {
	ns := env.Namespace(t)
	_, err := env.Admin(t).CoreV1().Pods(ns).Create(t.Context(), pod("web"), metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())

	want := []string{"pod-exec " + admin, "pod-exec " + admin, "exec-shell " + admin, "exec-tar-collection " + admin}
	scenario(t, want, func(t *testing.T) {
		cs := user(t, admin)
		// No kubelet answers (the pod is not even scheduled): the exec
		// fails, but the API server authorizes and audits it.
		_ = cs.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("web").SubResource("exec").
			Param("container", "app").Param("command", "sh").Param("stdout", "true").Do(t.Context()).Error()
		_ = cs.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("web").SubResource("exec").
			Param("container", "app").Param("command", "tar").Param("command", "cf").Param("command", "-").
			Param("command", "/var/lib/data").Param("stdout", "true").Do(t.Context()).Error()
	})
}

func TestDetect_DeleteEvents(t *testing.T) {
	ns := env.Namespace(t)
	_, err := env.Admin(t).CoreV1().Events(ns).Create(t.Context(), &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "web.evidence"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: "web"},
		Reason:         "Started", Message: "started container", Type: corev1.EventTypeNormal,
	}, metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	grant(t, ns, "bob", "admin")

	scenario(t, []string{"events-deleted bob"}, func(t *testing.T) {
		g := NewWithT(t)
		g.Eventually(func() error {
			return user(t, "bob").CoreV1().Events(ns).Delete(t.Context(), "web.evidence", metav1.DeleteOptions{})
		}, 10*time.Second, 100*time.Millisecond).Should(Succeed())
	})
}

func TestDetect_BindClusterAdmin(t *testing.T) {
	name := "backdoor-" + env.Namespace(t)
	t.Cleanup(func() {
		_ = env.Admin(t).RbacV1().ClusterRoleBindings().Delete(t.Context(), name, metav1.DeleteOptions{})
	})
	scenario(t, []string{"cluster-admin-bound " + admin}, func(t *testing.T) {
		_, err := user(t, admin).RbacV1().ClusterRoleBindings().Create(t.Context(), &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects:   []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: "alice"}},
		}, metav1.CreateOptions{})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
	})
}

func TestDetect_ReadSecretsAcrossNamespaces(t *testing.T) {
	g := NewWithT(t)
	ns := env.Namespace(t)
	a := env.Admin(t)
	_, err := a.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		StringData: map[string]string{"password": "landfall-detect-secret-7c1e"},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	role := "secret-reader-" + ns
	_, err = a.RbacV1().ClusterRoles().Create(t.Context(), &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: role},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = a.RbacV1().ClusterRoleBindings().Create(t.Context(), &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: role},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: "alice"}},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() {
		_ = a.RbacV1().ClusterRoleBindings().Delete(t.Context(), role, metav1.DeleteOptions{})
		_ = a.RbacV1().ClusterRoles().Delete(t.Context(), role, metav1.DeleteOptions{})
	})
	alice := user(t, "alice")
	// Wait for RBAC outside the window, asking instead of trying: a
	// denied read would be an alert of its own (secret-access-denied).
	g.Eventually(func() bool {
		r, err := alice.AuthorizationV1().SelfSubjectAccessReviews().Create(t.Context(), &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "list", Resource: "secrets"}},
		}, metav1.CreateOptions{})
		return err == nil && r.Status.Allowed
	}, 10*time.Second, 50*time.Millisecond).Should(BeTrue())

	scenario(t, []string{"secrets-listed-all-namespaces alice", "secret-read alice"}, func(t *testing.T) {
		g := NewWithT(t)
		list, err := alice.CoreV1().Secrets("").List(t.Context(), metav1.ListOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(list.Items).NotTo(BeEmpty())
		_, err = alice.CoreV1().Secrets(ns).Get(t.Context(), "db", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	})
	// The policy keeps secrets at Metadata: the value reaches neither the
	// audit log nor an alert.
	log, err := os.ReadFile(env.Cluster(t).AuditLogPath())
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(log)).NotTo(ContainSubstring("landfall-detect-secret-7c1e"))
	for _, s := range sources(t) {
		for _, a := range s.within(time.Time{}, time.Now()) {
			data, err := a.MarshalJSON()
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(string(data)).NotTo(ContainSubstring("landfall-detect-secret-7c1e"))
		}
	}
}

func TestDetect_MaliciousMutatingWebhook(t *testing.T) {
	name := "injector-" + env.Namespace(t)
	t.Cleanup(func() {
		_ = env.Admin(t).AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(t.Context(), name, metav1.DeleteOptions{})
	})
	scenario(t, []string{"mutating-webhook-changed " + admin}, func(t *testing.T) {
		_, err := user(t, admin).AdmissionregistrationV1().MutatingWebhookConfigurations().Create(t.Context(), &admissionregistrationv1.MutatingWebhookConfiguration{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Webhooks: []admissionregistrationv1.MutatingWebhook{{
				Name:                    "inject.evil.example.com",
				ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: ptr.To("https://127.0.0.1:1/mutate")},
				Rules:                   []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{"CREATE"}, Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}}},
				FailurePolicy:           ptr.To(admissionregistrationv1.Ignore),
				SideEffects:             ptr.To(admissionregistrationv1.SideEffectClassNone),
				AdmissionReviewVersions: []string{"v1"},
				// Selects nothing, so other tests' pods are not slowed down.
				ObjectSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"landfall.dev/never": "true"}},
			}},
		}, metav1.CreateOptions{})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
	})
}

func TestDetect_CronJobWithHostPath(t *testing.T) {
	ns := env.Namespace(t)
	want := []string{"cronjob-created " + admin, "hostpath-volume-created " + admin, "sensitive-hostpath-created " + admin}
	scenario(t, want, func(t *testing.T) {
		_, err := user(t, admin).BatchV1().CronJobs(ns).Create(t.Context(), &batchv1.CronJob{
			ObjectMeta: metav1.ObjectMeta{Name: "cleanup"},
			Spec: batchv1.CronJobSpec{
				Schedule: "0 0 1 1 *",
				Suspend:  ptr.To(true),
				JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyOnFailure,
					Volumes:       []corev1.Volume{{Name: "kubelet", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/lib/kubelet"}}}},
					Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1.0",
						VolumeMounts: []corev1.VolumeMount{{Name: "kubelet", MountPath: "/host"}}}},
				}}}},
			},
		}, metav1.CreateOptions{})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
	})
}

func TestDetect_PatchCoreDNS(t *testing.T) {
	g := NewWithT(t)
	a := env.Admin(t)
	_, err := a.CoreV1().ConfigMaps("kube-system").Create(t.Context(), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "coredns"},
		Data:       map[string]string{"Corefile": ".:53 {\n    forward . /etc/resolv.conf\n}\n"},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() {
		_ = a.CoreV1().ConfigMaps("kube-system").Delete(t.Context(), "coredns", metav1.DeleteOptions{})
	})

	scenario(t, []string{"coredns-modified " + admin}, func(t *testing.T) {
		patch := []byte(`{"data":{"Corefile":".:53 {\n    rewrite name bank.example.com evil.example.net\n    forward . /etc/resolv.conf\n}\n"}}`)
		_, err := user(t, admin).CoreV1().ConfigMaps("kube-system").Patch(t.Context(), "coredns", types.MergePatchType, patch, metav1.PatchOptions{})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
	})
}

func TestDetect_EphemeralContainer(t *testing.T) {
	ns := env.Namespace(t)
	_, err := env.Admin(t).CoreV1().Pods(ns).Create(t.Context(), pod("web"), metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())

	scenario(t, []string{"ephemeral-container-added " + admin}, func(t *testing.T) {
		// As kubectl debug does it: a strategic merge patch of the
		// ephemeralcontainers subresource.
		patch := []byte(`{"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox:1.36","targetContainerName":"app",` +
			`"terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent","stdin":true,"tty":true}]}}`)
		_, err := user(t, admin).CoreV1().Pods(ns).Patch(t.Context(), "web", types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "ephemeralcontainers")
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
	})
}

func TestDetect_AnonymousAccess(t *testing.T) {
	ns := env.Namespace(t)
	a := env.Admin(t)
	role := "anonymous-ns-reader-" + ns
	_, err := a.RbacV1().ClusterRoles().Create(t.Context(), &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: role},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get"}}},
	}, metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() {
		_ = a.RbacV1().ClusterRoleBindings().Delete(t.Context(), role, metav1.DeleteOptions{})
		_ = a.RbacV1().ClusterRoles().Delete(t.Context(), role, metav1.DeleteOptions{})
	})
	anonymous, err := kubernetes.NewForConfig(rest.AnonymousClientConfig(env.AdminConfig(t)))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())

	scenario(t, []string{"anonymous-binding-created " + admin, "anonymous-request-allowed system:anonymous"}, func(t *testing.T) {
		g := NewWithT(t)
		// Health probes are open to anonymous users by default; no alert.
		g.Expect(anonymous.Discovery().RESTClient().Get().AbsPath("/healthz").Do(t.Context()).Error()).To(Succeed())
		_, err := user(t, admin).RbacV1().ClusterRoleBindings().Create(t.Context(), &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: role},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
			Subjects:   []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: "system:anonymous"}},
		}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		// Denied attempts before the binding takes effect raise nothing.
		g.Eventually(func() error {
			_, err := anonymous.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{})
			return err
		}, 10*time.Second, 50*time.Millisecond).Should(Succeed())
	})
}

func TestDetect_MassDelete(t *testing.T) {
	ns := env.Namespace(t)
	a := env.Admin(t)
	for i := range 12 {
		_, err := a.CoreV1().ConfigMaps(ns).Create(t.Context(), &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("data-%02d", i)},
			Data:       map[string]string{"n": fmt.Sprint(i)},
		}, metav1.CreateOptions{})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
	}
	grant(t, ns, "alice", "edit")
	alice := user(t, "alice")
	NewWithT(t).Eventually(func() error {
		_, err := alice.CoreV1().ConfigMaps(ns).Get(t.Context(), "data-00", metav1.GetOptions{})
		return err
	}, 10*time.Second, 50*time.Millisecond).Should(Succeed())

	// 12 deletes within the 30 s window: one alert at the 10th.
	scenario(t, []string{"mass-delete-burst alice"}, func(t *testing.T) {
		for i := range 12 {
			err := alice.CoreV1().ConfigMaps(ns).Delete(t.Context(), fmt.Sprintf("data-%02d", i), metav1.DeleteOptions{})
			NewWithT(t).Expect(err).NotTo(HaveOccurred())
		}
	})
}

func TestDetect_Impersonation(t *testing.T) {
	ns := env.Namespace(t)
	cfg := env.UserConfig(t, admin)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "alice", Groups: []string{"team-a"}}
	cs, err := kubernetes.NewForConfig(cfg)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())

	scenario(t, []string{"impersonation-used " + admin}, func(t *testing.T) {
		// alice may not list pods: the request is denied, but the
		// impersonation itself was allowed and is what the rule reports.
		_, _ = cs.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{})
	})
}

func TestDetect_ServiceAccountTokenMintedAndUsedFromOutside(t *testing.T) {
	ns := env.Namespace(t)
	_, err := env.Admin(t).CoreV1().ServiceAccounts(ns).Create(t.Context(), &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "builder"}}, metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())

	want := []string{"serviceaccount-token-requested " + admin, "serviceaccount-outside-pod-network system:serviceaccount:" + ns + ":builder"}
	scenario(t, want, func(t *testing.T) {
		g := NewWithT(t)
		tr, err := user(t, admin).CoreV1().ServiceAccounts(ns).CreateToken(t.Context(), "builder",
			&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To(int64(600))}}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		cfg := rest.AnonymousClientConfig(env.AdminConfig(t))
		cfg.BearerToken = tr.Status.Token
		sa, err := kubernetes.NewForConfig(cfg)
		g.Expect(err).NotTo(HaveOccurred())
		// Forbidden, but authenticated from 127.0.0.1, outside 10.244.0.0/16.
		_, _ = sa.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{})
	})
}

func TestDetect_KubeletThroughNodeProxyAndPortForward(t *testing.T) {
	ns := env.Namespace(t)
	a := env.Admin(t)
	node := "fake-" + ns
	_, err := a.CoreV1().Nodes().Create(t.Context(), &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: node}}, metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = a.CoreV1().Nodes().Delete(t.Context(), node, metav1.DeleteOptions{}) })
	_, err = a.CoreV1().Pods(ns).Create(t.Context(), pod("db"), metav1.CreateOptions{})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())

	scenario(t, []string{"node-proxy " + admin, "pod-portforward " + admin}, func(t *testing.T) {
		cs := user(t, admin)
		// The node has no address and no kubelet: both fail after
		// authorization, and both are audited.
		_ = cs.CoreV1().RESTClient().Get().Resource("nodes").Name(node).SubResource("proxy").Suffix("pods").Do(t.Context()).Error()
		_ = cs.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("db").SubResource("portforward").Do(t.Context()).Error()
	})
}

func TestDetect_PrivilegedPodNamedLikeSystemPod(t *testing.T) {
	ns := env.Namespace(t)
	// A pod created by hand, not by a controller, is also a new container.
	want := []string{"privileged-pod-created " + admin, "system-pod-name-mimic " + admin, "bare-pod-created " + admin}
	scenario(t, want, func(t *testing.T) {
		p := pod("kube-proxy-x7k2p")
		p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
		_, err := user(t, admin).CoreV1().Pods(ns).Create(t.Context(), p, metav1.CreateOptions{})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
	})
}

// canI waits, outside any scenario window, until user may verb resource
// in ns: asking instead of trying keeps denied requests out of the log.
func canI(t *testing.T, cs kubernetes.Interface, ns, verb, group, resource string) {
	t.Helper()
	NewWithT(t).Eventually(func() bool {
		r, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(t.Context(), &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Namespace: ns, Verb: verb, Group: group, Resource: resource,
			}},
		}, metav1.CreateOptions{})
		return err == nil && r.Status.Allowed
	}, 10*time.Second, 50*time.Millisecond).Should(BeTrue())
}

func TestDetect_BarePodCreatedByUser(t *testing.T) {
	ns := env.Namespace(t)
	grant(t, ns, "alice", "edit")
	alice := user(t, "alice")
	canI(t, alice, ns, "create", "", "pods")

	// alice may create pods in her namespace: the request is allowed and
	// still a new container nobody's controller asked for. Her shell
	// into it is a second alert pair.
	want := []string{"bare-pod-created alice", "pod-exec alice", "exec-shell alice"}
	scenario(t, want, func(t *testing.T) {
		_, err := alice.CoreV1().Pods(ns).Create(t.Context(), pod("toolbox"), metav1.CreateOptions{})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
		_ = alice.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("toolbox").SubResource("exec").
			Param("container", "app").Param("command", "/bin/bash").Param("stdin", "true").Param("stdout", "true").Do(t.Context()).Error()
	})
}

func TestDetect_DaemonSetBackdoor(t *testing.T) {
	ns := env.Namespace(t)
	grant(t, ns, "alice", "edit")
	alice := user(t, "alice")
	canI(t, alice, ns, "patch", "apps", "daemonsets")

	want := []string{"daemonset-changed alice", "daemonset-changed alice", "workload-container-injected alice"}
	scenario(t, want, func(t *testing.T) {
		g := NewWithT(t)
		labels := map[string]string{"app": "node-agent"}
		_, err := alice.AppsV1().DaemonSets(ns).Create(t.Context(), &appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Name: "node-agent"},
			Spec: appsv1.DaemonSetSpec{
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: pod("node-agent").Spec},
			},
		}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		// A second container slipped into the template with a JSON patch.
		patch := []byte(`[{"op":"add","path":"/spec/template/spec/containers/1","value":{"name":"miner","image":"registry.example/miner:1.0"}}]`)
		_, err = alice.AppsV1().DaemonSets(ns).Patch(t.Context(), "node-agent", types.JSONPatchType, patch, metav1.PatchOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		// Labelling it is routine and raises nothing.
		_, err = alice.AppsV1().DaemonSets(ns).Patch(t.Context(), "node-agent", types.MergePatchType, []byte(`{"metadata":{"labels":{"tier":"node"}}}`), metav1.PatchOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	})
}

// TestDetect_BenignWorkloadRunRaisesNothing deploys, scales and reads an
// application as its team would, and lets the controllers do their work
// (ReplicaSets, pods, scheduling attempts, service accounts): no alert.
func TestDetect_BenignWorkloadRunRaisesNothing(t *testing.T) {
	ns := env.Namespace(t)
	grant(t, ns, "alice", "edit")
	alice := user(t, "alice")
	NewWithT(t).Eventually(func() error {
		_, err := alice.CoreV1().ConfigMaps(ns).List(t.Context(), metav1.ListOptions{})
		return err
	}, 10*time.Second, 50*time.Millisecond).Should(Succeed())

	scenario(t, nil, func(t *testing.T) {
		g := NewWithT(t)
		ctx := t.Context()
		_, err := alice.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: "settings"},
			Data:       map[string]string{"LOG_LEVEL": "info", "FEATURES": "search,export"},
		}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		labels := map[string]string{"app": "web"}
		_, err = alice.AppsV1().Deployments(ns).Create(ctx, deployment("web", labels), metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		_, err = alice.CoreV1().Services(ns).Create(ctx, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "web"},
			Spec:       corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}},
		}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Eventually(func() error {
			scale, err := alice.AppsV1().Deployments(ns).GetScale(ctx, "web", metav1.GetOptions{})
			if err != nil {
				return err
			}
			scale.Spec.Replicas = 3
			_, err = alice.AppsV1().Deployments(ns).UpdateScale(ctx, "web", scale, metav1.UpdateOptions{})
			return err
		}, 10*time.Second, 100*time.Millisecond).Should(Succeed())
		_, err = alice.CoreV1().ConfigMaps(ns).Get(ctx, "settings", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		_, err = alice.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		// The controllers create the ReplicaSet and its three pods.
		g.Eventually(func() int {
			pods, err := alice.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return -1
			}
			return len(pods.Items)
		}, 20*time.Second, 200*time.Millisecond).Should(Equal(3))
	})
}

// deployment returns a one-replica Deployment.
func deployment(name string, labels map[string]string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       pod(name).Spec,
			},
		},
	}
}
