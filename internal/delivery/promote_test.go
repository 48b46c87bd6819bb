package delivery_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxcd/pkg/gittestserver"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	. "github.com/onsi/gomega"

	"github.com/landfall-dev/landfall/internal/delivery"
)

const stagingKustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../../base/web
# the tag staging runs
images:
  - name: registry.example.com/web
    newTag: "1.4.0"
  - name: registry.example.com/sidecar
    newTag: "0.9.1"
`

const prodKustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../../base/web
# the tag prod runs
images:
  - name: registry.example.com/web
    newTag: "1.3.2"
`

func envRepo(t *testing.T, bare string) (*gitRepo, string) {
	repo := newGitRepo(t, bare)
	head := repo.commit("environments", map[string]string{
		"base/web/deployment.yaml":            deployment("web", "shop"),
		"base/web/kustomization.yaml":         "resources: [deployment.yaml]\n",
		"envs/staging/web/kustomization.yaml": stagingKustomization,
		"envs/prod/web/kustomization.yaml":    prodKustomization,
		"envs/staging/api/deploy.yaml":        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: registry.example.com:5000/team/api:2.1.0 # pinned by CI\n",
		"envs/prod/api/deploy.yaml":           "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: \"registry.example.com:5000/team/api:2.0.0@sha256:" + strings.Repeat("a", 64) + "\"\n      - name: log\n        image: busybox:1.36\n",
		"envs/staging/chart/values.yaml":      "image:\n  repository: registry.example.com/chart-app\n  tag: \"3.1.0\" # staging\nreplicas: 1\n",
		"envs/prod/chart/values.yaml":         "# prod values\nimage:\n  repository: registry.example.com/chart-app\n  tag: \"3.0.0\"\nreplicas: 3\n",
		"envs/staging/copy/a.yaml":            "a: staging\n",
		"envs/staging/copy/new.yaml":          "n: 1\n",
		"envs/prod/copy/a.yaml":               "a: prod\n",
		"envs/prod/copy/old.yaml":             "o: 1\n",
	})
	return repo, head
}

// promoteWeb is the request to promote web from staging to prod on
// branch main of repo.
func promoteWeb(repo *gitRepo) delivery.PromoteRequest {
	return delivery.PromoteRequest{Repo: delivery.Source{URL: repo.Bare, Branch: "main"}, FromPath: "envs/staging", ToPath: "envs/prod", App: "web"}
}

