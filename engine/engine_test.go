package engine_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/source"
)

func defaultProgram(t testing.TB) *engine.Program {
	t.Helper()
	_, prog, err := source.Compile(bundles.FS, bundles.Default)
	require.NoError(t, err)
	return prog
}

func ctx(account, at string) engine.Context {
	return engine.Context{Platform: "twitter", Surface: "post", Account: account, Time: at}
}

func categories(fs []engine.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Category)
	}
	return out
}

func TestSpansAreUTF16AfterEmoji(t *testing.T) {
	prog := defaultProgram(t)
	draft := "🎉🎉 nino: PR 123612C"
	fs, err := prog.Evaluate(draft, ctx("personal", "2026-11-07T19:00:00Z"))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	// Each emoji is two UTF-16 code units: "🎉🎉 nino: " is 11 units.
	assert.Equal(t, engine.Span{Start: 11, End: 21}, fs[0].Spans[0])
	assert.Equal(t, 11, fs[0].Start)
	assert.Equal(t, 21, fs[0].End)
}

func TestCoreHoursFollowBritishSummerTime(t *testing.T) {
	prog := defaultProgram(t)
	cases := []struct {
		at   string
		want bool
	}{
		{"2026-07-29T09:00:00Z", true},       // 10:00 BST, Wednesday
		{"2026-07-29T08:59:00Z", false},      // 09:59 BST
		{"2026-01-14T10:00:00Z", true},       // 10:00 GMT
		{"2026-01-14T12:00:00+00:00", false}, // lunch starts: half-open
		{"2026-01-14T13:59:00+00:00", false},
		{"2026-01-14T14:00:00+00:00", true},
		{"2026-01-14T16:00:00+00:00", false},
		{"2026-01-17T10:30:00+00:00", false}, // Saturday
		{"2026-12-25T10:30:00+00:00", false}, // Christmas Day, a Friday
		{"2026-03-29T10:30:00+01:00", false}, // Sunday of the clock change
		{"2026-03-30T10:30:00+01:00", true},  // Monday after it
		{"2026-03-30T09:30:00Z", true},       // the same moment in UTC
	}
	for _, c := range cases {
		fs, err := prog.Evaluate("Anyone fancy a pint tonight?", ctx("personal", c.at))
		require.NoError(t, err, c.at)
		assert.Equal(t, c.want, contains(categories(fs), "personal-use-core-hours"), c.at)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAccountScope(t *testing.T) {
	prog := defaultProgram(t)
	draft := "Don't forget, the Lib Dems are the only party that will save the Civic Centre."
	at := "2026-04-27T19:00:00+01:00"
	for account, want := range map[string]bool{"official": true, "unknown": true, "personal": false} {
		fs, err := prog.Evaluate(draft, ctx(account, at))
		require.NoError(t, err)
		assert.Equal(t, want, contains(categories(fs), "political-opinion"), account)
	}
	// Core hours apply to personal and unknown accounts, never official.
	for account, want := range map[string]bool{"official": false, "unknown": true, "personal": true} {
		fs, err := prog.Evaluate("Bin day tomorrow", ctx(account, "2026-04-28T10:30:00+01:00"))
		require.NoError(t, err)
		assert.Equal(t, want, contains(categories(fs), "personal-use-core-hours"), account)
	}
}

func TestFindingsAreOrderedByPosition(t *testing.T) {
	prog := defaultProgram(t)
	fs, err := prog.Evaluate("Oh for f*ck's sake. YES WE KNOW. Call 07700 900614", ctx("official", "2026-01-14T19:00:00Z"))
	require.NoError(t, err)
	require.NotEmpty(t, fs)
	for i := 1; i < len(fs); i++ {
		assert.LessOrEqual(t, fs[i-1].Start, fs[i].Start)
	}
	assert.Equal(t, "swearing", fs[0].Rule)
	assert.NotEmpty(t, fs[0].Citations)
}

func TestBadInputIsAnErrorNotAPanic(t *testing.T) {
	prog := defaultProgram(t)
	good := ctx("personal", "2026-01-14T19:00:00Z")

	_, err := prog.Evaluate("caf\xe9 au lait", good)
	require.ErrorContains(t, err, "not valid UTF-8 at byte 3")

	_, err = prog.Evaluate("hello", engine.Context{Platform: "myspace", Time: good.Time})
	require.ErrorContains(t, err, `platform "myspace"`)

	_, err = prog.Evaluate("hello", engine.Context{Platform: "twitter"})
	require.ErrorContains(t, err, "time")

	_, err = prog.Evaluate("hello", engine.Context{Platform: "twitter", Time: "yesterday"})
	require.ErrorContains(t, err, `time "yesterday"`)

	_, err = prog.Evaluate(strings.Repeat("a", engine.MaxDraftBytes+1), good)
	require.ErrorContains(t, err, "at most")

	fs, err := prog.Evaluate("   \n ", ctx("personal", "2026-01-14T10:30:00Z"))
	require.NoError(t, err)
	assert.Empty(t, fs, "an empty draft has nothing to warn about, even in core hours")
}

func TestMegabyteDraft(t *testing.T) {
	prog := defaultProgram(t)
	unit := "Thanks for coming to the consultation event. Call 07700 900614 for a lift. "
	draft := strings.Repeat(unit, engine.MaxDraftBytes/len(unit))
	fs, err := prog.Evaluate(draft, ctx("personal", "2026-01-14T19:00:00Z"))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "personal-data", fs[0].Category)
	assert.Len(t, fs[0].Spans, engine.MaxDraftBytes/len(unit), "every phone number is reported")
}

func TestEvaluateIsSafeForConcurrentUse(t *testing.T) {
	prog := defaultProgram(t)
	want, err := prog.Evaluate("Bollocks, my NHS number 943 476 5919 again", ctx("personal", "2026-01-14T19:00:00Z"))
	require.NoError(t, err)
	done := make(chan []engine.Finding)
	for range 8 {
		go func() {
			var last []engine.Finding
			for range 200 {
				last, _ = prog.Evaluate("Bollocks, my NHS number 943 476 5919 again", ctx("personal", "2026-01-14T19:00:00Z"))
			}
			done <- last
		}()
	}
	for range 8 {
		assert.Equal(t, want, <-done)
	}
}
