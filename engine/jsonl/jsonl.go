// Package jsonl is the line format of `heed check --jsonl` and of labelled
// corpora (eval/dev.jsonl): one post per line in, one verdict per line out.
package jsonl

//go:generate env EASYJSON_FLAGS= ../easyjson.sh jsonl.go

import "github.com/heed-dev/heed/engine"

// Post is one input line. Fields this version does not know are ignored, so
// a corpus may carry more than the engine reads.
//
//easyjson:json
type Post struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Platform string `json:"platform"`
	Surface  string `json:"surface"`
	Account  string `json:"account"`
	Time     string `json:"time"`
	// Expect lists the categories a labelled post should be given.
	Expect []string `json:"expect"`
	Note   string   `json:"note"`
}

// Context returns the post's context.
func (p *Post) Context() engine.Context {
	return engine.Context{Platform: p.Platform, Surface: p.Surface, Account: p.Account, Time: p.Time}
}

// Verdict is one output line: the findings, or why the line could not be
// read or checked.
//
//easyjson:json
type Verdict struct {
	ID       string    `json:"id"`
	Findings []Finding `json:"findings"`
	Error    string    `json:"error,omitempty"`
}

// Finding is the short form of engine.Finding the line contract gives.
//
//easyjson:json
type Finding struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Message  string `json:"message"`
}

// Short turns engine findings into line findings; never nil, so that a
// clean post writes "findings":[].
func Short(fs []engine.Finding) []Finding {
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		out = append(out, Finding{Rule: f.Rule, Category: f.Category, Severity: f.Severity, Start: f.Start, End: f.End, Message: f.Message})
	}
	return out
}
