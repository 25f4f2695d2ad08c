package engine

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Example span markers: in an example's text, [[ and ]] surround a span the
// rule must report, as LanguageTool's <marker> does.
const (
	MarkOpen  = "[["
	MarkClose = "]]"
)

// ParseExample removes the span markers from an example's text and returns
// the plain draft and the marked spans in UTF-16 code units.
func ParseExample(marked string) (string, []Span, error) {
	if !utf8.ValidString(marked) {
		return "", nil, fmt.Errorf("example %q is not valid UTF-8", marked)
	}
	var b strings.Builder
	var spans []Span
	units := 0
	open := -1
	rest := marked
	for rest != "" {
		i := strings.Index(rest, "[[")
		j := strings.Index(rest, "]]")
		if i < 0 && j < 0 {
			b.WriteString(rest)
			break
		}
		if j < 0 || (i >= 0 && i < j) {
			if open >= 0 {
				return "", nil, fmt.Errorf("example %q: %s opened again before %s", marked, MarkOpen, MarkClose)
			}
			b.WriteString(rest[:i])
			units += utf16Len(rest[:i])
			open = units
			rest = rest[i+2:]
			continue
		}
		if open < 0 {
			return "", nil, fmt.Errorf("example %q: %s without %s", marked, MarkClose, MarkOpen)
		}
		b.WriteString(rest[:j])
		units += utf16Len(rest[:j])
		if units == open {
			return "", nil, fmt.Errorf("example %q: empty span %s%s", marked, MarkOpen, MarkClose)
		}
		spans = append(spans, Span{Start: open, End: units})
		open = -1
		rest = rest[j+2:]
	}
	if open >= 0 {
		return "", nil, fmt.Errorf("example %q: %s without %s", marked, MarkOpen, MarkClose)
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", nil, fmt.Errorf("example has no text")
	}
	return b.String(), spans, nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
