package scenario

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
)

// JUnit XML, as GitHub Actions, GitLab and Jenkins display it: one test suite of one
// test case per file, failures with where and why.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes results as JUnit XML.
func WriteJUnit(w io.Writer, results []*Result) error {
	suite := junitSuite{Name: "sandbank scenarios"}
	var total float64
	for _, r := range results {
		secs := r.Wall.Seconds()
		total += secs
		name := r.Title
		if name == "" {
			name = r.Path
		}
		c := junitCase{Name: name, Classname: junitClassname(r.Path), File: r.Path, Time: fmt.Sprintf("%.3f", secs)}
		if r.Err == nil || r.Steps > 0 {
			// A file refused, or stopped before a step ran, ran nothing: "0 steps, no
			// virtual time" read as a run of an empty file.
			c.SystemOut = fmt.Sprintf("%s, %s", steps(r.Steps), virtualSpan(r.Virtual))
			if r.Interrupted {
				// The last did not end: "2 steps, 1095d of virtual time" read as two
				// run whole (a QA engineer's trial).
				c.SystemOut = fmt.Sprintf("%s, the last cut short by the stop; %s", steps(r.Steps), virtualSpan(r.Virtual))
			}
		}
		for _, n := range r.Notes {
			c.SystemOut += "\n⚠ " + n
		}
		switch {
		case r.Err != nil:
			kind := "invalid"
			if r.Interrupted {
				kind = "stopped" // by a signal: the file is not what is wrong
			}
			c.Error = &junitFailure{Message: r.Err.Error(), Type: kind, Text: r.Line()}
			var e *Error
			if errors.As(r.Err, &e) {
				c.Line = e.Line
			}
			suite.Errors++
		case r.Failure != nil:
			f := r.Failure
			c.Line = f.Err.Line
			text := r.Line()
			if f.Expected != "" {
				text += fmt.Sprintf("\nexpected: %s\ngot:      %s", f.Expected, f.Got)
			}
			if f.Answer != "" {
				text += "\n\nthe step's last request, and its answer:\n" + f.Answer
			}
			c.Failure = &junitFailure{Message: fmt.Sprintf("step %d (%s): %s", f.Step.N, f.Step.Text, f.Err.Msg), Type: "failed", Text: text}
			suite.Failures++
		case r.Stopped > 0:
			// Passed up to serve:, and the rest never ran: a CI page that showed it
			// green hid most of the file's steps (a QA trial).
			c.Skipped = &junitSkipped{Message: steps(r.Steps) + " up to serve: passed; " + waitingForApp(r.Stopped) + " " + r.Path}
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(results)
	suite.Time = fmt.Sprintf("%.3f", total)
	return writeJUnitSuite(w, suite)
}

// junitClassname is a file's path as its JUnit cases' classname: with slashes,
// without the ./ and ../ it was named from (they say where the command ran, not
// what the file is) and its extension, and with any other dot an underscore:
// Jenkins reads the classname up to its last dot as a package, and
// ../04-rate-limit was a class "/04-rate-limit" of a package "." (a QA
// engineer's trial).
func junitClassname(file string) string {
	p := filepath.ToSlash(filepath.Clean(file))
	for strings.HasPrefix(p, "../") {
		p = p[len("../"):]
	}
	if ext := path.Ext(p); ext == ".yaml" || ext == ".yml" {
		p = strings.TrimSuffix(p, ext)
	}
	return strings.ReplaceAll(p, ".", "_")
}

// writeJUnitSuite writes one suite as a JUnit XML document.
func writeJUnitSuite(w io.Writer, suite junitSuite) error {
	doc := junitSuites{Name: suite.Name, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
