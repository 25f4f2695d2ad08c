package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailru/easyjson/jwriter"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/server"
	"github.com/heed-dev/heed/server/boltstore"
	"github.com/heed-dev/heed/server/httpapi"
	"github.com/heed-dev/heed/server/playground"
	"github.com/heed-dev/heed/wasm"
)

// envList is a repeatable flag that defaults to an environment variable
// holding a comma-separated list.
func envList(fs *flag.FlagSet, name, env, usage string) *stringList {
	var l stringList
	fs.Var(&l, name, usage+" (or $"+env+", comma-separated)")
	return &l
}

func fromEnv(l *stringList, env string) []string {
	if len(*l) > 0 {
		return *l
	}
	if v := os.Getenv(env); v != "" {
		return strings.Split(v, ",")
	}
	return nil
}

func cmdServe(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr("HEED_ADDR", "127.0.0.1:8080"), "listen on HOST:PORT (or $HEED_ADDR)")
	data := fs.String("data", envOr("HEED_DATA", ".heed/data"), "the store's folder (or $HEED_DATA)")
	tokenFiles := envList(fs, "admin-token-file", "HEED_ADMIN_TOKEN_FILE", "a file of admin tokens, one \"name token\" or \"name sha256:hex\" a line; repeat for several")
	keyFiles := envList(fs, "trusted-key", "HEED_TRUSTED_KEY", "a public key file (NAME.pub) publishes must be signed by; repeat for several")
	maxBytes := fs.Int64("max-bundle-bytes", httpapi.DefaultMaxBundleBytes, "the largest envelope a publish may send (above the default, extensions and the CLI refuse to download it)")
	maxLongPolls := fs.Int("max-long-polls", httpapi.DefaultMaxLongPolls, "how many long polls (?wait=) may wait at once; above it they are answered 503 with Retry-After. Keep it well under the open-file limit (ulimit -n)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed serve [flags]\n\nServes signed bundles to extensions and takes publishes from IT.")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *maxBytes < 1 || *maxBytes > server.MaxEnvelopeBytes {
		return usageErr("--max-bundle-bytes %d: want 1 to %d, the most extensions and the CLI download", *maxBytes, server.MaxEnvelopeBytes)
	}
	if *maxLongPolls < 1 {
		return usageErr("--max-long-polls %d: want at least 1", *maxLongPolls)
	}
	tokens, err := readTokens(fromEnv(tokenFiles, "HEED_ADMIN_TOKEN_FILE"))
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	trusted, err := readTrustedKeys(fromEnv(keyFiles, "HEED_TRUSTED_KEY"))
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if tokens.Len() == 0 || len(trusted) == 0 {
		return usageErr("heed serve needs --admin-token-file and --trusted-key (or $HEED_ADMIN_TOKEN_FILE and $HEED_TRUSTED_KEY)")
	}
	store, err := boltstore.Open(*data)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	defer store.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	api := httpapi.New(&server.Publisher{Store: store, Trusted: trusted}, tokens, httpapi.Options{Log: log, MaxBundleBytes: *maxBytes, MaxLongPolls: *maxLongPolls})
	page, err := playgroundHandler()
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.Handle("GET /{$}", page)
	mux.Handle("GET /playground/", page)
	mux.Handle("GET /favicon.ico", page)
	srv := &http.Server{
		Addr:              *addr,
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		// Long polls wait up to httpapi.MaxWait.
		WriteTimeout:   httpapi.MaxWait + 15*time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "data", *data, "tokens", tokens.Len(), "trusted_keys", len(trusted))
	fmt.Fprintf(stdout, "heed serve: listening on http://%s\n", ln.Addr())
	if playground.Built() {
		fmt.Fprintf(stdout, "heed serve: playground at http://%s/\n", ln.Addr())
	}
	select {
	case err := <-errc:
		return &exitError{code: 1, err: err}
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func envOr(env, def string) string {
	if v := os.Getenv(env); v != "" {
		return v
	}
	return def
}

// readTokens reads admin token files: "name token" or "name sha256:hex" a
// line; a line with the token alone is named after the file.
func readTokens(paths []string) (*server.Tokens, error) {
	t := &server.Tokens{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("admin tokens: %w", err)
		}
		sc := bufio.NewScanner(f)
		line := 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if text == "" || strings.HasPrefix(text, "#") {
				continue
			}
			name, token, ok := strings.Cut(text, " ")
			if !ok {
				name, token = strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)), text
			}
			if err := t.Add(name, strings.TrimSpace(token)); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s:%d: %w", p, line, err)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("admin tokens %s: %w", p, err)
		}
	}
	return t, nil
}

