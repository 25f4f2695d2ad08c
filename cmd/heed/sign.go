package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"

	"github.com/heed-dev/heed/engine/envelope"
)

// stringList is a flag that may be repeated.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func cmdKeygen(args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write NAME.key (private, mode 0600) and NAME.pub (public)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed keygen -o NAME\n\nMakes an Ed25519 signing key pair for bundles.")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("-o NAME is required")
	}
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		return fmt.Errorf("randomness: %w", err)
	}
	priv, pub, err := envelope.NewKey(seed)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		mode os.FileMode
		v    interface{ MarshalEasyJSON(*jwriter.Writer) }
	}{
		{*out + ".key", 0o600, priv},
		{*out + ".pub", 0o644, envelope.KeySet{pub}},
	} {
		w := jwriter.Writer{}
		f.v.MarshalEasyJSON(&w)
		w.RawByte('\n')
		data, _ := w.BuildBytes()
		fh, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode)
		if err != nil {
			return fmt.Errorf("keygen: %w (not overwriting an existing key)", err)
		}
		if _, err := fh.Write(data); err != nil {
			fh.Close()
			return fmt.Errorf("keygen: %w", err)
		}
		if err := fh.Close(); err != nil {
			return fmt.Errorf("keygen: %w", err)
		}
	}
	fmt.Fprintf(stderr, "key %s: private %s.key, public %s.pub\n", pub.KeyID, *out, *out)
	return nil
}

func cmdSign(args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "the private key file (from heed keygen)")
	out := fs.String("o", "", "write the signed envelope here")
	ttl := fs.Duration("ttl", 30*24*time.Hour, "how long the signed bundle stays valid; clients refuse it after (a frozen bundle)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed sign --key NAME.key FILE -o SIGNED\n\nSigns a built bundle (heed build) into an envelope that extensions verify.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *keyPath == "" || *out == "" || len(pos) != 1 {
		return usageErr("want --key NAME.key, one bundle FILE and -o SIGNED")
	}
	key, err := readPrivateKey(*keyPath)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	b, err := loadBundle(pos[0])
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	data, err := envelope.Sign(b.bundle, key, time.Now(), *ttl)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if err := writeFileAtomic(*out, append(data, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "signed %s version %d with key %s, valid for %s -> %s\n", b.bundle.Name, b.bundle.Version, key.KeyID, *ttl, *out)
	return nil
}

func cmdVerify(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var keys stringList
	fs.Var(&keys, "trusted-key", "a public key file (NAME.pub) to trust; repeat for several")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed verify --trusted-key NAME.pub SIGNED\n\nChecks a signed bundle's signature and expiry, as extensions do.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("give one signed bundle")
	}
	trusted, err := readTrustedKeys(keys)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	v, err := envelope.Verify(data, trusted, time.Now())
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s: %w", pos[0], err)}
	}
	fmt.Fprintf(stdout, "%s: %s version %d, signed by %s, issued %s, expires %s, sha256 %s\n", pos[0], v.Name, v.Version, v.KeyID, v.Issued, v.Expires, v.Digest)
	return nil
}

func readPrivateKey(path string) (envelope.PrivateKey, error) {
	var k envelope.PrivateKey
	data, err := os.ReadFile(path)
	if err != nil {
		return k, fmt.Errorf("signing key: %w", err)
	}
	lx := jlexer.Lexer{Data: data}
	k.UnmarshalEasyJSON(&lx)
	if err := lx.Error(); err != nil {
		return k, fmt.Errorf("signing key %s: %w", path, err)
	}
	return k, nil
}

// readTrustedKeys reads public key files; each holds a list of keys.
func readTrustedKeys(paths []string) ([]envelope.PublicKey, error) {
	var out []envelope.PublicKey
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("trusted key: %w", err)
		}
		var ks envelope.KeySet
		lx := jlexer.Lexer{Data: data}
		ks.UnmarshalEasyJSON(&lx)
		if err := lx.Error(); err != nil {
			return nil, fmt.Errorf("trusted key %s: %w", p, err)
		}
		out = append(out, ks...)
	}
	if len(paths) > 0 && len(out) == 0 {
		return nil, errors.New("the trusted key files hold no keys")
	}
	return out, nil
}
