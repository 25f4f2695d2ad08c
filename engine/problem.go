package engine

import (
	"strconv"
	"strings"
)

// Problem is one thing wrong with a bundle, at a JSON pointer (RFC 6901)
// into the bundle document, such as /rules/3/match/pattern.
//
//easyjson:json
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Problems is every problem found in a bundle; compiling reports them all at
// once rather than stopping at the first.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// pointer builds JSON pointers.
type pointer string

func (p pointer) key(k string) pointer {
	k = strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
	return p + "/" + pointer(k)
}

func (p pointer) index(i int) pointer { return p + "/" + pointer(strconv.Itoa(i)) }
