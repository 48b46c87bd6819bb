package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// DefaultMaxBytes is the repository size bound when Fetcher.MaxBytes is 0.
const DefaultMaxBytes = 256 << 20

// Fetcher fetches Git revisions into a cache directory, one repository per
// URL and credentials. The zero value is not usable: set CacheDir. A
// Fetcher is safe for concurrent use; it must not be copied after first
// use.
type Fetcher struct {
	// CacheDir holds the cached repositories.
	CacheDir string
	// MaxBytes bounds a repository's size on disk (objects and worktree);
	// 0 means DefaultMaxBytes.
	MaxBytes int64
	// AllowLocal allows local paths and file:// URLs. Leave it off where
	// sources come from tenants: a local path reads the manager's disk.
	AllowLocal bool

	mu    sync.Mutex
	locks map[string]chan struct{}
}

// remoteName is the remote every cached repository fetches from.
const remoteName = "origin"

// Fetch fetches the revision src names and checks it out. The Checkout
// holds the repository's lock until Close. Errors never hold credentials;
// test them with errors.Is against ErrAuthentication, ErrRevisionNotFound,
// ErrTooLarge, ErrPathEscapes and ErrInvalidSource.
func (f *Fetcher) Fetch(ctx context.Context, src Source) (*Checkout, error) {
	r, err := f.resolve(src)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(f.CacheDir, r.key)
	release, err := f.lock(ctx, r.key)
	if err != nil {
		return nil, err
	}
	co, err := f.fetchLocked(ctx, dir, r, src)
	if err != nil {
		release()
		return nil, r.sanitize(fmt.Errorf("fetching %s: %w", src, err))
	}
	co.release = release
	return co, nil
}

// Close releases the repository's lock. The Checkout's files must not be
// read afterwards. Close is idempotent.
func (c *Checkout) Close() error {
	if c.release != nil {
		c.release()
		c.release = nil
	}
	return nil
}

// remote is a Source's URL resolved for go-git.
type remote struct {
	url     string // without user information
	auth    transport.AuthMethod
	caspool []byte
	key     string   // cache directory name
	secrets []string // strings never to print
	raw     string   // URL as given
}

// resolve validates src and works out the URL, credentials and cache key.
func (f *Fetcher) resolve(src Source) (*remote, error) {
	if f.CacheDir == "" {
		return nil, fmt.Errorf("%w: the fetcher has no cache directory", ErrInvalidSource)
	}
	if err := validateRef(src); err != nil {
		return nil, err
	}
	r := &remote{raw: src.URL}
	if src.Auth != nil {
		r.secrets = append(r.secrets, src.Auth.Password, src.Auth.SSHKeyPassphrase, string(src.Auth.SSHKey))
		r.caspool = src.Auth.CABundle
	}
	ep, err := transport.NewEndpoint(src.URL)
	if err != nil || src.URL == "" {
		return nil, fmt.Errorf("%w: URL %q cannot be parsed", ErrInvalidSource, RedactURL(src.URL))
	}
	if ep.Password != "" {
		r.secrets = append(r.secrets, ep.Password)
	}
	auth := src.Auth
	switch ep.Protocol {
	case "file":
		if !f.AllowLocal {
			return nil, fmt.Errorf("%w: local repository paths are not allowed here", ErrInvalidSource)
		}
		abs, err := filepath.Abs(ep.Path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidSource, err)
		}
		r.url = abs
	case "http", "https":
		if auth == nil && ep.User != "" {
			auth = &Auth{Username: ep.User, Password: ep.Password}
		}
		u := *ep
		u.User, u.Password = "", ""
		r.url = u.String()
		if auth != nil && auth.Password != "" {
			if ep.Protocol == "http" && !isLoopback(ep.Host) {
				return nil, fmt.Errorf("%w: credentials are only sent over https (or http to a loopback address)", ErrInvalidSource)
			}
			r.auth = &githttp.BasicAuth{Username: cmpOr(auth.Username, "git"), Password: auth.Password}
		}
	case "ssh":
		if auth == nil || len(auth.SSHKey) == 0 {
			return nil, fmt.Errorf("%w: an ssh URL needs an SSH key", ErrInvalidSource)
		}
		if len(auth.KnownHosts) == 0 {
			return nil, fmt.Errorf("%w: an ssh URL needs known_hosts: host keys are always verified", ErrInvalidSource)
		}
		user := cmpOr(ep.User, "git")
		keys, err := gitssh.NewPublicKeys(user, auth.SSHKey, auth.SSHKeyPassphrase)
		if err != nil {
			return nil, fmt.Errorf("%w: reading the SSH key failed", ErrInvalidSource)
		}
		cb, err := knownHostsCallback(auth.KnownHosts)
		if err != nil {
			return nil, fmt.Errorf("%w: reading known_hosts: %w", ErrInvalidSource, err)
		}
		keys.HostKeyCallback = cb
		r.auth = keys
		u := *ep
		u.Password = ""
		r.url = u.String()
	default:
		return nil, fmt.Errorf("%w: unsupported URL scheme %q", ErrInvalidSource, ep.Protocol)
	}
	r.key = cacheKey(r.url, auth)
	return r, nil
}

