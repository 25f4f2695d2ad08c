// Package source reads a bundle's source folder, YAML files with comments,
// into a flat engine.Bundle, resolving `extends`, and maps every problem the
// engine finds back to the file, line and field it came from.
//
// A source folder holds bundle.yaml (name, version, settings, extends) and
// any number of other .yaml files, each giving lexicons, rules, reminders or
// categories. Corpora (*.jsonl) may sit beside them.
package source

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/heed-dev/heed/engine"
)

// file is what one YAML file of a source folder may hold.
type file struct {
	engine.Bundle `yaml:",inline"`
	// Extends is the folder of the bundle this one builds on, relative to
	// this bundle's folder.
	Extends string `yaml:"extends"`
	// Disable removes rules of the base bundle by id.
	Disable []string `yaml:"disable"`
}

// Pos is a place in a source file.
type Pos struct {
	File   string
	Line   int
	Column int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Error is one problem in a bundle's source, at a place.
type Error struct {
	Pos Pos
	// Field is the JSON pointer of the field in the built bundle.
	Field   string
	Message string
}

func (e Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Pos, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Pos, e.Message)
}

// Errors is every problem found in a source folder.
type Errors []Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Source is a loaded source folder: the flattened bundle and where each of
// its parts was written.
type Source struct {
	Bundle *engine.Bundle
	// Dir is the folder, as given.
	Dir string
	// Corpora are the *.jsonl files of the folder (not of its base), as
	// paths in the file system it was loaded from.
	Corpora []string
	places  map[string]place
	display func(string) string
	fsys    fs.FS
}

// OpenCorpus opens one of Corpora.
func (s *Source) OpenCorpus(p string) (fs.File, error) { return s.fsys.Open(p) }

// FileName is how a file of the source is named to people: relative to the
// working folder for folders loaded by LoadDir.
func (s *Source) FileName(p string) string {
	if s.display != nil {
		return s.display(p)
	}
	return p
}

type place struct {
	file string
	node *yaml.Node
}

// LoadDir loads the source folder dir from the operating system.
func LoadDir(dir string) (*Source, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("bundle folder %s: %w", dir, err)
	}
	root := filepath.VolumeName(abs) + string(filepath.Separator)
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return nil, fmt.Errorf("bundle folder %s: %w", dir, err)
	}
	// Files are named to people as they would name them: relative to the
	// working folder when below it.
	display := func(p string) string {
		full := filepath.Join(root, filepath.FromSlash(p))
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, full); err == nil && !strings.HasPrefix(r, "..") {
				return r
			}
		}
		return full
	}
	src, err := Load(os.DirFS(root), filepath.ToSlash(rel))
	if src != nil {
		src.Dir = dir
		src.display = display
	}
	var errs Errors
	if errors.As(err, &errs) {
		for i := range errs {
			errs[i].Pos.File = display(errs[i].Pos.File)
		}
	}
	return src, err
}

// Load loads the source folder dir of fsys. Every problem found, in YAML or
// in the bundle itself, is reported as Errors.
func Load(fsys fs.FS, dir string) (*Source, error) {
	l := &loader{fsys: fsys, places: map[string]place{}}
	b := l.load(dir, nil)
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	b.Format = engine.FormatVersion
	if err := l.fillTZif(b); err != nil {
		l.errs = append(l.errs, Error{Pos: l.posOf("/settings/time_zone"), Field: "/settings/time_zone", Message: err.Error()})
		return nil, l.errs
	}
	src := &Source{Bundle: b, Dir: dir, places: l.places, Corpora: l.corpora, fsys: fsys}
	return src, nil
}

