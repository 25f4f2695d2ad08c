package envelope_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
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

// signPayload signs any payload as a signer with a bug (or an attacker
// holding a trusted key) might: Sign itself refuses to make these.
func signPayload(t *testing.T, priv envelope.PrivateKey, p envelope.Payload) []byte {
	t.Helper()
	w := jwriter.Writer{}
	p.MarshalEasyJSON(&w)
	payload, err := w.BuildBytes()
	require.NoError(t, err)
	sk := ed25519.NewKeyFromSeed(priv.Seed)
	env := envelope.Envelope{PayloadType: envelope.PayloadType, Payload: payload, Signatures: []envelope.Signature{{KeyID: priv.KeyID, Sig: ed25519.Sign(sk, envelope.PAE(envelope.PayloadType, payload))}}}
	w = jwriter.Writer{}
	env.MarshalEasyJSON(&w)
	data, err := w.BuildBytes()
	require.NoError(t, err)
	return data
}

func TestVerifyRefusesAnIssueTimeAheadOfTheClock(t *testing.T) {
	priv, pub := key(t, 1)
	ahead, err := envelope.Sign(bundle(), priv, now.Add(envelope.MaxIssuedAhead+time.Minute), 24*time.Hour)
	require.NoError(t, err)
	_, err = envelope.Verify(ahead, []envelope.PublicKey{pub}, now)
	assert.ErrorIs(t, err, envelope.ErrIssuedAhead)

	// A clock a little behind the signer's is normal drift.
	drift, err := envelope.Sign(bundle(), priv, now.Add(envelope.MaxIssuedAhead-time.Minute), 24*time.Hour)
	require.NoError(t, err)
	v, err := envelope.Verify(drift, []envelope.PublicKey{pub}, now)
	require.NoError(t, err)
	assert.Equal(t, now.Add(envelope.MaxIssuedAhead-time.Minute), v.IssuedAt)
}

func TestVersionsRunFromOneToMaxVersion(t *testing.T) {
	priv, pub := key(t, 1)
	b := bundle()
	b.Version = engine.MaxVersion
	data, err := envelope.Sign(b, priv, now, time.Hour)
	require.NoError(t, err)
	v, err := envelope.Verify(data, []envelope.PublicKey{pub}, now)
	require.NoError(t, err)
	assert.Equal(t, engine.MaxVersion, v.Version)

	b.Version = engine.MaxVersion + 1
	_, err = envelope.Sign(b, priv, now, time.Hour)
	assert.ErrorContains(t, err, "version")

	for _, version := range []int64{0, -1, engine.MaxVersion + 1, 1<<63 - 1} {
		b := bundle()
		b.Version = version
		data := signPayload(t, priv, envelope.Payload{Name: b.Name, Version: version, Issued: now.Format(time.RFC3339), Expires: now.Add(time.Hour).Format(time.RFC3339), Bundle: *b})
		_, err := envelope.Verify(data, []envelope.PublicKey{pub}, now)
		assert.ErrorContains(t, err, "want 1 to 9007199254740991", "version %d", version)
	}
}

func TestVerifySignatureIgnoresTheClockOnly(t *testing.T) {
	priv, pub := key(t, 1)
	_, other := key(t, 2)
	data, err := envelope.Sign(bundle(), priv, now, time.Hour)
	require.NoError(t, err)
	_, err = envelope.Verify(data, []envelope.PublicKey{pub}, now.Add(48*time.Hour))
	require.ErrorIs(t, err, envelope.ErrExpired)
	v, err := envelope.VerifySignature(data, []envelope.PublicKey{pub})
	require.NoError(t, err)
	assert.Equal(t, int64(7), v.Version)
	_, err = envelope.VerifySignature(data, []envelope.PublicKey{other})
	assert.ErrorContains(t, err, "no valid signature by a trusted key")
}

func TestIsEnvelopeReadsKeysNotBytes(t *testing.T) {
	priv, _ := key(t, 1)
	data, err := envelope.Sign(bundle(), priv, now, time.Hour)
	require.NoError(t, err)
	assert.True(t, envelope.IsEnvelope(append([]byte(strings.Repeat(" \n\t\r", 20)), data...)), "leading whitespace")
	// Another DSSE signer may put the payload first: far past any window
	// of first bytes.
	var env envelope.Envelope
	lx := jlexer.Lexer{Data: data}
	env.UnmarshalEasyJSON(&lx)
	require.NoError(t, lx.Error())
	reordered := fmt.Sprintf(`{"payload":%q,"signatures":[],"payloadType":%q}`, base64.StdEncoding.EncodeToString(env.Payload), env.PayloadType)
	assert.True(t, envelope.IsEnvelope([]byte(reordered)), "payloadType after a long payload")

	assert.False(t, envelope.IsEnvelope([]byte(`{"format":1,"name":"payloadType","rules":[{"id":"payloadType"}]}`)), "a bundle that mentions the word")
	assert.False(t, envelope.IsEnvelope([]byte(`{"format":1,"nested":{"payloadType":"x"}}`)), "a nested key")
	for _, junk := range []string{"", "   ", "[]", `"payloadType"`, `{"payloadType"`, `{`, `{"a":}`} {
		assert.False(t, envelope.IsEnvelope([]byte(junk)), "%q", junk)
	}
}
