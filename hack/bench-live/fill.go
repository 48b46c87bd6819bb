package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"

	"github.com/landfall-dev/landfall/hack/internal/benchproc"
)

// The mix of one namespace: perNamespace objects in all, counting those
// the controllers make (the default ServiceAccount, the kube-root-ca.crt
// ConfigMap, each Deployment's ReplicaSet and every workload's Pod).
const (
	nDeployments     = 8 // replicas 1: + a ReplicaSet and a Pod each
	nPods            = 5 // standalone
	nServices        = 8
	nConfigMaps      = 20 // + kube-root-ca.crt
	nSecrets         = 12 // one a legacy service-account token
	nServiceAccounts = 5  // + default
	nRoles           = 5
	nRoleBindings    = 6
	nNetworkPolicies = 2
	nIngresses       = 2
	// The StatefulSet and the Job make a Pod each; the CronJob is
	// suspended and the DaemonSet has no node to run on.
	nOthers = 1 /* StatefulSet */ + 1 /* Job */ + 1 /* CronJob */ + 1 /* DaemonSet */ + 1 /* LimitRange */ + 1 /* ResourceQuota */

	// perNamespace is what each namespace holds once the controllers
	// are done, the Namespace included.
	perNamespace = 1 + (nServiceAccounts + 1) + (nConfigMaps + 1) + nSecrets + nRoles + nRoleBindings +
		nNetworkPolicies + nIngresses + nServices + 3*nDeployments + nPods + nOthers + 2 /* StatefulSet and Job pods */

	// podsPerNamespace and replicaSetsPerNamespace are what the
	// controllers must have made before the cluster is filled.
	podsPerNamespace        = nDeployments + nPods + 2
	replicaSetsPerNamespace = nDeployments
)

// benchLabel marks what the benchmark creates.
const benchLabel = "bench.landfall.dev/live"

// nsName names the i-th namespace.
func nsName(i int) string { return fmt.Sprintf("bench-%03d", i) }

// risky says whether namespace i gets the Kubernetes Goat shapes
// (privileged pods, the runtime socket, a cluster-admin service account,
// NodePort and LoadBalancer Services, bindings to broad groups). Those
// namespaces enforce no Pod Security level; the others enforce baseline.
func risky(i int) bool { return i%4 == 0 }

// fill creates the objects of namespaces 0..n-1 on workers goroutines,
// one namespace per task, plus a few cluster-wide bindings.
func fill(ctx context.Context, cs kubernetes.Interface, n, workers int) error {
	for i := range 3 {
		crb := &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bench-ops-%d", i), Labels: map[string]string{benchLabel: "true"}},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: []string{"cluster-admin", "view", "edit"}[i]},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "app-1", Namespace: nsName(i * 4)}},
		}
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating cluster role binding %s: %w", crb.Name, err)
		}
	}
	return benchproc.Parallel(ctx, n, workers, func(ctx context.Context, i int) error {
		return fillNamespace(ctx, cs, i)
	})
}

