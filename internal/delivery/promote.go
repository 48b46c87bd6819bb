package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	yaml "go.yaml.in/yaml/v3"
)

// promoteAttempts bounds the retries of a push rejected as
// non-fast-forward.
const promoteAttempts = 5

// beforePush, when set (by tests), runs between the commit and the push.
var beforePush func(attempt int)

// Promote clones req.Repo's branch, promotes req.App from req.FromPath to
// req.ToPath, commits once and pushes. Promoting means, by default, setting
// in the target the image tags the source uses (or req.Images): the
// images list of kustomization.yaml, image maps (repository and tag) of
// Helm values files, and image fields of plain manifests. With req.Copy it
// means replacing the target's copy of the application's directory with
// the source's. The source is read at req.Revision when set (the commit
// the source environment verified), not at the branch head, and the
// change is committed onto the branch head. When the push is rejected
// because the branch moved, it fetches again and redoes the change, up to
// five times. It returns an empty Commit when the target already matches,
// and with req.Marker set, Found when the branch already has this
// promotion's commit (then it changes nothing, even if the target moved
// on since).
func (f *Fetcher) Promote(ctx context.Context, req PromoteRequest) (*PromoteResult, error) {
	src := req.Repo
	src.Tag, src.Commit, src.Path = "", "", ""
	if src.Branch == "" {
		return nil, fmt.Errorf("%w: promotion needs the branch to commit to", ErrInvalidSource)
	}
	from, to, err := promotePaths(req)
	if err != nil {
		return nil, err
	}
	r, err := f.resolve(src)
	if err != nil {
		return nil, err
	}
	res, err := f.promote(ctx, r, src, req, from, to)
	if err != nil {
		return nil, r.sanitize(fmt.Errorf("promoting %s from %s to %s: %w", cmpOr(req.App, "the environment"), req.FromPath, req.ToPath, err))
	}
	return res, nil
}

// promotePaths returns the application's directory in both environments,
// slash-separated and checked to stay in the repository.
func promotePaths(req PromoteRequest) (from, to string, err error) {
	clean := func(p string) (string, error) {
		c := path.Clean(p)
		if p == "" || c == "." || path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") || strings.Contains(p, "\\") {
			return "", fmt.Errorf("%w: path %q must be a directory inside the repository", ErrInvalidSource, p)
		}
		return c, nil
	}
	if from, err = clean(path.Join(req.FromPath, req.App)); err != nil {
		return "", "", err
	}
	if to, err = clean(path.Join(req.ToPath, req.App)); err != nil {
		return "", "", err
	}
	if from == to {
		return "", "", fmt.Errorf("%w: promoting %s to itself", ErrInvalidSource, from)
	}
	for name, tag := range req.Images {
		if name == "" || !validTag.MatchString(tag) {
			return "", "", fmt.Errorf("%w: image %q: tag %q is not a valid tag", ErrInvalidSource, name, tag)
		}
	}
	return from, to, nil
}

// validTag is Docker's tag grammar.
var validTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func (f *Fetcher) promote(ctx context.Context, r *remote, src Source, req PromoteRequest, from, to string) (*PromoteResult, error) {
	if err := os.MkdirAll(f.CacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the cache directory: %w", err)
	}
	for attempt := range promoteAttempts {
		res, err := f.promoteOnce(ctx, r, src, req, from, to, attempt)
		if errors.Is(err, errNonFastForward) {
			continue
		}
		return res, err
	}
	return nil, fmt.Errorf("%w: gave up after %d attempts", ErrConflict, promoteAttempts)
}

var errNonFastForward = errors.New("non-fast-forward")

