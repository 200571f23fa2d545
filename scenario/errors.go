package scenario

import (
	"fmt"
	"sort"
	"strings"

	"sandbank/api"
)

// Error is a scenario file's error at a place in it: "file:line:col: message". A file
// that is wrong is refused with one before anything runs; a run's failures point at
// the step or the expectation that failed.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, api.ClipWords(e.Msg, maxWord))
}

// maxWord is the longest word of a message said whole: a 100,000-character
// unknown key was repeated in full, a line of 100 KB (a bad-input trial). Paths
// and suggestions are shorter.
const maxWord = 400

// Errors are several refusals of one file, in order: each customer and step is
// checked, so a file's mistakes are said together. As a list of errors it unwraps
// to each, so errors.As finds the first *Error.
type Errors []*Error

func (l Errors) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives the refusals to errors.Is and errors.As.
func (l Errors) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// posError is an Error before the file's name is known.
type posError struct {
	pos pos
	msg string
}

func (e *posError) Error() string { return fmt.Sprintf("%d:%d: %s", e.pos.line, e.pos.col, e.msg) }

func errAt(p pos, format string, args ...any) *posError {
	return &posError{pos: p, msg: fmt.Sprintf(format, args...)}
}

// inFile names the file of a posError.
func inFile(file string, err error) error {
	if pe, ok := err.(*posError); ok {
		return &Error{File: file, Line: pe.pos.line, Col: pe.pos.col, Msg: pe.msg}
	}
	return err
}

// didYouMean suggests the closest of choices to got, or "" if none is close.
func didYouMean(got string, choices []string) string {
	best, bestD := "", 1<<30
	lg := strings.ToLower(got)
	for _, c := range choices {
		d := distance(lg, strings.ToLower(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	// A third of the word; rounded up only where the two begin alike ("narative"
	// is narration), which let "present" suggest absent and "Union Bank" Zenith
	// Bank (a review); a word of four letters or fewer that begins otherwise one
	// letter off ("nmae" is name, "abc" no UBA).
	limit := max(2, len(got)/3)
	if p := min(3, len(best)); len(lg) >= p && strings.EqualFold(lg[:p], best[:p]) {
		limit = max(2, (len(got)+2)/3)
	}
	if len(got) <= 4 && (lg == "" || best == "" || !strings.EqualFold(lg[:1], best[:1])) {
		limit = 1
	}
	if strings.Trim(got, "0123456789") == "" {
		// A number — a bank's code — one digit off: "999" is not 559 mistyped
		// (a Go developer's trial).
		limit = 1
	}
	if best == "" || bestD > limit {
		return ""
	}
	return best
}

// unknown says that got is not one of choices, suggesting the closest.
func unknown(what, got string, choices []string) string {
	sorted := append([]string(nil), choices...)
	sort.Strings(sorted)
	msg := fmt.Sprintf("unknown %s %q", what, got)
	if s := didYouMean(got, choices); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(sorted) == 0 {
		return msg + "; there is none to use"
	}
	return msg + "; use one of " + strings.Join(sorted, ", ")
}

// distance is the edit distance of a and b: letters added, dropped, changed or
// two side by side swapped (optimal string alignment).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Two letters swapped are one edit ("ysnc" is sync, "nmae" name), as a
	// typist makes them: three rows, for the swap's look two back.
	back := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], back[j-2]+1)
			}
		}
		back, prev, cur = prev, cur, back
	}
	return prev[len(rb)]
}
