package scenario

import (
	"bytes"
	"strings"
	"testing"
)

// A JUnit classname has no dot Jenkins would split a package at: the ./ and ../
// a file was named from, its extension and any other dot (a QA engineer's trial:
// ../04-rate-limit.yaml was "../04-rate-limit").
func TestJUnitClassnameHasNoDots(t *testing.T) {
	for file, want := range map[string]string{
		"../04-rate-limit.yaml":             "04-rate-limit",
		"./fixtures/mr-adam.yaml":           "fixtures/mr-adam",
		"../../qa/./broken/../v1.2/x.y.yml": "qa/v1_2/x_y",
		"fixtures/rate-limit.yaml":          "fixtures/rate-limit",
		"/ci/repo/fixtures/unlink.yaml":     "/ci/repo/fixtures/unlink",
	} {
		var b bytes.Buffer
		if err := WriteJUnit(&b, []*Result{{Path: file, Title: "t"}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), ` classname="`+want+`" file="`+file+`"`) {
			t.Errorf("%s: want classname %q in\n%s", file, want, b.String())
		}
	}
}
