// Package envelope signs and verifies bundles the way DSSE (Dead Simple
// Signing Envelope, as in-toto and Sigstore use) does: the signature covers
// the exact payload bytes with their type, never a re-serialisation, so
// what was signed is what is read. The payload names the bundle, carries a
// version that only grows and says when it was issued and when it
// expires; clients refuse an older version (rollback) or an expired one
// (freeze), as TUF teaches.
//
// The package is pure Go with no I/O: the WebAssembly module verifies with
// it, so the extension checks signatures with the same code as the server.
package envelope

//go:generate ../easyjson.sh envelope.go

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"

	"github.com/heed-dev/heed/engine"
)

// PayloadType identifies a Heed bundle payload.
const PayloadType = "application/vnd.heed.bundle+json"

// Envelope is a signed payload.
//
//easyjson:json
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     []byte      `json:"payload"`
	Signatures  []Signature `json:"signatures"`
}

// Signature is one key's signature of the envelope.
//
//easyjson:json
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   []byte `json:"sig"`
}

// Payload is what an envelope carries: a bundle and its release facts.
//
//easyjson:json
type Payload struct {
	Name    string        `json:"name"`
	Version int64         `json:"version"`
	Issued  string        `json:"issued"`
	Expires string        `json:"expires"`
	Bundle  engine.Bundle `json:"bundle"`
}

// PublicKey is a key trusted to sign bundles.
//
//easyjson:json
type PublicKey struct {
	KeyID     string `json:"keyid"`
	PublicKey []byte `json:"public_key"`
}

// PrivateKey signs bundles; Seed is the Ed25519 seed.
//
//easyjson:json
type PrivateKey struct {
	KeyID string `json:"keyid"`
	Seed  []byte `json:"seed"`
}