// firstToken reads the token a client sends: the first token line.
func firstToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, token, ok := strings.Cut(line, " "); ok {
			line = strings.TrimSpace(token)
		}
		if strings.HasPrefix(line, "sha256:") {
			return "", fmt.Errorf("token file %s holds a hash, not a token to send", path)
		}
		return line, nil
	}
	return "", fmt.Errorf("token file %s holds no token", path)
}

// client talks to a bundle server.
type client struct {
	base    string
	channel string
	token   string
	http    *http.Client
}

func newClient(serverURL, channel, tokenFile string) (*client, error) {
	if serverURL == "" || channel == "" {
		return nil, errors.New("--server and --channel are required")
	}
	if _, err := url.Parse(serverURL); err != nil {
		return nil, fmt.Errorf("--server: %w", err)
	}
	if err := server.CheckChannel(channel); err != nil {
		return nil, fmt.Errorf("--channel: %w", err)
	}
	c := &client{base: strings.TrimRight(serverURL, "/"), channel: channel, http: &http.Client{Timeout: 60 * time.Second}}
	if tokenFile != "" {
		t, err := firstToken(tokenFile)
		if err != nil {
			return nil, err
		}
		c.token = t
	}
	return c, nil
}

func (c *client) url(format string, args ...any) string {
	return c.base + "/v1/channels/" + url.PathEscape(c.channel) + fmt.Sprintf(format, args...)
}

// apiError reads the contract's JSON error.
func apiError(resp *http.Response) error {
	var e struct {
		Error   string   `json:"error"`
		Details []string `json:"details"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(body, &e) != nil || e.Error == "" {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	msg := resp.Status + ": " + e.Error
	for _, d := range e.Details {
		msg += "\n  " + d
	}
	return errors.New(msg)
}

func (c *client) releases() ([]server.Release, error) {
	resp, err := c.http.Get(c.url("/bundles"))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, apiError(resp)
	}
	var list struct {
		Versions []server.Release `json:"versions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, fmt.Errorf("reading the versions: %w", err)
	}
	return list.Versions, nil
}

func (c *client) version(v int64) ([]byte, error) {
	return c.envelope(c.url("/bundles/%d", v))
}

// latest fetches the channel's live envelope.
func (c *client) latest() ([]byte, error) {
	return c.envelope(c.url("/bundle"))
}

// envelope fetches one signed envelope, at most server.MaxEnvelopeBytes:
// a server that sends more is not believed.
func (c *client) envelope(u string) ([]byte, error) {
	resp, err := c.http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, apiError(resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, server.MaxEnvelopeBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > server.MaxEnvelopeBytes {
		return nil, fmt.Errorf("%s: the answer is over %d bytes, more than any envelope", u, server.MaxEnvelopeBytes)
	}
	return data, nil
}

// publish sends a signed envelope. A release the server stored with a
// warning (its audit record failed) is published: the warning is written
// to warn.
func (c *client) publish(envelope []byte, note string, warn io.Writer) (server.Release, error) {
	var rel server.Release
	u := c.url("/bundles")
	if note != "" {
		u += "?note=" + url.QueryEscape(note)
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(envelope))
	if err != nil {
		return rel, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return rel, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return rel, apiError(resp)
	}
	if w := resp.Header.Get("Heed-Warning"); w != "" {
		fmt.Fprintf(warn, "warning from the server: %s\n", w)
	}
	err = json.NewDecoder(resp.Body).Decode(&rel)
	return rel, err
}

// confirm asks before a publish unless --yes was given.
func confirm(stdin io.Reader, stdout io.Writer, yes bool, question string) error {
	if yes {
		return nil
	}
	if f, ok := stdin.(*os.File); ok {
		if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
			return usageErr("no terminal to ask on: pass --yes to publish from a script")
		}
	}
	fmt.Fprintf(stdout, "%s [y/N] ", question)
	answer, _ := bufio.NewReader(stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return &exitError{code: 1, err: errors.New("not published")}
	}
	return nil
}

