package text

import (
	"unicode"
	"unicode/utf8"
)

// Token flags.
const (
	HasLetter uint8 = 1 << iota
	HasDigit
	// HasMask: the word hides letters behind * or # (f***).
	HasMask
	// HasLeet: the word mixes letters with digits or symbols that can stand
	// for letters (sh1t, a$$).
	HasLeet
	// AllCaps: two or more letters, every one of them upper case.
	AllCaps
	// Capitalised: the first letter is upper case.
	Capitalised
)

// Token is one word of a draft.
type Token struct {
	// Start and End are byte offsets of the word in the draft.
	Start, End int
	// norm is the word's normalised form, held in Tokens.buf.
	normStart, normEnd int32
	Flags              uint8
}

// Tokens is a tokenised draft. Its buffers are reused by Reset, so one
// Tokens serves any number of drafts without allocating once warmed up.
type Tokens struct {
	Text string
	List []Token
	// Joined holds words spelt out letter by letter (f u c k, f.u.c.k) as
	// one token each, for lexicons that look for obfuscation.
	Joined []Token
	buf    []byte
	ascii  bool
	utf16  []int32
}

// Norm returns the normalised form of token i: lower case, accents and
// lookalikes folded, masks written as '*'. It aliases an internal buffer.
func (t *Tokens) Norm(i int) []byte {
	tok := &t.List[i]
	return t.buf[tok.normStart:tok.normEnd]
}

// NormOf returns the normalised form of any token of this draft, including
// the Joined ones.
func (t *Tokens) NormOf(tok *Token) []byte { return t.buf[tok.normStart:tok.normEnd] }

// Reset tokenises text, replacing what t held.
func (t *Tokens) Reset(s string) {
	t.Text = s
	t.List = t.List[:0]
	t.Joined = t.Joined[:0]
	t.buf = t.buf[:0]
	t.utf16 = t.utf16[:0]
	t.ascii = true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			t.ascii = false
			break
		}
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWordStart(r) {
			i = t.scanWord(s, i)
			continue
		}
		i += size
	}
	t.joinSpelled()
}

func isWordStart(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isWordRune(r rune) bool {
	return isWordStart(r) || (r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r))
}

// scanWord reads the word starting at byte i and appends it; it returns the
// offset after the word.
func (t *Tokens) scanWord(s string, i int) int {
	tok := Token{Start: i, normStart: int32(len(t.buf))}
	letters, uppers := 0, 0
	first := true
	for i < len(s) {
		// Plain ASCII letters and digits, the bulk of any draft, take the
		// short way.
		if c := s[i]; c < utf8.RuneSelf && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			switch {
			case c <= '9':
				tok.Flags |= HasDigit
			case c <= 'Z':
				letters++
				uppers++
				if first {
					tok.Flags |= Capitalised
				}
				tok.Flags |= HasLetter
				c += 'a' - 'A'
			default:
				letters++
				tok.Flags |= HasLetter
			}
			first = false
			t.buf = append(t.buf, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		switch {
		case isWordRune(r):
			if r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r) {
				i += size
				continue // accents fold away
			}
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					uppers++
					if first {
						tok.Flags |= Capitalised
					}
				}
				tok.Flags |= HasLetter
			} else {
				tok.Flags |= HasDigit
			}
			first = false
			t.buf = utf8.AppendRune(t.buf, FoldRune(r))
		case IsMask(r) && (tok.Flags&HasLetter != 0 || isWordStart(next) || IsMask(next)):
			tok.Flags |= HasMask
			t.buf = append(t.buf, '*')
		case (r == '$' || r == '@' || r == '€') && tok.Flags&HasLetter != 0:
			tok.Flags |= HasLeet
			t.buf = utf8.AppendRune(t.buf, r)
		case (r == '!' || r == '|') && tok.Flags&HasLetter != 0 && unicode.IsLetter(next):
			tok.Flags |= HasLeet
			t.buf = append(t.buf, byte(r))
		case (r == '\'' || r == '’' || r == 'ʼ') && tok.Flags&HasLetter != 0 && unicode.IsLetter(next):
			t.buf = append(t.buf, '\'')
		case r == '&' && isWordStart(next) && !first:
			t.buf = append(t.buf, '&')
		default:
			return t.finish(tok, i, letters, uppers)
		}
		i += size
	}
	return t.finish(tok, i, letters, uppers)
}

func (t *Tokens) finish(tok Token, end, letters, uppers int) int {
	tok.End = end
	tok.normEnd = int32(len(t.buf))
	if letters >= 2 && letters == uppers {
		tok.Flags |= AllCaps
	}
	if tok.Flags&HasLetter != 0 && tok.Flags&HasDigit != 0 {
		tok.Flags |= HasLeet
	}
	t.List = append(t.List, tok)
	return end
}

// joinSpelled finds runs of three or more one-letter words separated by one
// and the same character each time, a space, dot, hyphen or similar (f u c k,
// f.u.c.k), and adds each run to Joined as one word.
func (t *Tokens) joinSpelled() {
	n := len(t.List)
	for i := 0; i < n; {
		j := i + 1
		sep := byte(0)
		if t.isSpelledLetter(i) {
			for j < n && t.isSpelledLetter(j) {
				c, ok := t.separator(j-1, j)
				if !ok || (sep != 0 && c != sep) {
					break
				}
				sep = c
				j++
			}
		}
		if j-i >= 3 {
			tok := Token{Start: t.List[i].Start, End: t.List[j-1].End, normStart: int32(len(t.buf)), Flags: HasLetter}
			for k := i; k < j; k++ {
				t.buf = append(t.buf, t.Norm(k)...)
			}
			tok.normEnd = int32(len(t.buf))
			t.Joined = append(t.Joined, tok)
			i = j
			continue
		}
		i++
	}
}

func (t *Tokens) isSpelledLetter(i int) bool {
	tok := &t.List[i]
	return tok.normEnd-tok.normStart == 1 && tok.Flags&HasLetter != 0
}

// separator returns the one character between tokens a and b when it is
// one that spells a word out.
func (t *Tokens) separator(a, b int) (byte, bool) {
	gap := t.Text[t.List[a].End:t.List[b].Start]
	if len(gap) != 1 {
		return 0, false
	}
	switch gap[0] {
	case ' ', '.', '-', '_', '*', ',':
		return gap[0], true
	}
	return 0, false
}

// UTF16 converts a byte offset in the draft to a UTF-16 code unit offset,
// the unit browsers index strings by.
func (t *Tokens) UTF16(byteOffset int) int {
	if t.ascii {
		return byteOffset
	}
	if len(t.utf16) == 0 {
		t.buildUTF16()
	}
	return int(t.utf16[byteOffset])
}

func (t *Tokens) buildUTF16() {
	need := len(t.Text) + 1
	if cap(t.utf16) < need {
		t.utf16 = make([]int32, need)
	}
	t.utf16 = t.utf16[:need]
	units := int32(0)
	for i := 0; i < len(t.Text); {
		r, size := utf8.DecodeRuneInString(t.Text[i:])
		for k := 0; k < size; k++ {
			t.utf16[i+k] = units
		}
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		i += size
	}
	t.utf16[len(t.Text)] = units
}

// TokenAt returns the index of the first token that ends after byte offset
// off, or len(List) when there is none.
func (t *Tokens) TokenAt(off int) int {
	lo, hi := 0, len(t.List)
	for lo < hi {
		mid := (lo + hi) / 2
		if t.List[mid].End <= off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
