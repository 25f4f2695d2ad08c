package playground_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/server/playground"
)

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func TestPageFilesAndTheirHeaders(t *testing.T) {
	h := playground.Handler([]byte("\x00asm-module"), []byte(`{"name":"default"}`))

	res, body := get(t, h, "/")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self' 'wasm-unsafe-eval'")
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	if playground.Built() {
		assert.Contains(t, body, `<script src="/playground/playground.js">`)
	} else {
		assert.Contains(t, body, "make build", "a binary built without the page says how to get it")
	}

	res, body = get(t, h, "/playground/heed.wasm")
	assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"), "compileStreaming needs it")
	assert.Equal(t, "\x00asm-module", body)
	res, body = get(t, h, "/playground/default.json")
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	assert.Equal(t, `{"name":"default"}`, body)

	res, _ = get(t, h, "/favicon.ico")
	assert.Equal(t, http.StatusNoContent, res.StatusCode)
	res, _ = get(t, h, "/playground/../../etc/passwd")
	assert.NotEqual(t, http.StatusOK, res.StatusCode)
	res, _ = get(t, h, "/playground/other.js")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
}
