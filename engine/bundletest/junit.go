package bundletest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Suite is the outcome of one bundle's tests, for reports.
type Suite struct {
	Name    string
	Cases   []Case
	Corpora []*Report
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes the suites as JUnit XML, the report CI systems read:
// one test case per rule and one per corpus.
func WriteJUnit(w io.Writer, suites []Suite) error {
	var out junitSuites
	for _, s := range suites {
		js := junitSuite{Name: s.Name}
		var total float64
		for _, c := range s.Cases {
			jc := junitCase{Name: c.Rule, ClassName: s.Name, Time: fmt.Sprintf("%.3f", c.Elapsed.Seconds())}
			total += c.Elapsed.Seconds()
			if c.Failed() {
				var body []string
				for _, f := range c.Failures {
					body = append(body, f.Where+": "+f.Message)
				}
				jc.Failure = &junitFailure{Message: fmt.Sprintf("%d of %d examples failed", len(c.Failures), c.Examples), Body: strings.Join(body, "\n")}
				js.Failures++
			}
			js.Cases = append(js.Cases, jc)
		}
		for _, r := range s.Corpora {
			jc := junitCase{Name: "corpus " + r.Path, ClassName: s.Name, Time: "0.000"}
			if len(r.Failures) > 0 {
				jc.Failure = &junitFailure{Message: strings.Join(r.Failures, "; "), Body: strings.Join(append(r.Errors, r.MismatchLines()...), "\n")}
				js.Failures++
			}
			js.Cases = append(js.Cases, jc)
		}
		js.Tests = len(js.Cases)
		js.Time = fmt.Sprintf("%.3f", total)
		out.Suites = append(out.Suites, js)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
