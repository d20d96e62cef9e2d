// Apicheck holds the exported API of the published packages to golden
// files under api/, one file per package, so that no change to the API
// goes unnoticed: make api runs it, and make test runs make api.
//
// Usage, from internal/tools:
//
//	go run ./apicheck [-update] [-repo dir]
//
// Each golden file has one line per exported feature, sorted, in the form
// of Go's own api/go1.*.txt:
//
//	pkg github.com/jwtexp/jwtexp, func BearerToken(string) (string, bool)
//	pkg github.com/jwtexp/jwtexp, method (Challenge) String() string
//	pkg github.com/jwtexp/jwtexp, type Challenge struct, Realm string
//
// Without -update, apicheck fails on any difference, a feature added as
// well as one removed, and prints it: "+" for a feature the code has and
// the golden file lacks, "-" for the reverse. A package that does not exist
// while its golden file does, or the reverse, is a difference too. With
// -update it rewrites the golden files from the code instead, and removes
// the file of a package that no longer exists.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/types"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// published are the packages whose API is held, with the module directory
// each is loaded from, relative to the repository root. The root module's
// internal packages and the commands are not API; examples/ and bench/ are
// not published.
var published = []struct{ module, dir string }{
	{".", "."},                 // github.com/jwtexp/jwtexp
	{".", "jwtexptest"},        // github.com/jwtexp/jwtexp/jwtexptest
	{"oauth2exp", "oauth2exp"}, // github.com/jwtexp/jwtexp/oauth2exp
}

const modulePath = "github.com/jwtexp/jwtexp"

func main() {
	update := flag.Bool("update", false, "rewrite the golden files from the code instead of checking them")
	repo := flag.String("repo", "../..", "the repository root")
	flag.Parse()
	if err := run(os.Stdout, *repo, *update); err != nil {
		fmt.Fprintln(os.Stderr, "apicheck:", err)
		os.Exit(1)
	}
}

// run checks (or with update, writes) the golden files of the repository
// in repo, reporting to w.
func run(w io.Writer, repo string, update bool) error {
	apiDir := filepath.Join(repo, "api")
	want := map[string]bool{} // golden file names of the published packages
	differ := false
	for _, p := range published {
		importPath := path.Join(modulePath, p.dir)
		golden := filepath.Join(apiDir, path.Base(importPath)+".txt")
		want[filepath.Base(golden)] = true

		got, exists, err := api(filepath.Join(repo, p.module), filepath.Join(repo, p.dir), p.dir, importPath)
		if err != nil {
			return err
		}
		if update {
			if err := write(w, golden, importPath, got, exists); err != nil {
				return err
			}
			continue
		}
		held, heldExists, err := read(golden)
		if err != nil {
			return err
		}
		if !exists && !heldExists {
			fmt.Fprintf(w, "api: %s: no such package and no %s, as expected of a package yet to come\n", importPath, rel(repo, golden))
			continue
		}
		if d := diff(held, got); len(d) > 0 || exists != heldExists {
			differ = true
			switch {
			case !exists:
				fmt.Fprintf(w, "api: %s: the package is gone, but %s holds its API:\n", importPath, rel(repo, golden))
			case !heldExists:
				fmt.Fprintf(w, "api: %s: the package has no golden file %s:\n", importPath, rel(repo, golden))
			default:
				fmt.Fprintf(w, "api: %s differs from %s (+ in the code only, - in the golden file only):\n", importPath, rel(repo, golden))
			}
			for _, l := range d {
				fmt.Fprintln(w, "\t"+l)
			}
			continue
		}
		fmt.Fprintf(w, "api: %s: %d features, as in %s\n", importPath, len(got), rel(repo, golden))
	}

	// A golden file of a package no longer published is stale.
	entries, err := os.ReadDir(apiDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if want[e.Name()] || !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		if update {
			if err := os.Remove(filepath.Join(apiDir, e.Name())); err != nil {
				return err
			}
			fmt.Fprintf(w, "api: removed %s, of no published package\n", e.Name())
			continue
		}
		differ = true
		fmt.Fprintf(w, "api: %s is the golden file of no published package (apicheck's list)\n", rel(repo, filepath.Join(apiDir, e.Name())))
	}

	if differ {
		return errors.New("the exported API differs from the golden files under api/. " +
			"If the change is meant, and docs/release.md's compatibility promise allows it, " +
			"run make api-update and commit api/ with the change")
	}
	return nil
}