// validateRef checks that src names exactly one revision.
func validateRef(src Source) error {
	switch {
	case src.Tag != "" && (src.Branch != "" || src.Commit != ""):
		return fmt.Errorf("%w: set a tag, or a branch and optionally a commit, not both", ErrInvalidSource)
	case src.Branch == "" && src.Tag == "" && src.Commit == "":
		return fmt.Errorf("%w: no branch, tag or commit", ErrInvalidSource)
	case src.Commit != "" && !isFullSHA(src.Commit):
		return fmt.Errorf("%w: commit %q is not a full 40-digit SHA", ErrInvalidSource, src.Commit)
	}
	for _, name := range []string{src.Branch, src.Tag} {
		if name != "" && plumbing.ReferenceName("refs/heads/"+name).Validate() != nil {
			return fmt.Errorf("%w: %q is not a valid branch or tag name", ErrInvalidSource, name)
		}
	}
	return nil
}

func isFullSHA(s string) bool {
	if len(s) != 40 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cacheKey names a repository's cache directory after its URL and
// credentials, so that callers with different credentials never share a
// cached copy (a cached private repository must not be served to a caller
// whose credentials would not fetch it).
func cacheKey(u string, a *Auth) string {
	h := sha256.New()
	h.Write([]byte(u))
	if a != nil {
		for _, s := range []string{a.Username, a.Password, string(a.SSHKey), string(a.KnownHosts), string(a.CABundle)} {
			h.Write([]byte{0})
			h.Write([]byte(s))
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// knownHostsCallback parses known_hosts (through a temporary file, which
// go-git's parser needs).
func knownHostsCallback(data []byte) (gossh.HostKeyCallback, error) {
	tmp, err := os.CreateTemp("", "landfall-known-hosts-*")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	return gitssh.NewKnownHostsCallback(tmp.Name())
}

// lock takes the per-repository lock, or gives up when ctx is done.
func (f *Fetcher) lock(ctx context.Context, key string) (func(), error) {
	f.mu.Lock()
	if f.locks == nil {
		f.locks = map[string]chan struct{}{}
	}
	ch, ok := f.locks[key]
	if !ok {
		ch = make(chan struct{}, 1)
		f.locks[key] = ch
	}
	f.mu.Unlock()
	select {
	case ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-ch }) }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the repository lock: %w", context.Cause(ctx))
	}
}

func (f *Fetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultMaxBytes
}

// fetchLocked fetches into dir, reusing what is there, and checks out the
// revision. A cached repository that cannot be opened or is too large is
// removed.
func (f *Fetcher) fetchLocked(ctx context.Context, dir string, r *remote, src Source) (*Checkout, error) {
	repo, err := openOrInit(dir, r.url)
	if err != nil {
		return nil, err
	}
	hash, err := f.fetchRevision(ctx, dir, repo, r, src)
	if errors.Is(err, errNeedFullHistory) {
		// The commit is behind the shallow history: start over without
		// depth.
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("removing the cached repository: %w", err)
		}
		if repo, err = openOrInit(dir, r.url); err != nil {
			return nil, err
		}
		hash, err = f.fetchRevision(ctx, dir, repo, r, src)
	}
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			_ = os.RemoveAll(dir)
		}
		return nil, err
	}
	if err := f.checkout(repo, hash); err != nil {
		if errors.Is(err, ErrTooLarge) {
			_ = os.RemoveAll(dir)
		}
		return nil, err
	}
	path, err := subPath(dir, src.Path)
	if err != nil {
		return nil, err
	}
	return &Checkout{Revision: hash.String(), Dir: dir, Path: path}, nil
}

