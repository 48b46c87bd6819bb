package delivery_test

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitRepo is a bare repository ("the server") and a working clone that
// commits and pushes to it.
type gitRepo struct {
	t    *testing.T
	Bare string
	work *git.Repository
	dir  string
}

var testAuthor = &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1_700_000_000, 0)}

// newGitRepo creates an empty bare repository at bare (a new temporary
// directory when empty) with a working clone on branch main.
func newGitRepo(t *testing.T, bare string) *gitRepo {
	t.Helper()
	if bare == "" {
		bare = filepath.Join(t.TempDir(), "repo.git")
	}
	main := plumbing.NewBranchReferenceName("main")
	if _, err := git.PlainInitWithOptions(bare, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: main}}); err != nil {
		t.Fatalf("init bare: %v", err)
	}
	dir := t.TempDir()
	work, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: main}})
	if err != nil {
		t.Fatalf("init work: %v", err)
	}
	if _, err := work.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bare}}); err != nil {
		t.Fatalf("remote: %v", err)
	}
	return &gitRepo{t: t, Bare: bare, work: work, dir: dir}
}

// commit writes files, removes the paths in remove, commits and pushes
// branch main. It returns the commit SHA.
func (r *gitRepo) commit(msg string, files map[string]string, remove ...string) string {
	r.t.Helper()
	h := r.commitWork(msg, files, remove...)
	r.push("refs/heads/main:refs/heads/main")
	return h.String()
}

// commitWork writes files, removes the paths in remove and commits in
// the working clone, without pushing.
func (r *gitRepo) commitWork(msg string, files map[string]string, remove ...string) plumbing.Hash {
	r.t.Helper()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(r.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	for _, name := range remove {
		if err := os.RemoveAll(filepath.Join(r.dir, filepath.FromSlash(name))); err != nil {
			r.t.Fatal(err)
		}
	}
	wt, err := r.work.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatalf("add: %v", err)
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: testAuthor, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatalf("commit: %v", err)
	}
	return h
}

// symlink adds a symbolic link (committed with the next commit).
func (r *gitRepo) symlink(name, target string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		r.t.Fatal(err)
	}
}

// tag creates a tag on HEAD (annotated with a message) and pushes it.
func (r *gitRepo) tag(name, message string) {
	r.t.Helper()
	head, err := r.work.Head()
	if err != nil {
		r.t.Fatal(err)
	}
	var opts *git.CreateTagOptions
	if message != "" {
		opts = &git.CreateTagOptions{Tagger: testAuthor, Message: message}
	}
	if _, err := r.work.CreateTag(name, head.Hash(), opts); err != nil {
		r.t.Fatalf("tag: %v", err)
	}
	r.push("refs/tags/" + name + ":refs/tags/" + name)
}

func (r *gitRepo) push(spec string) {
	r.t.Helper()
	err := r.work.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{config.RefSpec(spec)}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		r.t.Fatalf("push %s: %v", spec, err)
	}
}

// pull brings the working clone to the bare repository's main, for
// commits after someone else (a promotion) pushed.
func (r *gitRepo) pull() {
	r.t.Helper()
	wt, err := r.work.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: r.fetch(), Mode: git.HardReset}); err != nil {
		r.t.Fatalf("reset: %v", err)
	}
}

// fetch fetches the bare repository's main into the working clone and
// returns it.
func (r *gitRepo) fetch() plumbing.Hash {
	r.t.Helper()
	err := r.work.Fetch(&git.FetchOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"+refs/heads/main:refs/remotes/origin/main"}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		r.t.Fatalf("fetch: %v", err)
	}
	ref, err := r.work.Reference(plumbing.NewRemoteReferenceName("origin", "main"), true)
	if err != nil {
		r.t.Fatal(err)
	}
	return ref.Hash()
}

// read returns a file of the working clone.
func (r *gitRepo) read(name string) string {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
	if err != nil {
		r.t.Fatal(err)
	}
	return string(data)
}

// commitOn resets the working clone to parent (a SHA), commits files on
// it without pushing and returns the commit.
func (r *gitRepo) commitOn(parent, msg string, files map[string]string) plumbing.Hash {
	r.t.Helper()
	wt, err := r.work.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: plumbing.NewHash(parent), Mode: git.HardReset}); err != nil {
		r.t.Fatalf("reset: %v", err)
	}
	return r.commitWork(msg, files)
}

// merge commits a merge of first and second, a commit of the bare
// repository (the working clone's tree as it is), and pushes it as main.
func (r *gitRepo) merge(msg string, first, second plumbing.Hash) {
	r.t.Helper()
	r.fetch() // second's objects
	wt, err := r.work.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := wt.Commit(msg, &git.CommitOptions{Author: testAuthor, Parents: []plumbing.Hash{first, second}, AllowEmptyCommits: true}); err != nil {
		r.t.Fatalf("merge commit: %v", err)
	}
	r.push("refs/heads/main:refs/heads/main")
}

// commitCount counts the commits on branch main of a repository.
func commitCount(t *testing.T, path string) int {
	t.Helper()
	repo, err := git.PlainOpen(path)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName("main"), true)
	if err != nil {
		t.Fatal(err)
	}
	iter, err := repo.Log(&git.LogOptions{From: ref.Hash()})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	_ = iter.ForEach(func(*object.Commit) error { n++; return nil })
	return n
}
