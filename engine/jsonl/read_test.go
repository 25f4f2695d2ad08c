package jsonl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine/jsonl"
)

func TestEachGivesPostsAndUnreadableLinesWithTheirNumbers(t *testing.T) {
	long := strings.Repeat("a", 1<<20)
	in := `{"id":"a","text":"hi"}` + "\n\n  \n" + `not json` + "\n" + `{"id":"b","text":"` + long + `"}` + "\n" + `{"id":"c","text":1}`
	type seen struct {
		line int
		id   string
		err  bool
	}
	var got []seen
	require.NoError(t, jsonl.Each(strings.NewReader(in), func(line int, p *jsonl.Post, err error) error {
		got = append(got, seen{line, p.ID, err != nil})
		if p.ID == "b" {
			assert.Len(t, p.Text, len(long), "a long line is read whole")
		}
		return nil
	}))
	assert.Equal(t, []seen{{1, "a", false}, {4, "", true}, {5, "b", false}, {6, "c", true}}, got)

	stop := errors.New("stop")
	calls := 0
	err := jsonl.Each(strings.NewReader("{}\n{}\n"), func(int, *jsonl.Post, error) error { calls++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, calls, "Each stops at fn's first error")
}