// fillNamespace creates one namespace and what it holds, in an order
// that admission accepts: service accounts before the pods that name
// them, the quota last.
func fillNamespace(ctx context.Context, cs kubernetes.Interface, i int) error {
	ns := nsName(i)
	labels := map[string]string{benchLabel: "true", "team": fmt.Sprintf("team-%d", i%20)}
	if !risky(i) {
		labels["pod-security.kubernetes.io/enforce"] = "baseline"
		labels["pod-security.kubernetes.io/warn"] = "restricted"
	}
	create := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("creating %s in %s: %w", what, ns, err)
		}
		return nil
	}
	co := metav1.CreateOptions{}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: labels}}, co); err != nil {
		return create("namespace", err)
	}
	for j := range nServiceAccounts {
		sa := &corev1.ServiceAccount{ObjectMeta: meta(ns, fmt.Sprintf("app-%d", j), "app")}
		if j > 2 {
			sa.AutomountServiceAccountToken = new(false)
		}
		_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, sa, co)
		if err := create("service account", err); err != nil {
			return err
		}
	}
	for j := range nConfigMaps {
		_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, configMap(ns, j), co)
		if err := create("config map", err); err != nil {
			return err
		}
	}
	for j := range nSecrets {
		_, err := cs.CoreV1().Secrets(ns).Create(ctx, secret(ns, j), co)
		if err := create("secret", err); err != nil {
			return err
		}
	}
	for j := range nRoles {
		_, err := cs.RbacV1().Roles(ns).Create(ctx, role(ns, j), co)
		if err := create("role", err); err != nil {
			return err
		}
	}
	for j := range nRoleBindings {
		_, err := cs.RbacV1().RoleBindings(ns).Create(ctx, roleBinding(ns, i, j), co)
		if err := create("role binding", err); err != nil {
			return err
		}
	}
	for j := range nNetworkPolicies {
		_, err := cs.NetworkingV1().NetworkPolicies(ns).Create(ctx, networkPolicy(ns, j), co)
		if err := create("network policy", err); err != nil {
			return err
		}
	}
	_, err := cs.CoreV1().LimitRanges(ns).Create(ctx, &corev1.LimitRange{
		ObjectMeta: meta(ns, "defaults", ""),
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
			Type:           corev1.LimitTypeContainer,
			Default:        corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("512Mi")},
			DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		}}},
	}, co)
	if err := create("limit range", err); err != nil {
		return err
	}
	for j := range nServices {
		_, err := cs.CoreV1().Services(ns).Create(ctx, service(ns, i, j), co)
		if err := create("service", err); err != nil {
			return err
		}
	}
	for j := range nIngresses {
		_, err := cs.NetworkingV1().Ingresses(ns).Create(ctx, ingress(ns, j), co)
		if err := create("ingress", err); err != nil {
			return err
		}
	}
	for j := range nDeployments {
		_, err := cs.AppsV1().Deployments(ns).Create(ctx, deployment(ns, i, j), co)
		if err := create("deployment", err); err != nil {
			return err
		}
	}
	for j := range nPods {
		name := fmt.Sprintf("task-%d", j)
		p := &corev1.Pod{ObjectMeta: meta(ns, name, name), Spec: podSpec(i, j, name)}
		p.Spec.RestartPolicy = corev1.RestartPolicyNever
		_, err := cs.CoreV1().Pods(ns).Create(ctx, p, co)
		if err := create("pod", err); err != nil {
			return err
		}
	}
	sts := &appsv1.StatefulSet{ObjectMeta: meta(ns, "db", "db"), Spec: appsv1.StatefulSetSpec{
		Replicas: new(int32(1)), ServiceName: "web-7",
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
		Template: template("db", podSpec(i, 10, "db")),
	}}
	if _, err := cs.AppsV1().StatefulSets(ns).Create(ctx, sts, co); err != nil {
		return create("stateful set", err)
	}
	jobSpec := podSpec(i, 11, "migrate")
	jobSpec.RestartPolicy = corev1.RestartPolicyNever
	job := &batchv1.Job{ObjectMeta: meta(ns, "migrate", "migrate"), Spec: batchv1.JobSpec{
		BackoffLimit: new(int32(0)), Template: template("migrate", jobSpec),
	}}
	if _, err := cs.BatchV1().Jobs(ns).Create(ctx, job, co); err != nil {
		return create("job", err)
	}
	cronSpec := podSpec(i, 12, "backup")
	cronSpec.RestartPolicy = corev1.RestartPolicyOnFailure
	cron := &batchv1.CronJob{ObjectMeta: meta(ns, "backup", "backup"), Spec: batchv1.CronJobSpec{
		Schedule: "0 3 * * *", Suspend: new(true),
		JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: template("backup", cronSpec)}},
	}}
	if _, err := cs.BatchV1().CronJobs(ns).Create(ctx, cron, co); err != nil {
		return create("cron job", err)
	}
	dsSpec := podSpec(i, 13, "agent")
	if risky(i) {
		dsSpec.HostNetwork, dsSpec.HostPID = true, true
	}
	ds := &appsv1.DaemonSet{ObjectMeta: meta(ns, "agent", "agent"), Spec: appsv1.DaemonSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
		Template: template("agent", dsSpec),
	}}
	if _, err := cs.AppsV1().DaemonSets(ns).Create(ctx, ds, co); err != nil {
		return create("daemon set", err)
	}
	// A quota's usage is unknown until the quota controller computes it,
	// and admission refuses what it tracks until then: create it last and
	// track nothing the controllers create afterwards.
	_, err = cs.CoreV1().ResourceQuotas(ns).Create(ctx, &corev1.ResourceQuota{
		ObjectMeta: meta(ns, "quota", ""),
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
			corev1.ResourcePersistentVolumeClaims:       resource.MustParse("10"),
			corev1.ResourceRequestsStorage:              resource.MustParse("100Gi"),
			corev1.ResourceServicesLoadBalancers:        resource.MustParse("2"),
			corev1.ResourceServicesNodePorts:            resource.MustParse("4"),
			corev1.ResourceName("count/cronjobs.batch"): resource.MustParse("10"),
		}},
	}, co)
	return create("resource quota", err)
}

// meta is the metadata of a benchmark object.
func meta(ns, name, app string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{benchLabel: "true"}}
	if app != "" {
		m.Labels["app"] = app
		m.Labels["app.kubernetes.io/name"] = app
		m.Labels["app.kubernetes.io/part-of"] = "shop"
	}
	return m
}