// openOrInit opens the repository in dir, or creates an empty one whose
// origin is u. A repository that does not open is replaced.
func openOrInit(dir, u string) (*git.Repository, error) {
	if repo, err := git.PlainOpen(dir); err == nil {
		if rem, err := repo.Remote(remoteName); err == nil && len(rem.Config().URLs) == 1 && rem.Config().URLs[0] == u {
			return repo, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("removing the cached repository: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the cache directory: %w", err)
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		return nil, fmt.Errorf("initialising the cached repository: %w", err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: remoteName, URLs: []string{u}}); err != nil {
		return nil, fmt.Errorf("configuring the remote: %w", err)
	}
	return repo, nil
}

// branchRefSpec fetches branch into its remote-tracking reference.
func branchRefSpec(branch string) config.RefSpec {
	return config.RefSpec(fmt.Sprintf("+refs/heads/%s:%s", branch, plumbing.NewRemoteReferenceName(remoteName, branch)))
}

// errNeedFullHistory means a commit was not found in a shallow history.
var errNeedFullHistory = errors.New("commit not in the shallow history")

// fetchRevision fetches what src names and returns the commit to check
// out.
func (f *Fetcher) fetchRevision(ctx context.Context, dir string, repo *git.Repository, r *remote, src Source) (plumbing.Hash, error) {
	opts := &git.FetchOptions{RemoteName: remoteName, Auth: r.auth, Tags: git.NoTags, Force: true, CABundle: r.caspool}
	var local plumbing.ReferenceName
	switch {
	case src.Tag != "":
		local = plumbing.NewTagReferenceName(src.Tag)
		opts.RefSpecs = []config.RefSpec{config.RefSpec("+" + local + ":" + local)}
		opts.Depth = 1
	case src.Commit != "":
		want := plumbing.NewHash(src.Commit)
		if _, err := repo.CommitObject(want); err == nil {
			return want, nil // commits never change: no need to ask the server
		}
		if src.Branch != "" {
			opts.RefSpecs = []config.RefSpec{branchRefSpec(src.Branch)}
		} else {
			opts.RefSpecs = []config.RefSpec{config.RefSpec(fmt.Sprintf("+refs/heads/*:refs/remotes/%s/*", remoteName))}
		}
	default:
		local = plumbing.NewRemoteReferenceName(remoteName, src.Branch)
		opts.RefSpecs = []config.RefSpec{branchRefSpec(src.Branch)}
		opts.Depth = 1
	}
	if err := f.boundedFetch(ctx, dir, repo, opts); err != nil {
		return plumbing.ZeroHash, err
	}
	if src.Commit != "" {
		want := plumbing.NewHash(src.Commit)
		if _, err := repo.CommitObject(want); err != nil {
			if isShallow(dir) {
				return plumbing.ZeroHash, errNeedFullHistory
			}
			return plumbing.ZeroHash, fmt.Errorf("%w: commit %s is not on %s", ErrRevisionNotFound, src.Commit, cmpOr(src.Branch, "any branch"))
		}
		return want, nil
	}
	ref, err := repo.Reference(local, true)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%w: %s", ErrRevisionNotFound, local.Short())
	}
	return peel(repo, ref.Hash())
}

