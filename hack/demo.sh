#!/usr/bin/env bash
# `make demo`: Landfall's main job on the embedded default, a local control
# plane it starts itself. Each pillar adds its step here.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-$HOME/.landfall/dev}
landfall=bin/landfall
kubectl="${LANDFALL_K8S_DIR:?}/kubectl"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "landfall version"
$landfall version

# The demo creates named objects, repositories and registrations, so it
# starts from an empty data directory. A directory left by an earlier demo
# (it carries the marker below) is wiped first; anything else is not ours
# to delete.
marker="$dir/.landfall-demo"
if [ -e "$marker" ]; then
  step "Remove the previous demo's control plane and data in $dir"
  hack/demo-stop-manager.sh "$dir"
  $landfall dev down --dir "$dir" --purge
elif [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
  echo "error: $dir is not empty and was not made by 'make demo' (a control plane of your own?)." >&2
  echo "Run the demo elsewhere: make demo DEMO_DIR=/tmp/landfall-demo" >&2
  exit 1
fi

mkdir -p "$dir" && touch "$marker"

step "Start a real local control plane (etcd, kube-apiserver, controller-manager, scheduler, 3 KWOK nodes)"
$landfall dev up --dir "$dir"
export KUBECONFIG
KUBECONFIG=$($landfall dev kubeconfig --dir "$dir")

step "landfall dev status"
$landfall dev status --dir "$dir"

step "Nodes, one per zone"
$kubectl get nodes -L topology.kubernetes.io/zone

step "A Deployment becomes Available on the simulated nodes, spread over the zones"
$kubectl create namespace demo --dry-run=client -o yaml | $kubectl apply -f -
cat <<'YAML' | $kubectl apply -n demo -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels: {app: web}
      containers:
      - name: web
        image: registry.example/web:1.0
YAML
$kubectl -n demo rollout status deployment/web --timeout=60s
$kubectl -n demo get pods -o wide

step "RBAC decides: tenant alice has no rights yet, the platform admin has"
$landfall dev users --dir "$dir"
printf 'alice may list secrets in demo:          '
$kubectl --kubeconfig "$($landfall dev kubeconfig --dir "$dir" --user alice)" auth can-i list secrets -n demo || true
printf 'platform-admin may list secrets in demo: '
$kubectl --kubeconfig "$($landfall dev kubeconfig --dir "$dir" --user platform-admin)" auth can-i list secrets -n demo

step "The API server's audit log records every secret read"
$kubectl -n demo create secret generic db --from-literal=password=demo-only --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
$kubectl -n demo get secret db -o name >/dev/null
grep '"resource":"secrets"' "$dir/audit/audit.log" | grep '"name":"db"' | grep '"verb":"get"' | tail -1 | cut -c1-300
echo

step "landfall scan: deliberately weak manifests, keyed on the Threat Matrix"
$landfall scan examples/weak -o matrix
$landfall scan examples/weak --config examples/scan-exceptions.yaml -o html --out "$dir/scan-report.html"
$landfall scan examples/weak --config examples/scan-exceptions.yaml -o sarif --out "$dir/scan-report.sarif"
echo "HTML report: $dir/scan-report.html   SARIF: $dir/scan-report.sarif"
set +e
$landfall scan examples/weak --config examples/scan-exceptions.yaml --fail-on critical >/dev/null 2>&1
rc=$?
set -e
echo "As a CI gate (--fail-on critical) the scan exits $rc: critical findings remain."

step "landfall scan --cluster: the same checks on the live cluster, and what a tenant can see of it"
$landfall scan --cluster -o matrix | sed -n '1,12p'
echo "As alice, who may list almost nothing, the report says what it could not see:"
{ $landfall scan --cluster --kubeconfig "$($landfall dev kubeconfig --dir "$dir" --user alice)" --allow-empty 2>/dev/null || true; } |
  grep -E 'Completeness|forbidden' | head -8 || true

step "Who can do what: RBAC evaluated like the API server's authorizer, risky subjects and attack paths"
# The Kubernetes Goat shape: a NodePort "dashboard" whose pods mount the
# token of a service account bound to cluster-admin.
$kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: dashboard, namespace: demo}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: demo-dashboard-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: dashboard, namespace: demo}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dashboard, namespace: demo}
spec:
  selector: {matchLabels: {app: dashboard}}
  template:
    metadata: {labels: {app: dashboard}}
    spec:
      serviceAccountName: dashboard
      containers: [{name: ui, image: kubernetesui/dashboard:v2.7.0}]