// Compile loads and compiles a source folder, mapping the engine's problems
// to files and lines.
func Compile(fsys fs.FS, dir string) (*Source, *engine.Program, error) {
	src, err := Load(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	prog, err := src.Compile()
	return src, prog, err
}

// Compile compiles the loaded bundle, mapping problems to source places.
func (s *Source) Compile() (*engine.Program, error) {
	prog, err := engine.Compile(s.Bundle)
	var ps engine.Problems
	if errors.As(err, &ps) {
		return nil, s.Locate(ps)
	}
	return prog, err
}

// Locate maps engine problems to the places in the source they concern.
func (s *Source) Locate(ps engine.Problems) Errors {
	out := make(Errors, 0, len(ps))
	for _, p := range ps {
		out = append(out, Error{Pos: s.Pos(p.Path), Field: p.Path, Message: p.Message})
	}
	return out
}

// Pos returns the source place of a JSON pointer into the built bundle.
func (s *Source) Pos(pointer string) Pos {
	pos := (&loader{places: s.places}).posOf(pointer)
	if s.display != nil && pos.File != "bundle" {
		pos.File = s.display(pos.File)
	}
	return pos
}

type loader struct {
	fsys    fs.FS
	errs    Errors
	places  map[string]place
	corpora []string
}

func (l *loader) fail(p Pos, format string, args ...any) {
	l.errs = append(l.errs, Error{Pos: p, Message: fmt.Sprintf(format, args...)})
}

// load reads one folder and, first, the base it extends.
func (l *loader) load(dir string, seen []string) *engine.Bundle {
	if slices.Contains(seen, dir) {
		l.fail(Pos{File: path.Join(dir, "bundle.yaml")}, "extends goes round in a circle: %s", strings.Join(append(seen, dir), " -> "))
		return &engine.Bundle{}
	}
	seen = append(seen, dir)
	var files []string
	hasMain := false
	isBase := len(seen) > 1
	err := fs.WalkDir(l.fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || fileExists(l.fsys, path.Join(p, "bundle.yaml"))) {
				return fs.SkipDir // another bundle, or hidden
			}
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			if p == path.Join(dir, "bundle.yaml") {
				hasMain = true
			} else {
				files = append(files, p)
			}
		case strings.HasSuffix(name, ".jsonl") && !isBase:
			l.corpora = append(l.corpora, p)
		}
		return nil
	})
	if err != nil {
		l.fail(Pos{File: dir}, "cannot read bundle folder: %v", err)
		return &engine.Bundle{}
	}
	mainPath := path.Join(dir, "bundle.yaml")
	if !hasMain {
		l.fail(Pos{File: mainPath}, "a bundle folder needs bundle.yaml")
		return &engine.Bundle{}
	}
	sort.Strings(files)
	main, mainNode := l.parse(mainPath)
	if main == nil {
		return &engine.Bundle{}
	}
	var out *engine.Bundle
	if main.Extends != "" {
		basePath := path.Clean(path.Join(dir, main.Extends))
		if path.IsAbs(main.Extends) {
			// An absolute folder; LoadDir roots the file system at "/".
			basePath = strings.TrimPrefix(path.Clean(main.Extends), "/")
		}
		out = l.load(basePath, seen)
		out.Extends = append(out.Extends, out.Name)
		if len(l.errs) > 0 {
			return out
		}
	} else {
		out = &engine.Bundle{}
	}
	own := ownership{}
	l.overlayMain(out, main, mainPath, mainNode, own)
	for _, f := range files {
		part, node := l.parse(f)
		if part == nil {
			continue
		}
		l.checkPartOnly(part, f, node)
		l.overlayParts(out, &part.Bundle, part.Disable, f, node, own)
	}
	return out
}

// ownership records where this folder first defined each rule, lexicon and
// reminder: defining one again in the same folder is an error, while
// redefining one of the base bundle replaces it.
type ownership map[string]Pos

// claim records a definition and reports an earlier one in the same folder.
func (l *loader) claim(own ownership, kind, name, p string, n *yaml.Node) bool {
	if name == "" {
		return true
	}
	pos := Pos{File: p}
	if n != nil {
		pos.Line, pos.Column = n.Line, n.Column
		if k := mapKey(n, map[string]string{"rule": "id", "reminder": "id", "lexicon": "name"}[kind]); k != nil {
			pos.Line, pos.Column = k.Line, k.Column
		}
	}
	if first, dup := own[kind+"\x00"+name]; dup {
		l.errs = append(l.errs, Error{Pos: pos, Message: fmt.Sprintf("%s %q is defined again: first at %s", kind, name, first)})
		return false
	}
	own[kind+"\x00"+name] = pos
	return true
}