func isShallow(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".git", "shallow"))
	return err == nil
}

// peel returns the commit an annotated tag points at, or h itself.
func peel(repo *git.Repository, h plumbing.Hash) (plumbing.Hash, error) {
	for range 10 {
		tag, err := repo.TagObject(h)
		if err != nil {
			return h, nil // not a tag object: a commit
		}
		if tag.TargetType != plumbing.CommitObject && tag.TargetType != plumbing.TagObject {
			return plumbing.ZeroHash, fmt.Errorf("%w: tag %s points at a %s, not a commit", ErrRevisionNotFound, tag.Name, tag.TargetType)
		}
		h = tag.Target
	}
	return plumbing.ZeroHash, fmt.Errorf("%w: tag chain too long", ErrRevisionNotFound)
}

// boundedFetch fetches, cancelling when the repository outgrows MaxBytes.
func (f *Fetcher) boundedFetch(ctx context.Context, dir string, repo *git.Repository, opts *git.FetchOptions) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	defer close(done)
	limit := f.maxBytes()
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if dirSize(dir) > limit {
					cancel(fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit))
					return
				}
			}
		}
	}()
	err := repo.FetchContext(ctx, opts)
	if cause := context.Cause(ctx); cause != nil && errors.Is(cause, ErrTooLarge) {
		return cause
	}
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
	case errors.Is(err, git.NoMatchingRefSpecError{}):
		return fmt.Errorf("%w: %s", ErrRevisionNotFound, refSpecNames(opts.RefSpecs))
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("%w: %w", ErrAuthentication, err)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return fmt.Errorf("%w: the repository is empty", ErrRevisionNotFound)
	default:
		return err
	}
	if size := dirSize(dir); size > limit {
		return fmt.Errorf("%w: %d bytes, over %d", ErrTooLarge, size, limit)
	}
	return nil
}

func refSpecNames(specs []config.RefSpec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = plumbing.ReferenceName(s.Src()).Short()
	}
	return strings.Join(names, ", ")
}