---
apiVersion: v1
kind: Service
metadata: {name: dashboard, namespace: demo}
spec: {type: NodePort, selector: {app: dashboard}, ports: [{port: 443}]}
YAML
$landfall who-can list secrets --all-namespaces | sed -n '1,8p'
echo "What alice may do in namespace demo (no impersonation right needed):"
$landfall can-i --as user:alice --list -n demo | sed -n '1,6p'
$landfall rbac-risks --min-severity high | grep -E 'attack path|dashboard|SEVERITY' | sed -n "1,6p"

step "landfall detect: act out attacks, then find them in the API server's audit log"
$kubectl create clusterrolebinding demo-backdoor --clusterrole=cluster-admin --user=alice >/dev/null
$kubectl delete clusterrolebinding demo-backdoor >/dev/null
$kubectl -n demo delete events --all >/dev/null
$kubectl --kubeconfig "$($landfall dev kubeconfig --dir "$dir" --user platform-admin)" get secrets -A >/dev/null
$kubectl -n demo exec deploy/web -- sh -c id >/dev/null 2>&1 || true   # no kubelet answers; the attempt is audited
sleep 2
$landfall detect --min-severity medium "$dir/audit/audit.log"
echo "(the minimal audit policy that feeds every rule: landfall detect policy)"

step "landfall plan: which cluster topology suits a typical mid-size company (examples/plan/typical.yaml)"
$landfall plan examples/plan/typical.yaml | sed -n '1,14p'
echo "(full reasoning: landfall plan examples/plan/typical.yaml; -o markdown|json)"

step "landfall manager: CRDs, RBAC, then the controllers, webhooks and audit receiver"
$landfall manager install
$kubectl apply -f config/rbac/space_admin_role.yaml >/dev/null
$kubectl apply -f config/rbac/delivery_roles.yaml >/dev/null
$landfall manager --metrics-bind-address 127.0.0.1:18080 --health-probe-bind-address 0 \
  --webhook-bind-address 127.0.0.1:9443 --webhook-cert-dir "$dir/manager/webhook" \
  --audit-webhook-bind-address 127.0.0.1:8443 --audit-webhook-cert-dir "$dir/manager/audit-webhook" \
  --delivery-allow-local-sources --delivery-cache-dir "$dir/manager/delivery-cache" \
  >"$dir/logs/landfall-manager.log" 2>&1 &
manager=$!
echo "$manager" >"$dir/manager.pid"
# A failed demo stops the manager; a finished one leaves it running (its
# webhooks stay registered and fail closed, so tenants need it served).
trap 'hack/demo-stop-manager.sh "$dir" >/dev/null' EXIT
for _ in $(seq 100); do
  $kubectl get validatingwebhookconfiguration landfall-tenancy >/dev/null 2>&1 && break
  kill -0 "$manager" 2>/dev/null || break
  sleep 0.2
done
if ! kill -0 "$manager" 2>/dev/null; then
  echo "error: landfall manager exited; its log ($dir/logs/landfall-manager.log) says why:" >&2
  tail -5 "$dir/logs/landfall-manager.log" >&2
  echo "(the demo manager listens on 127.0.0.1:9443, :8443 and :18080: is another demo's still running? make demo-down DEMO_DIR=...)" >&2
  exit 1
fi
echo "manager running (log: $dir/logs/landfall-manager.log)"