// rel is p relative to the repository root, for messages.
func rel(repo, p string) string {
	if r, err := filepath.Rel(repo, p); err == nil {
		return filepath.ToSlash(r)
	}
	return p
}

// api returns the sorted API features of the package in dir, loaded from
// the module in moduleDir; exists is false when there is no such package:
// no directory, or no non-test .go file in it.
func api(moduleDir, dir, relDir, importPath string) (features []string, exists bool, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, false, err
	}
	if !slices.ContainsFunc(files, func(f string) bool { return !strings.HasSuffix(f, "_test.go") }) {
		return nil, false, nil
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedTypes,
		Dir:  moduleDir,
		// The repository's replace directives, never a go.work of the
		// developer's.
		Env: append(os.Environ(), "GOWORK=off"),
	}
	pattern := "./" + filepath.ToSlash(mustRel(moduleDir, dir))
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		return nil, false, fmt.Errorf("loading %s: %v", importPath, err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		return nil, false, fmt.Errorf("loading %s (%s): the errors above", importPath, relDir)
	}
	if len(pkgs) != 1 || pkgs[0].PkgPath != importPath {
		return nil, false, fmt.Errorf("loading %s from %s found %d packages, want that one", importPath, pattern, len(pkgs))
	}
	return Features(pkgs[0].Types), true, nil
}

func mustRel(base, target string) string {
	r, err := filepath.Rel(base, target)
	if err != nil {
		panic(err) // both are under the repository root
	}
	return r
}

// header starts every golden file; read skips lines starting with "#".
const header = `# The exported API of %s, one feature a line, sorted.
# make api fails when the code differs from this file; make api-update
# rewrites it. docs/release.md says which changes a release may make.
`

func write(w io.Writer, golden, importPath string, features []string, exists bool) error {
	if !exists {
		err := os.Remove(golden)
		if err == nil {
			fmt.Fprintf(w, "api: removed %s: %s does not exist\n", golden, importPath)
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, header, importPath)
	for _, f := range features {
		b.WriteString(f + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
		return err
	}
	fmt.Fprintf(w, "api: wrote %s (%d features)\n", golden, len(features))
	return os.WriteFile(golden, b.Bytes(), 0o644)
}

func read(golden string) (features []string, exists bool, err error) {
	b, err := os.ReadFile(golden)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			features = append(features, l)
		}
	}
	slices.Sort(features)
	return features, true, nil
}

// diff returns "-" lines for the features only in held and "+" lines for
// those only in got, in sorted order.
func diff(held, got []string) []string {
	in := func(s []string, x string) bool { _, ok := slices.BinarySearch(s, x); return ok }
	var d []string
	for _, f := range held {
		if !in(got, f) {
			d = append(d, "- "+f)
		}
	}
	for _, f := range got {
		if !in(held, f) {
			d = append(d, "+ "+f)
		}
	}
	slices.SortFunc(d, func(a, b string) int { return strings.Compare(a[2:], b[2:]) })
	return d
}

