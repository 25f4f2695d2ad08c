package boltstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/server"
	"github.com/heed-dev/heed/server/boltstore"
)

// The store, in the transaction that stores a release, refuses a version
// not above the latest and one issued before it: two publishes that both
// passed the publisher's earlier check cannot both land out of order.
func TestPublishKeepsVersionAndIssueOrderInOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, err := boltstore.Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	rel := func(v int64, issued string) server.Release {
		return server.Release{Channel: "stable", Version: v, Name: "default", Issued: issued, Digest: "d"}
	}
	require.NoError(t, s.Publish(ctx, rel(5, "2026-11-30T12:00:00Z"), []byte("{}")))
	assert.ErrorIs(t, s.Publish(ctx, rel(5, "2026-11-30T13:00:00Z"), []byte("{}")), server.ErrVersionNotAbove)
	err = s.Publish(ctx, rel(6, "2026-11-30T11:00:00Z"), []byte("{}"))
	assert.ErrorIs(t, err, server.ErrIssuedBefore)
	assert.ErrorContains(t, err, "version 6 was issued at 2026-11-30T11:00:00Z, before version 5")
	require.NoError(t, s.Publish(ctx, rel(6, "2026-11-30T12:00:00Z"), []byte("{}")), "the same second is not before")

	latest, _, err := s.Latest(ctx, "stable")
	require.NoError(t, err)
	assert.Equal(t, int64(6), latest.Version)
}