// promoteOnce fetches the branch into a new directory, changes, commits
// and pushes.
func (f *Fetcher) promoteOnce(ctx context.Context, r *remote, src Source, req PromoteRequest, from, to string, attempt int) (*PromoteResult, error) {
	dir, err := os.MkdirTemp(f.CacheDir, "promote-")
	if err != nil {
		return nil, fmt.Errorf("creating a work directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	repo, err := openOrInit(dir, r.url)
	if err != nil {
		return nil, err
	}
	head, err := f.fetchRevision(ctx, dir, repo, r, src)
	if err != nil {
		return nil, err
	}
	fromDir := filepath.Join(dir, filepath.FromSlash(from))
	if req.Revision != "" && req.Revision != head.String() {
		// The source is read at the revision it verified, not at the
		// branch head: the path may have moved on since.
		if repo, head, err = f.fetchPromoted(ctx, dir, repo, r, src, req.Revision); err != nil {
			return nil, err
		}
		if fromDir, err = f.snapshot(repo, plumbing.NewHash(req.Revision), fromDir, from); err != nil {
			return nil, err
		}
		defer func() { _ = os.RemoveAll(fromDir) }()
	}
	// A promotion pushed before (by a manager that stopped before it
	// recorded the commit) is not redone: the target may have moved on
	// since, and redoing it would roll that back. Only the first attempt
	// searches: a retry follows a push of ours that was rejected, so it
	// has nothing new to find.
	if attempt == 0 {
		if found := f.findMarked(ctx, dir, repo, r, src, head, req.Marker); found != "" {
			return &PromoteResult{Found: found}, nil
		}
	}
	if err := f.checkout(repo, head); err != nil {
		return nil, err
	}
	branch := plumbing.NewBranchReferenceName(src.Branch)
	if err := repo.Storer.SetReference(plumbing.NewHashReference(branch, head)); err != nil {
		return nil, fmt.Errorf("creating the local branch: %w", err)
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch)); err != nil {
		return nil, fmt.Errorf("setting HEAD: %w", err)
	}

	res := &PromoteResult{}
	toDir := filepath.Join(dir, filepath.FromSlash(to))
	if info, err := os.Stat(fromDir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory on %s", ErrInvalidSource, from, src.Branch)
	}
	if req.Copy {
		if err := copyDir(fromDir, toDir); err != nil {
			return nil, err
		}
	} else {
		images := req.Images
		if len(images) == 0 {
			if images, err = readImages(fromDir); err != nil {
				return nil, err
			}
			if len(images) == 0 {
				return nil, fmt.Errorf("%w: found no image tags in %s to promote", ErrInvalidSource, from)
			}
		}
		if info, err := os.Stat(toDir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("%w: %s is not a directory on %s", ErrInvalidSource, to, src.Branch)
		}
		if err := setImages(toDir, images); err != nil {
			return nil, err
		}
		res.Images = images
	}

	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("opening the worktree: %w", err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return nil, fmt.Errorf("staging the change: %w", err)
	}
	st, err := wt.Status()
	if err != nil {
		return nil, fmt.Errorf("reading the worktree status: %w", err)
	}
	for name, s := range st {
		if s.Staging != git.Unmodified && s.Staging != git.Untracked {
			res.Files = append(res.Files, name)
		}
	}
	if len(res.Files) == 0 {
		return &PromoteResult{Images: res.Images}, nil // already promoted
	}
	slices.Sort(res.Files)
	res.Message = promoteMessage(req, from, to, res.Images)
	author := &object.Signature{Name: cmp.Or(req.Author.Name, "Landfall"), Email: cmp.Or(req.Author.Email, "landfall@landfall.dev"), When: time.Now()}
	commit, err := wt.Commit(res.Message, &git.CommitOptions{Author: author, Committer: author})
	if err != nil {
		return nil, fmt.Errorf("committing: %w", err)
	}
	if beforePush != nil {
		beforePush(attempt)
	}
	err = repo.PushContext(ctx, &git.PushOptions{
		RemoteName: remoteName,
		RefSpecs:   []config.RefSpec{config.RefSpec(branch + ":" + branch)},
		Auth:       r.auth,
		CABundle:   r.caspool,
	})
	switch {
	case err == nil:
	case isNonFastForward(err):
		return nil, errNonFastForward
	default:
		return nil, fmt.Errorf("pushing: %w", err)
	}
	res.Commit = commit.String()
	return res, nil
}

// fetchPromoted adds the promoted revision to the shallow clone in dir,
// which holds only the branch head, and returns the repository and the
// branch head to commit onto. A revision behind the shallow history is
// fetched by starting over with the branch's full history, as Fetch does.
func (f *Fetcher) fetchPromoted(ctx context.Context, dir string, repo *git.Repository, r *remote, src Source, revision string) (*git.Repository, plumbing.Hash, error) {
	rev := src
	rev.Commit = revision
	if err := validateRef(rev); err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("source revision: %w", err)
	}
	_, err := f.fetchRevision(ctx, dir, repo, r, rev)
	if errors.Is(err, errNeedFullHistory) {
		if err := os.RemoveAll(dir); err != nil {
			return nil, plumbing.ZeroHash, fmt.Errorf("removing the work directory: %w", err)
		}
		if repo, err = openOrInit(dir, r.url); err != nil {
			return nil, plumbing.ZeroHash, err
		}
		_, err = f.fetchRevision(ctx, dir, repo, r, rev)
	}
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	// The full fetch also updated the remote-tracking branch: commit onto
	// what it found.
	ref, err := repo.Reference(plumbing.NewRemoteReferenceName(remoteName, src.Branch), true)
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("%w: %s", ErrRevisionNotFound, src.Branch)
	}
	return repo, ref.Hash(), nil
}