func describe(r server.Release) string {
	return fmt.Sprintf("%s version %d (published %s by %s, sha256 %.12s)", r.Name, r.Version, r.Published.Format(time.RFC3339), r.Publisher, r.Digest)
}

func cmdPublish(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	serverURL := fs.String("server", envOr("HEED_SERVER", ""), "the bundle server, such as http://127.0.0.1:8080 (or $HEED_SERVER)")
	channel := fs.String("channel", "stable", "the channel to publish to")
	tokenFile := fs.String("token-file", envOr("HEED_TOKEN_FILE", ""), "a file holding the admin token (or $HEED_TOKEN_FILE)")
	yes := fs.Bool("yes", false, "publish without asking (for scripts)")
	note := fs.String("note", "", "a note kept with the release")
	var corpora stringList
	fs.Var(&corpora, "corpus", "a corpus to show changed verdicts on before asking; repeat for several (default: the built-in bundle's corpora)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed publish --server URL --channel C --token-file F [--yes] SIGNED\n\nShows what a signed bundle changes against the version live on the channel\n(as heed diff), asks, and publishes it.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *tokenFile == "" {
		return usageErr("want --token-file and one signed bundle")
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	p, err := envelope.Open(data)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("%s: %w", pos[0], err)}
	}
	c, err := newClient(*serverURL, *channel, *tokenFile)
	if err != nil {
		return usageErr("%v", err)
	}
	rels, err := c.releases()
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if len(rels) > 0 {
		fmt.Fprintf(stdout, "channel %s now serves %s\n", *channel, describe(rels[0]))
		fmt.Fprintf(stdout, "this replaces it with %s version %d (expires %s)\n\n", p.Name, p.Version, p.Expires)
		if err := diffAgainstLive(stdout, c, rels[0].Version, pos[0], &p.Bundle, corpora); err != nil {
			return err
		}
		fmt.Fprintln(stdout)
	} else {
		fmt.Fprintf(stdout, "channel %s is new: this publishes %s version %d (expires %s)\n", *channel, p.Name, p.Version, p.Expires)
	}
	if err := confirm(stdin, stdout, *yes, "Publish?"); err != nil {
		return err
	}
	rel, err := c.publish(data, *note, stderr)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(stdout, "published %s to %s\n", describe(rel), *channel)
	return nil
}