func fileExists(fsys fs.FS, p string) bool {
	_, err := fs.Stat(fsys, p)
	return err == nil
}

// parse reads one YAML file strictly: unknown fields are errors, each with
// its line and column, and all are reported at once.
func (l *loader) parse(p string) (*file, *yaml.Node) {
	data, err := fs.ReadFile(l.fsys, p)
	if err != nil {
		l.fail(Pos{File: p}, "cannot read: %v", err)
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.Load(data, &doc); err != nil {
		l.yamlErrors(p, err)
		return nil, nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &file{}, &yaml.Node{Kind: yaml.MappingNode}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.fail(Pos{File: p, Line: root.Line, Column: root.Column}, "want a mapping of fields (name:, rules:, lexicons: ...) at the top of the file")
		return nil, nil
	}
	if dup := duplicateKey(root); dup != nil {
		l.fail(Pos{File: p, Line: dup.Line, Column: dup.Column}, "field %q is given twice", dup.Value)
		return nil, nil
	}
	expandExamples(root)
	var f file
	if err := root.Load(&f, yaml.WithKnownFields()); err != nil {
		l.yamlErrors(p, err)
		return nil, nil
	}
	return &f, root
}

// expandExamples lets an example be written as a plain string: each string
// under examples.flag or examples.pass becomes {text: string}, keeping its
// line for messages.
func expandExamples(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value != "examples" || n.Content[i+1].Kind != yaml.MappingNode {
				continue
			}
			ex := n.Content[i+1]
			for j := 0; j+1 < len(ex.Content); j += 2 {
				list := ex.Content[j+1]
				if (ex.Content[j].Value != "flag" && ex.Content[j].Value != "pass") || list.Kind != yaml.SequenceNode {
					continue
				}
				for k, item := range list.Content {
					if item.Kind == yaml.ScalarNode {
						key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "text", Line: item.Line, Column: item.Column}
						list.Content[k] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: item.Line, Column: item.Column, Content: []*yaml.Node{key, item}}
					}
				}
			}
		}
	}
	for _, c := range n.Content {
		expandExamples(c)
	}
}

// duplicateKey finds a key given twice in any mapping below n.
func duplicateKey(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if seen[k.Value] {
				return k
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if d := duplicateKey(c); d != nil {
			return d
		}
	}
	return nil
}

func (l *loader) yamlErrors(p string, err error) {
	var many *yaml.LoadErrors
	if errors.As(err, &many) {
		for _, e := range many.Errors {
			l.fail(Pos{File: p, Line: e.Mark.Line, Column: e.Mark.Column}, "%s", e.Message)
		}
		return
	}
	var one *yaml.LoadError
	if errors.As(err, &one) {
		l.fail(Pos{File: p, Line: one.Mark.Line, Column: one.Mark.Column}, "%s", one.Message)
		return
	}
	l.fail(Pos{File: p}, "%v", err)
}

// checkPartOnly rejects bundle-level fields outside bundle.yaml, where a
// second value would silently win or lose.
func (l *loader) checkPartOnly(f *file, p string, node *yaml.Node) {
	for _, key := range []string{"name", "version", "description", "extends", "settings", "example_context", "corpus", "format"} {
		if k := mapKey(node, key); k != nil {
			l.fail(Pos{File: p, Line: k.Line, Column: k.Column}, "%s belongs in bundle.yaml; this file may give lexicons, rules, reminders, categories and disable", key)
		}
	}
}