// Features returns pkg's exported API, one line per feature, sorted and
// without duplicates: every exported constant (type and value), variable,
// function, type (with its exported fields, interface methods and, for an
// interface with unexported methods, that fact) and method of an exported
// type. Parameter names are left out: renaming one breaks no caller.
func Features(pkg *types.Package) []string {
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	ts := func(t types.Type) string { return types.TypeString(unnamed(t), qual) }
	var out []string
	emit := func(format string, args ...any) {
		out = append(out, "pkg "+pkg.Path()+", "+fmt.Sprintf(format, args...))
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Const:
			if obj.Exported() {
				emit("const %s %s", name, ts(obj.Type()))
				emit("const %s = %s", name, obj.Val().ExactString())
			}
		case *types.Var:
			if obj.Exported() {
				emit("var %s %s", name, ts(obj.Type()))
			}
		case *types.Func:
			if obj.Exported() {
				sig := obj.Type().(*types.Signature)
				emit("func %s%s%s", name, typeParams(sig.TypeParams(), ts), signature(sig, ts))
			}
		case *types.TypeName:
			if obj.Exported() {
				typeFeatures(obj, ts, emit)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func typeFeatures(obj *types.TypeName, ts func(types.Type) string, emit func(string, ...any)) {
	name := obj.Name()
	if obj.IsAlias() {
		emit("type %s = %s", name, ts(types.Unalias(obj.Type())))
		return
	}
	named, ok := obj.Type().(*types.Named)
	if !ok {
		emit("type %s %s", name, ts(obj.Type().Underlying()))
		return
	}
	name += typeParams(named.TypeParams(), ts)
	switch u := named.Underlying().(type) {
	case *types.Struct:
		emit("type %s struct", name)
		for i := range u.NumFields() {
			f := u.Field(i)
			switch {
			case f.Embedded():
				emit("type %s struct, embedded %s", name, ts(f.Type()))
			case f.Exported():
				emit("type %s struct, %s %s", name, f.Name(), ts(f.Type()))
			}
		}
	case *types.Interface:
		var methods []string
		unexported := false
		for i := range u.NumMethods() {
			m := u.Method(i)
			if !m.Exported() {
				unexported = true
				continue
			}
			methods = append(methods, m.Name())
			emit("type %s interface, %s%s", name, m.Name(), signature(m.Type().(*types.Signature), ts))
		}
		if unexported {
			methods = append(methods, "unexported methods")
		}
		emit("type %s interface { %s }", name, strings.Join(methods, ", "))
	default:
		emit("type %s %s", name, ts(u))
	}
	for i := range named.NumMethods() {
		m := named.Method(i)
		if !m.Exported() {
			continue
		}
		sig := m.Type().(*types.Signature)
		recv := obj.Name()
		if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
			recv = "*" + recv
		}
		emit("method (%s) %s%s", recv, m.Name(), signature(sig, ts))
	}
}

// unnamed returns t with the parameter and result names of every function
// type in it dropped, as in "func(*http.Request, error)": those names are
// not API, and types.TypeString would print them.
func unnamed(t types.Type) types.Type {
	switch t := t.(type) {
	case *types.Signature:
		tuple := func(tu *types.Tuple) *types.Tuple {
			vars := make([]*types.Var, tu.Len())
			for i := range vars {
				vars[i] = types.NewParam(tu.At(i).Pos(), tu.At(i).Pkg(), "", unnamed(tu.At(i).Type()))
			}
			return types.NewTuple(vars...)
		}
		return types.NewSignatureType(nil, nil, nil, tuple(t.Params()), tuple(t.Results()), t.Variadic())
	case *types.Pointer:
		return types.NewPointer(unnamed(t.Elem()))
	case *types.Slice:
		return types.NewSlice(unnamed(t.Elem()))
	case *types.Array:
		return types.NewArray(unnamed(t.Elem()), t.Len())
	case *types.Map:
		return types.NewMap(unnamed(t.Key()), unnamed(t.Elem()))
	case *types.Chan:
		return types.NewChan(t.Dir(), unnamed(t.Elem()))
	}
	return t
}

// signature is a function's parameter and result types, without names.
func signature(sig *types.Signature, ts func(types.Type) string) string {
	params := make([]string, sig.Params().Len())
	for i := range params {
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == len(params)-1 {
			params[i] = "..." + ts(t.(*types.Slice).Elem())
		} else {
			params[i] = ts(t)
		}
	}
	s := "(" + strings.Join(params, ", ") + ")"
	results := make([]string, sig.Results().Len())
	for i := range results {
		results[i] = ts(sig.Results().At(i).Type())
	}
	switch len(results) {
	case 0:
	case 1:
		s += " " + results[0]
	default:
		s += " (" + strings.Join(results, ", ") + ")"
	}
	return s
}

// typeParams is a generic declaration's type parameter list, "" if none.
func typeParams(list *types.TypeParamList, ts func(types.Type) string) string {
	if list.Len() == 0 {
		return ""
	}
	ps := make([]string, list.Len())
	for i := range ps {
		p := list.At(i)
		ps[i] = p.Obj().Name() + " " + ts(p.Constraint())
	}
	return "[" + strings.Join(ps, ", ") + "]"
}
