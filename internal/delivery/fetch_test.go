package delivery_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fluxcd/pkg/gittestserver"
	. "github.com/onsi/gomega"
	gossh "golang.org/x/crypto/ssh"

	"github.com/landfall-dev/landfall/internal/delivery"
)

func fetchFile(t *testing.T, co *delivery.Checkout, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(co.Dir, filepath.FromSlash(name)))
	if err != nil {
		return "<missing>"
	}
	return string(data)
}

func TestFetchFollowsABranchAndReusesTheCache(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo := newGitRepo(t, "")
	first := repo.commit("first", map[string]string{"app/a.yaml": "a: 1\n", "app/b.yaml": "b: 1\n"})
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
	src := delivery.Source{URL: repo.Bare, Branch: "main", Path: "app"}

	co, err := f.Fetch(t.Context(), src)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(co.Revision).To(Equal(first))
	g.Expect(co.Path).To(Equal(filepath.Join(co.Dir, "app")))
	g.Expect(fetchFile(t, co, "app/a.yaml")).To(Equal("a: 1\n"))
	dir := co.Dir
	g.Expect(co.Close()).To(Succeed())

	second := repo.commit("second", map[string]string{"app/a.yaml": "a: 2\n"}, "app/b.yaml")
	co, err = f.Fetch(t.Context(), src)
	g.Expect(err).NotTo(HaveOccurred())
	defer co.Close()
	g.Expect(co.Revision).To(Equal(second))
	g.Expect(co.Dir).To(Equal(dir), "the cached repository is reused")
	g.Expect(fetchFile(t, co, "app/a.yaml")).To(Equal("a: 2\n"))
	g.Expect(fetchFile(t, co, "app/b.yaml")).To(Equal("<missing>"), "a file deleted in Git is gone from the worktree")
}

func TestFetchByCommitReturnsAnEarlierRevision(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo := newGitRepo(t, "")
	first := repo.commit("first", map[string]string{"a.yaml": "v: 1\n"})
	repo.commit("second", map[string]string{"a.yaml": "v: 2\n"})
	third := repo.commit("third", map[string]string{"a.yaml": "v: 3\n"})
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}

	// Warm the cache with a shallow fetch of the branch first: the old
	// commit is then behind the shallow history.
	co, err := f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Branch: "main"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(co.Revision).To(Equal(third))
	g.Expect(co.Close()).To(Succeed())

	co, err = f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Branch: "main", Commit: first})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(co.Revision).To(Equal(first))
	g.Expect(fetchFile(t, co, "a.yaml")).To(Equal("v: 1\n"))
	g.Expect(co.Close()).To(Succeed())

	// And forward again.
	co, err = f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Branch: "main"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(fetchFile(t, co, "a.yaml")).To(Equal("v: 3\n"))
	g.Expect(co.Close()).To(Succeed())

	_, err = f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Branch: "main", Commit: strings.Repeat("ab", 20)})
	g.Expect(err).To(MatchError(delivery.ErrRevisionNotFound))
}

func TestFetchByTag(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo := newGitRepo(t, "")
	v1 := repo.commit("v1", map[string]string{"a.yaml": "v: 1\n"})
	repo.tag("v1.0.0", "release 1")
	v2 := repo.commit("v2", map[string]string{"a.yaml": "v: 2\n"})
	repo.tag("light", "")
	repo.commit("v3", map[string]string{"a.yaml": "v: 3\n"})
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}

	for tag, want := range map[string]string{"v1.0.0": v1, "light": v2} {
		co, err := f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Tag: tag})
		g.Expect(err).NotTo(HaveOccurred(), tag)
		g.Expect(co.Revision).To(Equal(want), "tag %s resolves to its commit", tag)
		g.Expect(co.Close()).To(Succeed())
	}
	_, err := f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Tag: "nope"})
	g.Expect(err).To(MatchError(delivery.ErrRevisionNotFound))
}

type fetcherOpts struct {
	allowLocal bool
	maxBytes   int64
}