func (l *loader) overlayMain(out *engine.Bundle, f *file, p string, node *yaml.Node, own ownership) {
	if f.Name == "" {
		l.fail(Pos{File: p, Line: node.Line, Column: node.Column}, "bundle.yaml needs a name")
	}
	l.places[""] = place{p, node}
	out.Name = f.Name
	out.Version = f.Version
	out.Description = f.Description
	if f.ExampleContext != (engine.Context{}) {
		out.ExampleContext = f.ExampleContext
		l.places["/example_context"] = place{p, mapValue(node, "example_context")}
	}
	if f.Corpus != nil {
		out.Corpus = f.Corpus
		l.places["/corpus"] = place{p, mapValue(node, "corpus")}
	}
	if sn := mapValue(node, "settings"); sn != nil {
		s := f.Settings
		if s.TimeZone != "" {
			out.Settings.TimeZone = s.TimeZone
			l.places["/settings/time_zone"] = place{p, mapKey(sn, "time_zone")}
		}
		for _, list := range []struct {
			key string
			dst *[]string
			src []string
		}{
			{"official_accounts", &out.Settings.OfficialAccounts, s.OfficialAccounts},
			{"approved_domains", &out.Settings.ApprovedDomains, s.ApprovedDomains},
			{"approved_handles", &out.Settings.ApprovedHandles, s.ApprovedHandles},
		} {
			if mapKey(sn, list.key) != nil {
				*list.dst = list.src
				l.places["/settings/"+list.key] = place{p, mapValue(sn, list.key)}
			}
		}
		cn := mapValue(sn, "calendars")
		for i, cal := range s.Calendars {
			j := slices.IndexFunc(out.Settings.Calendars, func(c engine.Calendar) bool { return c.Name == cal.Name })
			if j < 0 {
				out.Settings.Calendars = append(out.Settings.Calendars, cal)
				j = len(out.Settings.Calendars) - 1
			} else {
				out.Settings.Calendars[j] = cal
			}
			l.places["/settings/calendars/"+strconv.Itoa(j)] = place{p, seqItem(cn, i)}
		}
		l.places["/settings"] = place{p, sn}
	}
	l.overlayParts(out, &f.Bundle, f.Disable, p, node, own)
}

// overlayParts adds a file's lexicons, rules, reminders and categories; one
// with the name or id of an earlier one replaces it, so an overlay can
// change a rule of its base.
func (l *loader) overlayParts(out *engine.Bundle, f *engine.Bundle, disable []string, p string, node *yaml.Node, own ownership) {
	for i, lx := range f.Lexicons {
		n := seqItem(mapValue(node, "lexicons"), i)
		if !l.claim(own, "lexicon", lx.Name, p, n) {
			continue
		}
		j := slices.IndexFunc(out.Lexicons, func(x engine.Lexicon) bool { return x.Name == lx.Name && lx.Name != "" })
		if lx.Append {
			if j < 0 {
				l.fail(Pos{File: p, Line: n.Line, Column: n.Column}, "lexicon %q appends to a lexicon the base bundle does not have", lx.Name)
				continue
			}
			// The terms join the base lexicon; its flags stay.
			base := out.Lexicons[j]
			base.Terms = append(slices.Clone(base.Terms), lx.Terms...)
			out.Lexicons[j] = base
			continue
		}
		j = put(&out.Lexicons, j, lx)
		l.places["/lexicons/"+strconv.Itoa(j)] = place{p, seqItem(mapValue(node, "lexicons"), i)}
	}
	for i, r := range f.Rules {
		if !l.claim(own, "rule", r.ID, p, seqItem(mapValue(node, "rules"), i)) {
			continue
		}
		j := slices.IndexFunc(out.Rules, func(x engine.Rule) bool { return x.ID == r.ID && r.ID != "" })
		j = put(&out.Rules, j, r)
		l.places["/rules/"+strconv.Itoa(j)] = place{p, seqItem(mapValue(node, "rules"), i)}
	}
	for i, r := range f.Reminders {
		if !l.claim(own, "reminder", r.ID, p, seqItem(mapValue(node, "reminders"), i)) {
			continue
		}
		j := slices.IndexFunc(out.Reminders, func(x engine.Reminder) bool { return x.ID == r.ID && r.ID != "" })
		j = put(&out.Reminders, j, r)
		l.places["/reminders/"+strconv.Itoa(j)] = place{p, seqItem(mapValue(node, "reminders"), i)}
	}
	for i, c := range f.Categories {
		out.Categories = append(out.Categories, c)
		l.places["/categories/"+strconv.Itoa(len(out.Categories)-1)] = place{p, seqItem(mapValue(node, "categories"), i)}
	}
	dn := mapValue(node, "disable")
	for i, id := range disable {
		j := slices.IndexFunc(out.Rules, func(x engine.Rule) bool { return x.ID == id })
		if j < 0 {
			n := seqItem(dn, i)
			l.fail(Pos{File: p, Line: n.Line, Column: n.Column}, "disable: no rule %q to disable", id)
			continue
		}
		out.Rules = slices.Delete(out.Rules, j, j+1)
		// Places of later rules shift down by one.
		for k := j; k < len(out.Rules); k++ {
			l.places["/rules/"+strconv.Itoa(k)] = l.places["/rules/"+strconv.Itoa(k+1)]
		}
		delete(l.places, "/rules/"+strconv.Itoa(len(out.Rules)))
	}
}

