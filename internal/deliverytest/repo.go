package deliverytest

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Branch is the branch every Repo commits to.
const Branch = "main"

// Repo is a bare repository and a working clone that commits to it.
type Repo struct {
	// Bare is the bare repository's directory: the URL environments use.
	Bare string
	dir  string
	work *git.Repository
}

// author signs the test commits.
func author() *object.Signature {
	return &object.Signature{Name: "Test", Email: "test@example.com", When: time.Now()}
}

// NewRepo creates a bare repository with a first commit of files on
// branch main.
func NewRepo(t testing.TB, files map[string]string) *Repo {
	t.Helper()
	bare := filepath.Join(t.TempDir(), "repo.git")
	ref := plumbing.NewBranchReferenceName(Branch)
	if _, err := git.PlainInitWithOptions(bare, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: ref}}); err != nil {
		t.Fatalf("deliverytest: init bare repository: %v", err)
	}
	dir := t.TempDir()
	work, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: ref}})
	if err != nil {
		t.Fatalf("deliverytest: init work tree: %v", err)
	}
	if _, err := work.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bare}}); err != nil {
		t.Fatalf("deliverytest: adding remote: %v", err)
	}
	r := &Repo{Bare: bare, dir: dir, work: work}
	r.Commit(t, "initial commit", files)
	return r
}

// Commit takes in what others pushed, writes files (an empty content
// removes the file or directory), commits and pushes. It returns the
// commit SHA.
func (r *Repo) Commit(t testing.TB, msg string, files map[string]string) string {
	t.Helper()
	r.pull(t)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(r.dir, filepath.FromSlash(name))
		if files[name] == "" {
			if err := os.RemoveAll(p); err != nil {
				t.Fatalf("deliverytest: %v", err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatalf("deliverytest: %v", err)
		}
		if err := os.WriteFile(p, []byte(files[name]), 0o600); err != nil {
			t.Fatalf("deliverytest: %v", err)
		}
	}
	wt, err := r.work.Worktree()
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatalf("deliverytest: git add: %v", err)
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: author(), AllowEmptyCommits: true})
	if err != nil {
		t.Fatalf("deliverytest: git commit: %v", err)
	}
	spec := config.RefSpec("refs/heads/" + Branch + ":refs/heads/" + Branch)
	if err := r.work.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{spec}}); err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		t.Fatalf("deliverytest: git push: %v", err)
	}
	return h.String()
}

// pull fetches the bare repository's main and resets the clone to it.
func (r *Repo) pull(t testing.TB) {
	t.Helper()
	spec := config.RefSpec("+refs/heads/" + Branch + ":refs/remotes/origin/" + Branch)
	err := r.work.Fetch(&git.FetchOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{spec}})
	switch {
	case errors.Is(err, git.NoErrAlreadyUpToDate):
	case err != nil && strings.Contains(err.Error(), "remote repository is empty"):
		return
	case err != nil:
		t.Fatalf("deliverytest: git fetch: %v", err)
	}
	ref, err := r.work.Reference(plumbing.NewRemoteReferenceName("origin", Branch), true)
	if err != nil {
		return // nothing pushed yet
	}
	wt, err := r.work.Worktree()
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: ref.Hash(), Mode: git.HardReset}); err != nil {
		t.Fatalf("deliverytest: git reset: %v", err)
	}
}

// Head returns the SHA of main in the bare repository.
func (r *Repo) Head(t testing.TB) string {
	t.Helper()
	repo, err := git.PlainOpen(r.Bare)
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(Branch), true)
	if err != nil {
		t.Fatalf("deliverytest: reading %s: %v", Branch, err)
	}
	return ref.Hash().String()
}

// Commit is one commit of the log.
type Commit struct {
	// SHA is the commit's hash.
	SHA string
	// Message is the full message.
	Message string
	// Files are the paths the commit changed, sorted.
	Files []string
}

// Log returns the commits of main in the bare repository, newest first.
func (r *Repo) Log(t testing.TB) []Commit {
	t.Helper()
	repo, err := git.PlainOpen(r.Bare)
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(Branch), true)
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	iter, err := repo.Log(&git.LogOptions{From: ref.Hash()})
	if err != nil {
		t.Fatalf("deliverytest: git log: %v", err)
	}
	var out []Commit
	err = iter.ForEach(func(c *object.Commit) error {
		stats, err := c.Stats()
		if err != nil {
			return err
		}
		var files []string
		for _, s := range stats {
			files = append(files, s.Name)
		}
		slices.Sort(files)
		out = append(out, Commit{SHA: c.Hash.String(), Message: c.Message, Files: files})
		return nil
	})
	if err != nil {
		t.Fatalf("deliverytest: git log: %v", err)
	}
	return out
}

// ReadFile returns a file of main's head in the bare repository.
func (r *Repo) ReadFile(t testing.TB, name string) string {
	t.Helper()
	repo, err := git.PlainOpen(r.Bare)
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(Branch), true)
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatalf("deliverytest: %v", err)
	}
	f, err := c.File(name)
	if err != nil {
		t.Fatalf("deliverytest: reading %s: %v", name, err)
	}
	s, err := f.Contents()
	if err != nil {
		t.Fatalf("deliverytest: reading %s: %v", name, err)
	}
	return s
}