func TestFetchRefusals(t *testing.T) {
	t.Parallel()
	repo := newGitRepo(t, "")
	repo.symlink("escape/link.yaml", "../../../../etc/passwd")
	repo.commit("first", map[string]string{"big.bin": strings.Repeat("x", 64<<10), "app/a.yaml": "a: 1\n"})
	inside := newGitRepo(t, "")
	inside.symlink("app/link.yaml", "../base/a.yaml")
	inside.commit("first", map[string]string{"base/a.yaml": "a: 1\n", "app/k.yaml": "k: 1\n"})
	absolute := newGitRepo(t, "")
	absolute.symlink("a.yaml", "/etc/passwd")
	absolute.commit("first", nil)

	tests := map[string]struct {
		fetcher fetcherOpts
		src     delivery.Source
		want    error
	}{
		"a local path needs AllowLocal":         {src: delivery.Source{URL: inside.Bare, Branch: "main"}, want: delivery.ErrInvalidSource},
		"a missing branch is not found":         {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: inside.Bare, Branch: "nope"}, want: delivery.ErrRevisionNotFound},
		"a path out of the repository":          {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: inside.Bare, Branch: "main", Path: "../x"}, want: delivery.ErrPathEscapes},
		"a missing path":                        {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: inside.Bare, Branch: "main", Path: "nope"}, want: delivery.ErrInvalidSource},
		"a symbolic link out of the repository": {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: repo.Bare, Branch: "main"}, want: delivery.ErrPathEscapes},
		"an absolute symbolic link":             {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: absolute.Bare, Branch: "main"}, want: delivery.ErrPathEscapes},
		"a repository over MaxBytes":            {fetcher: fetcherOpts{allowLocal: true, maxBytes: 32 << 10}, src: delivery.Source{URL: inside.Bare, Branch: "main"}, want: nil},
		"a tree over MaxBytes":                  {fetcher: fetcherOpts{allowLocal: true, maxBytes: 48 << 10}, src: delivery.Source{URL: repo.Bare, Branch: "main", Path: "app"}, want: delivery.ErrTooLarge},
		"a tag and a branch":                    {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: inside.Bare, Branch: "main", Tag: "v1"}, want: delivery.ErrInvalidSource},
		"a short commit":                        {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: inside.Bare, Commit: "abc123"}, want: delivery.ErrInvalidSource},
		"no revision":                           {fetcher: fetcherOpts{allowLocal: true}, src: delivery.Source{URL: inside.Bare}, want: delivery.ErrInvalidSource},
		"ssh without known_hosts":               {src: delivery.Source{URL: "ssh://git@example.com/r.git", Branch: "main", Auth: &delivery.Auth{SSHKey: []byte("k")}}, want: delivery.ErrInvalidSource},
		"credentials over plain http":           {src: delivery.Source{URL: "http://git.example.com/r.git", Branch: "main", Auth: &delivery.Auth{Password: "s3cret-token"}}, want: delivery.ErrInvalidSource},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: tc.fetcher.allowLocal, MaxBytes: tc.fetcher.maxBytes}
			co, err := f.Fetch(t.Context(), tc.src)
			if tc.want == nil {
				g.Expect(err).NotTo(HaveOccurred(), "a symbolic link inside the repository and a repository under the bound are fine")
				g.Expect(co.Close()).To(Succeed())
				return
			}
			g.Expect(err).To(MatchError(tc.want))
			g.Expect(err.Error()).NotTo(ContainSubstring("s3cret-token"))
		})
	}
}

func TestFetchHoldsTheRepositoryUntilClose(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo := newGitRepo(t, "")
	repo.commit("first", map[string]string{"a.yaml": "a: 1\n"})
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
	src := delivery.Source{URL: repo.Bare, Branch: "main"}
	co, err := f.Fetch(t.Context(), src)
	g.Expect(err).NotTo(HaveOccurred())

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err = f.Fetch(ctx, src)
	g.Expect(err).To(MatchError(context.DeadlineExceeded), "a second fetch waits for the first checkout to close")

	g.Expect(co.Close()).To(Succeed())
	co, err = f.Fetch(t.Context(), src)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(co.Close()).To(Succeed())
}

