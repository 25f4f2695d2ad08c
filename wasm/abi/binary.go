package abi

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/heed-dev/heed/engine"
)

// Evaluation crosses the boundary in a small binary form, not JSON: a
// draft is checked on every keystroke, and rule messages and citations,
// which the host has in the bundle anyway, need not cross at all.
//
// A request is five fields, each a little-endian uint32 length and that
// many bytes: text, platform, surface, account, time.
//
// A response is a uint32 status. Status 0 is followed by a uint32 count of
// hits, each a uint32 rule index, a uint32 count of spans and that many
// pairs of uint32 start and end (UTF-16). Status 1 is followed by an error
// message in UTF-8.
const (
	StatusOK    = 0
	StatusError = 1
)

// AppendRequest appends the request for a draft to dst.
func AppendRequest(dst []byte, text string, c engine.Context) []byte {
	for _, f := range []string{text, c.Platform, c.Surface, c.Account, c.Time} {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// ParseRequest reads a request.
func ParseRequest(b []byte) (text string, c engine.Context, err error) {
	var fields [5]string
	for i := range fields {
		if len(b) < 4 {
			return "", c, fmt.Errorf("request field %d: truncated", i)
		}
		n := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if uint32(len(b)) < n {
			return "", c, fmt.Errorf("request field %d: %d bytes promised, %d left", i, n, len(b))
		}
		fields[i] = string(b[:n])
		b = b[n:]
	}
	return fields[0], engine.Context{Platform: fields[1], Surface: fields[2], Account: fields[3], Time: fields[4]}, nil
}

// AppendHits appends a successful response.
func AppendHits(dst []byte, hits []engine.RuleHit) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, StatusOK)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(hits)))
	for _, h := range hits {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(h.Rule))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(h.Spans)))
		for _, s := range h.Spans {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(s.Start))
			dst = binary.LittleEndian.AppendUint32(dst, uint32(s.End))
		}
	}
	return dst
}

// AppendError appends an error response.
func AppendError(dst []byte, msg string) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, StatusError)
	return append(dst, msg...)
}

// ParseResponse reads a response: the hits, or the error it carries.
func ParseResponse(b []byte) ([]engine.RuleHit, error) {
	u32 := func() (uint32, error) {
		if len(b) < 4 {
			return 0, errors.New("truncated response")
		}
		v := binary.LittleEndian.Uint32(b)
		b = b[4:]
		return v, nil
	}
	status, err := u32()
	if err != nil {
		return nil, err
	}
	if status == StatusError {
		return nil, errors.New(string(b))
	}
	if status != StatusOK {
		return nil, fmt.Errorf("unknown response status %d", status)
	}
	n, err := u32()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	hits := make([]engine.RuleHit, 0, min(n, 4096))
	for range n {
		rule, err := u32()
		if err != nil {
			return nil, err
		}
		ns, err := u32()
		if err != nil {
			return nil, err
		}
		if uint64(ns)*8 > uint64(len(b)) {
			return nil, errors.New("truncated response")
		}
		h := engine.RuleHit{Rule: int(rule), Spans: make([]engine.Span, ns)}
		for i := range h.Spans {
			start, _ := u32()
			end, _ := u32()
			h.Spans[i] = engine.Span{Start: int(start), End: int(end)}
		}
		hits = append(hits, h)
	}
	return hits, nil
}
