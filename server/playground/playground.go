// Package playground serves the page `heed serve` shows at /: a compose box
// with the extension's warning overlay, running heed.wasm in the page
// against the built-in bundle or any version published on a channel.
//
// The page's files are built from extension/src/playground by `make build`
// and embedded here; the module and the default bundle are handed in by
// the caller, which has them already.
package playground

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

//go:embed dist
var dist embed.FS

// csp keeps the page to its own origin: scripts from it alone (and the
// module compiled by them), no framing, no forms, no plugins. Inline
// styles are allowed because the overlay draws in a shadow root with a
// <style> of its own, as it does on the social sites.
const csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
	"connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Built reports whether the page was built into this binary.
func Built() bool {
	_, err := fs.Stat(dist, "dist/playground.js")
	return err == nil
}

// Handler serves the page at /, /favicon.ico and its files under
// /playground/: module
// is heed.wasm, bundle the built default bundle's JSON.
func Handler(module, bundle []byte) http.Handler {
	mux := http.NewServeMux()
	static := func(name, contentType string, body []byte) {
		mux.HandleFunc("GET "+name, func(w http.ResponseWriter, r *http.Request) {
			secure(w)
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write(body)
		})
	}
	static("/playground/heed.wasm", "application/wasm", module)
	static("/playground/default.json", "application/json", bundle)
	for _, f := range []struct{ name, contentType string }{
		{"index.html", "text/html; charset=utf-8"},
		{"playground.js", "text/javascript; charset=utf-8"},
		{"playground.css", "text/css; charset=utf-8"},
	} {
		body, err := dist.ReadFile(path.Join("dist", f.name))
		if err != nil {
			body = []byte(notBuilt)
			f.contentType = "text/html; charset=utf-8"
		}
		route := "/playground/" + f.name
		if f.name == "index.html" {
			route = "/{$}"
		}
		static(route, f.contentType, body)
	}
	// Browsers ask for it; an empty answer keeps a 404 out of the console.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

const notBuilt = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Heed</title>
<p>This heed was built without its playground page: run <code>make build</code> and start it again.
The bundle API is at <code>/v1/channels/{channel}/bundle</code>.</p></html>
`

func secure(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}
