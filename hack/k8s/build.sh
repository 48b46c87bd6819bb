#!/usr/bin/env bash
# Builds the pinned Kubernetes control plane (kube-apiserver,
# kube-controller-manager, kube-scheduler), etcd, KWOK and kubectl from the Go module
# proxy into a cache outside the checkout, and copies KWOK's stage
# definitions out of its downloaded module. A second run with every binary
# present returns at once.
#
#   LANDFALL_K8S_DIR   where the binaries go
#                      (default ${XDG_CACHE_HOME:-~/.cache}/landfall/k8s/<version>)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

k8s_version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
kwok_version=$(go list -m -f '{{.Version}}' sigs.k8s.io/kwok)
dir=${LANDFALL_K8S_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/landfall/k8s/$k8s_version}

bins=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok kubectl)
missing=()
for b in "${bins[@]}"; do
  [ -x "$dir/$b" ] || missing+=("$b")
done
stages=(node/fast node/heartbeat-with-lease pod/fast)

copy_stages() {
  local src
  src=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  [ -n "$src" ] && [ -d "$src" ] || { go mod download sigs.k8s.io/kwok; src=$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok); }
  mkdir -p "$dir/kwok-stages"
  : > "$dir/kwok-stages/stages.yaml.tmp"
  for s in "${stages[@]}"; do
    for f in "$src/kustomize/stage/$s"/*.yaml; do
      [ "$(basename "$f")" = kustomization.yaml ] && continue
      { echo "---"; cat "$f"; } >> "$dir/kwok-stages/stages.yaml.tmp"
    done
  done
  mv "$dir/kwok-stages/stages.yaml.tmp" "$dir/kwok-stages/stages.yaml"
}

if [ ${#missing[@]} -eq 0 ] && [ -s "$dir/kwok-stages/stages.yaml" ]; then
  echo "k8s binaries $k8s_version present in $dir"
  exit 0
fi

mkdir -p "$dir"
echo "building ${missing[*]:-nothing} ($k8s_version, etcd $etcd_version, kwok $kwok_version) into $dir"
echo "a cold build takes 15-25 minutes on 2 cores; later runs reuse it"

pkgs=()
for b in "${missing[@]}"; do
  case $b in
    etcd) pkgs+=(./etcd) ;;
    kwok) pkgs+=(sigs.k8s.io/kwok/cmd/kwok) ;;
    *) pkgs+=("k8s.io/kubernetes/cmd/$b") ;;
  esac
done

major=${k8s_version#v}; major=${major%%.*}
minor=${k8s_version#v*.}; minor=${minor%%.*}
ldflags="-s -w"
ldflags+=" -X k8s.io/component-base/version.gitVersion=$k8s_version"
ldflags+=" -X k8s.io/component-base/version.gitMajor=$major"
ldflags+=" -X k8s.io/component-base/version.gitMinor=$minor"
ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
ldflags+=" -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version"

if [ ${#pkgs[@]} -gt 0 ]; then
  # Build into a scratch directory and move into place, so an interrupted
  # build never leaves a half-written binary that a later run would trust.
  tmp=$(mktemp -d "$dir/.build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}"
  for b in "${missing[@]}"; do mv "$tmp/$b" "$dir/$b"; done
fi
copy_stages
echo "$k8s_version" > "$dir/VERSION"
echo "k8s binaries $k8s_version ready in $dir"