func TestFetchOverHTTPWithBasicAuth(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	srv, err := gittestserver.NewTempGitServer()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	srv.Auth("alice", "p4ssw0rd-secret")
	g.Expect(srv.StartHTTP()).To(Succeed())
	t.Cleanup(srv.StopHTTP)
	repo := newGitRepo(t, filepath.Join(srv.Root(), "org", "env.git"))
	head := repo.commit("first", map[string]string{"a.yaml": "a: 1\n"})
	u := srv.HTTPAddress() + "/org/env.git"

	f := &delivery.Fetcher{CacheDir: t.TempDir()}
	co, err := f.Fetch(t.Context(), delivery.Source{URL: u, Branch: "main", Auth: &delivery.Auth{Username: "alice", Password: "p4ssw0rd-secret"}})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(co.Revision).To(Equal(head))
	g.Expect(co.Close()).To(Succeed())
	cfg, err := os.ReadFile(filepath.Join(co.Dir, ".git", "config"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(cfg)).NotTo(ContainSubstring("p4ssw0rd-secret"), "credentials are not written to disk")

	// Credentials in the URL work too, and never show in errors.
	withCreds := strings.Replace(u, "http://", "http://alice:p4ssw0rd-secret@", 1)
	co, err = f.Fetch(t.Context(), delivery.Source{URL: withCreds, Branch: "main"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(co.Close()).To(Succeed())

	for name, src := range map[string]delivery.Source{
		"wrong password":          {URL: u, Branch: "main", Auth: &delivery.Auth{Username: "alice", Password: "wrong-secret-123"}},
		"wrong password in URL":   {URL: strings.Replace(u, "http://", "http://alice:wrong-secret-123@", 1), Branch: "main"},
		"no credentials":          {URL: u, Branch: "main"},
		"missing branch with URL": {URL: withCreds, Branch: "nope"},
	} {
		_, err := f.Fetch(t.Context(), src)
		g.Expect(err).To(HaveOccurred(), name)
		msg := fmt.Sprintf("%v %+v %#v", err, err, err)
		g.Expect(msg).NotTo(ContainSubstring("wrong-secret-123"), name)
		g.Expect(msg).NotTo(ContainSubstring("p4ssw0rd-secret"), name)
		if name != "missing branch with URL" {
			g.Expect(errors.Is(err, delivery.ErrAuthentication)).To(BeTrue(), "%s: %v", name, err)
		} else {
			g.Expect(err).To(MatchError(delivery.ErrRevisionNotFound))
		}
	}
}

func TestAuthIsNeverPrinted(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	a := delivery.Auth{Username: "u", Password: "hunter2-token", SSHKey: []byte("PRIVATE-KEY"), KnownHosts: []byte("kh")}
	src := delivery.Source{URL: "https://u:hunter2-token@example.com/r.git?access_token=hunter2-token", Branch: "main", Auth: &a}
	for _, s := range []string{
		fmt.Sprintf("%v %+v %#v %s %x %q", a, a, a, a, a, a),
		fmt.Sprintf("%v %+v %#v", &a, &a, &a),
		fmt.Sprintf("%v %s", src, src),
		delivery.RedactURL(src.URL),
	} {
		g.Expect(s).NotTo(ContainSubstring("hunter2"))
		g.Expect(s).NotTo(ContainSubstring("PRIVATE-KEY"))
	}
	data, err := jsonMarshal(a)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(data)).To(Equal(`"redacted"`))
}

func TestFetchOverSSHVerifiesTheHostKey(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	srv, err := gittestserver.NewTempGitServer()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	keyDir := t.TempDir()
	srv.KeyDir(keyDir)
	g.Expect(srv.ListenSSH()).To(Succeed())
	go func() { _ = srv.StartSSH() }()
	t.Cleanup(func() { _ = srv.StopSSH() })
	repo := newGitRepo(t, filepath.Join(srv.Root(), "org", "env.git"))
	head := repo.commit("first", map[string]string{"a.yaml": "a: 1\n"})

	hostPub, err := os.ReadFile(filepath.Join(keyDir, "gitkit.rsa.pub"))
	g.Expect(err).NotTo(HaveOccurred())
	addr := strings.TrimPrefix(srv.SSHAddress(), "ssh://git@")
	host, port, _ := strings.Cut(addr, ":")
	knownHosts := []byte(fmt.Sprintf("[%s]:%s %s", host, port, hostPub))
	_, clientKey, err := ed25519.GenerateKey(rand.Reader)
	g.Expect(err).NotTo(HaveOccurred())
	block, err := gossh.MarshalPrivateKey(clientKey, "")
	g.Expect(err).NotTo(HaveOccurred())
	keyPEM := pem.EncodeToMemory(block)

	f := &delivery.Fetcher{CacheDir: t.TempDir()}
	u := srv.SSHAddress() + "/org/env.git"
	co, err := f.Fetch(t.Context(), delivery.Source{URL: u, Branch: "main", Auth: &delivery.Auth{SSHKey: keyPEM, KnownHosts: knownHosts}})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(co.Revision).To(Equal(head))
	g.Expect(co.Close()).To(Succeed())

	// Another host's key in known_hosts: the connection is refused.
	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	g.Expect(err).NotTo(HaveOccurred())
	otherPub, err := gossh.NewPublicKey(otherKey.Public())
	g.Expect(err).NotTo(HaveOccurred())
	wrong := []byte(fmt.Sprintf("[%s]:%s %s", host, port, gossh.MarshalAuthorizedKey(otherPub)))
	_, err = f.Fetch(t.Context(), delivery.Source{URL: u, Branch: "main", Auth: &delivery.Auth{SSHKey: keyPEM, KnownHosts: wrong}})
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(ContainSubstring("key mismatch"))
	g.Expect(err.Error()).NotTo(ContainSubstring("PRIVATE KEY"))
}