func cmdRollback(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rollback", flag.ContinueOnError)
	fs.SetOutput(stderr)
	serverURL := fs.String("server", envOr("HEED_SERVER", ""), "the bundle server (or $HEED_SERVER)")
	channel := fs.String("channel", "stable", "the channel")
	tokenFile := fs.String("token-file", envOr("HEED_TOKEN_FILE", ""), "a file holding the admin token (or $HEED_TOKEN_FILE)")
	keyPath := fs.String("key", "", "the private key to sign the new version with; its public half is trusted")
	var keyFiles stringList
	fs.Var(&keyFiles, "trusted-key", "a public key file (NAME.pub) whose releases may be served again, such as a retired key's; repeat for several")
	to := fs.Int64("to", 0, "the version whose content to serve again")
	ttl := fs.Duration("ttl", 30*24*time.Hour, "how long the new signed version stays valid")
	yes := fs.Bool("yes", false, "publish without asking (for scripts)")
	var corpora stringList
	fs.Var(&corpora, "corpus", "a corpus to show changed verdicts on before asking; repeat for several (default: the built-in bundle's corpora)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed rollback --to N --server URL --channel C --token-file F --key K [--trusted-key PUB]... [--yes]\n\nRe-signs the content of version N as a new, higher version, so that\nclients, which refuse older versions, take it. Both version N and the\nlive version must verify against the keys you trust (the public half of\n--key and any --trusted-key): the server is never trusted to say what\nyou sign. Shows what changes for staff before asking.")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *to <= 0 || *to > engine.MaxVersion || *keyPath == "" || *tokenFile == "" {
		return usageErr("want --to N (1 to %d), --key and --token-file", engine.MaxVersion)
	}
	key, err := readPrivateKey(*keyPath)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	_, own, err := envelope.NewKey(key.Seed)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("signing key %s: %w", *keyPath, err)}
	}
	others, err := readTrustedKeys(keyFiles)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	trusted := append([]envelope.PublicKey{own}, others...)
	c, err := newClient(*serverURL, *channel, *tokenFile)
	if err != nil {
		return usageErr("%v", err)
	}
	// The live release sets the new version number and is what the diff
	// compares with, so it is verified as well: a number taken from the
	// server's word could be any.
	liveData, err := c.latest()
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("fetching the live version: %w", err)}
	}
	live, err := envelope.VerifySignature(liveData, trusted)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("the live version on %s does not verify against the keys you trust, so nothing is signed: %w", *channel, err)}
	}
	oldData, err := c.version(*to)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("fetching version %d: %w", *to, err)}
	}
	old, err := envelope.VerifySignature(oldData, trusted)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("version %d from the server does not verify against the keys you trust, so it is not signed again: %w", *to, err)}
	}
	switch {
	case old.Version != *to:
		return &exitError{code: 1, err: fmt.Errorf("asked for version %d, the server sent version %d: nothing is signed", *to, old.Version)}
	case old.Name != live.Name:
		return &exitError{code: 1, err: fmt.Errorf("version %d is bundle %q but %s serves %q: nothing is signed", *to, old.Name, *channel, live.Name)}
	case *to >= live.Version:
		return &exitError{code: 1, err: fmt.Errorf("version %d is not older than the live version %d: nothing to roll back to", *to, live.Version)}
	case live.Version >= engine.MaxVersion:
		return &exitError{code: 1, err: fmt.Errorf("the live version is %d, the highest a bundle may have: no version is left to sign", live.Version)}
	}
	b := old.Bundle
	b.Version = live.Version + 1
	fmt.Fprintf(stdout, "channel %s now serves %s version %d (issued %s, signed by %s)\n", *channel, live.Name, live.Version, live.Issued, live.KeyID)
	fmt.Fprintf(stdout, "this serves the content of version %d again, as version %d (version %d was issued %s, signed by %s)\n\n", *to, b.Version, *to, old.Issued, old.KeyID)
	was, err := compiledEnvelope(fmt.Sprintf("live version %d", live.Version), &live.Bundle)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	will, err := compiledEnvelope(fmt.Sprintf("version %d", *to), &b)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if err := writeDiff(stdout, was, will, corpora); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if err := confirm(stdin, stdout, *yes, "Roll back?"); err != nil {
		return err
	}
	// Clients refuse a bundle issued before the one in force; a live
	// release from a clock a little ahead of this one must not make the
	// rollback look older.
	issued := time.Now()
	if live.IssuedAt.After(issued) {
		issued = live.IssuedAt
	}
	signed, err := envelope.Sign(&b, key, issued, *ttl)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	rel, err := c.publish(signed, "rollback to "+strconv.FormatInt(*to, 10), stderr)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(stdout, "published %s to %s\n", describe(rel), *channel)
	return nil
}

// playgroundHandler serves the playground page with the module this binary
// runs and the built-in bundle, built as heed build writes it.
func playgroundHandler() (http.Handler, error) {
	module, err := wasm.Module()
	if err != nil {
		return nil, fmt.Errorf("playground: %w", err)
	}
	b, err := loadBundle("")
	if err != nil {
		return nil, fmt.Errorf("playground: %w", err)
	}
	w := jwriter.Writer{}
	b.bundle.MarshalEasyJSON(&w)
	data, err := w.BuildBytes()
	if err != nil {
		return nil, fmt.Errorf("playground: encoding the built-in bundle: %w", err)
	}
	return playground.Handler(module, data), nil
}