step "Fleet registry: register this cluster, watch the manager probe it"
$landfall cluster add local --in-cluster --env dev,staging,prod --region local --zones zone-a,zone-b,zone-c
$kubectl wait --for=condition=Ready clusters.landfall.dev/local --timeout=60s >/dev/null
$landfall cluster list
echo "Topology drift of this fleet against the plan:"
$landfall plan examples/plan/typical.yaml --check || true
echo "Live posture of every Ready cluster of the fleet, a column each:"
$landfall scan --fleet | sed -n '1,12p'

step "Self-service tenancy: team A's account, and alice creates her own space"
$kubectl apply -k config/samples
alice=$($landfall dev kubeconfig --dir "$dir" --user alice)
bob=$($landfall dev kubeconfig --dir "$dir" --user bob)
# Ready once the manager has granted the account's subjects their rights.
$kubectl wait --for=condition=Ready accounts.landfall.dev/team-a --timeout=60s >/dev/null
# The API server's RBAC follows the binding a moment later.
for _ in $(seq 50); do
  $kubectl --kubeconfig "$alice" auth can-i get accounts.landfall.dev/team-a >/dev/null 2>&1 && break
  sleep 0.2
done
# alice belongs to team-a only, so it is her default account.
$landfall space create team-a-web --wait --kubeconfig "$alice"
$landfall spaces --kubeconfig "$alice"
echo "Guard-rails the baseline template put there before alice got access:"
$kubectl -n team-a-web get networkpolicy,resourcequota,limitrange --no-headers
$kubectl get namespace team-a-web --show-labels --no-headers
printf 'alice may create pods in team-a-web: '
$kubectl --kubeconfig "$alice" auth can-i create pods -n team-a-web || true
printf 'bob may create pods in team-a-web:   '
$kubectl --kubeconfig "$bob" auth can-i create pods -n team-a-web || true
echo "alice tries to delete the default-deny NetworkPolicy:"
$kubectl --kubeconfig "$alice" -n team-a-web delete networkpolicy default-deny-ingress 2>&1 | sed 's/^/  /' || true
$landfall account create team-b --group team-b --prefix team-b- -p baseline.QUOTA_PODS=20 >/dev/null
echo "Team B's spaces get the baseline with room for 20 pods (template render reads the account):"
$landfall template render baseline --space team-b-web --account team-b | grep -E '^ +pods: ' | sed 's/^ */  ResourceQuota /'
echo "alice tries to create a space for team B's account:"
$landfall space create team-b-x --account team-b --kubeconfig "$alice" 2>&1 | sed 's/^/  /' || true
echo "Team A's AccountQuota holds across all its spaces; with room for 3 ConfigMaps (the CA bundle is one):"
$kubectl patch accountquotas.landfall.dev/team-a --type merge -p '{"spec":{"quota":{"hard":{"count/configmaps":"3"}}}}' >/dev/null
cms_used() { $kubectl get accountquotas.landfall.dev/team-a -o jsonpath="{.status.used['count/configmaps']}" 2>/dev/null; }
for _ in $(seq 100); do [ "$(cms_used)" = 1 ] && break; sleep 0.2; done
for cm in settings features flags; do
  $kubectl --kubeconfig "$alice" -n team-a-web create configmap "$cm" 2>&1 | sed 's/^/  /' || true
done
echo "alice deletes one, and its share comes back at once:"
$kubectl --kubeconfig "$alice" -n team-a-web delete configmap features | sed 's/^/  /'
for _ in $(seq 50); do
  $kubectl --kubeconfig "$alice" -n team-a-web create configmap flags >/dev/null 2>&1 && break
  sleep 0.2