// put replaces element j of list, or appends when j < 0, and returns where
// the element now is.
func put[T any](list *[]T, j int, v T) int {
	if j < 0 {
		*list = append(*list, v)
		return len(*list) - 1
	}
	(*list)[j] = v
	return j
}

func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func seqItem(n *yaml.Node, i int) *yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
		return n
	}
	return n.Content[i]
}

// posOf finds the source place of a JSON pointer: the longest registered
// prefix, then down its YAML node as far as the pointer goes.
func (l *loader) posOf(pointer string) Pos {
	prefix := pointer
	for {
		if pl, ok := l.places[prefix]; ok && pl.node != nil {
			n := pl.node
			rest := strings.TrimPrefix(pointer, prefix)
			for _, seg := range strings.Split(strings.TrimPrefix(rest, "/"), "/") {
				if seg == "" {
					continue
				}
				seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
				var next *yaml.Node
				if n.Kind == yaml.MappingNode {
					if k := mapKey(n, seg); k != nil {
						if v := mapValue(n, seg); v != nil && (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) {
							next = v
						} else {
							next = k
						}
					}
				} else if n.Kind == yaml.SequenceNode {
					if i, err := strconv.Atoi(seg); err == nil && i < len(n.Content) {
						next = n.Content[i]
					}
				}
				if next == nil {
					break
				}
				n = next
			}
			return Pos{File: pl.file, Line: n.Line, Column: n.Column}
		}
		if prefix == "" {
			return Pos{File: "bundle"}
		}
		prefix = prefix[:strings.LastIndex(prefix, "/")]
	}
}

//go:embed zoneinfo
var zoneinfo embed.FS

// fillTZif puts the compiled tz data of the bundle's zone into the bundle,
// so the engine needs no zoneinfo of its own (WebAssembly has none) and
// every host judges times alike. The British Isles zones ship here; others
// come from the system's zoneinfo.
func (l *loader) fillTZif(b *engine.Bundle) error {
	zone := b.Settings.TimeZone
	if zone == "" {
		return nil // the engine reports the missing zone
	}
	if strings.Contains(zone, "..") || strings.HasPrefix(zone, "/") {
		return fmt.Errorf("time zone %q is not an IANA name", zone)
	}
	data, err := zoneinfo.ReadFile("zoneinfo/" + zone)
	if err != nil {
		for _, dir := range []string{os.Getenv("ZONEINFO"), "/usr/share/zoneinfo", "/usr/lib/zoneinfo"} {
			if dir == "" {
				continue
			}
			if data, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(zone))); err == nil {
				break
			}
		}
	}
	if err != nil || !bytes.HasPrefix(data, []byte("TZif")) {
		return fmt.Errorf("time zone %q: no tz data found (looked in the built-in zones and the system's zoneinfo)", zone)
	}
	b.Settings.TZif = data
	return nil
}