// snapshot checks out revision and copies the source directory fromDir
// (the repository path from) to a new directory in the cache, which it
// returns; the caller removes it.
func (f *Fetcher) snapshot(repo *git.Repository, revision plumbing.Hash, fromDir, from string) (string, error) {
	if err := f.checkout(repo, revision); err != nil {
		return "", err
	}
	if info, err := os.Stat(fromDir); err != nil || !info.IsDir() {
		return "", fmt.Errorf("%w: %s is not a directory at revision %s", ErrInvalidSource, from, revision)
	}
	snap, err := os.MkdirTemp(f.CacheDir, "promote-source-")
	if err != nil {
		return "", fmt.Errorf("creating a work directory: %w", err)
	}
	if err := copyDir(fromDir, snap); err != nil {
		_ = os.RemoveAll(snap)
		return "", fmt.Errorf("copying %s at revision %s: %w", from, revision, err)
	}
	return snap, nil
}

func isNonFastForward(err error) bool {
	msg := err.Error()
	return errors.Is(err, git.ErrNonFastForwardUpdate) || errors.Is(err, git.ErrForceNeeded) ||
		strings.Contains(msg, "non-fast-forward") || strings.Contains(msg, "fetch first") ||
		strings.Contains(msg, "object not found") // the remote tip is unknown locally: it moved
}

// promoteMessage says what was promoted from where.
func promoteMessage(req PromoteRequest, from, to string, images map[string]string) string {
	var b strings.Builder
	what := cmpOr(req.App, path.Base(from))
	fmt.Fprintf(&b, "Promote %s from %s to %s\n\n", what, req.FromPath, req.ToPath)
	if req.Revision != "" {
		fmt.Fprintf(&b, "Source revision: %s\n", req.Revision)
	}
	if req.Copy {
		fmt.Fprintf(&b, "Copied %s to %s.\n", from, to)
	} else {
		b.WriteString("Images:\n")
		for _, name := range slices.Sorted(maps.Keys(images)) {
			fmt.Fprintf(&b, "  %s:%s\n", name, images[name])
		}
	}
	if req.Message != "" {
		b.WriteString("\n" + strings.TrimSpace(req.Message) + "\n")
	}
	if req.Marker != "" {
		b.WriteString("\n" + req.Marker + "\n")
	}
	return b.String()
}