func TestPromoteWritesExactlyOneCommit(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		req   delivery.PromoteRequest
		check func(g *WithT, read func(string) string)
		files []string
	}{
		"kustomize images take the source's tags": {
			req:   delivery.PromoteRequest{App: "web"},
			files: []string{"envs/prod/web/kustomization.yaml"},
			check: func(g *WithT, read func(string) string) {
				k := read("envs/prod/web/kustomization.yaml")
				g.Expect(k).To(ContainSubstring("name: registry.example.com/web\n    newTag: \"1.4.0\""))
				g.Expect(k).To(ContainSubstring("name: registry.example.com/sidecar\n    newTag: \"0.9.1\""))
				g.Expect(k).To(ContainSubstring("# the tag prod runs"), "comments survive")
			},
		},
		"plain manifests: the image line changes and a digest is dropped": {
			req:   delivery.PromoteRequest{App: "api"},
			files: []string{"envs/prod/api/deploy.yaml"},
			check: func(g *WithT, read func(string) string) {
				d := read("envs/prod/api/deploy.yaml")
				g.Expect(d).To(ContainSubstring("image: \"registry.example.com:5000/team/api:2.1.0\"\n"))
				g.Expect(d).To(ContainSubstring("image: busybox:1.36\n"), "other images are left alone")
			},
		},
		"Helm values: image.tag changes": {
			req:   delivery.PromoteRequest{App: "chart"},
			files: []string{"envs/prod/chart/values.yaml"},
			check: func(g *WithT, read func(string) string) {
				v := read("envs/prod/chart/values.yaml")
				g.Expect(v).To(ContainSubstring(`tag: "3.1.0"`))
				g.Expect(v).To(ContainSubstring("replicas: 3"))
				g.Expect(v).To(ContainSubstring("# prod values"))
			},
		},
		"explicit images override what the source runs": {
			req:   delivery.PromoteRequest{App: "web", Images: map[string]string{"registry.example.com/web": "1.5.0-rc.1"}},
			files: []string{"envs/prod/web/kustomization.yaml"},
			check: func(g *WithT, read func(string) string) {
				k := read("envs/prod/web/kustomization.yaml")
				g.Expect(k).To(ContainSubstring(`newTag: "1.5.0-rc.1"`))
				g.Expect(k).NotTo(ContainSubstring("sidecar"))
			},
		},
		"copy mode replaces the application's directory": {
			req:   delivery.PromoteRequest{App: "copy", Copy: true},
			files: []string{"envs/prod/copy/a.yaml", "envs/prod/copy/new.yaml", "envs/prod/copy/old.yaml"},
			check: func(g *WithT, read func(string) string) {
				g.Expect(read("envs/prod/copy/a.yaml")).To(Equal("a: staging\n"))
				g.Expect(read("envs/prod/copy/new.yaml")).To(Equal("n: 1\n"))
				g.Expect(read("envs/prod/copy/old.yaml")).To(Equal("<missing>"))
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			repo, head := envRepo(t, "")
			f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
			req := tc.req
			req.Repo = delivery.Source{URL: repo.Bare, Branch: "main"}
			req.FromPath, req.ToPath = "envs/staging", "envs/prod"
			req.Revision = head
			req.Author = delivery.Signature{Name: "Alice", Email: "alice@example.com"}
			res, err := f.Promote(t.Context(), req)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(res.Files).To(Equal(tc.files))
			g.Expect(commitCount(t, repo.Bare)).To(Equal(2), "exactly one commit")

			co, err := f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Branch: "main"})
			g.Expect(err).NotTo(HaveOccurred())
			defer co.Close()
			g.Expect(co.Revision).To(Equal(res.Commit))
			tc.check(g, func(name string) string { return fetchFile(t, co, name) })

			commit := headCommit(t, repo.Bare)
			g.Expect(commit.Author.Name).To(Equal("Alice"))
			g.Expect(commit.Message).To(HavePrefix("Promote " + req.App + " from envs/staging to envs/prod\n"))
			g.Expect(commit.Message).To(ContainSubstring("Source revision: " + head))

			// Promoting again changes nothing and commits nothing.
			again, err := f.Promote(t.Context(), req)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(again.Commit).To(BeEmpty())
			g.Expect(commitCount(t, repo.Bare)).To(Equal(2))
		})
	}
}