done
$kubectl --kubeconfig "$alice" -n team-a-web get configmap flags --no-headers | sed 's/^/  /'
echo "Updates are held to it too; with room for 1 load balancer, alice makes two Services load balancers:"
$kubectl patch accountquotas.landfall.dev/team-a --type merge -p '{"spec":{"quota":{"hard":{"services.loadbalancers":"1"}}}}' >/dev/null
lbs_used() { $kubectl get accountquotas.landfall.dev/team-a -o jsonpath="{.status.used['services\.loadbalancers']}" 2>/dev/null; }
for _ in $(seq 100); do [ "$(lbs_used)" = 0 ] && break; sleep 0.2; done
for svc in web api; do
  $kubectl --kubeconfig "$alice" -n team-a-web create service clusterip "$svc" --tcp=80 >/dev/null
  $kubectl --kubeconfig "$alice" -n team-a-web patch service "$svc" -p '{"spec":{"type":"LoadBalancer"}}' 2>&1 | sed 's/^/  /' || true
done
echo "alice reads her account's usage from the Account (she may not read the AccountQuota):"
alice_used() { $kubectl --kubeconfig "$alice" get accounts.landfall.dev/team-a -o jsonpath="{.status.quotas[0].used['count/configmaps']}" 2>/dev/null; }
for _ in $(seq 50); do [ "$(alice_used)" = 3 ] && break; sleep 0.2; done
$landfall account describe team-a --kubeconfig "$alice" | sed 's/^/  /'
echo "An admin deletes team A's account binding by mistake; the manager puts it back at once:"
$kubectl delete clusterrolebinding landfall-account-team-a | sed 's/^/  /'
for _ in $(seq 50); do
  $kubectl get clusterrolebinding landfall-account-team-a >/dev/null 2>&1 && break
  sleep 0.2
done
$kubectl get clusterrolebinding landfall-account-team-a --no-headers | sed 's/^/  /'
# The API server's RBAC follows the binding a moment later.
for _ in $(seq 50); do
  $kubectl --kubeconfig "$alice" auth can-i get accounts.landfall.dev/team-a >/dev/null 2>&1 && break
  sleep 0.2
done
printf 'alice may read her account again: '
$kubectl --kubeconfig "$alice" auth can-i get accounts.landfall.dev/team-a 2>/dev/null || true

step "Posture in the cluster: the manager's PostureReport, findings per namespace, and what a tenant sees"
for _ in $(seq 100); do
  $kubectl get posturereports.landfall.dev/cluster >/dev/null 2>&1 && break
  sleep 0.2
done
$kubectl wait --for=condition=Ready posturereports.landfall.dev/cluster --timeout=60s >/dev/null
$kubectl patch posturereports.landfall.dev/cluster --type merge -p '{"spec":{"minInterval":"5s"}}' >/dev/null
$kubectl get posturereports -o wide
$kubectl get posturefindings -A
echo "Findings on cluster-scoped objects are in the report, which only platform admins read:"
$kubectl get posturereports.landfall.dev/cluster \
  -o jsonpath='{range .status.clusterFindings[*]}{.severity}{"\t"}{.check}{"\t"}{.object.kind}/{.object.name}{"\n"}{end}' | sed -n "1,4p"
echo "alice starts a pod in her space; the pod's creation triggers a rescan:"
cat <<'YAML' | $kubectl --kubeconfig "$alice" -n team-a-web apply -f -
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: api
    image: registry.example/api:latest
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
YAML
for _ in $(seq 150); do
  $kubectl -n team-a-web get posturefindings posture -o jsonpath='{.findings[*].object.name}' 2>/dev/null | grep -qw api && break
  sleep 0.2
done
$kubectl --kubeconfig "$alice" -n team-a-web get posturefindings
$kubectl --kubeconfig "$alice" -n team-a-web get posturefindings posture \
  -o jsonpath='{range .findings[?(@.object.name=="api")]}{.severity}{"\t"}{.check}{"\t"}{.message}{"\n"}{end}' | sed -n "1,5p"
