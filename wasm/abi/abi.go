// Package abi is the contract between the WebAssembly module and its hosts
// (the wazero host in Go, the loader in the browser): the exported
// functions and the JSON documents that cross the boundary.
//
// Every call passes bytes the host wrote into memory it got from
// heed_alloc, and returns a packed uint64, pointer << 32 | length, of a
// JSON document in the module's memory, which the host reads and then
// releases with heed_free. Errors come back as documents, never as traps.
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
)

// LoadResult answers heed_load, which takes a built bundle's JSON.
//
//easyjson:json
type LoadResult struct {
	Name     string           `json:"name,omitempty"`
	Version  int64            `json:"version,omitempty"`
	Rules    int              `json:"rules,omitempty"`
	Error    string           `json:"error,omitempty"`
	Problems []engine.Problem `json:"problems,omitempty"`
}

// Request is what heed_evaluate takes: a draft and its context.
//
//easyjson:json
type Request struct {
	Text     string `json:"text"`
	Platform string `json:"platform,omitempty"`
	Surface  string `json:"surface,omitempty"`
	Account  string `json:"account,omitempty"`
	Time     string `json:"time,omitempty"`
}

// Context returns the request's context.
func (r *Request) Context() engine.Context {
	return engine.Context{Platform: r.Platform, Surface: r.Surface, Account: r.Account, Time: r.Time}
}

// Response answers heed_evaluate. Findings is never null on success.
//
//easyjson:json
type Response struct {
	Findings []engine.Finding `json:"findings"`
	Error    string           `json:"error,omitempty"`
}

// Pack and Unpack carry a pointer and a length in one result, since a
// wasmexport function returns a single value.
func Pack(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// Unpack splits a packed result.
func Unpack(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
