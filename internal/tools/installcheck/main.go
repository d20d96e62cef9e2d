// Installcheck installs the published modules as a new user would, from
// module zips of the committed revision, before any tag exists: make
// install-check runs it, and make test runs make install-check.
//
// Usage, from internal/tools:
//
//	go run ./installcheck [-repo dir] [-keep]
//
// The version checked is the one being prepared: the first "## [X.Y.Z]"
// heading of CHANGELOG.md. For it, installcheck
//
//  1. makes the zip of the root module and of oauth2exp from the committed
//     revision (HEAD, not the working tree) with golang.org/x/mod/zip's
//     CreateFromVCS, as the go command makes them for a tag, and checks that
//     each holds the repository root's LICENSE at its root, no file of a
//     nested module and no file that .gitignore ignores;
//  2. serves them from a file-based GOPROXY (the list, .info, .mod and .zip
//     files of the GOPROXY protocol), put before the machine's own GOPROXY,
//     with a temporary GOMODCACHE and GOBIN, GONOSUMDB for the repository's
//     modules (not GOPRIVATE, which would bypass the proxy), GOWORK=off and
//     GOFLAGS=-mod=mod;
//  3. in fresh modules outside the repository, gets each module alone and
//     builds a program that imports it (oauth2exp's imports the root too,
//     which oauth2exp alone must bring at the same version);
//  4. installs github.com/jwtexp/jwtexp/cmd/jwtexp@vX.Y.Z and checks that
//     its -version prints vX.Y.Z.
//
// It reaches nothing but the module proxy the machine already uses (for
// golang.org/x/oauth2 and the go.mod files of the root's test
// dependencies). With -keep it leaves its temporary directory in place and
// prints where it is.
package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

const modulePath = "github.com/jwtexp/jwtexp"

// published are the modules a release tags, with their directories in the
// repository; a release tags vX.Y.Z and oauth2exp/vX.Y.Z on one commit.
var published = []struct{ path, subdir string }{
	{modulePath, ""},
	{modulePath + "/oauth2exp", "oauth2exp"},
}

