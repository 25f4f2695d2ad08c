package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files from what heed prints now")

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "heed diff's output differs from %s (go test ./cmd/heed -run Diff -update rewrites it)", path)
}

// The old side has a swearing rule (warning) and a password rule; the new
// side makes swearing critical with one more word, drops the password rule
// and adds a client rule. The corpus beside the new bundle has one post
// for each kind of change and a clean one.
func TestDiffAddedRemovedAndChangedRulesAndPosts(t *testing.T) {
	t.Chdir("../..")
	code, out, errOut := heed(t, "", "diff", "testdata/diff/old", "testdata/diff/new")
	require.Equal(t, 0, code, errOut)
	golden(t, "diff/want.txt", out)
}

// Built bundles and signed envelopes diff the same as their sources; the
// corpus is named, since they carry none.
func TestDiffOfBuiltAndSignedBundles(t *testing.T) {
	t.Chdir("../..")
	dir := t.TempDir()
	built := filepath.Join(dir, "old.json")
	newBuilt := filepath.Join(dir, "new.json")
	signed := filepath.Join(dir, "new.signed.json")
	for _, args := range [][]string{
		{"build", "testdata/diff/old", "-o", built},
		{"build", "testdata/diff/new", "-o", newBuilt},
		{"keygen", "-o", filepath.Join(dir, "k")},
		{"sign", "--key", filepath.Join(dir, "k.key"), newBuilt, "-o", signed},
	} {
		code, _, errOut := heed(t, "", args...)
		require.Equal(t, 0, code, "%v: %s", args, errOut)
	}
	code, out, errOut := heed(t, "", "diff", built, signed, "--corpus", "testdata/diff/new/corpus/posts.jsonl")
	require.Equal(t, 0, code, errOut)
	golden(t, "diff/want.txt", out)
}

func TestDiffOfABundleWithItselfSaysNoChange(t *testing.T) {
	t.Chdir("../..")
	code, out, errOut := heed(t, "", "diff", "testdata/diff/new", "testdata/diff/new")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Rules, lexicons and settings: no change.")
	assert.Contains(t, out, "Posts: no verdict changes in 5 posts.")
}

func TestDiffNamesWhatItCannotRead(t *testing.T) {
	t.Chdir("../..")
	code, _, errOut := heed(t, "", "diff", "testdata/diff/old", "testdata/diff/missing")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "testdata/diff/missing")

	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"id":"a","text":"damn","platform":"twitter","account":"personal","time":"2026-11-23T20:00:00Z"}`+"\nnot json\n"), 0o644))
	code, out, errOut := heed(t, "", "diff", "testdata/diff/old", "testdata/diff/new", "--corpus", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, bad+":2:")
	assert.Contains(t, out, "bad.jsonl:1 a", "the lines it could read are still compared")

	code, _, _ = heed(t, "", "diff", "testdata/diff/old")
	assert.Equal(t, 2, code)
}
