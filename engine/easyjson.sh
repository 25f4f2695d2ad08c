#!/bin/sh
# Generates the JSON code of the bundle model and the engine's input and
# output types. easyjson's root package pulls in net/http (+1.5 MB in the
# WebAssembly module) only for an interface assertion, so the generated
# files are trimmed to use jlexer and jwriter alone.
set -eu
go tool easyjson -no_std_marshalers ${EASYJSON_FLAGS--disallow_unknown_fields} "$@"
for f in "$@"; do
	out="${f%.go}_easyjson.go"
	sed -i '/^\teasyjson "github.com\/mailru\/easyjson"$/d; /^\t_ easyjson.Marshaler$/d' "$out"
	gofmt -w "$out"
done