func main() {
	repo := flag.String("repo", "../..", "the repository root")
	keep := flag.Bool("keep", false, "keep the temporary directory (proxy, module cache, fresh modules)")
	flag.Parse()
	start := time.Now()
	if err := run(*repo, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "installcheck: FAIL: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("installcheck: ok (%.1fs)\n", time.Since(start).Seconds())
}

func run(repo string, keep bool) (err error) {
	repo, err = filepath.Abs(repo)
	if err != nil {
		return err
	}
	version, err := preparedVersion(filepath.Join(repo, "CHANGELOG.md"))
	if err != nil {
		return err
	}
	rev, err := git(repo, "rev-parse", "HEAD")
	if err != nil {
		return err
	}
	if dirty, _ := git(repo, "status", "--porcelain", "--untracked-files=no"); dirty != "" {
		fmt.Println("installcheck: note: the working tree has uncommitted changes; the zips are of the commit, without them")
	}
	fmt.Printf("installcheck: %s of %s and %s/oauth2exp, from commit %.12s\n", version, modulePath, modulePath, rev)

	tmp, err := os.MkdirTemp("", "jwtexp-installcheck-")
	if err != nil {
		return err
	}
	env := goEnv(tmp)
	defer func() {
		if keep {
			fmt.Printf("installcheck: kept %s\n", tmp)
			return
		}
		// The module cache is read-only; go clean -modcache empties it.
		_, _ = command(tmp, env, "go", "clean", "-modcache")
		_ = os.RemoveAll(tmp)
	}()

	proxy := filepath.Join(tmp, "proxy")
	if err := buildProxy(repo, rev, version, proxy, filepath.Join(tmp, "clone")); err != nil {
		return err
	}
	machineProxy, err := command(tmp, nil, "go", "env", "GOPROXY")
	if err != nil {
		return err
	}
	env = append(env, "GOPROXY=file://"+filepath.ToSlash(proxy)+","+machineProxy)

	// The root module alone.
	if err := use(tmp, env, "root", modulePath, version, []string{modulePath}, `
	_ = jwtexp.Middleware()
	_, _ = jwtexp.UnverifiedExp("x.y.z")`); err != nil {
		return err
	}
	// oauth2exp alone: it must bring the root at the same version.
	if err := use(tmp, env, "oauth2exp", modulePath+"/oauth2exp", version, []string{modulePath, modulePath + "/oauth2exp"}, `
	_ = jwtexp.Middleware()
	_ = oauth2exp.NewTokenSource()`); err != nil {
		return err
	}

	// The command, installed by version, outside any module.
	cmd := modulePath + "/cmd/jwtexp@" + version
	fmt.Printf("installcheck: go install %s\n", cmd)
	if _, err := command(tmp, env, "go", "install", cmd); err != nil {
		return err
	}
	out, err := command(tmp, env, filepath.Join(tmp, "bin", "jwtexp"), "-version")
	if err != nil {
		return err
	}
	if out != version {
		return fmt.Errorf("jwtexp -version printed %q, want %q: the command does not report the version it was installed at", out, version)
	}
	fmt.Printf("installcheck: jwtexp -version: %s\n", out)
	return nil
}

// changelogVersion is a released section's heading in Keep a Changelog
// style: "## [0.1.0] - 2026-12-04", or a pre-release's "## [0.2.0-rc.1]".
// "## [Unreleased]" does not match.
var changelogVersion = regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]`)

// preparedVersion returns the version of the first released section of the
// changelog, with its "v": the version being prepared before the tag, and
// the last one released after it.
func preparedVersion(changelog string) (string, error) {
	b, err := os.ReadFile(changelog)
	if err != nil {
		return "", err
	}
	m := changelogVersion.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("%s has no version section (a heading such as \"## [0.1.0] - 2026-12-04\"), so there is no version to check", changelog)
	}
	return "v" + string(m[1]), nil
}

// goEnv is the environment of every go command run on the fresh modules:
// the machine's, with a module cache and GOBIN of its own under tmp, no
// workspace, no checksum database lookup for this repository's modules
// (their zips are made here, the database has never seen them), and no
// GOPRIVATE or GONOPROXY that would send those modules around the proxy.
// GOPROXY is added once the proxy exists.
func goEnv(tmp string) []string {
	drop := []string{"GOMODCACHE=", "GOBIN=", "GOWORK=", "GOFLAGS=", "GOPROXY=", "GONOSUMDB=", "GOPRIVATE=", "GONOPROXY=", "GOTOOLCHAIN=", "PWD="}
	var env []string
	for _, kv := range os.Environ() {
		if !slices.ContainsFunc(drop, func(p string) bool { return strings.HasPrefix(kv, p) }) {
			env = append(env, kv)
		}
	}
	return append(env,
		"GOMODCACHE="+filepath.Join(tmp, "modcache"),
		"GOBIN="+filepath.Join(tmp, "bin"),
		"GOWORK=off",
		"GOFLAGS=-mod=mod",
		"GONOSUMDB="+modulePath,
		"GOPRIVATE=",
		"GONOPROXY=",
		// Build with the go command at hand: never download a toolchain.
		"GOTOOLCHAIN=local",
	)
}

// buildProxy writes a file-based GOPROXY holding version of each published
// module, made from commit rev of repo.
func buildProxy(repo, rev, version, proxy, clone string) error {
	src, err := plainRepo(repo, clone)
	if err != nil {
		return err
	}
	info, err := commitInfo(repo, rev, version)
	if err != nil {
		return err
	}
	nested, err := nestedModules(repo, rev)
	if err != nil {
		return err
	}
	// Untrimmed: the LICENSE starts with blank space.
	catFile := exec.Command("git", "cat-file", "blob", rev+":LICENSE")
	catFile.Dir = repo
	license, err := catFile.Output()
	if err != nil {
		return fmt.Errorf("the repository root's LICENSE at %.12s: %v", rev, err)
	}
	for _, m := range published {
		mv := module.Version{Path: m.path, Version: version}
		escPath, err := module.EscapePath(m.path)
		if err != nil {
			return err
		}
		dir := filepath.Join(proxy, filepath.FromSlash(escPath), "@v")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		var zbuf bytes.Buffer
		if err := modzip.CreateFromVCS(&zbuf, mv, src, rev, m.subdir); err != nil {
			return fmt.Errorf("zip of %s: %v", mv, err)
		}
		gomod, err := checkZip(repo, mv, zbuf.Bytes(), m.subdir, nested, license)
		if err != nil {
			return err
		}
		files := map[string][]byte{
			"list":            []byte(version + "\n"),
			version + ".info": info,
			version + ".mod":  gomod,
			version + ".zip":  zbuf.Bytes(),
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return err
			}
		}
		// modzip.CheckZip is the check the go command makes of a zip it
		// downloads.
		if _, err := modzip.CheckZip(mv, filepath.Join(dir, version+".zip")); err != nil {
			return fmt.Errorf("zip of %s: %v", mv, err)
		}
		fmt.Printf("installcheck: zip of %s: %d bytes, the repository's LICENSE at its root\n", mv, zbuf.Len())
	}
	return nil
}

// plainRepo returns a repository CreateFromVCS accepts for repo's commits.
// CreateFromVCS wants a directory whose .git is the repository itself; a
// worktree (git worktree add), whose .git is a file, gets a shared clone
// without a checkout: the same objects, so the same commits, none copied.
func plainRepo(repo, clone string) (string, error) {
	gitDir, err := git(repo, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return "", err
	}
	if gitDir == filepath.Join(repo, ".git") {
		return repo, nil
	}
	if _, err := command(repo, nil, "git", "clone", "--quiet", "--shared", "--no-checkout", repo, clone); err != nil {
		return "", err
	}
	return clone, nil
}

// commitInfo is the .info file of the GOPROXY protocol: the version and
// the commit's time, as the go command reports a tag's.
func commitInfo(repo, rev, version string) ([]byte, error) {
	t, err := git(repo, "show", "-s", "--format=%cI", rev)
	if err != nil {
		return nil, err
	}
	when, err := time.Parse(time.RFC3339, t)
	if err != nil {
		return nil, fmt.Errorf("commit time %q: %v", t, err)
	}
	return json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, when.UTC()})
}

// nestedModules returns the directories of the commit that hold a go.mod,
// the root's excepted: each is a module of its own, whose files no other
// module's zip may carry.
func nestedModules(repo, rev string) ([]string, error) {
	out, err := git(repo, "ls-tree", "-r", "--name-only", rev)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, f := range strings.Split(out, "\n") {
		if path.Base(f) == "go.mod" && path.Dir(f) != "." {
			dirs = append(dirs, path.Dir(f))
		}
	}
	return dirs, nil
}

// checkZip checks a module zip as a user would get it: a LICENSE at its
// root, the repository's (license), a go.mod declaring the module, no file
// of another (nested) module, and no file that the repository's .gitignore
// ignores. It returns the go.mod, the .mod file of the proxy.
func checkZip(repo string, mv module.Version, data []byte, subdir string, nested []string, license []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("zip of %s: %v", mv, err)
	}
	prefix := mv.Path + "@" + mv.Version + "/"
	var names []string
	var gomod, zipLicense []byte
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, prefix)
		names = append(names, name)
		if name == "LICENSE" || name == "go.mod" {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			var b bytes.Buffer
			_, err = b.ReadFrom(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			if name == "go.mod" {
				gomod = b.Bytes()
			} else {
				zipLicense = b.Bytes()
			}
		}
		inRepo := path.Join(subdir, name)
		for _, n := range nested {
			if n != subdir && strings.HasPrefix(inRepo, n+"/") {
				return nil, fmt.Errorf("zip of %s carries %s, a file of the nested module in %s/", mv, name, n)
			}
		}
	}
	switch {
	case len(zipLicense) == 0:
		return nil, fmt.Errorf("zip of %s has no LICENSE at its root: pkg.go.dev would not show its documentation; add one to %s/", mv, or(subdir, "."))
	case !bytes.Equal(zipLicense, license):
		return nil, fmt.Errorf("zip of %s has a LICENSE other than the repository root's: copy the root's LICENSE to %s/", mv, or(subdir, "."))
	}
	if got := modfile.ModulePath(gomod); got != mv.Path {
		return nil, fmt.Errorf("zip of %s: its go.mod declares module %q", mv, got)
	}
	// git check-ignore exits 1 when no path is ignored.
	check := exec.Command("git", "check-ignore", "--no-index", "--stdin")
	check.Dir = repo
	var in bytes.Buffer
	for _, n := range names {
		in.WriteString(path.Join(subdir, n) + "\n")
	}
	check.Stdin = &in
	out, err := check.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil, fmt.Errorf("zip of %s carries files that .gitignore ignores, committed by mistake:\n%s", mv, out)
	case errors.As(err, &exit) && exit.ExitCode() == 1:
	default:
		return nil, fmt.Errorf("git check-ignore: %v", err)
	}
	return gomod, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// use makes a fresh module under tmp, runs go get get@version in it alone,
// checks that every module of want is at version, and builds a program
// that imports the packages of want with body as its main.
func use(tmp string, env []string, name, get, version string, want []string, body string) error {
	dir := filepath.Join(tmp, "use-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := command(dir, env, "go", "mod", "init", "example.com/use"+name); err != nil {
		return err
	}
	fmt.Printf("installcheck: go get %s@%s, alone, in a fresh module\n", get, version)
	if _, err := command(dir, env, "go", "get", get+"@"+version); err != nil {
		return fmt.Errorf("%v\ngo get %s@%s alone failed: each go.mod of the published modules must require the others at %s, the version being prepared, which the proxy here serves", err, get, version, version)
	}
	for _, m := range want {
		got, err := command(dir, env, "go", "list", "-m", "-f", "{{.Version}} {{.Replace}}", m)
		if err != nil {
			return err
		}
		if got != version+" <nil>" {
			return fmt.Errorf("after go get %s@%s alone, %s is at %q, want %s and no replacement", get, version, m, got, version)
		}
	}
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n")
	for _, m := range want {
		fmt.Fprintf(&src, "\t%q\n", m)
	}
	src.WriteString(")\n\nfunc main() {" + body + "\n}\n")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o644); err != nil {
		return err
	}
	fmt.Printf("installcheck: go build a program importing %s\n", strings.Join(want, " and "))
	_, err := command(dir, env, "go", "build", "-o", filepath.Join(tmp, "use-"+name+".exe"), ".")
	return err
}

// git runs git in dir and returns its trimmed standard output.
func git(dir string, args ...string) (string, error) {
	return command(dir, nil, "git", args...)
}

// command runs name in dir with env (nil: the process's) and returns its
// trimmed standard output; on failure the error holds the command line and
// everything it printed.
func command(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s (in %s): %v\n%s%s", name, strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}
