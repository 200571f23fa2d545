// Package web holds sandbank's pages for browsers, as assets embedded in the
// binary: the Connect widget's page (/connect), the drop-in connect.js, the example
// business app (/demo) and the HTML error page. It has no handlers and no build
// step: api serves what is here, and the templates read view models api fills from
// the engine's state. Plain HTML and CSS that work before any script arrives; the
// scripts only add the iframe protocol and small touches (MONO-V2.md, "The widget").
package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"io"
	"io/fs"
	"reflect"
	"regexp"
	"strings"
	"time"

	"sandbank/engine"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

//go:embed connect.js
var connectSource string

// Static is the files served under /static/: stylesheets, scripts and images.
var Static fs.FS = mustSub(staticFiles, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// funcs are the templates' helpers: words the pages share with the other faces
// come from engine.
var funcs = template.FuncMap{
	"initials":    Initials,
	"logoClass":   LogoClass,
	"mask":        ReadableMask,
	"maskEnd":     ReadableMaskEnd,
	"naira":       func(kobo int64) string { return "NGN " + engine.Naira(kobo) },
	"accountType": engine.AccountTypeWords,
	"authMethod":  engine.AuthMethodWords,
	"mfaWords":    func(k engine.MFAKind) string { return k.Words() },
	"clock":       func(t time.Time) string { return t.In(engine.WAT).Format("15:04") },
	"upMinute":    UpToTheMinute,
	"day":         func(t time.Time) string { return t.In(engine.WAT).Format("2 Jan 2006") },
	"stamp":       func(t time.Time) string { return t.In(engine.WAT).Format("2 Jan 15:04") },
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	// list is json for a list: none is [], not null (a page's data-events, which
	// its script walks).
	"list": func(v any) (string, error) {
		if rv := reflect.ValueOf(v); !rv.IsValid() || (rv.Kind() == reflect.Slice && rv.IsNil()) {
			return "[]", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	},
	"captcha":   CaptchaSVG,
	"lower":     strings.ToLower,
	"keepWords": KeepWords,
}

// KeepWords is text for a heading, escaped, with each hyphenated word kept on one
// line: at 360 px "Your account is already re-authorised" broke as "re-" and
// "authorised" (a phone trial).
func KeepWords(text string) template.HTML {
	// Words between any white space (a review: a tab or a line break joined
	// its neighbours into one); escaping adds none, and leaves hyphens as they are.
	return template.HTML(nonSpace.ReplaceAllStringFunc(template.HTMLEscapeString(text), func(w string) string {
		if strings.Contains(strings.Trim(w, "-"), "-") {
			return `<span class="nowrap">` + w + `</span>`
		}
		return w
	}))
}

var nonSpace = regexp.MustCompile(`\S+`)

var templates = template.Must(template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/*.html"))

// Render writes the page name (a template file's name without .html) with data.
// It renders into memory first, so a template error never leaves half a page.
func Render(w io.Writer, name string, data any) error {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name+".html", data); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Initials are a bank's two letters for its badge, where no logo is shipped:
// "Access Bank" → "AB", "GTBank" → "GT", "United Bank for Africa" → "UB".
func Initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if len(r) == 0 || strings.EqualFold(w, "of") || strings.EqualFold(w, "for") {
			continue
		}
		out = append(out, r[0])
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 1 {
		if r := []rune(name); len(r) > 1 {
			out = append(out, r[1])
		}
	}
	return strings.ToUpper(string(out))
}

// logoPalette are the badge colours; each keeps white text at 4.5:1 or more.
const logoPalette = 8

// LogoClass is the CSS class of a bank's badge colour, stable per bank code.
func LogoClass(code string) string {
	h := fnv.New32a()
	h.Write([]byte(code))
	return fmt.Sprintf("logo-%d", h.Sum32()%logoPalette)
}

// MaskNumber shows an account number's last four digits: "••••4862".
func MaskNumber(n string) string {
	if len(n) <= 4 {
		return n
	}
	return "••••" + n[len(n)-4:]
}

// ReadableMask is an account number masked (MaskNumber), shown as it is and read
// as "ending 4862": "Savings account ••••4808" was read as bullets, where the
// OTP's masked phone is "the number ending 6226" (an accessibility trial).
func ReadableMask(n string) template.HTML { return ReadableMaskEnd(n, "") }

// ReadableMaskEnd is ReadableMask with the stop that ends its sentence inside
// both spans: after the hidden one, a screen reader read "ending 4808 ." (the
// review; readableMasks does the same for a phone number).
func ReadableMaskEnd(n, stop string) template.HTML {
	if len(n) <= 4 {
		return template.HTML(template.HTMLEscapeString(n + stop))
	}
	return ReadAs(MaskNumber(n)+stop, "ending "+n[len(n)-4:]+stop)
}

// ReadAs is shown, escaped, hidden from screen readers, which read said (escaped)
// in its place: a masked number's bullets or stars were read one by one.
func ReadAs(shown, said string) template.HTML {
	return template.HTML(`<span aria-hidden="true">` + template.HTMLEscapeString(shown) +
		`</span><span class="visually-hidden">` + template.HTMLEscapeString(said) + `</span>`)
}

// CaptchaSVG draws a CAPTCHA's characters as an inline image: tilted glyphs over
// a few lines, drawn with presentation attributes only (the pages' policy allows
// no inline styles). The image carries its text for screen readers: a sandbox
// puts accessibility before keeping robots out.
func CaptchaSVG(chars string) template.HTML {
	chars = strings.ReplaceAll(chars, " ", "")
	h := fnv.New32a()
	h.Write([]byte(chars))
	seed := h.Sum32()
	next := func(n uint32) int { seed = seed*1664525 + 1013904223; return int(seed>>16) % int(n) }
	var b strings.Builder
	w := 40*len(chars) + 24
	fmt.Fprintf(&b, `<svg class="captcha" id="captcha" role="img" aria-label="The characters %s" viewBox="0 0 %d 64" width="%d" height="64" xmlns="http://www.w3.org/2000/svg">`,
		template.HTMLEscapeString(strings.Join(strings.Split(chars, ""), " ")), w, w)
	fmt.Fprintf(&b, `<rect width="%d" height="64" rx="6" fill="#eef1f8"/>`, w)
	for i := 0; i < 4; i++ {
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8a94b8" stroke-width="2"/>`,
			next(uint32(w/3)), 8+next(48), w-next(uint32(w/3)), 8+next(48))
	}
	for i, r := range chars {
		x, y, rot := 22+40*i, 44+next(8), next(31)-15
		fmt.Fprintf(&b, `<text x="%d" y="%d" transform="rotate(%d %d %d)" font-family="monospace" font-size="34" font-weight="700" fill="#1b1f3a">%s</text>`,
			x, y, rot, x, y, template.HTMLEscapeString(string(r)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ConnectScript is the drop-in connect.js as served from origin (the address the
// request came in on, so the widget opens where the script came from): a classic
// script that sets window.Connect (and module.exports under CommonJS), or, with
// module, an ES module whose default export is Connect.
func ConnectScript(origin string, module bool) []byte {
	o, _ := json.Marshal(origin)
	src := strings.Replace(connectSource, `"__SANDBANK_ORIGIN__"`, string(o), 1)
	var b strings.Builder
	if module {
		b.WriteString(src)
		b.WriteString(`
const Connect = createConnect(typeof window !== "undefined" ? window : globalThis);
if (typeof window !== "undefined") window.Connect = Connect;
export default Connect;
`)
		return []byte(b.String())
	}
	b.WriteString("(function () {\n")
	b.WriteString(src)
	b.WriteString(`
var Connect = createConnect(typeof window !== "undefined" ? window : globalThis);
if (typeof module === "object" && module && module.exports) {
  module.exports = Connect;
  module.exports.default = Connect;
}
if (typeof window !== "undefined") window.Connect = Connect;
})();
`)
	return []byte(b.String())
}

// UpToTheMinute is t rounded up to a whole minute, from its millisecond (as the
// API shows times): the time to wait until, said to the minute. "Try again after
// 18:13" of a lock or an outage until 18:13:34 sent the user back to be refused
// again (a review); and a clock moved "to" a time stands at its millisecond's
// last nanosecond, which read a minute late.
func UpToTheMinute(t time.Time) time.Time {
	t = t.Truncate(time.Millisecond)
	if r := t.Truncate(time.Minute); r.Before(t) {
		return r.Add(time.Minute)
	}
	return t
}
