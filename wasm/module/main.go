//go:build wasip1

// Command module is the Heed engine as a WebAssembly reactor: the same
// module runs in the browser extension and, through wazero, in the CLI and
// the tests. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o heed.wasm ./wasm/module
//
// The host calls _initialize once, then the exports of package abi.
package main

import (
	"fmt"
	"time"
	"unsafe"

	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/wasm/abi"
)

// buffers holds every block the host allocated, by its address, so the
// garbage collector keeps it until heed_free.
var buffers = map[uint32][]byte{}

// answer is reused for every answer; it stays valid until the next call.
var answer []byte

// program is the bundle loaded last; an instance evaluates one bundle.
var program *engine.Program

// trusted are the keys heed_trust gave; with any, only envelopes load.
var trusted []envelope.PublicKey

// hits is reused by every evaluation.
var hits []engine.RuleHit

func main() {}

//go:wasmexport heed_abi_version
func abiVersion() uint32 { return abi.Version }

// alloc returns the address of size bytes the host may write into.
//
//go:wasmexport heed_alloc
func alloc(size uint32) uint32 {
	buf := make([]byte, max(size, 1))
	ptr := uint32(uintptr(unsafe.Pointer(&buf[0])))
	buffers[ptr] = buf
	return ptr
}

// free releases a block from heed_alloc.
//
//go:wasmexport heed_free
func free(ptr uint32) { delete(buffers, ptr) }

// input returns the n bytes the host wrote at ptr, in a block it keeps.
func input(ptr, n uint32) ([]byte, error) {
	buf, ok := buffers[ptr]
	if !ok {
		return nil, fmt.Errorf("input at %#x was not allocated with heed_alloc", ptr)
	}
	if uint32(len(buf)) < n {
		return nil, fmt.Errorf("input of %d bytes overruns its block of %d", n, len(buf))
	}
	return buf[:n], nil
}

// output returns the packed address of the answer.
func output(data []byte) uint64 {
	answer = data
	if len(answer) == 0 {
		return abi.Pack(0, 0)
	}
	return abi.Pack(uint32(uintptr(unsafe.Pointer(&answer[0]))), uint32(len(answer)))
}

type marshaler interface {
	MarshalEasyJSON(w *jwriter.Writer)
}

func encode(v marshaler) uint64 {
	w := jwriter.Writer{}
	v.MarshalEasyJSON(&w)
	data, err := w.BuildBytes()
	if err != nil {
		data = []byte(fmt.Sprintf(`{"error":%q}`, "encoding the result: "+err.Error()))
	}
	return output(data)
}

// trust sets the keys envelopes must be signed by.
//
//go:wasmexport heed_trust
func trust(ptr, n uint32) (result uint64) {
	defer func() {
		if r := recover(); r != nil {
			result = encode(&abi.LoadResult{Error: fmt.Sprintf("internal error reading keys: %v", r)})
		}
	}()
	data, err := input(ptr, n)
	if err != nil {
		return encode(&abi.LoadResult{Error: err.Error()})
	}
	var keys envelope.KeySet
	lx := jlexer.Lexer{Data: data}
	keys.UnmarshalEasyJSON(&lx)
	if err := lx.Error(); err != nil {
		return encode(&abi.LoadResult{Error: "unreadable keys: " + err.Error()})
	}
	trusted = keys
	return encode(&abi.LoadResult{Rules: len(keys)})
}

// load compiles a built bundle's JSON, or a signed envelope verified
// against the trusted keys, and makes it the instance's bundle.
//
//go:wasmexport heed_load
func load(ptr, n uint32) (result uint64) {
	defer func() {
		if r := recover(); r != nil {
			result = encode(&abi.LoadResult{Error: fmt.Sprintf("internal error loading the bundle: %v", r)})
		}
	}()
	data, err := input(ptr, n)
	if err != nil {
		return encode(&abi.LoadResult{Error: err.Error()})
	}
	var b engine.Bundle
	var signed *envelope.Verified
	switch {
	case envelope.IsEnvelope(data):
		v, err := envelope.Verify(data, trusted, time.Now())
		if err != nil {
			return encode(&abi.LoadResult{Error: "signed bundle refused: " + err.Error()})
		}
		signed, b = v, v.Bundle
	case len(trusted) > 0:
		return encode(&abi.LoadResult{Error: "an unsigned bundle: with trusted keys set, only signed envelopes load"})
	default:
		lx := jlexer.Lexer{Data: data}
		b.UnmarshalEasyJSON(&lx)
		if err := lx.Error(); err != nil {
			return encode(&abi.LoadResult{Error: "not a bundle: " + err.Error()})
		}
	}
	p, err := engine.Compile(&b)
	if err != nil {
		res := &abi.LoadResult{Error: "the bundle does not compile"}
		if ps, ok := err.(engine.Problems); ok {
			res.Problems = ps
		} else {
			res.Error = err.Error()
		}
		return encode(res)
	}
	program = p
	res := &abi.LoadResult{Name: b.Name, Version: b.Version, Rules: len(b.Rules)}
	if signed != nil {
		res.KeyID, res.Issued, res.Expires = signed.KeyID, signed.Issued, signed.Expires
	}
	return encode(res)
}

// evaluate checks one draft against the loaded bundle; request and answer
// are in the binary form of package abi.
//
//go:wasmexport heed_evaluate
func evaluate(ptr, n uint32) (result uint64) {
	defer func() {
		if r := recover(); r != nil {
			result = output(abi.AppendError(answer[:0], fmt.Sprintf("internal error: %v", r)))
		}
	}()
	data, err := input(ptr, n)
	if err != nil {
		return output(abi.AppendError(answer[:0], err.Error()))
	}
	if program == nil {
		return output(abi.AppendError(answer[:0], "no bundle loaded: call heed_load first"))
	}
	text, c, err := abi.ParseRequest(data)
	if err != nil {
		return output(abi.AppendError(answer[:0], "unreadable request: "+err.Error()))
	}
	hits, err = program.EvaluateHits(text, c)
	if err != nil {
		return output(abi.AppendError(answer[:0], err.Error()))
	}
	return output(abi.AppendHits(answer[:0], hits))
}
