package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

// generate writes n audit events to file, deterministically, and returns
// the file's size.
func generate(file string, n int) (int64, error) {
	f, err := os.Create(file)
	if err != nil {
		return 0, fmt.Errorf("creating corpus: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	g := &gen{rng: rand.New(rand.NewPCG(7, uint64(n))), t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	enc := json.NewEncoder(w)
	for i := range n {
		if err := enc.Encode(g.event(i)); err != nil {
			f.Close()
			return 0, fmt.Errorf("writing corpus: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, fmt.Errorf("writing corpus: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, err
	}
	return st.Size(), f.Close()
}

// gen generates events.
type gen struct {
	rng *rand.Rand
	t   time.Time
}

type obj = map[string]any

var (
	controllers = []string{"replicaset-controller", "deployment-controller", "endpointslice-controller", "namespace-controller",
		"job-controller", "daemon-set-controller", "statefulset-controller", "garbage-collector", "resourcequota-controller"}
	users = []string{"alice", "bob", "carol", "dave", "ci-deployer"}
	kinds = []string{"pods", "configmaps", "services", "endpoints", "deployments", "replicasets", "nodes", "leases", "secrets", "serviceaccounts"}
)

func (g *gen) pick(s []string) string { return s[g.rng.IntN(len(s))] }

// event returns the i-th event: a weighted mix of a busy cluster's
// traffic.
func (g *gen) event(i int) obj {
	g.t = g.t.Add(time.Duration(200+g.rng.IntN(800)) * time.Microsecond)
	ns := fmt.Sprintf("team-%03d", g.rng.IntN(200))
	r := g.rng.IntN(1000)
	switch {
	case r < 300: // kubelets and controllers read
		user := "system:serviceaccount:kube-system:" + g.pick(controllers)
		if r < 120 {
			user = fmt.Sprintf("system:node:node-%03d", g.rng.IntN(100))
		}
		verb := []string{"get", "list", "watch"}[g.rng.IntN(3)]
		return g.base(i, user, verb, "Metadata", g.ref("", g.pick(kinds), ns, g.name(verb), ""), 200)
	case r < 500: // status updates and leases
		user := "system:serviceaccount:kube-system:" + g.pick(controllers)
		if r < 380 {
			return g.base(i, fmt.Sprintf("system:node:node-%03d", g.rng.IntN(100)), "update", "Metadata",
				g.ref("coordination.k8s.io", "leases", "kube-node-lease", fmt.Sprintf("node-%03d", g.rng.IntN(100)), ""), 200)
		}
		return g.base(i, user, "update", "Metadata", g.ref("apps", "deployments", ns, fmt.Sprintf("app-%d", g.rng.IntN(50)), "status"), 200)
	case r < 620: // ReplicaSet controller creates pods, with bodies
		ev := g.base(i, "system:serviceaccount:kube-system:replicaset-controller", "create", "Request", g.ref("", "pods", ns, "", ""), 201)
		ev["requestObject"] = g.pod(ns, fmt.Sprintf("app-%d-%08x", g.rng.IntN(50), g.rng.Uint32()), false, "")
		return ev
	case r < 760: // applications read their configmaps and secrets
		sa := fmt.Sprintf("system:serviceaccount:%s:app-%d", ns, g.rng.IntN(10))
		res := "configmaps"
		if r < 700 {
			res = "secrets"
		}
		return g.base(i, sa, "get", "Metadata", g.ref("", res, ns, fmt.Sprintf("cfg-%d", g.rng.IntN(20)), ""), 200)
	case r < 880: // users deploy, with bodies
		user := g.pick(users)
		if r < 820 {
			ev := g.base(i, user, []string{"create", "update", "patch"}[g.rng.IntN(3)], "Request", g.ref("apps", "deployments", ns, "", ""), 200)
			ev["requestObject"] = g.deployment(ns, fmt.Sprintf("app-%d", g.rng.IntN(50)), r%97 == 0)
			return ev
		}
		ev := g.base(i, user, "update", "Request", g.ref("", "configmaps", ns, fmt.Sprintf("cfg-%d", g.rng.IntN(20)), ""), 200)
		ev["requestObject"] = obj{"kind": "ConfigMap", "apiVersion": "v1", "metadata": obj{"name": "cfg", "namespace": ns},
			"data": obj{"LOG_LEVEL": "info", "FEATURES": "search,export,import", "config.yaml": "server:\n  port: 8080\n  timeout: 30s\n"}}
		return ev
	case r < 940: // users read
		return g.base(i, g.pick(users), []string{"get", "list"}[g.rng.IntN(2)], "Metadata", g.ref("", g.pick(kinds), ns, "", ""), 200)
	case r < 970: // RBAC writes, with request and response bodies
		role := "view"
		if r%7 == 0 {
			role = "cluster-admin"
		}
		ev := g.base(i, g.pick(users), "create", "RequestResponse", g.ref("rbac.authorization.k8s.io", "rolebindings", ns, "", ""), 201)
		rb := obj{"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": obj{"name": "rb", "namespace": ns},
			"roleRef":  obj{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
			"subjects": []obj{{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": g.pick(users)}}}
		ev["requestObject"], ev["responseObject"] = rb, rb
		return ev
	case r < 985: // deletes, some in bursts
		return g.base(i, g.pick(users[:2]), "delete", "Metadata", g.ref("", "configmaps", ns, fmt.Sprintf("cfg-%d", g.rng.IntN(20)), ""), 200)
	default: // exec
		ev := g.base(i, g.pick(users), "create", "Metadata", g.ref("", "pods", ns, fmt.Sprintf("app-%d", g.rng.IntN(50)), "exec"), 101)
		ev["requestURI"] = fmt.Sprintf("/api/v1/namespaces/%s/pods/app/exec?command=sh&container=app&stdin=true&stdout=true&tty=true", ns)
		return ev
	}
}

func (g *gen) name(verb string) string {
	if verb == "get" {
		return fmt.Sprintf("obj-%d", g.rng.IntN(1000))
	}
	return ""
}

func (g *gen) ref(group, resource, ns, name, sub string) obj {
	r := obj{"resource": resource, "namespace": ns, "apiVersion": "v1"}
	if group != "" {
		r["apiGroup"], r["apiVersion"] = group, "v1"
	}
	if name != "" {
		r["name"] = name
	}
	if sub != "" {
		r["subresource"] = sub
	}
	if resource == "nodes" {
		delete(r, "namespace")
	}
	return r
}

func (g *gen) base(i int, user, verb, level string, ref obj, code int) obj {
	groups := []string{"system:authenticated"}
	if sa, ok := strings.CutPrefix(user, "system:serviceaccount:"); ok {
		ns, _, _ := strings.Cut(sa, ":")
		groups = []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}
	}
	ts := g.t.Format("2006-01-02T15:04:05.000000Z07:00")
	uri := "/api/v1/namespaces/" + fmt.Sprint(ref["namespace"]) + "/" + fmt.Sprint(ref["resource"])
	return obj{
		"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level,
		"auditID":    fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", i, g.rng.IntN(1<<16), g.rng.IntN(1<<12), g.rng.IntN(1<<12), g.rng.Uint64()&(1<<48-1)),
		"stage":      "ResponseComplete",
		"requestURI": uri, "verb": verb,
		"user":                     obj{"username": user, "uid": fmt.Sprintf("%x", g.rng.Uint64()), "groups": groups},
		"sourceIPs":                []string{fmt.Sprintf("10.244.%d.%d", g.rng.IntN(256), g.rng.IntN(256))},
		"userAgent":                "kube-controller-manager/v1.37.2 (linux/amd64) kubernetes/abcdef0/system:serviceaccount:kube-system:" + g.pick(controllers),
		"objectRef":                ref,
		"responseStatus":           obj{"metadata": obj{}, "code": code},
		"requestReceivedTimestamp": ts, "stageTimestamp": ts,
		"annotations": obj{"authorization.k8s.io/decision": "allow",
			"authorization.k8s.io/reason": `RBAC: allowed by ClusterRoleBinding "system:controller:replicaset-controller" of ClusterRole "system:controller:replicaset-controller" to ServiceAccount "replicaset-controller/kube-system"`},
	}
}

func (g *gen) podSpec(privileged bool, hostPath string) obj {
	c := obj{"name": "app", "image": fmt.Sprintf("registry.example/team/app:%d.%d", g.rng.IntN(5), g.rng.IntN(20)),
		"ports":                  []obj{{"containerPort": 8080, "protocol": "TCP"}},
		"env":                    []obj{{"name": "LOG_LEVEL", "value": "info"}, {"name": "PORT", "value": "8080"}},
		"resources":              obj{"requests": obj{"cpu": "100m", "memory": "128Mi"}, "limits": obj{"memory": "256Mi"}},
		"volumeMounts":           []obj{{"name": "config", "mountPath": "/etc/app"}},
		"securityContext":        obj{"runAsNonRoot": true, "allowPrivilegeEscalation": false, "privileged": privileged},
		"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}
	vols := []obj{{"name": "config", "configMap": obj{"name": "cfg", "defaultMode": 420}}}
	if hostPath != "" {
		vols = append(vols, obj{"name": "host", "hostPath": obj{"path": hostPath, "type": ""}})
	}
	return obj{"containers": []obj{c}, "volumes": vols, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
		"dnsPolicy": "ClusterFirst", "serviceAccountName": "default", "schedulerName": "default-scheduler",
		"securityContext": obj{"seccompProfile": obj{"type": "RuntimeDefault"}}}
}

func (g *gen) pod(ns, name string, privileged bool, hostPath string) obj {
	return obj{"kind": "Pod", "apiVersion": "v1",
		"metadata": obj{"name": name, "generateName": name[:len(name)-8], "namespace": ns,
			"labels":          obj{"app": "app", "pod-template-hash": "5d8f7c9b6"},
			"ownerReferences": []obj{{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "app-5d8f7c9b6", "uid": "c0ffee", "controller": true, "blockOwnerDeletion": true}}},
		"spec": g.podSpec(privileged, hostPath), "status": obj{}}
}

func (g *gen) deployment(ns, name string, risky bool) obj {
	hp := ""
	if risky {
		hp = "/var/run/docker.sock"
	}
	return obj{"kind": "Deployment", "apiVersion": "apps/v1",
		"metadata": obj{"name": name, "namespace": ns, "labels": obj{"app": name}},
		"spec": obj{"replicas": 3, "selector": obj{"matchLabels": obj{"app": name}},
			"template": obj{"metadata": obj{"labels": obj{"app": name}}, "spec": g.podSpec(risky, hp)}}}
}