// findMarked returns the commit, among the first MarkerSearchDepth
// reached from head (every parent followed, so a merge that took the
// promotion in as its second parent does not hide it), whose message ends
// with a paragraph holding the line marker; "" when there is none. A
// shallow clone is deepened once to MarkerSearchDepth commits from the
// branch's current tip. The search is best-effort: when the history
// cannot be fetched (size limit, network) it returns "" and the
// promotion goes on as if it had never been pushed.
func (f *Fetcher) findMarked(ctx context.Context, dir string, repo *git.Repository, r *remote, src Source, head plumbing.Hash, marker string) string {
	if marker == "" {
		return ""
	}
	deepened := false
	queue, seen := []plumbing.Hash{head}, map[plumbing.Hash]bool{head: true}
	for visited := 0; len(queue) > 0 && visited < MarkerSearchDepth; visited++ {
		hash := queue[0]
		queue = queue[1:]
		c, err := repo.CommitObject(hash)
		if errors.Is(err, plumbing.ErrObjectNotFound) && !deepened && isShallow(dir) {
			deepened = true
			opts := &git.FetchOptions{
				RemoteName: remoteName, Auth: r.auth, Tags: git.NoTags, Force: true, CABundle: r.caspool, Depth: MarkerSearchDepth,
				RefSpecs: []config.RefSpec{branchRefSpec(src.Branch)},
			}
			if f.boundedFetch(ctx, dir, repo, opts) != nil {
				return ""
			}
			c, err = repo.CommitObject(hash)
		}
		if err != nil {
			continue // beyond the history there is
		}
		if hasTrailer(c.Message, marker) {
			return c.Hash.String()
		}
		for _, p := range c.ParentHashes {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return ""
}

// hasTrailer reports whether the last paragraph of a commit message has
// the line: a marker quoted in the message's body does not count.
func hasTrailer(message, line string) bool {
	paragraphs := strings.Split(strings.TrimSpace(message), "\n\n")
	return slices.Contains(strings.Split(paragraphs[len(paragraphs)-1], "\n"), line)
}

// copyDir makes dst a copy of src: files src lacks are removed. Both are
// opened as roots, so that no link can lead the copy elsewhere.
func copyDir(src, dst string) error {
	from, err := os.OpenRoot(src)
	if err != nil {
		return fmt.Errorf("opening %s: %w", src, err)
	}
	defer func() { _ = from.Close() }()
	if err := os.RemoveAll(dst); err != nil {
		return fmt.Errorf("clearing %s: %w", dst, err)
	}
	if err := os.MkdirAll(dst, 0o750); err != nil {
		return fmt.Errorf("creating %s: %w", dst, err)
	}
	to, err := os.OpenRoot(dst)
	if err != nil {
		return fmt.Errorf("opening %s: %w", dst, err)
	}
	defer func() { _ = to.Close() }()
	return fs.WalkDir(from.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case p == ".":
			return nil
		case d.IsDir():
			return to.MkdirAll(p, 0o750)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := from.Readlink(p)
			if err != nil {
				return err
			}
			return to.Symlink(link, p)
		case d.Type().IsRegular():
			data, err := from.ReadFile(p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			mode := fs.FileMode(0o600)
			if info.Mode()&0o100 != 0 {
				mode = 0o700 // Git keeps only the executable bit
			}
			return to.WriteFile(p, data, mode)
		}
		return nil
	})
}

// Image files are recognised by name.
func isKustomization(name string) bool {
	return name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization"
}

func isValues(name string) bool {
	return strings.HasPrefix(name, "values") && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"))
}

func isManifest(name string) bool {
	return (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) && !isKustomization(name) && !isValues(name) && name != "Chart.yaml"
}

// manifestImage matches an "image: name:tag" line of a manifest.
// Groups: 1 the text before the image, 2 the name (a registry host may
// have a port), 3 the tag, 4 the digest, 5 the text after.
var manifestImage = regexp.MustCompile(`^(\s*(?:-\s+)?image:\s*["']?)((?:[^"'\s@:/]+(?::\d+)?/)*[^"'\s@:/]+)(?::([A-Za-z0-9_][A-Za-z0-9_.-]*))?(@sha256:[0-9a-f]{64})?(["']?\s*(?:#.*)?)$`)

// readImages collects image name to tag from the files under dir:
// kustomization images (newTag), values image maps (repository, tag) and
// manifest image fields. A name found with two tags is an error.
func readImages(dir string) (map[string]string, error) {
	images := map[string]string{}
	var errs []error
	add := func(file, name, tag string) {
		if name == "" || tag == "" {
			return
		}
		if old, ok := images[name]; ok && old != tag {
			errs = append(errs, fmt.Errorf("%s: image %s has tags %s and %s: name the tag to promote", file, name, old, tag))
			return
		}
		images[name] = tag
	}
	err := walkFiles(dir, func(p, name string, data []byte) error {
		switch {
		case isKustomization(name):
			var k struct {
				Images []struct {
					Name    string `yaml:"name"`
					NewName string `yaml:"newName"`
					NewTag  string `yaml:"newTag"`
				} `yaml:"images"`
			}
			if err := yaml.Unmarshal(data, &k); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			for _, img := range k.Images {
				add(p, img.Name, img.NewTag)
			}
		case isValues(name):
			var doc yaml.Node
			if err := yaml.Unmarshal(data, &doc); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			eachImageMap(&doc, func(repo, tag *yaml.Node) {
				if tag != nil {
					add(p, repo.Value, tag.Value)
				}
			})
		case isManifest(name):
			for line := range strings.SplitSeq(string(data), "\n") {
				if m := manifestImage.FindStringSubmatch(strings.TrimRight(line, "\r")); m != nil {
					add(p, m[2], m[3])
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return images, errors.Join(errs...)
}

// setImages sets the tags of images in the files under dir. A
// kustomization gets an images entry for every image (as kustomize edit
// set image does); values files and manifests only change where the image
// appears.
func setImages(dir string, images map[string]string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("opening %s: %w", dir, err)
	}
	defer func() { _ = root.Close() }()
	return walkFiles(dir, func(p, name string, data []byte) error {
		var out []byte
		var err error
		switch {
		case isKustomization(name):
			out, err = setKustomizeImages(data, images)
		case isValues(name):
			out, err = setValuesImages(data, images)
		case isManifest(name):
			out = setManifestImages(data, images)
		default:
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if string(out) == string(data) {
			return nil
		}
		return root.WriteFile(p, out, 0o600)
	})
}

// walkFiles calls fn for every regular file under dir with its path
// relative to dir (slash-separated), not following links, skipping hidden
// directories.
func walkFiles(dir string, fn func(path, name string, data []byte) error) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("opening %s: %w", dir, err)
	}
	defer func() { _ = root.Close() }()
	return fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := root.ReadFile(p)
		if err != nil {
			return err
		}
		return fn(p, d.Name(), data)
	})
}

// setKustomizeImages sets newTag of the images entries, adding entries
// for images not listed.
func setKustomizeImages(data []byte, images map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("not a kustomization")
	}
	root := doc.Content[0]
	list := mapValue(root, "images")
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "images"}, list)
	}
	done := map[string]bool{}
	for _, item := range list.Content {
		name := mapValue(item, "name")
		if name == nil {
			continue
		}
		tag, ok := images[name.Value]
		if !ok {
			continue
		}
		setMapValue(item, "newTag", tag)
		done[name.Value] = true
	}
	for _, name := range slices.Sorted(maps.Keys(images)) {
		if done[name] {
			continue
		}
		item := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "name"},
			{Kind: yaml.ScalarNode, Value: name, Tag: "!!str"},
		}}
		setMapValue(item, "newTag", images[name])
		list.Content = append(list.Content, item)
	}
	return encodeYAML(&doc)
}

