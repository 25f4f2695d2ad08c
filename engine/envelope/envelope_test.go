package envelope_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func key(t *testing.T, b byte) (envelope.PrivateKey, envelope.PublicKey) {
	t.Helper()
	priv, pub, err := envelope.NewKey(bytes.Repeat([]byte{b}, 32))
	require.NoError(t, err)
	return priv, pub
}

func bundle() *engine.Bundle {
	return &engine.Bundle{Format: 1, Name: "default", Version: 7, Settings: engine.Settings{TimeZone: "UTC"}}
}

func TestSignAndVerify(t *testing.T) {
	priv, pub := key(t, 1)
	data, err := envelope.Sign(bundle(), priv, now, 30*24*time.Hour)
	require.NoError(t, err)
	assert.True(t, envelope.IsEnvelope(data))
	v, err := envelope.Verify(data, []envelope.PublicKey{pub}, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, "default", v.Name)
	assert.Equal(t, int64(7), v.Version)
	assert.Equal(t, pub.KeyID, v.KeyID)
	assert.Len(t, v.Digest, 64)
}

func TestVerifyRefuses(t *testing.T) {
	priv, pub := key(t, 1)
	_, other := key(t, 2)
	data, err := envelope.Sign(bundle(), priv, now, 24*time.Hour)
	require.NoError(t, err)

	_, err = envelope.Verify(data, []envelope.PublicKey{other}, now)
	assert.ErrorContains(t, err, "no valid signature by a trusted key")

	_, err = envelope.Verify(data, nil, now)
	assert.ErrorContains(t, err, "no trusted keys")

	_, err = envelope.Verify(data, []envelope.PublicKey{pub}, now.Add(25*time.Hour))
	assert.ErrorIs(t, err, envelope.ErrExpired)

	// Tamper with one byte of the payload: the version 7 becomes 8.
	var env envelope.Envelope
	lx := jlexer.Lexer{Data: data}
	env.UnmarshalEasyJSON(&lx)
	require.NoError(t, lx.Error())
	env.Payload = bytes.Replace(env.Payload, []byte(`"version":7`), []byte(`"version":8`), 1)
	w := jwriter.Writer{}
	env.MarshalEasyJSON(&w)
	tampered, _ := w.BuildBytes()
	_, err = envelope.Verify(tampered, []envelope.PublicKey{pub}, now)
	assert.ErrorContains(t, err, "no valid signature")

	_, err = envelope.Verify([]byte(`{"payloadType":"text/plain","payload":"","signatures":[]}`), []envelope.PublicKey{pub}, now)
	assert.ErrorContains(t, err, "payload type")
}

func TestRotationTrustsSeveralKeys(t *testing.T) {
	_, oldPub := key(t, 1)
	newPriv, newPub := key(t, 3)
	data, err := envelope.Sign(bundle(), newPriv, now, time.Hour)
	require.NoError(t, err)
	v, err := envelope.Verify(data, []envelope.PublicKey{oldPub, newPub}, now)
	require.NoError(t, err)
	assert.Equal(t, newPub.KeyID, v.KeyID)
}

func TestSignNeedsAVersion(t *testing.T) {
	priv, _ := key(t, 1)
	b := bundle()
	b.Version = 0
	_, err := envelope.Sign(b, priv, now, time.Hour)
	assert.ErrorContains(t, err, "version")
}

func FuzzVerify(f *testing.F) {
	priv, pub, _ := envelope.NewKey(bytes.Repeat([]byte{1}, 32))
	data, _ := envelope.Sign(bundle(), priv, now, time.Hour)
	f.Add(data)
	f.Add([]byte(`{"payloadType":"application/vnd.heed.bundle+json","payload":"e30=","signatures":[{"keyid":"x","sig":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := envelope.Verify(data, []envelope.PublicKey{pub}, now)
		if err == nil && !strings.Contains(string(data), "payloadType") {
			t.Fatalf("verified without a payload type: %+v", v)
		}
	})
}
