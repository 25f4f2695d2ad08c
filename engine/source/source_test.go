package source_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/source"
)

const mainYAML = `name: test
version: 3
settings:
  time_zone: Europe/London
  calendars:
    - name: core-hours
      weekly:
        - {days: [mon-fri], start: "10:00", end: "12:00"}
`

const goodRule = `rules:
  - id: swearing
    category: offensive-language
    severity: warning
    message: No swearing.
    citations:
      - {document: Policy, section: "1", quote: Use appropriate language.}
    match: {terms: [bloody hell]}
    examples:
      flag: ["[[bloody hell]]"]
      pass: [hello]
`

func errorsOf(t *testing.T, fsys fstest.MapFS, dir string) source.Errors {
	t.Helper()
	_, _, err := source.Compile(fsys, dir)
	var errs source.Errors
	require.True(t, errors.As(err, &errs), "want source.Errors, got %v", err)
	return errs
}

func TestLoadsAndCompiles(t *testing.T) {
	fsys := fstest.MapFS{"b/bundle.yaml": {Data: []byte(mainYAML)}, "b/rules/a.yaml": {Data: []byte(goodRule)}}
	src, prog, err := source.Compile(fsys, "b")
	require.NoError(t, err)
	assert.Equal(t, "test", src.Bundle.Name)
	assert.Equal(t, engine.FormatVersion, src.Bundle.Format)
	assert.NotEmpty(t, src.Bundle.Settings.TZif, "the zone's tz data travels in the bundle")
	assert.Equal(t, "[[bloody hell]]", src.Bundle.Rules[0].Examples.Flag[0].Text, "a plain string is an example's text")
	fs, err := prog.Evaluate("well bloody hell", engine.Context{Time: "2026-01-01T20:00:00Z"})
	require.NoError(t, err)
	assert.Len(t, fs, 1)
}

func TestUnknownFieldNamesFileAndLine(t *testing.T) {
	rule := goodRule + "    severty: critical\n"
	errs := errorsOf(t, fstest.MapFS{"b/bundle.yaml": {Data: []byte(mainYAML)}, "b/rules/a.yaml": {Data: []byte(rule)}}, "b")
	require.Len(t, errs, 1)
	assert.Equal(t, "b/rules/a.yaml", errs[0].Pos.File)
	assert.Equal(t, 12, errs[0].Pos.Line)
	assert.Contains(t, errs[0].Message, "severty")
}

func TestEngineProblemsMapToSourceLines(t *testing.T) {
	bad := `rules:
  - id: swearing
    category: rudeness
    severity: warning
    message: Again.
    citations:
      - {document: Policy, section: "1", quote: Quote.}
    match:
      any:
        - {lexicon: nope}
        - {pattern: "(unclosed"}
    examples:
      flag: ["x"]
      pass: ["y"]
`
	errs := errorsOf(t, fstest.MapFS{
		"b/bundle.yaml":  {Data: []byte(mainYAML)},
		"b/rules/a.yaml": {Data: []byte(goodRule)},
		"b/rules/b.yaml": {Data: []byte(bad)},
	}, "b")
	// The same id in two files of one bundle is an error at the second.
	require.Len(t, errs, 1)
	assert.Equal(t, source.Pos{File: "b/rules/b.yaml", Line: 2, Column: 5}, errs[0].Pos)
	assert.Contains(t, errs[0].Message, `rule "swearing" is defined again: first at b/rules/a.yaml:2:5`)

	// With its own id, the rule's own problems point at their lines.
	errs = errorsOf(t, fstest.MapFS{
		"b/bundle.yaml":  {Data: []byte(mainYAML)},
		"b/rules/a.yaml": {Data: []byte(goodRule)},
		"b/rules/b.yaml": {Data: []byte(strings.Replace(bad, "id: swearing", "id: rude", 1))},
	}, "b")
	got := map[string]source.Error{}
	for _, e := range errs {
		got[e.Field] = e
	}
	assert.Equal(t, source.Pos{File: "b/rules/b.yaml", Line: 3, Column: 5}, got["/rules/1/category"].Pos)
	assert.Contains(t, got["/rules/1/category"].Message, `unknown category "rudeness"`)
	assert.Equal(t, 10, got["/rules/1/match/any/0/lexicon"].Pos.Line)
	assert.Equal(t, 11, got["/rules/1/match/any/1/pattern"].Pos.Line)
	assert.NotContains(t, got["/rules/1/match/any/1/pattern"].Message, "(?i)")
	assert.Contains(t, errs.Error(), "b/rules/b.yaml:11:")
}

