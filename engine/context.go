package engine

import (
	"fmt"
	"slices"
)

// Context is what the engine knows about a draft besides its text.
//
//easyjson:json
type Context struct {
	// Platform is facebook, twitter (which covers x.com), linkedin or other.
	Platform string `json:"platform,omitempty" yaml:"platform,omitempty"`
	// Surface is post, comment or message (a private or direct message).
	Surface string `json:"surface,omitempty" yaml:"surface,omitempty"`
	// Account is personal, official or unknown; unknown applies the rules
	// of both kinds.
	Account string `json:"account,omitempty" yaml:"account,omitempty"`
	// Time is when the draft would be posted, RFC 3339 with an offset.
	Time string `json:"time,omitempty" yaml:"time,omitempty"`
}

// Allowed values of the context fields.
var (
	Platforms = []string{"facebook", "twitter", "linkedin", "other"}
	Surfaces  = []string{"post", "comment", "message"}
	Accounts  = []string{"personal", "official", "unknown"}
	// Severities in rising order.
	Severities = []string{"info", "warning", "critical"}
)

// SeverityRank orders severities: info 1, warning 2, critical 3, else 0.
func SeverityRank(s string) int { return slices.Index(Severities, s) + 1 }

// Merge returns c with its empty fields taken from def.
func (c Context) Merge(def Context) Context {
	if c.Platform == "" {
		c.Platform = def.Platform
	}
	if c.Surface == "" {
		c.Surface = def.Surface
	}
	if c.Account == "" {
		c.Account = def.Account
	}
	if c.Time == "" {
		c.Time = def.Time
	}
	return c
}

// CheckContext reports the first field of c that is not an allowed value;
// empty fields are allowed here and judged by the caller.
func CheckContext(c Context) error {
	if c.Platform != "" && !slices.Contains(Platforms, c.Platform) {
		return fmt.Errorf("platform %q: want one of %v", c.Platform, Platforms)
	}
	if c.Surface != "" && !slices.Contains(Surfaces, c.Surface) {
		return fmt.Errorf("surface %q: want one of %v", c.Surface, Surfaces)
	}
	if c.Account != "" && !slices.Contains(Accounts, c.Account) {
		return fmt.Errorf("account %q: want one of %v", c.Account, Accounts)
	}
	return nil
}

// Finding is one rule's verdict on a draft.
//
//easyjson:json
type Finding struct {
	Rule       string     `json:"rule" yaml:"rule"`
	Category   string     `json:"category" yaml:"category"`
	Severity   string     `json:"severity" yaml:"severity"`
	Message    string     `json:"message" yaml:"message"`
	Suggestion string     `json:"suggestion,omitempty" yaml:"suggestion,omitempty"`
	Link       string     `json:"link,omitempty" yaml:"link,omitempty"`
	Citations  []Citation `json:"citations,omitempty" yaml:"citations,omitempty"`
	// Start and End are the first span, in UTF-16 code units.
	Start int `json:"start" yaml:"start"`
	End   int `json:"end" yaml:"end"`
	// Spans are every part of the draft the rule concerns, in UTF-16 code
	// units (what browser strings and Ranges use), start inclusive, end
	// exclusive, in order.
	Spans []Span `json:"spans" yaml:"spans"`
}

// Span is a range of a draft in UTF-16 code units.
//
//easyjson:json
type Span struct {
	Start int `json:"start" yaml:"start"`
	End   int `json:"end" yaml:"end"`
}
