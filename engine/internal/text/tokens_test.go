package text

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func norms(t *Tokens) []string {
	var out []string
	for i := range t.List {
		out = append(out, string(t.Norm(i)))
	}
	return out
}

func TestTokensNormaliseCaseAccentsAndLookalikes(t *testing.T) {
	var toks Tokens
	// Cyrillic а and о, fullwidth Ｆ, mathematical bold 𝐬, an accent.
	toks.Reset("Crаp! Ｆuck 𝐬hit Café B&Q it’s f*ck a$$ sh!t")
	assert.Equal(t, []string{"crap", "fuck", "shit", "cafe", "b&q", "it's", "f*ck", "a$$", "sh!t"}, norms(&toks))
	assert.NotZero(t, toks.List[6].Flags&HasMask)
	assert.NotZero(t, toks.List[7].Flags&HasLeet)
	assert.NotZero(t, toks.List[8].Flags&HasLeet)
}

func TestTokensKeepByteOffsetsOfTheDraft(t *testing.T) {
	var toks Tokens
	s := "😂 hello, wörld"
	toks.Reset(s)
	assert.Equal(t, "hello", s[toks.List[0].Start:toks.List[0].End])
	assert.Equal(t, "wörld", s[toks.List[1].Start:toks.List[1].End])
}

func TestUTF16Offsets(t *testing.T) {
	var toks Tokens
	s := "a😂b é"
	toks.Reset(s)
	assert.Equal(t, 0, toks.UTF16(0))
	assert.Equal(t, 1, toks.UTF16(1))      // the emoji starts
	assert.Equal(t, 3, toks.UTF16(5))      // b, after two code units
	assert.Equal(t, 5, toks.UTF16(7))      // é
	assert.Equal(t, 6, toks.UTF16(len(s))) // end
	toks.Reset("plain ascii")              // buffers reused
	assert.Equal(t, 5, toks.UTF16(5))
}

func TestAllCapsAndSpelledOutWords(t *testing.T) {
	var toks Tokens
	toks.Reset("YES we KNOW I f.u.c.k a b")
	assert.NotZero(t, toks.List[0].Flags&AllCaps)
	assert.Zero(t, toks.List[1].Flags&AllCaps)
	assert.Zero(t, toks.List[3].Flags&AllCaps, "one letter is not shouting")
	if assert.Len(t, toks.Joined, 1) {
		assert.Equal(t, "fuck", string(toks.NormOf(&toks.Joined[0])))
	}
}

func TestTokenAt(t *testing.T) {
	var toks Tokens
	toks.Reset("one two  three")
	assert.Equal(t, 0, toks.TokenAt(0))
	assert.Equal(t, 1, toks.TokenAt(3))
	assert.Equal(t, 2, toks.TokenAt(9))
	assert.Equal(t, 3, toks.TokenAt(14))
}
