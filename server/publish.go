package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/bundletest"
	"github.com/heed-dev/heed/engine/envelope"
)

// Error is a refusal with the HTTP status it maps to and what failed.
type Error struct {
	Status  int
	Message string
	Details []string
}

func (e *Error) Error() string {
	if len(e.Details) == 0 {
		return e.Message
	}
	return e.Message + ": " + strings.Join(e.Details, "; ")
}

func refuse(status int, details []string, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...), Details: details}
}

// ChannelPattern is the grammar of a channel name, written once: 1 to 64
// lower-case letters, digits and hyphens, starting with a letter or digit.
// The extension's copy is generated from it (internal/genlimits), and a
// test holds CheckChannel to it.
const ChannelPattern = "^[a-z0-9][a-z0-9-]{0,63}$"

// MaxEnvelopeBytes is the largest signed envelope the server stores by
// default, and so the largest the extension downloads and the WebAssembly
// host loads.
const MaxEnvelopeBytes = 8 << 20

// CheckChannel reports a channel name that ChannelPattern refuses. (A loop,
// not a regexp: it runs on every poll.)
func CheckChannel(name string) error {
	ok := len(name) >= 1 && len(name) <= 64 && name[0] != '-'
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '-'
	}
	if !ok {
		return refuse(http.StatusBadRequest, nil, "channel %q: use lower-case letters, digits and hyphens", name)
	}
	return nil
}

// Publisher decides what may be published: signed by a trusted key, not
// expired, a bundle that compiles and whose examples pass, a version above
// the channel's latest. It records every decision in the audit trail.
type Publisher struct {
	Store   Store
	Trusted []envelope.PublicKey
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (p *Publisher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Request is one publish.
type Request struct {
	Channel  string
	Who      string
	Note     string
	RemoteIP string
	Envelope []byte
}

// Publish checks and stores a signed envelope. A refusal is an *Error.
func (p *Publisher) Publish(ctx context.Context, req Request) (Release, error) {
	sum := sha256.Sum256(req.Envelope)
	rec := AuditRecord{Time: p.now().UTC(), Who: req.Who, Channel: req.Channel, Digest: hex.EncodeToString(sum[:]), RemoteIP: req.RemoteIP}
	rel, err := p.publish(ctx, req, &rec)
	var perr *Error
	switch {
	case err == nil:
		rec.Result, rec.Status = "published", http.StatusCreated
	case errors.As(err, &perr):
		rec.Result, rec.Status, rec.Details = perr.Message, perr.Status, perr.Details
	default:
		rec.Result, rec.Status = "store error: "+err.Error(), http.StatusInternalServerError
	}
	if _, aerr := p.Store.Audit(ctx, rec); aerr != nil && err == nil {
		// The release stands; the trail must say why it is incomplete.
		return rel, fmt.Errorf("published, but %w: %w", ErrAuditFailed, aerr)
	}
	return rel, err
}

func (p *Publisher) publish(ctx context.Context, req Request, rec *AuditRecord) (Release, error) {
	if err := CheckChannel(req.Channel); err != nil {
		return Release{}, err
	}
	if !envelope.IsEnvelope(req.Envelope) {
		return Release{}, refuse(http.StatusBadRequest, nil, "not a signed envelope: sign the bundle with heed sign")
	}
	if _, err := envelope.Open(req.Envelope); err != nil {
		return Release{}, refuse(http.StatusBadRequest, []string{err.Error()}, "unreadable envelope")
	}
	v, err := envelope.Verify(req.Envelope, p.Trusted, p.now())
	if err != nil {
		return Release{}, refuse(http.StatusUnprocessableEntity, []string{err.Error()}, "signature refused")
	}
	rec.Version = v.Version
	rel := Release{
		Channel: req.Channel, Version: v.Version, Name: v.Name, Publisher: req.Who,
		Digest: v.Digest, KeyID: v.KeyID, Issued: v.Issued, Expires: v.Expires,
		Note: req.Note, Size: len(req.Envelope),
	}
	// Checked here for an early answer; the store checks both again in the
	// transaction that stores the release, against a racing publish.
	if latest, body, err := p.Store.Latest(ctx, req.Channel); err == nil {
		if v.Version <= latest.Version {
			return Release{}, refuse(http.StatusConflict, nil, "version %d is not above the latest, %d", v.Version, latest.Version)
		}
		if latest.Issued == "" {
			// Stored before releases kept their issue time.
			if live, err := envelope.Open(body); err == nil {
				latest.Issued = live.Issued
			}
		}
		if err := CheckIssuedOrder(latest, rel); err != nil {
			return Release{}, refuse(http.StatusConflict, nil, "%v", err)
		}
	}
	prog, err := engine.Compile(&v.Bundle)
	if err != nil {
		var ps engine.Problems
		details := []string{err.Error()}
		if errors.As(err, &ps) {
			details = details[:0]
			for _, pr := range ps {
				details = append(details, pr.String())
			}
		}
		return Release{}, refuse(http.StatusUnprocessableEntity, details, "the bundle does not compile")
	}
	var failures []string
	for _, c := range bundletest.RunExamples(&v.Bundle, prog, nil) {
		for _, f := range c.Failures {
			failures = append(failures, c.Rule+": "+f.Where+": "+f.Message)
		}
	}
	if len(failures) > 0 {
		sort.Strings(failures)
		return Release{}, refuse(http.StatusUnprocessableEntity, failures, "%d rule examples fail", len(failures))
	}
	rel.Published = p.now().UTC()
	if err := p.Store.Publish(ctx, rel, req.Envelope); err != nil {
		if errors.Is(err, ErrVersionNotAbove) || errors.Is(err, ErrIssuedBefore) {
			return Release{}, refuse(http.StatusConflict, nil, "%v", err)
		}
		return Release{}, err
	}
	return rel, nil
}

// Tokens are the admin tokens, kept as SHA-256 hashes and compared in
// constant time.
type Tokens struct {
	names  []string
	hashes [][32]byte
}

// Add adds a token: either the token itself or "sha256:<hex>" of it.
func (t *Tokens) Add(name, token string) error {
	var h [32]byte
	if hexHash, ok := strings.CutPrefix(token, "sha256:"); ok {
		raw, err := hex.DecodeString(hexHash)
		if err != nil || len(raw) != 32 {
			return fmt.Errorf("token %q: sha256: needs 64 hex digits", name)
		}
		copy(h[:], raw)
	} else {
		if len(token) < 16 {
			return fmt.Errorf("token %q: at least 16 characters", name)
		}
		h = sha256.Sum256([]byte(token))
	}
	t.names = append(t.names, name)
	t.hashes = append(t.hashes, h)
	return nil
}

// Len is how many tokens there are.
func (t *Tokens) Len() int { return len(t.names) }

// Authenticate returns the name of the token, comparing it with every
// token in constant time.
func (t *Tokens) Authenticate(token string) (string, bool) {
	h := sha256.Sum256([]byte(token))
	name, found := "", 0
	for i := range t.hashes {
		if subtle.ConstantTimeCompare(h[:], t.hashes[i][:]) == 1 {
			name, found = t.names[i], 1
		}
	}
	return name, found == 1
}