// withLastApplied adds kubectl's copy of the object, as `kubectl apply`
// leaves it on most objects of a real cluster.
func withLastApplied(m *metav1.ObjectMeta, obj any) {
	data, _ := json.Marshal(obj)
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations["kubectl.kubernetes.io/last-applied-configuration"] = string(data)
}

func configMap(ns string, j int) *corev1.ConfigMap {
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta(ns, fmt.Sprintf("config-%d", j), fmt.Sprintf("web-%d", j%nDeployments)),
		Data: map[string]string{
			"LOG_LEVEL": "info",
			"FEATURES":  "search,checkout,recommendations",
			"app.yaml":  strings.Repeat(fmt.Sprintf("setting-%d: value-%d\n", j, j), 40+j*4),
		},
	}
	if j%2 == 0 {
		withLastApplied(&cm.ObjectMeta, cm)
	}
	return cm
}

func secret(ns string, j int) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: meta(ns, fmt.Sprintf("secret-%d", j), ""), Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{"username": []byte("app"), "password": []byte(strings.Repeat("s3cr3t", 4+j))}}
	switch j {
	case 0:
		s.Type = corev1.SecretTypeServiceAccountToken
		s.Annotations = map[string]string{corev1.ServiceAccountNameKey: "app-0"}
		s.Data = nil
	case 1:
		s.Type = corev1.SecretTypeDockerConfigJson
		s.Data = map[string][]byte{corev1.DockerConfigJsonKey: []byte(`{"auths":{"registry.example.com":{"auth":"YmVuY2g6YmVuY2g="}}}`)}
	case 2:
		s.Type = corev1.SecretTypeTLS
		s.Data = map[string][]byte{corev1.TLSCertKey: []byte(strings.Repeat("C", 1200)), corev1.TLSPrivateKeyKey: []byte(strings.Repeat("K", 1600))}
	}
	return s
}

func role(ns string, j int) *rbacv1.Role {
	rules := [][]rbacv1.PolicyRule{
		{{APIGroups: []string{""}, Resources: []string{"pods", "configmaps", "services"}, Verbs: []string{"get", "list", "watch"}}},
		{{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets"}, Verbs: []string{"get", "list", "create", "update", "patch"}}},
		{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}}},
		{{APIGroups: []string{""}, Resources: []string{"pods/exec", "pods/attach"}, Verbs: []string{"create"}}},
		{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "update", "patch"}, ResourceNames: []string{"config-0"}}},
	}
	return &rbacv1.Role{ObjectMeta: meta(ns, fmt.Sprintf("role-%d", j), ""), Rules: rules[j%len(rules)]}
}

func roleBinding(ns string, i, j int) *rbacv1.RoleBinding {
	rb := &rbacv1.RoleBinding{
		ObjectMeta: meta(ns, fmt.Sprintf("binding-%d", j), ""),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: fmt.Sprintf("role-%d", j%nRoles)},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: fmt.Sprintf("app-%d", j%nServiceAccounts), Namespace: ns}},
	}
	switch {
	case j == 4:
		rb.Subjects = append(rb.Subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: fmt.Sprintf("team-%d", i%20)})
	case j == 5 && risky(i):
		rb.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"}
		rb.Subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "system:authenticated"}}
	case j == 5:
		rb.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "edit"}
		rb.Subjects = []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: fmt.Sprintf("dev-%d@example.com", i)}}
	}
	return rb
}

func networkPolicy(ns string, j int) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{ObjectMeta: meta(ns, "default-deny", ""), Spec: networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
	}}
	if j > 0 {
		np.Name = fmt.Sprintf("allow-web-%d", j)
		np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": "web-0"}}
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}}}
	}
	return np
}

func service(ns string, i, j int) *corev1.Service {
	name := fmt.Sprintf("web-%d", j)
	s := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta(ns, name, name),
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": name},
			Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}},
		},
	}
	if risky(i) && j == 0 {
		s.Spec.Type = corev1.ServiceTypeNodePort
	}
	if risky(i) && j == 1 {
		s.Spec.Type = corev1.ServiceTypeLoadBalancer
		s.Name, s.Labels["app"], s.Spec.Selector["app"] = "kubernetes-dashboard", "kubernetes-dashboard", "web-1"
	}
	withLastApplied(&s.ObjectMeta, s)
	return s
}

func ingress(ns string, j int) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	in := &networkingv1.Ingress{ObjectMeta: meta(ns, fmt.Sprintf("web-%d", j), ""), Spec: networkingv1.IngressSpec{
		Rules: []networkingv1.IngressRule{{Host: fmt.Sprintf("web-%d.%s.example.com", j, ns), IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix, Backend: networkingv1.IngressBackend{
				Service: &networkingv1.IngressServiceBackend{Name: fmt.Sprintf("web-%d", j), Port: networkingv1.ServiceBackendPort{Number: 80}},
			}}}},
		}}},
	}}
	if j == 1 {
		in.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{in.Spec.Rules[0].Host}, SecretName: "secret-2"}}
	}
	return in
}

