// Package benchtext makes the drafts every benchmark of the engine uses, so
// that native, wazero and Node figures measure the same text.
package benchtext

import "strings"

// Posts are ordinary posts with a few things to find; the Node benchmark
// (extension/bench) repeats them.
var Posts = []string{
	"With freezing temperatures expected overnight, the council's gritters will be spreading salt from 7pm and then again at 11pm tonight. ",
	"Oh for f*ck's sake, it's a bin, not a bomb. Call me on 07700 900614 if the crews miss it again!! ",
	"Proud to be a Conservative. Join us on the doorstep this weekend, and bring a friend 🎉 ",
	"Mr Kermode at 6 Ridgeway Road keeps reporting my van HN19 XKP to the council. Get a life. ",
}

// Draft returns Posts repeated to n bytes.
func Draft(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(Posts[b.Len()%len(Posts)])
	}
	return b.String()[:n]
}