// dirSize sums the sizes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// checkout checks out hash into the worktree, refusing trees that would
// outgrow MaxBytes or hold symbolic links out of the repository, and
// removes files the commit does not have.
func (f *Fetcher) checkout(repo *git.Repository, hash plumbing.Hash) error {
	commit, err := repo.CommitObject(hash)
	if err != nil {
		return fmt.Errorf("%w: reading commit %s: %w", ErrRevisionNotFound, hash, err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return fmt.Errorf("reading the tree of %s: %w", hash, err)
	}
	limit := f.maxBytes()
	var total int64
	err = tree.Files().ForEach(func(file *object.File) error {
		total += file.Size
		if total > limit {
			return fmt.Errorf("%w: the files of %s are over %d bytes", ErrTooLarge, hash, limit)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := checkSymlinks(tree); err != nil {
		return err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return fmt.Errorf("opening the worktree: %w", err)
	}
	// A detached HEAD: the cache has no local branches to keep.
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.HEAD, hash)); err != nil {
		return fmt.Errorf("setting HEAD: %w", err)
	}
	if err := wt.Reset(&git.ResetOptions{Commit: hash, Mode: git.HardReset}); err != nil {
		return fmt.Errorf("checking out %s: %w", hash, err)
	}
	if err := wt.Clean(&git.CleanOptions{Dir: true}); err != nil {
		return fmt.Errorf("cleaning the worktree: %w", err)
	}
	return nil
}

// checkSymlinks refuses symbolic links that are absolute or lead out of
// the repository: rendering must never read the manager's disk or another
// repository in the cache.
func checkSymlinks(tree *object.Tree) error {
	return tree.Files().ForEach(func(file *object.File) error {
		if file.Mode != 0o120000 { // filemode.Symlink
			return nil
		}
		target, err := file.Contents()
		if err != nil {
			return fmt.Errorf("reading symbolic link %s: %w", file.Name, err)
		}
		if filepath.IsAbs(target) || strings.HasPrefix(target, "/") {
			return fmt.Errorf("%w: symbolic link %s points at the absolute path %s", ErrPathEscapes, file.Name, target)
		}
		joined := filepath.ToSlash(filepath.Join(filepath.Dir(filepath.FromSlash(file.Name)), filepath.FromSlash(target)))
		if joined == ".." || strings.HasPrefix(joined, "../") {
			return fmt.Errorf("%w: symbolic link %s points at %s", ErrPathEscapes, file.Name, target)
		}
		return nil
	})
}

// subPath joins a slash-separated repository path onto dir and checks that
// it stays inside dir and is a directory.
func subPath(dir, p string) (string, error) {
	clean := filepath.Clean(filepath.Join(dir, filepath.FromSlash(p)))
	if !within(dir, clean) {
		return "", fmt.Errorf("%w: path %q", ErrPathEscapes, p)
	}
	real, err := filepath.EvalSymlinks(clean)
	if err != nil {
		return "", fmt.Errorf("%w: path %q does not exist in the revision", ErrInvalidSource, p)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", fmt.Errorf("resolving the worktree: %w", err)
	}
	if !within(realDir, real) {
		return "", fmt.Errorf("%w: path %q", ErrPathEscapes, p)
	}
	info, err := os.Stat(real)
	if err != nil || !info.IsDir() {
		return "", fmt.Errorf("%w: path %q is not a directory in the revision", ErrInvalidSource, p)
	}
	return clean, nil
}

// within reports whether p is dir or inside it; both must be clean.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// RedactURL returns u without user information or query (where tokens
// hide), for messages. A URL that does not parse is replaced entirely
// when it might hold credentials.
func RedactURL(u string) string {
	if !strings.Contains(u, "://") {
		return u // a path or scp-like user@host:path, which holds no password
	}
	p, err := url.Parse(u)
	if err != nil {
		if strings.Contains(u, "@") {
			return "<unparsable URL>"
		}
		return u
	}
	p.User = nil
	p.RawQuery = ""
	p.Fragment = ""
	return p.String()
}

// sanitize rewrites an error so that its message holds no credentials,
// keeping errors.Is for the package's sentinel errors and for context
// errors. The original error is dropped: its message might hold them.
func (r *remote) sanitize(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if r.raw != "" {
		msg = strings.ReplaceAll(msg, r.raw, RedactURL(r.raw))
	}
	for _, s := range r.secrets {
		if len(s) >= 3 {
			msg = strings.ReplaceAll(msg, s, "<redacted>")
		}
	}
	msg = userinfoPattern(msg)
	var kinds []error
	for _, k := range []error{ErrAuthentication, ErrRevisionNotFound, ErrTooLarge, ErrPathEscapes, ErrInvalidSource, ErrConflict, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, k) {
			kinds = append(kinds, k)
		}
	}
	return &cleanError{msg: msg, kinds: kinds}
}

// userinfoPattern removes "user:password@" after any "://".
func userinfoPattern(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		end := strings.IndexAny(s, "/ \t\n\"'")
		if end < 0 {
			end = len(s)
		}
		if at := strings.LastIndex(s[:end], "@"); at >= 0 {
			s = s[at+1:]
		}
	}
}

// cleanError is an error whose message was scrubbed of credentials.
type cleanError struct {
	msg   string
	kinds []error
}

func (e *cleanError) Error() string { return e.msg }

// Is reports the sentinel errors the original error matched.
func (e *cleanError) Is(target error) bool {
	for _, k := range e.kinds {
		if k == target {
			return true
		}
	}
	return false
}
