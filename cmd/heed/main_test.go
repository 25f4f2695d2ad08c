package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/wasm"
)

// heed runs the CLI in-process and returns its exit status and output.
func heed(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

type verdict struct {
	ID       string `json:"id"`
	Error    string `json:"error"`
	Findings []struct {
		Rule     string `json:"rule"`
		Category string `json:"category"`
		Severity string `json:"severity"`
		Start    int    `json:"start"`
		End      int    `json:"end"`
		Message  string `json:"message"`
	} `json:"findings"`
}

func verdicts(t *testing.T, out string) []verdict {
	t.Helper()
	var vs []verdict
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var v verdict
		require.NoError(t, json.Unmarshal([]byte(line), &v), line)
		vs = append(vs, v)
	}
	return vs
}

func cats(v verdict) []string {
	var out []string
	for _, f := range v.Findings {
		out = append(out, f.Category)
	}
	return out
}

func TestCheckJSONLContract(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"emoji","text":"🎉🎉 nino: PR 123612C","platform":"facebook","surface":"message","account":"personal","time":"2026-11-07T19:00:00+00:00"}`,
		`{"id":"bst","text":"Who won last night?","platform":"twitter","surface":"post","account":"personal","time":"2026-07-29T09:15:00Z"}`,
		`{"id":"lunch","text":"Who won last night?","platform":"twitter","surface":"post","account":"personal","time":"2026-07-29T12:15:00+01:00"}`,
		`{"id":"weekend","text":"Who won last night?","platform":"twitter","surface":"post","account":"personal","time":"2026-08-01T10:15:00+01:00"}`,
		`{"id":"broken","text":`,
		``,
		`{"id":"official","text":"The Green Party's plan for free buses is exactly what this island needs.","platform":"twitter","surface":"post","account":"official","time":"2026-03-10T19:40:00+00:00","expect":["political-opinion"],"note":"ignored"}`,
		`{"id":"personal","text":"The Green Party's plan for free buses is exactly what this island needs.","platform":"twitter","surface":"post","account":"personal","time":"2026-03-10T19:40:00+00:00"}`,
		`{"id":"nocontext","text":"hello"}`,
	}, "\n")
	code, out, _ := heed(t, in, "check", "--jsonl", "--engine", "native")
	assert.Equal(t, 0, code)
	vs := verdicts(t, out)
	require.Len(t, vs, 8, "one line out per non-blank line in")

	assert.Equal(t, "emoji", vs[0].ID)
	require.Len(t, vs[0].Findings, 1)
	assert.Equal(t, "personal-data", vs[0].Findings[0].Category)
	assert.Equal(t, 11, vs[0].Findings[0].Start, "UTF-16 offsets: each emoji is two units")
	assert.Equal(t, 21, vs[0].Findings[0].End)

	assert.Equal(t, []string{"personal-use-core-hours"}, cats(vs[1]), "10:15 BST is core hours")
	assert.Empty(t, cats(vs[2]), "lunch")
	assert.NotNil(t, vs[2].Findings, `a clean post writes "findings":[]`)
	assert.Empty(t, cats(vs[3]), "Saturday")
	assert.NotEmpty(t, vs[4].Error, "an unreadable line gets an error and the run goes on")
	assert.Contains(t, vs[4].Error, "line 5")
	assert.Equal(t, []string{"political-opinion"}, cats(vs[5]))
	assert.Empty(t, cats(vs[6]), "a personal account may hold political views")
	assert.Equal(t, "nocontext", vs[7].ID)
	assert.Contains(t, vs[7].Error, "time")
}

// TestEnginesGiveIdenticalLines is the contract outside checks hold heed
// to: --engine wasm and --engine native write the same bytes.
func TestEnginesGiveIdenticalLines(t *testing.T) {
	var in strings.Builder
	for _, f := range []string{"dev", "authored-1", "authored-2", "authored-3", "authored-4", "authored-5"} {
		data, err := os.ReadFile("../../bundles/default/corpus/" + f + ".jsonl")
		require.NoError(t, err)
		in.Write(data)
	}
	in.WriteString("{\"id\":\"bad\",\"text\":\"caf\xe9\",\"time\":\"2026-01-01T10:00:00Z\"}\n{broken\n")
	_, native, _ := heed(t, in.String(), "check", "--jsonl", "--engine", "native")
	_, module, _ := heed(t, in.String(), "check", "--jsonl", "--engine", "wasm")
	assert.Greater(t, strings.Count(native, "\n"), 400)
	assert.Equal(t, native, module)
}

func TestCheckTextUnderlinesTheSpan(t *testing.T) {
	code, out, _ := heed(t, "", "check", "--account", "official", "--time", "2026-03-03T19:05:00Z", "Yes the website is down. YES WE KNOW. Thanks.")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "1:26: warning: official-tone [unprofessional-tone]")
	assert.Contains(t, out, "\n                             ^^^^^^^^^^^\n")
	assert.Contains(t, out, "Policy: Isle of Man")
}

func TestCheckFailOn(t *testing.T) {
	args := []string{"check", "--account", "personal", "--time", "2026-03-03T19:05:00Z"}
	code, _, _ := heed(t, "", append(args, "--fail-on", "warning", "nino: PR 123612C")...)
	assert.Equal(t, 1, code, "a critical finding reaches warning")
	code, _, _ = heed(t, "", append(args, "--fail-on", "critical", "Bollocks")...)
	assert.Equal(t, 0, code, "a warning does not reach critical")
	code, _, _ = heed(t, "nino: PR 123612C\n", append(args, "--format", "json")...)
	assert.Equal(t, 0, code, "no --fail-on, no failure")
	code, _, errOut := heed(t, "", append(args, "--fail-on", "fatal", "x")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--fail-on")
}

func TestCheckJSONFormat(t *testing.T) {
	code, out, _ := heed(t, "Call me on 07700 900614", "check", "--format", "json", "--time", "2026-03-03T19:05:00Z")
	require.Equal(t, 0, code)
	var fs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &fs))
	require.Len(t, fs, 1)
	assert.Equal(t, "personal-contact-details", fs[0]["rule"])
	assert.NotEmpty(t, fs[0]["citations"])
	assert.NotEmpty(t, fs[0]["spans"])
}

func TestBuildThenCheckTheBuiltBundle(t *testing.T) {
	dir := t.TempDir()
	built := filepath.Join(dir, "default.json")
	code, _, errOut := heed(t, "", "build", "../../bundles/default", "-o", built, "--version", "42")
	require.Equal(t, 0, code, errOut)
	data, err := os.ReadFile(built)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, float64(42), doc["version"])
	assert.Equal(t, float64(1), doc["format"])

	in := `{"id":"a","text":"Oh for f*ck's sake, call 07700 900614!!","platform":"facebook","surface":"comment","account":"official","time":"2026-02-17T15:35:00+00:00"}`
	_, fromSource, _ := heed(t, in, "check", "--jsonl", "--bundle", "../../bundles/default")
	_, fromBuilt, _ := heed(t, in, "check", "--jsonl", "--bundle", built)
	_, fromBuiltIn, _ := heed(t, in, "check", "--jsonl")
	assert.Equal(t, fromSource, fromBuilt)
	assert.Equal(t, fromSource, fromBuiltIn)

	require.NoError(t, os.WriteFile(built, []byte(`{"format":1,"nmae":"x"}`), 0o644))
	code, _, errOut = heed(t, "", "check", "--bundle", built, "x")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "unknown field")
}

func TestKeygenSignVerifyAndCheckASignedBundle(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "release")
	code, _, errOut := heed(t, "", "keygen", "-o", name)
	require.Equal(t, 0, code, errOut)
	info, err := os.Stat(name + ".key")
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the private key is for its owner alone")
	code, _, _ = heed(t, "", "keygen", "-o", name)
	assert.Equal(t, 2, code, "an existing key is never overwritten")

	built := filepath.Join(dir, "default.json")
	signed := filepath.Join(dir, "default.signed.json")
	code, _, errOut = heed(t, "", "build", "../../bundles/default", "-o", built, "--version", "3")
	require.Equal(t, 0, code, errOut)
	code, _, errOut = heed(t, "", "sign", "--key", name+".key", built, "-o", signed)
	require.Equal(t, 0, code, errOut)

	code, out, errOut := heed(t, "", "verify", "--trusted-key", name+".pub", signed)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "default version 3, signed by")

	post := `{"id":"s","text":"Bollocks","platform":"other","surface":"post","account":"personal","time":"2026-01-01T20:00:00Z"}`
	for _, eng := range []string{"wasm", "native"} {
		code, out, errOut = heed(t, post, "check", "--jsonl", "--engine", eng, "--bundle", signed, "--trusted-key", name+".pub")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, `"rule":"swearing"`, eng)
	}
	code, _, errOut = heed(t, post, "check", "--jsonl", "--bundle", signed)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--trusted-key")

	other := filepath.Join(dir, "other")
	_, _, _ = heed(t, "", "keygen", "-o", other)
	code, _, errOut = heed(t, "", "verify", "--trusted-key", other+".pub", signed)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no valid signature by a trusted key")
}

// writeBundle makes a small bundle folder for test and lint.
func writeBundle(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

const smallBundle = `name: small
settings: {time_zone: UTC}
lexicons:
  - {name: unused, terms: [nothing]}
rules:
  - id: swearing
    category: offensive-language
    severity: warning
    message: No swearing.
    citations: [{document: Policy, section: "1", quote: Use appropriate language.}]
    match: {terms: [bloody hell]}
    examples:
      flag: ["oh [[bloody hell]]"]
      pass: [hello, "bloody hell"]
`

func TestTestReportsFailingExamplesWithTheirLines(t *testing.T) {
	dir := writeBundle(t, map[string]string{"bundle.yaml": smallBundle})
	junit := filepath.Join(t.TempDir(), "report.xml")
	code, out, _ := heed(t, "", "test", dir, "--junit", junit)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "--- FAIL: "+dir+"/swearing")
	assert.Contains(t, out, "bundle.yaml:14:21: must pass but was flagged")
	assert.Contains(t, out, "must pass but was flagged")
	assert.Contains(t, out, "FAIL\t"+dir)

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var report struct {
		Suites []struct {
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &report))
	require.Len(t, report.Suites, 1)
	assert.Equal(t, 1, report.Suites[0].Failures)
	assert.Equal(t, "swearing", report.Suites[0].Cases[0].Name)
}

func TestTestScoresCorpora(t *testing.T) {
	bundle := strings.Replace(smallBundle, `, "bloody hell"]`, "]", 1) + "corpus: {min_precision: 0.9, min_recall: 0.9}\n"
	corpus := `{"id":"a","text":"bloody hell","platform":"other","surface":"post","account":"personal","time":"2026-01-01T20:00:00Z","expect":["offensive-language"]}
{"id":"b","text":"lovely day","platform":"other","surface":"post","account":"personal","time":"2026-01-01T20:00:00Z","expect":[]}
{"id":"c","text":"what the hell","platform":"other","surface":"post","account":"personal","time":"2026-01-01T20:00:00Z","expect":["offensive-language"]}
`
	dir := writeBundle(t, map[string]string{"bundle.yaml": bundle, "corpus/dev.jsonl": corpus})
	code, out, _ := heed(t, "", "test", dir)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "micro recall 0.500 is below the target 0.90")
	assert.Contains(t, out, "offensive-language              1    0    1     1.000   0.500  0.667")
	assert.Contains(t, out, "false alarms on clean posts: 0 of 1")
	assert.Contains(t, out, `corpus/dev.jsonl:3: c: missed offensive-language: "what the hell"`)
}

func TestEveryShippedBundlePasses(t *testing.T) {
	code, out, _ := heed(t, "", "test", "../../bundles")
	assert.Equal(t, 0, code, out)
	for _, name := range []string{"default", "jersey", "isle-of-man", "gloucestershire", "southend"} {
		assert.Contains(t, out, "ok  \t../../bundles/"+name+"\t")
	}
	// Tynwald Day 2027 is a Monday: a working day in England, a holiday on
	// the Island.
	post := `{"id":"t","text":"Off to St John's","platform":"facebook","surface":"post","account":"personal","time":"2027-07-05T10:30:00+01:00"}`
	_, england, _ := heed(t, post, "check", "--jsonl", "--bundle", "../../bundles/default")
	_, island, _ := heed(t, post, "check", "--jsonl", "--bundle", "../../bundles/isle-of-man")
	assert.Contains(t, england, "personal-use-core-hours")
	assert.NotContains(t, island, "personal-use-core-hours")
}

func TestDefaultBundlePasses(t *testing.T) {
	code, out, _ := heed(t, "", "test")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "ok  \tbuilt-in default")
}

func TestLint(t *testing.T) {
	dir := writeBundle(t, map[string]string{"bundle.yaml": strings.Replace(smallBundle, "category: offensive-language", "category: rudeness", 1)})
	code, out, _ := heed(t, "", "lint", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "bundle.yaml:7:5: /rules/0/category: unknown category \"rudeness\"")

	dir = writeBundle(t, map[string]string{"bundle.yaml": strings.Replace(smallBundle, `, "bloody hell"]`, "]", 1)})
	code, out, _ = heed(t, "", "lint", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `bundle.yaml:4:6: lexicon "unused" is used by no rule`)

	code, _, _ = heed(t, "", "lint", "../../bundles")
	assert.Equal(t, 0, code, "the shipped bundles are clean")
}

func TestUsageErrors(t *testing.T) {
	code, _, errOut := heed(t, "")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "Usage:")
	code, _, errOut = heed(t, "", "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)
	code, _, _ = heed(t, "", "build", "../../bundles/default")
	assert.Equal(t, 2, code, "-o is required")
	code, _, errOut = heed(t, "", "check", "--engine", "quantum", "--time", "2026-01-01T10:00:00Z", "x")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--engine")
}

// TestMain points heed at a module built from the source under test. Run
// with HEED_TEST_RUN_MAIN=1, the test binary is heed itself, for tests that
// need a real process.
func TestMain(m *testing.M) {
	if os.Getenv("HEED_TEST_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	cleanup, err := wasm.UseFreshBuild()
	if err != nil {
		fmt.Fprintln(os.Stderr, "building the module:", err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
