package calendar

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContains(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	mask, err := ParseDay("mon-fri")
	require.NoError(t, err)
	c := &Calendar{
		Weekly:   []Window{{Days: mask, Start: 600, End: 720}},
		Holidays: map[int]bool{20261225: true},
	}
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return tm.In(loc)
	}
	assert.True(t, c.Contains(at("2026-06-10T09:00:00Z")), "10:00 BST")
	assert.False(t, c.Contains(at("2026-06-10T11:00:00Z")), "12:00 BST is excluded")
	assert.False(t, c.Contains(at("2026-12-25T10:30:00Z")), "holiday")
	assert.False(t, c.Contains(at("2026-06-13T10:30:00+01:00")), "Saturday")

	c.Periods = [][2]int{{20260601, 20260630}}
	assert.True(t, c.Contains(at("2026-06-30T10:30:00+01:00")), "last day of the period is in")
	assert.False(t, c.Contains(at("2026-07-01T10:30:00+01:00")))
}

func TestParsing(t *testing.T) {
	m, err := ParseDay("sat-sun")
	require.NoError(t, err)
	assert.Equal(t, uint8(1<<0|1<<6), m)
	m, err = ParseDay("fri-mon")
	require.NoError(t, err)
	assert.Equal(t, uint8(1<<5|1<<6|1<<0|1<<1), m, "ranges wrap round the week")
	_, err = ParseDay("funday")
	assert.Error(t, err)
	v, err := ParseClock("24:00")
	require.NoError(t, err)
	assert.Equal(t, 1440, v)
	for _, bad := range []string{"9:00", "24:01", "12:60", "ab:cd"} {
		_, err := ParseClock(bad)
		assert.Error(t, err, bad)
	}
	d, err := ParseDate("2026-05-09")
	require.NoError(t, err)
	assert.Equal(t, 20260509, d)
	_, err = ParseDate("2026-02-30")
	assert.Error(t, err)
}
