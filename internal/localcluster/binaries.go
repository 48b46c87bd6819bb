package localcluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/landfall-dev/landfall/internal/version"
)

// EnvK8sDir overrides where the Kubernetes binaries are found.
const EnvK8sDir = "LANDFALL_K8S_DIR"

// Component names, also the binary names.
const (
	Etcd                  = "etcd"
	KubeAPIServer         = "kube-apiserver"
	KubeControllerManager = "kube-controller-manager"
	KubeScheduler         = "kube-scheduler"
	KWOK                  = "kwok"
)

// kwokStagesFile is where hack/k8s puts KWOK's stage definitions, copied
// from KWOK's downloaded module.
const kwokStagesFile = "kwok-stages/stages.yaml"

// BinDir returns the directory that holds the binaries: $LANDFALL_K8S_DIR,
// else ${XDG_CACHE_HOME:-~/.cache}/landfall/k8s/<version>.
func BinDir() string {
	if d := os.Getenv(EnvK8sDir); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = os.TempDir()
		}
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "landfall", "k8s", version.KubernetesVersion)
}

// Binaries are the paths of the executables a cluster needs.
type Binaries struct {
	Dir                   string
	Etcd                  string
	KubeAPIServer         string
	KubeControllerManager string
	KubeScheduler         string
	KWOK                  string
	// KWOKStages is KWOK's stage configuration (node/fast,
	// node/heartbeat-with-lease, pod/fast).
	KWOKStages string
}

// MissingBinariesError says which binaries are absent and how to build them.
type MissingBinariesError struct {
	// Dir is where they were looked for.
	Dir string
	// Missing lists the absent files.
	Missing []string
}

func (e *MissingBinariesError) Error() string {
	return fmt.Sprintf("Kubernetes binaries missing in %s: %s; build them once with `make k8s` "+
		"(or `hack/k8s/build.sh`; set %s to use another directory)",
		e.Dir, strings.Join(e.Missing, ", "), EnvK8sDir)
}

// IsMissingBinaries reports whether err is a MissingBinariesError.
func IsMissingBinaries(err error) bool {
	var m *MissingBinariesError
	return errors.As(err, &m)
}

// FindBinaries checks that every binary exists in dir (BinDir when empty).
// withKWOK says whether KWOK and its stages are needed.
func FindBinaries(dir string, withKWOK bool) (Binaries, error) {
	if dir == "" {
		dir = BinDir()
	}
	b := Binaries{
		Dir:                   dir,
		Etcd:                  filepath.Join(dir, Etcd),
		KubeAPIServer:         filepath.Join(dir, KubeAPIServer),
		KubeControllerManager: filepath.Join(dir, KubeControllerManager),
		KubeScheduler:         filepath.Join(dir, KubeScheduler),
		KWOK:                  filepath.Join(dir, KWOK),
		KWOKStages:            filepath.Join(dir, kwokStagesFile),
	}
	need := []string{b.Etcd, b.KubeAPIServer, b.KubeControllerManager, b.KubeScheduler}
	if withKWOK {
		need = append(need, b.KWOK, b.KWOKStages)
	}
	var missing []string
	for _, p := range need {
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() || (p != b.KWOKStages && fi.Mode()&0o111 == 0) {
			missing = append(missing, filepath.Base(p))
		}
	}
	if len(missing) > 0 {
		return b, &MissingBinariesError{Dir: dir, Missing: missing}
	}
	return b, nil
}
