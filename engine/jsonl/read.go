package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/mailru/easyjson/jlexer"
)

// Each reads posts, one JSON object a line, and calls fn with each post
// and its line number (from 1), or with the error that kept the line from
// being read, in which case post holds what could be read (its id, often).
// Blank lines are skipped; a line of any length is read whole. Each stops
// at the first error fn returns, or a read error, which it returns as is.
func Each(r io.Reader, fn func(line int, post *Post, err error) error) error {
	br := bufio.NewReaderSize(r, 64*1024)
	line := 0
	for {
		raw, readErr := br.ReadBytes('\n')
		if len(raw) > 0 {
			line++
			if raw = bytes.TrimSpace(raw); len(raw) > 0 {
				var post Post
				lx := jlexer.Lexer{Data: raw}
				post.UnmarshalEasyJSON(&lx)
				err := lx.Error()
				if err == nil && !lx.Ok() {
					err = errors.New("unreadable line")
				}
				if err := fn(line, &post, err); err != nil {
					return err
				}
			}
		}
		if readErr == io.EOF {
			return nil
		}
		if readErr != nil {
			return readErr
		}
	}
}
