package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLintBoundsNearAndNesting: a near wider than engine.MaxWithin and
// matchers nested deeper than engine.MaxDepth are refused by Compile, so
// lint names them at their file and line like any other problem.
func TestLintBoundsNearAndNesting(t *testing.T) {
	deep := "{terms: [labour party]}"
	for range 8 {
		deep = "{any: [" + deep + "]}"
	}
	bundle := `name: small
settings: {time_zone: UTC}
rules:
  - id: party-vote
    category: political-opinion
    severity: warning
    message: No politics.
    citations: [{document: Policy, section: "1", quote: Stay neutral.}]
    match:
      near:
        a: {terms: [labour]}
        b: {terms: [vote]}
        within: 80
    unless: ` + deep + `
    examples:
      flag: ["[[labour]] [[vote]]", "[[labour]] and [[vote]]", "[[vote]] [[labour]]"]
      pass: [hello, labour, vote]
`
	dir := writeBundle(t, map[string]string{"bundle.yaml": bundle})
	code, out, _ := heed(t, "", "lint", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "bundle.yaml:13:9: /rules/0/match/near/within: within 80: want 1 to 50 words")
	assert.Contains(t, out, "bundle.yaml:14:69: /rules/0/unless"+strings.Repeat("/any/0", 8)+": matcher at depth 9: matchers nest at most 8 deep")
}