func TestYAMLSyntaxErrorHasALine(t *testing.T) {
	errs := errorsOf(t, fstest.MapFS{"b/bundle.yaml": {Data: []byte(mainYAML)}, "b/r.yaml": {Data: []byte("rules:\n  - id: [unclosed\n")}}, "b")
	require.NotEmpty(t, errs)
	assert.Equal(t, "b/r.yaml", errs[0].Pos.File)
	assert.NotZero(t, errs[0].Pos.Line)
}

func TestBundleFieldsOnlyInBundleYAML(t *testing.T) {
	errs := errorsOf(t, fstest.MapFS{"b/bundle.yaml": {Data: []byte(mainYAML)}, "b/r.yaml": {Data: []byte("name: other\n" + goodRule)}}, "b")
	require.Len(t, errs, 1)
	assert.Equal(t, source.Pos{File: "b/r.yaml", Line: 1, Column: 1}, errs[0].Pos)
	assert.Contains(t, errs[0].Message, "belongs in bundle.yaml")
}

func TestMissingBundleYAML(t *testing.T) {
	errs := errorsOf(t, fstest.MapFS{"b/r.yaml": {Data: []byte(goodRule)}}, "b")
	assert.Contains(t, errs.Error(), "needs bundle.yaml")
}

func TestDuplicateKeyIsAnError(t *testing.T) {
	errs := errorsOf(t, fstest.MapFS{"b/bundle.yaml": {Data: []byte(mainYAML + "version: 4\n")}, "b/r.yaml": {Data: []byte(goodRule)}}, "b")
	require.NotEmpty(t, errs)
	assert.Contains(t, errs.Error(), "version")
	assert.Equal(t, 9, errs[0].Pos.Line)
}

func TestExtendsOverridesSettingsAndRules(t *testing.T) {
	overlay := `name: jersey
version: 1
extends: ../default
settings:
  time_zone: Europe/Jersey
  approved_domains: [gov.je]
  calendars:
    - name: core-hours
      weekly:
        - {days: [mon-fri], start: "09:00", end: "17:00"}
disable: [swearing]
`
	base, err := fsFromBundles()
	require.NoError(t, err)
	base["bundles/jersey/bundle.yaml"] = &fstest.MapFile{Data: []byte(overlay)}
	src, prog, err := source.Compile(base, "bundles/jersey")
	require.NoError(t, err)
	b := src.Bundle
	assert.Equal(t, "jersey", b.Name)
	assert.Equal(t, []string{"default"}, b.Extends)
	assert.Equal(t, "Europe/Jersey", b.Settings.TimeZone)
	assert.Equal(t, []string{"gov.je"}, b.Settings.ApprovedDomains)
	for _, r := range b.Rules {
		assert.NotEqual(t, "swearing", r.ID)
	}
	// 09:30 is core hours in the overlay but not in the default bundle.
	fs, err := prog.Evaluate("Quick coffee", engine.Context{Account: "personal", Time: "2026-01-14T09:30:00Z"})
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "personal-use-core-hours", fs[0].Category)
	// A base rule still points at its own file.
	i := indexOfRule(b, "party-political")
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "bundles/default/rules/political.yaml", src.Pos("/rules/"+itoa(i)).File)
}

func TestExtendsCycle(t *testing.T) {
	errs := errorsOf(t, fstest.MapFS{
		"a/bundle.yaml": {Data: []byte("name: a\nextends: ../b\n")},
		"b/bundle.yaml": {Data: []byte("name: b\nextends: ../a\n")},
	}, "a")
	assert.Contains(t, errs.Error(), "circle")
}

func FuzzLoadYAML(f *testing.F) {
	f.Add([]byte(goodRule))
	f.Add([]byte("rules: [{id: x, match: {near: {a: {terms: [a]}, b: {pattern: b}, within: 2}}}]"))
	f.Add([]byte("lexicons: [{name: a, terms: ['f***', 'a b c d e f g h i']}]"))
	f.Add([]byte("rules: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"b/bundle.yaml": {Data: []byte(mainYAML)}, "b/r.yaml": {Data: data}}
		src, prog, err := source.Compile(fsys, "b")
		if err != nil {
			var errs source.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error without a place: %v", err)
			}
			return
		}
		require.NotNil(t, src)
		_, _ = prog.Evaluate("a b c", engine.Context{Time: "2026-01-01T10:00:00Z"})
	})
}

func indexOfRule(b *engine.Bundle, id string) int {
	for i, r := range b.Rules {
		if r.ID == id {
			return i
		}
	}
	return -1
}

func itoa(i int) string { return strconv.Itoa(i) }
