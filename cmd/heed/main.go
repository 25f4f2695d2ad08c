// Command heed checks social media drafts against an employer's policy
// rules, and builds, tests and lints the rule bundles.
//
//	heed check [flags] [TEXT]     check a draft (or JSON Lines with --jsonl)
//	heed test [PATH...]           run every rule's examples and corpora
//	heed lint [PATH...]           report problems in bundle sources
//	heed build [SRC] -o FILE      build a source folder into bundle JSON
//	heed keygen, sign, verify     signing keys and signed bundles
//
// Exit status: 0 when all is well, 1 when findings reach --fail-on or tests
// fail, 2 when the input or the command line is wrong.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `heed checks social media drafts against your employer's policy.

Usage:
  heed check [flags] [TEXT]    check a draft from TEXT or standard input
  heed test [PATH...]          run each bundle's rule examples and corpora
  heed lint [PATH...]          report problems in bundle sources
  heed build [SRC] -o FILE     build a bundle source folder into bundle JSON
  heed keygen -o NAME          make a signing key pair, NAME.key and NAME.pub
  heed sign --key K FILE -o S  sign a built bundle into an envelope
  heed verify --trusted-key P S  check a signed bundle's signature and expiry
  heed serve                   serve signed bundles to extensions (bundle server)
  heed publish SIGNED          publish a signed bundle to a server's channel
  heed rollback --to N         serve version N's content again as a new version
  heed diff OLD NEW            what changes for staff between two bundles

Run "heed COMMAND -h" for a command's flags. With no bundle given, heed uses
the built-in default bundle.
`

// exitError carries an exit status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// usageErr is an error in how heed was called: exit status 2.
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmds := map[string]func([]string, io.Reader, io.Writer, io.Writer) error{
		"check":    cmdCheck,
		"test":     cmdTest,
		"lint":     cmdLint,
		"build":    cmdBuild,
		"keygen":   cmdKeygen,
		"sign":     cmdSign,
		"verify":   cmdVerify,
		"serve":    cmdServe,
		"publish":  cmdPublish,
		"rollback": cmdRollback,
		"diff":     cmdDiff,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "heed: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(args[1:], stdin, stdout, stderr)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "heed %s: %v\n", args[0], ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "heed %s: %v\n", args[0], err)
	return 2
}

// parseInterspersed parses flags that may come before or after positional
// arguments, as in "heed build SRC -o FILE".
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &exitError{code: 2}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