// setValuesImages sets tag in image maps whose repository is promoted.
func setValuesImages(data []byte, images map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	changed := false
	eachImageMap(&doc, func(repo, tag *yaml.Node) {
		want, ok := images[repo.Value]
		if !ok || tag == nil || tag.Value == want {
			return
		}
		tag.Value, tag.Style, tag.Tag = want, yaml.DoubleQuotedStyle, "!!str"
		changed = true
	})
	if !changed {
		return data, nil
	}
	return encodeYAML(&doc)
}

// setManifestImages rewrites image lines, keeping everything else as it
// was.
func setManifestImages(data []byte, images map[string]string) []byte {
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		cr := strings.HasSuffix(line, "\r")
		m := manifestImage.FindStringSubmatch(strings.TrimSuffix(line, "\r"))
		if m == nil {
			continue
		}
		tag, ok := images[m[2]]
		if !ok {
			continue
		}
		// m[4], a digest, is dropped: it pins the image, and a new tag
		// with the old digest would still pull the old image.
		lines[i] = m[1] + m[2] + ":" + tag + m[5]
		if cr {
			lines[i] += "\r"
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// eachImageMap calls fn for every mapping with a repository key (an image
// map of Helm values: repository, tag), anywhere in the document.
func eachImageMap(n *yaml.Node, fn func(repo, tag *yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		if repo := mapValue(n, "repository"); repo != nil && repo.Kind == yaml.ScalarNode {
			fn(repo, mapValue(n, "tag"))
		}
	}
	for _, c := range n.Content {
		eachImageMap(c, fn)
	}
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func setMapValue(n *yaml.Node, key, value string) {
	if v := mapValue(n, key); v != nil {
		v.Kind, v.Value, v.Tag, v.Style = yaml.ScalarNode, value, "!!str", yaml.DoubleQuotedStyle
		return
	}
	n.Content = append(n.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Value: value, Tag: "!!str", Style: yaml.DoubleQuotedStyle})
}

func encodeYAML(doc *yaml.Node) ([]byte, error) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
