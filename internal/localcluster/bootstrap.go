package localcluster

import (
	"context"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// kwokNodeAnnotation marks the nodes this cluster's KWOK manages.
const kwokNodeAnnotation = "kwok.x-k8s.io/node"

// NodeName returns the name of the i-th simulated node.
func NodeName(i int) string { return "kwok-node-" + strconv.Itoa(i) }

// bootstrap creates what the cluster needs besides its components: the
// users' cluster-wide bindings and the simulated nodes, and waits for the
// nodes to be Ready and schedulable.
func (c *Cluster) bootstrap(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(c.AdminConfig())
	if err != nil {
		return fmt.Errorf("building admin client: %w", err)
	}
	for _, u := range c.opts.Users {
		if u.ClusterRole == "" {
			continue
		}
		crb := &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "landfall-local:" + u.Name, Labels: map[string]string{"app.kubernetes.io/managed-by": "landfall-localcluster"}},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: u.ClusterRole},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: u.Name}},
		}
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("binding %s to user %s: %w", u.ClusterRole, u.Name, err)
		}
	}
	if c.opts.Nodes == 0 {
		return nil
	}
	zones := c.opts.zones()
	for i := range c.opts.Nodes {
		if _, err := cs.CoreV1().Nodes().Create(ctx, simulatedNode(i, zones[i%len(zones)]), metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating node %s: %w", NodeName(i), err)
		}
	}
	kwok := c.component(KWOK)
	return waitFor(ctx, kwok, c.snapshot(), func(ctx context.Context) error {
		for i := range c.opts.Nodes {
			n, err := cs.CoreV1().Nodes().Get(ctx, NodeName(i), metav1.GetOptions{})
			if err != nil {
				return err
			}
			if !nodeSchedulable(n) {
				return fmt.Errorf("node %s is not Ready and schedulable yet", n.Name)
			}
		}
		return nil
	})
}

func simulatedNode(i int, zone string) *corev1.Node {
	name := NodeName(i)
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("16"),
		corev1.ResourceMemory: resource.MustParse("64Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Labels: map[string]string{
				"kubernetes.io/hostname":        name,
				"kubernetes.io/os":              "linux",
				"kubernetes.io/arch":            "amd64",
				"node-role.kubernetes.io/agent": "",
				"type":                          "kwok",
				corev1.LabelTopologyZone:        zone,
				corev1.LabelTopologyRegion:      "local",
			},
			Annotations: map[string]string{
				kwokNodeAnnotation:             "fake",
				"node.alpha.kubernetes.io/ttl": "0",
			},
		},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity,
			NodeInfo: corev1.NodeSystemInfo{
				Architecture:    "amd64",
				OperatingSystem: "linux",
				KubeletVersion:  "kwok",
			},
		},
	}
}

// nodeSchedulable reports whether a node is Ready and has lost the
// not-ready and unreachable taints (the node-lifecycle controller removes
// them once KWOK reports the node Ready).
func nodeSchedulable(n *corev1.Node) bool {
	ready := false
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
			ready = true
		}
	}
	if !ready {
		return false
	}
	for _, t := range n.Spec.Taints {
		if t.Key == corev1.TaintNodeNotReady || t.Key == corev1.TaintNodeUnreachable {
			return false
		}
	}
	return true
}
