// Package server is the bundle server's domain: releases of signed
// bundles on channels, the rules a publish must pass, and the audit trail.
// Package boltstore keeps them; package httpapi serves them.
package server

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Release is one published version of a channel's bundle.
type Release struct {
	Channel   string    `json:"channel"`
	Version   int64     `json:"version"`
	Name      string    `json:"name"`
	Publisher string    `json:"publisher"`
	Published time.Time `json:"published"`
	// Digest is the SHA-256 of the envelope, in hex; the strong ETag.
	Digest  string `json:"digest"`
	KeyID   string `json:"keyid"`
	Issued  string `json:"issued,omitempty"`
	Expires string `json:"expires"`
	Note    string `json:"note,omitempty"`
	Size    int    `json:"size"`
}

// AuditRecord is one publish or refusal.
type AuditRecord struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Who      string    `json:"who"`
	Channel  string    `json:"channel"`
	Version  int64     `json:"version,omitempty"`
	Digest   string    `json:"digest,omitempty"`
	Result   string    `json:"result"`
	Status   int       `json:"status"`
	Details  []string  `json:"details,omitempty"`
	RemoteIP string    `json:"remote_ip,omitempty"`
}

// ErrNotFound is a channel or version the store does not have.
var ErrNotFound = errors.New("not found")

// ErrVersionNotAbove is a publish whose version is not above the latest.
var ErrVersionNotAbove = errors.New("version not above the latest")

// ErrIssuedBefore is a publish issued before the latest: clients never take
// a bundle issued before the one in force, so it would be served but never
// run.
var ErrIssuedBefore = errors.New("issued before the latest")

// ErrAuditFailed is a publish that was stored but whose audit record could
// not be written: the release stands.
var ErrAuditFailed = errors.New("the audit record failed")

// CheckIssuedOrder reports next issued before prev, as ErrIssuedBefore.
// Releases stored before issue times were kept have none and pass.
func CheckIssuedOrder(prev, next Release) error {
	if prev.Issued == "" || next.Issued == "" {
		return nil
	}
	p, perr := time.Parse(time.RFC3339, prev.Issued)
	n, nerr := time.Parse(time.RFC3339, next.Issued)
	if perr != nil || nerr != nil || !n.Before(p) {
		return nil
	}
	return fmt.Errorf("%w: version %d was issued at %s, before version %d (issued %s): clients would refuse it; sign it again", ErrIssuedBefore, next.Version, next.Issued, prev.Version, prev.Issued)
}

// Store keeps releases and the audit trail. A publish is all or nothing.
type Store interface {
	// Publish stores a release and its envelope if, at that moment, its
	// version is above the channel's latest (else ErrVersionNotAbove) and
	// it was issued no earlier (else ErrIssuedBefore, by CheckIssuedOrder).
	Publish(ctx context.Context, r Release, envelope []byte) error
	// Latest returns the channel's newest release and envelope.
	Latest(ctx context.Context, channel string) (Release, []byte, error)
	// Get returns one version.
	Get(ctx context.Context, channel string, version int64) (Release, []byte, error)
	// List returns a channel's releases, newest first.
	List(ctx context.Context, channel string) ([]Release, error)
	// Audit appends a record and returns it with its sequence number.
	Audit(ctx context.Context, rec AuditRecord) (AuditRecord, error)
	// AuditLog returns records, newest first, at most limit.
	AuditLog(ctx context.Context, limit int) ([]AuditRecord, error)
	// Check reports whether the store is readable.
	Check(ctx context.Context) error
	Close() error
}