echo "alice may not read another namespace's findings, nor the cluster-wide report:"
$kubectl --kubeconfig "$alice" -n demo get posturefindings 2>&1 | sed 's/^/  /' || true
$kubectl --kubeconfig "$alice" get posturereports 2>&1 | sed 's/^/  /' || true
if command -v curl >/dev/null; then
  echo "The same numbers as Prometheus metrics (http://127.0.0.1:18080/metrics):"
  curl -sS http://127.0.0.1:18080/metrics | grep -E '^landfall_posture_(score|objects|kinds_not_assessed|namespaces_with_findings) ' || true
fi

step "GitOps delivery: dev, staging and prod from one Git repository, with a security gate on every sync"
# A local bare repository is "the Git server"; the manager runs with
# --delivery-allow-local-sources for it (never do that where tenants create
# environments). One directory per environment, one sub-directory per app.
rm -rf "$dir/delivery" && mkdir -p "$dir/delivery"
repo="$dir/delivery/shop.git" work="$dir/delivery/shop"
git init -q --bare -b main "$repo"
git clone -q "$repo" "$work" 2>/dev/null
gitc() { git -C "$work" -c user.name="Demo" -c user.email="demo@example.com" "$@"; }
web() { # web IMAGE: a Deployment that Pod Security "restricted" and the gate accept
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: web
        image: $1
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        resources: {limits: {cpu: 100m, memory: 64Mi}}
YAML
}
for e in dev staging prod; do mkdir -p "$work/$e/web"; done
web registry.example/web:1.1 >"$work/dev/web/app.yaml"
web registry.example/web:1.0 >"$work/staging/web/app.yaml"
web registry.example/web:1.0 >"$work/prod/web/app.yaml"
gitc add -A && gitc commit -qm "shop: web 1.1 in dev, 1.0 in staging and prod" && gitc push -q origin main
echo "repository $repo:"; git -C "$work" ls-files | sed 's/^/  /'

# The environments live in the platform namespace "delivery" and apply as
# its ServiceAccount "deployer", which may administer the three shop
# namespaces and nothing else: the API server, not Landfall, decides.
$kubectl create namespace delivery --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
$kubectl -n delivery create serviceaccount deployer --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
for e in dev staging prod; do
  $kubectl create namespace "shop-$e" --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
  $kubectl -n "shop-$e" create rolebinding deployer --clusterrole=admin --serviceaccount=delivery:deployer \
    --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
  cat <<YAML | $kubectl apply -f - >/dev/null
apiVersion: landfall.dev/v1alpha1
kind: Environment
metadata: {name: $e, namespace: delivery}
spec:
  source: {url: "$repo", ref: {branch: main}, path: $e}
  target: {namespaces: [shop-$e]}
  serviceAccountName: deployer
  interval: 10s
  selfHeal: $([ "$e" = dev ] && echo true || echo false)
  gate: {minSeverity: high}
  promotion: {requireApproval: $([ "$e" = prod ] && echo true || echo false)}
YAML
done
$kubectl -n delivery wait --for=condition=Ready environments.landfall.dev --all --timeout=120s >/dev/null
$landfall env list -n delivery
$kubectl get deployments -A -l delivery.landfall.dev/namespace=delivery \
  -o custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image,READY:.status.readyReplicas

echo
echo "A commit adds a privileged DaemonSet to dev. 'landfall env diff' shows what a sync would do, before anything is applied:"
cat >"$work/dev/web/agent.yaml" <<'YAML'
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      containers:
      - {name: agent, image: registry.example/agent:1.0, securityContext: {privileged: true}}
YAML
gitc add -A && gitc commit -qm "dev: node agent" && gitc push -q origin main
$landfall env diff dev -n delivery | sed 's/^/  /'
$landfall env sync dev -n delivery --wait || true
$landfall env status dev -n delivery | sed -n '/Gate:/,/^  [A-Z]/p' | sed -n "1,4p"
printf 'DaemonSets in shop-dev: '; $kubectl -n shop-dev get daemonsets --no-headers 2>&1
gitc revert --no-edit HEAD >/dev/null && gitc push -q origin main
$landfall env sync dev -n delivery --wait

