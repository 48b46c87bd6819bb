package localcluster

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// State is what a running cluster records in its data directory, so other
// processes (`landfall dev status`, `dev down`) can find it.
type State struct {
	// Version is the Kubernetes version.
	Version string `json:"version"`
	// Dir is the data directory.
	Dir string `json:"dir"`
	// OwnerPID is the process that started the components and stops them.
	OwnerPID int `json:"ownerPID"`
	// StartedAt is when the components were started.
	StartedAt time.Time `json:"startedAt"`
	// Server is the API server URL.
	Server string `json:"server"`
	// Ports are the components' ports.
	Ports Ports `json:"ports"`
	// Processes are the components.
	Processes []Process `json:"processes"`
	// AdminKubeconfig is the admin kubeconfig path.
	AdminKubeconfig string `json:"adminKubeconfig"`
	// AuditLog is the audit log path.
	AuditLog string `json:"auditLog"`
	// Nodes is the number of simulated nodes.
	Nodes int `json:"nodes"`
	// Users are the sample users and their kubeconfig paths.
	Users []UserState `json:"users,omitempty"`
}

// UserState is a user in State.
type UserState struct {
	Name        string   `json:"name"`
	Groups      []string `json:"groups,omitempty"`
	ClusterRole string   `json:"clusterRole,omitempty"`
	Kubeconfig  string   `json:"kubeconfig"`
}

// State returns the cluster's current state.
func (c *Cluster) State() State {
	st := State{
		Version:         c.Version(),
		Dir:             c.dir,
		OwnerPID:        os.Getpid(),
		StartedAt:       c.startedAt,
		Server:          c.server,
		Ports:           c.ports,
		Processes:       c.Processes(),
		AdminKubeconfig: c.AdminKubeconfig(),
		AuditLog:        c.AuditLogPath(),
		Nodes:           c.opts.Nodes,
	}
	for _, u := range c.opts.Users {
		st.Users = append(st.Users, UserState{Name: u.Name, Groups: u.Groups, ClusterRole: u.ClusterRole, Kubeconfig: c.kubeconfig(u.Name)})
	}
	return st
}

func (c *Cluster) writeState() error {
	data, err := json.MarshalIndent(c.State(), "", "  ")
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	return writeFileAtomic(c.path(stateFile), data, 0o600)
}

// ReadState reads the state a running (or crashed) cluster left in dir.
// It returns an error wrapping os.ErrNotExist when there is none.
func ReadState(dir string) (State, error) {
	var st State
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return st, fmt.Errorf("reading cluster state: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("parsing %s: %w", filepath.Join(dir, stateFile), err)
	}
	return st, nil
}
