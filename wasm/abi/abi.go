// Package abi is the contract between the WebAssembly module and its hosts
// (the wazero host in Go, the loader in the browser): the exported
// functions and the bytes that cross the boundary.
//
// Every call passes bytes the host wrote into a block it got from
// heed_alloc (and may reuse for later calls, releasing it with heed_free),
// and returns a packed uint64, pointer << 32 | length, of the answer in the
// module's memory. The answer stays valid until the next call into the
// same instance: read it at once. Errors come back as answers, never as
// traps. heed_load answers JSON (LoadResult); heed_evaluate answers the
// binary form of binary.go.
package abi

//go:generate env EASYJSON_FLAGS=-disallow_unknown_fields ../../engine/easyjson.sh abi.go

import "github.com/heed-dev/heed/engine"

// Version of this contract; heed_abi_version returns it.
const Version = 1

// Names of the module's exports.
const (
	ExportVersion  = "heed_abi_version"
	ExportAlloc    = "heed_alloc"
	ExportFree     = "heed_free"
	ExportLoad     = "heed_load"
	ExportEvaluate = "heed_evaluate"
	// ExportTrust takes a JSON list of trusted public keys (as in a .pub
	// file); heed_load then accepts only envelopes signed by one of them.
	ExportTrust = "heed_trust"
)

// LoadResult answers heed_load, which takes a built bundle's JSON.
//
//easyjson:json
type LoadResult struct {
	Name    string `json:"name,omitempty"`
	Version int64  `json:"version,omitempty"`
	Rules   int    `json:"rules,omitempty"`
	// For a signed envelope: the key that signed it, when it was issued
	// and when it expires.
	KeyID    string           `json:"keyid,omitempty"`
	Issued   string           `json:"issued,omitempty"`
	Expires  string           `json:"expires,omitempty"`
	Error    string           `json:"error,omitempty"`
	Problems []engine.Problem `json:"problems,omitempty"`
}

// Pack and Unpack carry a pointer and a length in one result, since a
// wasmexport function returns a single value.
func Pack(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// Unpack splits a packed result.
func Unpack(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