echo
echo "Drift: someone scales dev's web by hand; dev has selfHeal, so the manager puts it back:"
$kubectl -n shop-dev scale deployment web --replicas=3 >/dev/null
for _ in $(seq 60); do
  [ "$($kubectl -n shop-dev get deployment web -o jsonpath='{.spec.replicas}')" = 1 ] && break
  sleep 0.5
done
printf 'replicas of shop-dev/web: '; $kubectl -n shop-dev get deployment web -o jsonpath='{.spec.replicas}{"\n"}'
$landfall env history dev -n delivery | sed -n "1,3p"

echo
echo "Promote web from dev to staging: one Git commit, which staging then syncs:"
$landfall promote web --from dev --to staging -n delivery --name web-staging --wait
gitc pull -q origin main
git -C "$work" log --oneline -1 --stat | sed 's/^/  /'
$landfall env sync staging -n delivery --wait
printf 'image of shop-staging/web: '; $kubectl -n shop-staging get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}{"\n"}'

echo
echo "Prod requires approval, and approving is an RBAC verb (approve on promotions.landfall.dev):"
$landfall promote web --from staging --to prod -n delivery --name web-prod
$kubectl -n delivery create role promotion-editor --verb=get,list,patch --resource=promotions.landfall.dev --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
$kubectl -n delivery create rolebinding alice-promotions --role=promotion-editor --user=alice --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
sleep 1
$landfall promote list -n delivery
echo "alice (who may edit promotions, but not approve them) tries:"
$landfall promote approve web-prod -n delivery --kubeconfig "$alice" 2>&1 | sed 's/^/  /' || true
echo "the platform admin (cluster-admin holds every verb) approves:"
$landfall promote approve web-prod -n delivery --message "release 1.1" --kubeconfig "$($landfall dev kubeconfig --dir "$dir" --user platform-admin)"
$kubectl -n delivery wait --for=jsonpath='{.status.phase}'=Succeeded promotions.landfall.dev/web-prod --timeout=60s >/dev/null
$landfall env sync prod -n delivery --wait

echo
echo "Roll prod back to its previous revision (it stays there until the next commit):"
$landfall env rollback prod -n delivery --wait
printf 'image of shop-prod/web: '; $kubectl -n shop-prod get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}{"\n"}'
$landfall env history prod -n delivery

step "The manager turns audit events into Kubernetes Events (audit webhook receiver)"
$landfall detect webhook-config --url https://127.0.0.1:8443/audit --ca-file "$dir/manager/audit-webhook/tls.crt" >"$dir/audit-webhook.yaml"
echo "(kube-apiserver --audit-webhook-config-file=$dir/audit-webhook.yaml points an API server at it;"
echo " here the exec attempts of the audit log are replayed exactly as the API server posts them)"
if command -v curl >/dev/null; then
  { printf '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":['
    grep '"subresource":"exec"' "$dir/audit/audit.log" | paste -sd, -
    printf ']}'; } | curl -sS --fail --cacert "$dir/manager/audit-webhook/tls.crt" -H 'Content-Type: application/json' \
      --data-binary @- https://127.0.0.1:8443/audit >/dev/null
  sleep 1
  $kubectl get events -A -l landfall.dev/rule -o custom-columns=NAMESPACE:.metadata.namespace,TYPE:.type,RULE:.metadata.labels.landfall\\.dev/rule,MESSAGE:.message
else
  echo "(skipped: this step posts with curl, which is not installed)"
fi
trap - EXIT

step "Done"
cat <<MSG
The control plane and landfall manager (pid $manager, log: $dir/logs/landfall-manager.log) keep running
in the background. Try it as an admin or as a tenant:
  export KUBECONFIG=$KUBECONFIG
  $kubectl get pods -A
  $landfall space create team-a-api --account team-a --kubeconfig "$alice"
  $landfall spaces --kubeconfig "$alice"
Stop both with: make demo-down DEMO_DIR=$dir
MSG