func headCommit(t *testing.T, bare string) *object.Commit {
	t.Helper()
	r, err := git.PlainOpen(bare)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := r.Reference(plumbing.NewBranchReferenceName("main"), true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPromoteRetriesWhenTheBranchMoved(t *testing.T) {
	g := NewWithT(t)
	repo, _ := envRepo(t, "")
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
	var other string
	defer delivery.SetBeforePush(func(attempt int) {
		if attempt == 0 {
			other = repo.commit("someone else", map[string]string{"README.md": "hello\n"})
		}
	})()
	res, err := f.Promote(t.Context(), promoteWeb(repo))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(commitCount(t, repo.Bare)).To(Equal(3), "the other commit and one promotion commit")
	head := headCommit(t, repo.Bare)
	g.Expect(head.Hash.String()).To(Equal(res.Commit))
	g.Expect(head.ParentHashes[0].String()).To(Equal(other), "the promotion was redone on top of the new tip")
}

func TestPromoteOverHTTP(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	srv, err := gittestserver.NewTempGitServer()
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	srv.Auth("ci", "push-token-secret")
	g.Expect(srv.StartHTTP()).To(Succeed())
	t.Cleanup(srv.StopHTTP)
	repo, _ := envRepo(t, filepath.Join(srv.Root(), "org", "envs.git"))
	f := &delivery.Fetcher{CacheDir: t.TempDir()}
	src := delivery.Source{URL: srv.HTTPAddress() + "/org/envs.git", Branch: "main", Auth: &delivery.Auth{Username: "ci", Password: "push-token-secret"}}

	res, err := f.Promote(t.Context(), delivery.PromoteRequest{Repo: src, FromPath: "envs/staging", ToPath: "envs/prod", App: "web"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(commitCount(t, repo.Bare)).To(Equal(2))
	g.Expect(headCommit(t, repo.Bare).Hash.String()).To(Equal(res.Commit))

	src.Auth = &delivery.Auth{Username: "ci", Password: "wrong-token-secret"}
	_, err = f.Promote(t.Context(), delivery.PromoteRequest{Repo: src, FromPath: "envs/staging", ToPath: "envs/prod", App: "web"})
	g.Expect(err).To(MatchError(delivery.ErrAuthentication))
	g.Expect(err.Error()).NotTo(ContainSubstring("wrong-token-secret"))
}

func TestPromoteRefusals(t *testing.T) {
	t.Parallel()
	repo, _ := envRepo(t, "")
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
	base := delivery.PromoteRequest{Repo: delivery.Source{URL: repo.Bare, Branch: "main"}, FromPath: "envs/staging", ToPath: "envs/prod"}
	tests := map[string]func(r *delivery.PromoteRequest){
		"no branch":                    func(r *delivery.PromoteRequest) { r.Repo.Branch = "" },
		"a path out of the repository": func(r *delivery.PromoteRequest) { r.ToPath = "../elsewhere" },
		"the same environment":         func(r *delivery.PromoteRequest) { r.ToPath = "envs/staging"; r.App = "web" },
		"a missing application":        func(r *delivery.PromoteRequest) { r.App = "nope" },
		"a bad tag":                    func(r *delivery.PromoteRequest) { r.App = "web"; r.Images = map[string]string{"x": "bad tag"} },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			req := base
			mutate(&req)
			_, err := f.Promote(t.Context(), req)
			g.Expect(err).To(HaveOccurred())
			g.Expect(commitCount(t, repo.Bare)).To(Equal(1), "nothing is committed")
		})
	}
}

func TestPromoteReadsTheSourceAtTheVerifiedRevision(t *testing.T) {
	t.Parallel()
	for name, copyMode := range map[string]bool{"images": false, "copy": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := NewWithT(t)
			repo := newGitRepo(t, "")
			kustomization := func(tag string) string {
				return "resources: [deploy.yaml]\nimages:\n  - name: registry.example.com/web\n    newTag: \"" + tag + "\"\n"
			}
			repo.commit("environments", map[string]string{
				"envs/staging/web/kustomization.yaml": kustomization("0.9.0"),
				"envs/staging/web/deploy.yaml":        "kind: Deployment\n",
			})
			verified := repo.commit("dev runs v1", map[string]string{
				"envs/dev/web/kustomization.yaml": kustomization("v1"),
				"envs/dev/web/deploy.yaml":        "kind: Deployment\n",
			})
			// Dev moves on: v2 is not verified yet. Unrelated commits
			// follow, so that the verified revision is behind the shallow
			// history Promote starts from.
			repo.commit("dev runs v2", map[string]string{
				"envs/dev/web/kustomization.yaml": kustomization("v2"),
				"envs/dev/web/extra.yaml":         "added: in v2\n",
			})
			tip := repo.commit("someone else", map[string]string{"README.md": "hello\n"})

			f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
			res, err := f.Promote(t.Context(), delivery.PromoteRequest{
				Repo: delivery.Source{URL: repo.Bare, Branch: "main"}, FromPath: "envs/dev", ToPath: "envs/staging",
				App: "web", Copy: copyMode, Revision: verified,
			})
			g.Expect(err).NotTo(HaveOccurred())
			head := headCommit(t, repo.Bare)
			g.Expect(head.Hash.String()).To(Equal(res.Commit))
			g.Expect(head.ParentHashes).To(HaveLen(1))
			g.Expect(head.ParentHashes[0].String()).To(Equal(tip), "committed onto the branch head")
			g.Expect(head.Message).To(ContainSubstring("Source revision: " + verified))

			co, err := f.Fetch(t.Context(), delivery.Source{URL: repo.Bare, Branch: "main"})
			g.Expect(err).NotTo(HaveOccurred())
			defer co.Close()
			g.Expect(fetchFile(t, co, "README.md")).To(Equal("hello\n"), "the head's other changes are kept")
			g.Expect(fetchFile(t, co, "envs/dev/web/kustomization.yaml")).To(ContainSubstring(`newTag: "v2"`), "the source is left alone")
			staging := fetchFile(t, co, "envs/staging/web/kustomization.yaml")
			g.Expect(staging).To(ContainSubstring(`newTag: "v1"`))
			g.Expect(staging).NotTo(ContainSubstring("v2"))
			g.Expect(fetchFile(t, co, "envs/staging/web/extra.yaml")).To(Equal("<missing>"))
			if copyMode {
				g.Expect(res.Files).To(Equal([]string{"envs/staging/web/kustomization.yaml"}))
			} else {
				g.Expect(res.Images).To(Equal(map[string]string{"registry.example.com/web": "v1"}))
			}
		})
	}
}

