package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"sandbank/engine"
)

// Pages of transactions — v1's and v2's pages, statements — are written by hand
// instead of through encoding/json's reflection: they produce the same bytes
// encoding/json gives (FuzzAppendJSON checks), in a pooled buffer, at a fifth of the
// cost. Everything else goes through encoding/json: measured against it
// (encode_bench_test.go), a hand-written encoder wins only on pages.

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// writeBody answers b, a complete JSON body, with its length.
func writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["X-Content-Type-Options"] = []string{"nosniff"} // < and > are written as they are: never read as HTML
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeAppended answers the JSON that fill appends to a pooled buffer; keep, if
// not nil, sees the whole body before the buffer goes back to the pool.
func writeAppended(w http.ResponseWriter, status int, fill func([]byte) []byte, keep func([]byte)) {
	bp := bufPool.Get().(*[]byte)
	b := append(fill((*bp)[:0]), '\n')
	if keep != nil {
		keep(b)
	}
	writeBody(w, status, b)
	putBuf(bp, b)
}

// putBuf gives a pooled buffer back, grown to b.
func putBuf(bp *[]byte, b []byte) {
	if cap(b) <= 1<<20 { // don't keep a huge paginate=false page alive
		*bp = b[:0]
		bufPool.Put(bp)
	}
}

// appendTx appends t as writeJSON writes a txJSON (encoding/json, no HTML escaping).
func appendTx(b []byte, t *engine.Transaction) []byte {
	b = append(b, `{"_id":`...)
	b = appendString(b, t.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, string(t.Type))
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, t.Amount, 10)
	b = append(b, `,"narration":`...)
	b = appendString(b, t.Narration)
	b = append(b, `,"date":"`...)
	b = appendMonoTime(b, t.Date) // digits, '-', ':', 'T', '.', 'Z': nothing to escape
	b = append(b, `","balance":`...)
	b = strconv.AppendInt(b, t.Balance, 10)
	b = append(b, `,"currency":`...)
	b = appendString(b, t.Currency)
	b = append(b, `,"category":`...)
	b = appendString(b, t.Category)
	return append(b, '}')
}

// appendTxs appends a JSON array of transactions.
func appendTxs(b []byte, txs []engine.Transaction) []byte {
	b = append(b, '[')
	for i := range txs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTx(b, &txs[i])
	}
	return append(b, ']')
}

// appendTxPage appends a page as writeJSON writes a txPageJSON.
func appendTxPage(b []byte, p paging, txs []engine.Transaction) []byte {
	b = append(b, `{"paging":{"total":`...)
	b = strconv.AppendInt(b, p.Total, 10)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(p.Page), 10)
	b = append(b, `,"previous":`...)
	b = appendNullableString(b, p.Previous)
	b = append(b, `,"next":`...)
	b = appendNullableString(b, p.Next)
	b = append(b, `},"data":`...)
	b = appendTxs(b, txs)
	return append(b, '}')
}

// appendV2Tx appends t as writeJSON writes a v2TxJSON.
func appendV2Tx(b []byte, t *engine.Transaction) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, t.ID)
	b = append(b, `,"narration":`...)
	b = appendString(b, t.Narration)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, t.Amount, 10)
	b = append(b, `,"type":`...)
	b = appendString(b, string(t.Type))
	b = append(b, `,"balance":`...)
	b = strconv.AppendInt(b, t.Balance, 10)
	b = append(b, `,"date":"`...)
	b = appendMonoTime(b, t.Date)
	b = append(b, `","category":`...)
	b = appendString(b, t.Category)
	return append(b, '}')
}

// appendV2Page appends the data and meta of a v2 page — `"data":[…],"meta":{…}` —
// as writeJSON writes envelope{Data: []v2TxJSON, Meta: paging}.
func appendV2Page(b []byte, p paging, txs []engine.Transaction) []byte {
	b = append(b, `"data":[`...)
	for i := range txs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendV2Tx(b, &txs[i])
	}
	b = append(b, `],"meta":{"total":`...)
	b = strconv.AppendInt(b, p.Total, 10)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(p.Page), 10)
	b = append(b, `,"previous":`...)
	b = appendNullableString(b, p.Previous)
	b = append(b, `,"next":`...)
	b = appendNullableString(b, p.Next)
	return append(b, '}')
}

// appendStatement appends a JSON statement as writeJSON writes a statementJSON.
func appendStatement(b []byte, txs []engine.Transaction) []byte {
	b = append(b, `{"meta":{"count":`...)
	b = strconv.AppendInt(b, int64(len(txs)), 10)
	b = append(b, `},"data":`...)
	b = appendTxs(b, txs)
	return append(b, '}')
}

// appendMonoTime appends t.UTC().Format(monoTime), without Format's generality.
func appendMonoTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, monoTime)
	}
	h, mi, sec := t.Clock()
	ms := t.Nanosecond() / 1e6 // Format truncates
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

func appendNullableString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string exactly as encoding/json writes it with
// SetEscapeHTML(false), as writeJSON does: control characters, U+2028 and U+2029
// escaped, invalid UTF-8 as U+FFFD; <, > and & as they are (an answer is JSON, not
// HTML: a URL's & stays &).
// plain marks the ASCII bytes encoding/json writes as they are (it escapes control
// characters, quote and backslash): one load per byte instead of three comparisons.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := byte(0x20); c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// allPlain reports whether the 8 bytes of s are all plain, with a few word
// operations instead of eight table loads. It may say no to plain bytes (the
// caller then looks byte by byte), never yes to one that needs escaping.
func allPlain(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	hasZero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	special := x&highs | // non-ASCII
		(x-ones*0x20)&^x&highs | // a control character (below 0x20)
		hasZero(x^(ones*'"')) | hasZero(x^(ones*'\\'))
	return special == 0
}

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && allPlain(s[i:i+8]) { // most text: eight bytes a step
			i += 8
			continue
		}
		if c := s[i]; c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
