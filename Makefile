# Landfall. `make help` lists the targets.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c

GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
K8S_VERSION := $(shell sed -n 's/^[[:space:]]*k8s.io\/kubernetes \(v[^[:space:]]*\).*/\1/p' hack/k8s/go.mod)
export LANDFALL_K8S_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/landfall/k8s/$(K8S_VERSION)
LDFLAGS := -X github.com/landfall-dev/landfall/internal/version.landfall=$(VERSION)
GOLANGCI_LINT_VERSION := v2.15.0
# Integration tests start real control planes; give slow machines room.
TEST_TIMEOUT ?= 20m
DEMO_DIR ?= $(HOME)/.landfall/dev

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Build

.PHONY: build
build: ## Build bin/landfall.
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/landfall ./cmd/landfall

.PHONY: k8s
k8s: ## Build etcd, kube-apiserver, kube-controller-manager, kube-scheduler, KWOK and kubectl from source into $LANDFALL_K8S_DIR (once; later runs take seconds).
	hack/k8s/build.sh

##@ Code generation

.PHONY: generate
generate: ## Regenerate deep-copy code, CRDs (config/crd/bases) and the manager ClusterRole (controller-gen via go run).
	hack/generate.sh

.PHONY: verify-generated
verify-generated: ## Fail when generated files are stale.
	LANDFALL_VERIFY_GENERATED=1 $(GO) test ./api/... -run TestCRDs -count=1

##@ Test

.PHONY: test
test: k8s ## Run unit and integration tests (integration tests run real control planes).
	$(GO) test -timeout $(TEST_TIMEOUT) -count=1 ./...

.PHONY: test-unit
test-unit: ## Run the tests without building the Kubernetes binaries (integration tests skip when they are missing).
	$(GO) test -count=1 ./...

.PHONY: lint
lint: ## go vet, gofmt check and golangci-lint (pinned, run through go run).
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run ./...

.PHONY: bench-scan
bench-scan: ## Benchmark `landfall scan` against a bare decode baseline on 10k and 100k objects (objects/s, peak RSS).
	$(GO) run ./hack/bench-scan -objects 10000,100000

.PHONY: bench-detect
bench-detect: ## Benchmark `landfall detect` against a bare audit-event decode on 1,000,000 generated events (events/s, peak RSS).
	$(GO) run ./hack/bench-detect

.PHONY: bench-tenancy
bench-tenancy: ## Benchmark the tenancy manager: 1,000 tenant-created spaces with the baseline template vs a plain server-side-apply floor, median of 3 rounds (time, peak RSS, idle reconciles).
	$(GO) run ./hack/bench-tenancy -spaces 1000

.PHONY: bench-live
bench-live: ## Benchmark `landfall scan --cluster` on 20,000 objects in 200 namespaces against plain LISTs of the same kinds (time, CPU, peak RSS).
	$(GO) run ./hack/bench-live -namespaces 200

.PHONY: bench-delivery
bench-delivery: ## Benchmark the delivery engine: first sync of 1,000 objects from Git until healthy vs kubectl apply --server-side, a no-op resync, peak RSS.
	$(GO) run ./hack/bench-delivery -objects 1000

.PHONY: docs
docs: ## Regenerate docs/checks.md from the built-in checks.
	$(GO) run ./cmd/landfall checks -o markdown > docs/checks.md

##@ Demo

.PHONY: demo
demo: build k8s ## Start the local control plane and show Landfall working on it.
	hack/demo.sh "$(DEMO_DIR)"

.PHONY: demo-down
demo-down: build ## Stop the demo's landfall manager and control plane.
	hack/demo-stop-manager.sh "$(DEMO_DIR)"
	bin/landfall dev down --dir "$(DEMO_DIR)"