func TestPromoteRefusesARevisionNotOnTheBranch(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo, _ := envRepo(t, "")
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
	req := promoteWeb(repo)
	req.Revision = strings.Repeat("1", 40)
	_, err := f.Promote(t.Context(), req)
	g.Expect(err).To(MatchError(delivery.ErrRevisionNotFound))
	req.Revision = "abc123"
	_, err = f.Promote(t.Context(), req)
	g.Expect(err).To(MatchError(delivery.ErrInvalidSource))
	g.Expect(commitCount(t, repo.Bare)).To(Equal(1), "nothing is committed")
}

func TestPromoteFindsItsEarlierPush(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo, _ := envRepo(t, "")
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
	req := promoteWeb(repo)
	req.Marker = "Landfall-Promotion: 1f0c-uid"
	req.Message = "Approved-by: carol\n\nquoting another one:\nLandfall-Promotion: 2a7d-uid"
	first, err := f.Promote(t.Context(), req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(first.Commit).NotTo(BeEmpty())
	g.Expect(headCommit(t, repo.Bare).Message).To(HaveSuffix("\n\nLandfall-Promotion: 1f0c-uid\n"))

	// Others push on top, more than the shallow clone holds, one of them
	// a newer image for prod: the same promotion run again (its manager
	// stopped before recording the commit) finds its commit and changes
	// nothing, so it does not roll the newer image back.
	repo.pull()
	repo.commit("unrelated", map[string]string{"README.md": "v1\n"})
	newer := strings.Replace(repo.read("envs/prod/web/kustomization.yaml"), `newTag: "1.4.0"`, `newTag: "1.5.0"`, 1)
	repo.commit("web 1.5.0 in prod", map[string]string{"envs/prod/web/kustomization.yaml": newer})
	repo.commit("unrelated again", map[string]string{"README.md": "v2\n"})
	again, err := f.Promote(t.Context(), req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again.Commit).To(BeEmpty(), "nothing committed")
	g.Expect(again.Found).To(Equal(first.Commit))
	g.Expect(commitCount(t, repo.Bare)).To(Equal(5), "no new commit")

	// A marker quoted in a message body is not the promotion's: that
	// promotion commits (prod is at 1.5.0, staging at 1.4.0).
	other := promoteWeb(repo)
	other.Marker = "Landfall-Promotion: 2a7d-uid"
	res, err := f.Promote(t.Context(), other)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Found).To(BeEmpty())
	g.Expect(res.Commit).NotTo(BeEmpty())
}

func TestPromoteFindsItsPushBehindAMerge(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo, base := envRepo(t, "")
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true}
	req := promoteWeb(repo)
	req.Marker = "Landfall-Promotion: 1f0c-uid"
	first, err := f.Promote(t.Context(), req)
	g.Expect(err).NotTo(HaveOccurred())

	// Someone who committed on the old tip pulls without rebasing: the
	// promotion becomes the second parent of their merge.
	mine := repo.commitOn(base, "mine", map[string]string{"README.md": "mine\n"})
	repo.merge("Merge branch main", mine, plumbing.NewHash(first.Commit))
	again, err := f.Promote(t.Context(), req)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again.Found).To(Equal(first.Commit))
}

func TestPromoteGoesOnWhenTheHistoryCannotBeSearched(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	repo, _ := envRepo(t, "")
	// The history holds a blob past the size limit; the branch tip does
	// not (a shallow fetch of the tip is fine, a deeper one is not).
	repo.commit("a big file", map[string]string{"big.bin": strings.Repeat("x", 3<<20)})
	repo.commit("gone again", nil, "big.bin")
	f := &delivery.Fetcher{CacheDir: t.TempDir(), AllowLocal: true, MaxBytes: 2 << 20}
	req := promoteWeb(repo)
	req.Marker = "Landfall-Promotion: 1f0c-uid"
	res, err := f.Promote(t.Context(), req)
	g.Expect(err).NotTo(HaveOccurred(), "the search for an earlier push is best-effort")
	g.Expect(res.Commit).NotTo(BeEmpty())
}