func deployment(ns string, i, j int) *appsv1.Deployment {
	name := fmt.Sprintf("web-%d", j)
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta(ns, name, name),
		Spec: appsv1.DeploymentSpec{
			Replicas: new(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: template(name, podSpec(i, j, name)),
		},
	}
	if j%2 == 0 {
		withLastApplied(&d.ObjectMeta, d)
	}
	return d
}

func template(app string, spec corev1.PodSpec) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app, "app.kubernetes.io/name": app}, Annotations: map[string]string{"prometheus.io/scrape": "true"}},
		Spec:       spec,
	}
}

// podSpec is the pod spec of workload j of namespace i: an app container
// and, for every other workload, a sidecar; half are hardened, and in the
// risky namespaces a few carry the badPods shapes.
func podSpec(i, j int, app string) corev1.PodSpec {
	spec := corev1.PodSpec{
		ServiceAccountName: fmt.Sprintf("app-%d", j%nServiceAccounts),
		Containers:         []corev1.Container{container(app, j, 8080)},
		Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("config-%d", j%nConfigMaps)}},
		}}},
	}
	if j%2 == 1 {
		spec.Containers = append(spec.Containers, container("proxy", j, 15001))
	}
	if j%2 == 0 {
		spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: new(true), RunAsUser: new(int64(10001)),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
		spec.AutomountServiceAccountToken = new(false)
		for k := range spec.Containers {
			spec.Containers[k].SecurityContext = &corev1.SecurityContext{
				AllowPrivilegeEscalation: new(false), ReadOnlyRootFilesystem: new(true),
				Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			}
		}
	}
	if !risky(i) {
		return spec
	}
	switch j {
	case 1:
		spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: new(true)}
	case 3:
		spec.Volumes = append(spec.Volumes, corev1.Volume{Name: "sock", VolumeSource: corev1.VolumeSource{
			HostPath: &corev1.HostPathVolumeSource{Path: "/var/run/containerd/containerd.sock"},
		}})
		spec.Containers[0].VolumeMounts = append(spec.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "sock", MountPath: "/run/containerd/containerd.sock"})
	case 5:
		spec.HostPID = true
		spec.Containers[0].Image = "registry.example.com/shop/" + app + ":latest"
	}
	return spec
}

func container(name string, j, port int) corev1.Container {
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(int32(port))}}, PeriodSeconds: 10}
	return corev1.Container{
		Name:  name,
		Image: fmt.Sprintf("registry.example.com/shop/%s:1.%d.%d", name, j, port%7),
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: int32(port)}},
		Env: []corev1.EnvVar{
			{Name: "LOG_LEVEL", Value: "info"},
			{Name: "PORT", Value: fmt.Sprint(port)},
			{Name: "DB_HOST", Value: "db.svc.cluster.local"},
			{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("secret-%d", 3+j%(nSecrets-3))}, Key: "password",
			}}},
			{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
		},
		VolumeMounts:   []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app", ReadOnly: true}},
		ReadinessProbe: probe,
		LivenessProbe:  probe,
	}
}

// waitSettled waits until the controllers have made the ReplicaSets,
// Pods, default ServiceAccounts and root CA ConfigMaps of n namespaces,
// counting with metadata-only LISTs.
func waitSettled(ctx context.Context, mc metadata.Interface, n int) error {
	want := map[schema.GroupVersionResource]int{
		{Version: "v1", Resource: "pods"}:                       n * podsPerNamespace,
		{Group: "apps", Version: "v1", Resource: "replicasets"}: n * replicaSetsPerNamespace,
		{Version: "v1", Resource: "serviceaccounts"}:            n * (nServiceAccounts + 1),
		{Version: "v1", Resource: "configmaps"}:                 n * (nConfigMaps + 1),
	}
	deadline := time.Now().Add(10 * time.Minute)
	last := time.Now()
	for {
		done := true
		var status []string
		for gvr, w := range want {
			list, err := mc.Resource(gvr).List(ctx, metav1.ListOptions{})
			if err != nil {
				return fmt.Errorf("counting %s: %w", gvr.Resource, err)
			}
			got := 0
			for _, it := range list.Items {
				if strings.HasPrefix(it.Namespace, "bench-") {
					got++
				}
			}
			if got < w {
				done = false
			}
			status = append(status, fmt.Sprintf("%s %d/%d", gvr.Resource, got, w))
		}
		if done {
			return nil
		}
		if time.Since(last) > 10*time.Second {
			fmt.Printf("  waiting for the controllers: %s\n", strings.Join(status, ", "))
			last = time.Now()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("controllers did not finish in time: %s", strings.Join(status, ", "))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the controllers: %w", ctx.Err())
		case <-time.After(time.Second):
		}
	}
}