// KeySet is a list of trusted keys, as a file of them holds.
//
//easyjson:json
type KeySet []PublicKey

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// NewKey makes a key pair from 32 bytes of randomness.
func NewKey(seed []byte) (PrivateKey, PublicKey, error) {
	if len(seed) != ed25519.SeedSize {
		return PrivateKey{}, PublicKey{}, fmt.Errorf("a key needs a %d-byte seed", ed25519.SeedSize)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	id := KeyID(pub)
	return PrivateKey{KeyID: id, Seed: bytes.Clone(seed)}, PublicKey{KeyID: id, PublicKey: pub}, nil
}

// PAE is DSSE's pre-authentication encoding: what is actually signed.
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

// Sign wraps a bundle in a signed envelope, valid from issued for ttl.
func Sign(b *engine.Bundle, key PrivateKey, issued time.Time, ttl time.Duration) ([]byte, error) {
	if len(key.Seed) != ed25519.SeedSize {
		return nil, errors.New("signing key: not an Ed25519 seed")
	}
	if b.Version <= 0 || b.Version > engine.MaxVersion {
		return nil, fmt.Errorf("bundle %q has version %d: a signed bundle needs a version from 1 to %d", b.Name, b.Version, engine.MaxVersion)
	}
	p := Payload{
		Name: b.Name, Version: b.Version,
		Issued:  issued.UTC().Format(time.RFC3339),
		Expires: issued.Add(ttl).UTC().Format(time.RFC3339),
		Bundle:  *b,
	}
	w := jwriter.Writer{}
	p.MarshalEasyJSON(&w)
	payload, err := w.BuildBytes()
	if err != nil {
		return nil, fmt.Errorf("encoding the payload: %w", err)
	}
	priv := ed25519.NewKeyFromSeed(key.Seed)
	env := Envelope{
		PayloadType: PayloadType,
		Payload:     payload,
		Signatures:  []Signature{{KeyID: KeyID(priv.Public().(ed25519.PublicKey)), Sig: ed25519.Sign(priv, PAE(PayloadType, payload))}},
	}
	w = jwriter.Writer{}
	env.MarshalEasyJSON(&w)
	return w.BuildBytes()
}

// IsEnvelope reports whether data is an envelope rather than a bare
// bundle: a JSON object with a top-level "payloadType" key. It reads the
// keys, not the first bytes, so leading whitespace or another signer's key
// order does not turn an envelope into a bundle (a bundle has no such
// key). Values are skipped without being decoded.
func IsEnvelope(data []byte) bool {
	lx := jlexer.Lexer{Data: data}
	if !lx.IsDelim('{') {
		return false
	}
	lx.Delim('{')
	for !lx.IsDelim('}') && lx.Ok() {
		key := lx.UnsafeString()
		lx.WantColon()
		if key == "payloadType" {
			_ = lx.String()
			return lx.Ok()
		}
		lx.SkipRecursive()
		lx.WantComma()
	}
	return false
}

// Open reads an envelope's payload without verifying it: for a host that
// needs the bundle's rules once the module has verified the envelope.
func Open(data []byte) (*Payload, error) {
	env, err := decode(data)
	if err != nil {
		return nil, err
	}
	return decodePayload(env.Payload)
}

func decode(data []byte) (*Envelope, error) {
	var env Envelope
	lx := jlexer.Lexer{Data: data}
	env.UnmarshalEasyJSON(&lx)
	if err := lx.Error(); err != nil {
		return nil, fmt.Errorf("not an envelope: %w", err)
	}
	return &env, nil
}

func decodePayload(data []byte) (*Payload, error) {
	var p Payload
	lx := jlexer.Lexer{Data: data}
	p.UnmarshalEasyJSON(&lx)
	if err := lx.Error(); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return &p, nil
}

// Verified is a payload whose signature checked out.
type Verified struct {
	Payload
	// KeyID is the trusted key that signed it.
	KeyID string
	// Digest is the SHA-256 of the envelope's bytes, in hex: its ETag.
	Digest string
	// IssuedAt and ExpiresAt are the payload's times, parsed.
	IssuedAt, ExpiresAt time.Time
}

// ErrExpired is a payload past its expiry: a frozen bundle.
var ErrExpired = errors.New("the bundle has expired")

// ErrIssuedAhead is a payload issued later than the clock allows: a
// signer's clock far ahead, or an envelope made to outlive its keys.
var ErrIssuedAhead = errors.New("the bundle is issued in the future")

// MaxIssuedAhead is how far ahead of the verifier's clock an issue time may
// be: clocks drift, but a bundle from further ahead is refused, so that a
// signing machine with a wrong clock cannot issue a bundle that every later
// honest release (issued "earlier") would fail to replace.
const MaxIssuedAhead = 5 * time.Minute

// Verify checks an envelope against trusted keys at time now: the type, a
// signature by a trusted key over the exact payload, the version range,
// the issue time (at most MaxIssuedAhead after now) and the expiry. The
// payload must match the bundle it carries (name and version).
func Verify(data []byte, trusted []PublicKey, now time.Time) (*Verified, error) {
	v, err := VerifySignature(data, trusted)
	if err != nil {
		return nil, err
	}
	if v.IssuedAt.After(now.Add(MaxIssuedAhead)) {
		return nil, fmt.Errorf("%w: issued %s, more than %s after this clock's %s", ErrIssuedAhead, v.Issued, MaxIssuedAhead, now.UTC().Format(time.RFC3339))
	}
	if !now.Before(v.ExpiresAt) {
		return nil, fmt.Errorf("%w: it expired at %s", ErrExpired, v.Expires)
	}
	return v, nil
}

// VerifySignature checks everything Verify does except the clock: the type,
// a signature by a trusted key, the payload's times being readable, the
// version range and the payload matching its bundle. It is for re-signing
// an old release, which may have expired (heed rollback); whatever runs or
// serves a bundle uses Verify.
func VerifySignature(data []byte, trusted []PublicKey) (*Verified, error) {
	if len(trusted) == 0 {
		return nil, errors.New("no trusted keys to verify the bundle with")
	}
	env, err := decode(data)
	if err != nil {
		return nil, err
	}
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("payload type %q: want %q", env.PayloadType, PayloadType)
	}
	msg := PAE(env.PayloadType, env.Payload)
	signer := ""
	for _, s := range env.Signatures {
		for _, k := range trusted {
			if k.KeyID == s.KeyID && len(k.PublicKey) == ed25519.PublicKeySize && ed25519.Verify(k.PublicKey, msg, s.Sig) {
				signer = k.KeyID
				break
			}
		}
		if signer != "" {
			break
		}
	}
	if signer == "" {
		ids := make([]string, len(env.Signatures))
		for i, s := range env.Signatures {
			ids[i] = s.KeyID
		}
		return nil, fmt.Errorf("no valid signature by a trusted key (signed by %v)", ids)
	}
	p, err := decodePayload(env.Payload)
	if err != nil {
		return nil, err
	}
	expires, err := time.Parse(time.RFC3339, p.Expires)
	if err != nil {
		return nil, fmt.Errorf("payload expires %q: want RFC 3339", p.Expires)
	}
	issued, err := time.Parse(time.RFC3339, p.Issued)
	if err != nil {
		return nil, fmt.Errorf("payload issued %q: want RFC 3339", p.Issued)
	}
	if p.Version < 1 || p.Version > engine.MaxVersion {
		return nil, fmt.Errorf("payload version %d: want 1 to %d", p.Version, engine.MaxVersion)
	}
	if p.Name != p.Bundle.Name || p.Version != p.Bundle.Version {
		return nil, fmt.Errorf("payload says %s version %d but carries %s version %d", p.Name, p.Version, p.Bundle.Name, p.Bundle.Version)
	}
	sum := sha256.Sum256(data)
	return &Verified{Payload: *p, KeyID: signer, Digest: hex.EncodeToString(sum[:]), IssuedAt: issued, ExpiresAt: expires}, nil
}
