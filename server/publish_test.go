package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/server"
)

func TestTokensAreHashedAndNamed(t *testing.T) {
	var tokens server.Tokens
	require.NoError(t, tokens.Add("alice", "alice-token-0123456789"))
	sum := sha256.Sum256([]byte("bob-token-0123456789ab"))
	require.NoError(t, tokens.Add("bob", "sha256:"+hex.EncodeToString(sum[:])))
	assert.Error(t, tokens.Add("carol", "short"), "too short to be a secret")
	assert.Error(t, tokens.Add("dave", "sha256:abc"))

	name, ok := tokens.Authenticate("bob-token-0123456789ab")
	assert.True(t, ok)
	assert.Equal(t, "bob", name)
	name, ok = tokens.Authenticate("alice-token-0123456789")
	assert.True(t, ok)
	assert.Equal(t, "alice", name)
	_, ok = tokens.Authenticate("alice-token-012345678")
	assert.False(t, ok)
}

func TestChannelNames(t *testing.T) {
	assert.NoError(t, server.CheckChannel("stable"))
	assert.NoError(t, server.CheckChannel("jersey-beta2"))
	for _, bad := range []string{"", "Stable", "../x", "a b", "-x"} {
		assert.Error(t, server.CheckChannel(bad), bad)
	}
}

// CheckChannel is a loop for speed; ChannelPattern is the grammar the
// extension is generated from. They must never disagree.
func FuzzCheckChannelFollowsChannelPattern(f *testing.F) {
	re := regexp.MustCompile(server.ChannelPattern)
	for _, s := range []string{"stable", "jersey-beta2", "", "-x", "a.b", "a_b", "Stable", strings.Repeat("a", 64), strings.Repeat("a", 65), "a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := server.CheckChannel(name) == nil, re.MatchString(name); got != want {
			t.Fatalf("channel %q: CheckChannel says %v, ChannelPattern %v", name, got, want)
		}
	})
}
