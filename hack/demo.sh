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

step "landfall manager: CRDs, RBAC, then the controllers, tenancy webhooks and audit receiver"
$landfall manager install
$kubectl apply -f config/rbac/space_admin_role.yaml >/dev/null
$landfall manager --metrics-bind-address 0 --health-probe-bind-address 0 \
  --webhook-bind-address 127.0.0.1:9443 --webhook-cert-dir "$dir/manager/webhook" \
  --audit-webhook-bind-address 127.0.0.1:8443 --audit-webhook-cert-dir "$dir/manager/audit-webhook" \
  >"$dir/logs/landfall-manager.log" 2>&1 &
manager=$!
trap 'kill $manager 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  $kubectl get validatingwebhookconfiguration landfall-tenancy >/dev/null 2>&1 && break
  sleep 0.2
done
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
$landfall space create team-a-web --account team-a --kubeconfig "$alice"
$kubectl wait --for=condition=Ready spaces.landfall.dev/team-a-web --timeout=90s >/dev/null
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
$landfall account create team-b --group team-b --prefix team-b- >/dev/null
echo "alice tries to create a space for team B's account:"
$landfall space create team-b-x --account team-b --kubeconfig "$alice" 2>&1 | sed 's/^/  /' || true

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
kill $manager 2>/dev/null || true

step "Done"
cat <<MSG
The control plane keeps running in the background:
  export KUBECONFIG=$KUBECONFIG
  $kubectl get pods -A
Stop it with: make demo-down   (or: $landfall dev down --dir $dir [--purge])
MSG
