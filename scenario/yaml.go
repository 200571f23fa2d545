package scenario

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// A scenario file is read in two passes: goccy/go-yaml parses the text into its
// syntax tree (refusing syntax errors and duplicate keys with line and column), and
// that tree is copied into the small one below, which keeps every value's position
// so that each refusal of the format can point at the exact place.

// kind is a node's kind.
type kind int

const (
	kScalar kind = iota + 1
	kMap
	kSeq
)

// scalar tags: how YAML typed a plain scalar.
const (
	tagStr   = "str"
	tagInt   = "int"
	tagFloat = "float"
	tagBool  = "bool"
	tagNull  = "null"
)

// pos is a place in a file.
type pos struct{ line, col int }

// node is one YAML value with its position.
type node struct {
	kind  kind
	tag   string // scalars: tagStr, tagInt …
	value string // scalars: the text, unquoted
	pos   pos
	keys  []*node // maps: keys, in order (scalars)
	vals  []*node // maps: values, matching keys
	items []*node // sequences
	// size counts the values this one stands for, aliases written out; written
	// counts those the file writes (an alias one). See maxAliased.
	size, written int
	// text and writtenText count the bytes of the scalars a map or list stands
	// for, and those the file writes; aliased marks a scalar an alias stands for
	// (none of its bytes written). See maxAliasedText.
	text, writtenText int
	aliased           bool
	// implicit marks a null nothing writes — the value of {adam}, or of a key
	// with nothing after it — where null or ~ is written: a body's
	// {adam.username} is a reference left unquoted, {adam.username: null} JSON.
	implicit bool
	flow     bool // a mapping or list written in braces or brackets, {…} […]
	// bare marks a key written alone, plain, with no colon after it: the adam of
	// {adam}, which is what YAML makes of a {reference} left unquoted. {adam: }
	// and {"{adam}"} write a key on purpose, a colon or quotes, where the flags
	// of the value (implicit, flow) are the same as {adam}'s (a review).
	bare bool
}

// maxAliasedText bounds the bytes of text aliases may make a value stand for,
// as maxAliased bounds its values: 9,000 steps of one note, an alias of a
// 500 KB string, passed the check, and a run wrote gigabytes of transcript
// until the disk was full (a bad-input trial).
const maxAliasedText = MaxFileBytes

// textOf is the bytes of text n stands for, and those the file writes.
func textOf(n *node) (text, written int) {
	if n.kind != kScalar {
		return n.text, n.writtenText
	}
	if n.aliased {
		return len(n.value), 0
	}
	return len(n.value), len(n.value)
}

// maxAliased bounds how many values aliases may make a value stand for: an alias
// costs nothing to write and a copy of its anchor to use, so nine levels of
// anchors of nine aliases each — 658 bytes — stood for 387 million values and
// the run grew to 24 GB before the kernel killed it.
const maxAliased = 100_000

// sum sets a map's or list's size from its children's, and refuses one that
// aliases make too large: by what they add to what is written, so that a large
// file with one harmless alias stays fine.
func (n *node) sum(children ...[]*node) error {
	n.size, n.written = 1, 1
	n.text, n.writtenText = 0, 0
	for _, cs := range children {
		for _, c := range cs {
			n.size += max(c.size, 1)
			n.written += max(c.written, 1)
			text, written := textOf(c)
			n.text += text
			n.writtenText += written
		}
	}
	if n.size-n.written > maxAliased {
		return &posError{pos: n.pos, msg: fmt.Sprintf("with its aliases written out, %s here stands for more than %d values: write it out, or use fewer aliases", n.what(), maxAliased)}
	}
	if n.text-n.writtenText > maxAliasedText {
		return &posError{pos: n.pos, msg: fmt.Sprintf("with its aliases written out, %s here stands for more than %d bytes of text: write it out, or use fewer aliases", n.what(), maxAliasedText)}
	}
	return nil
}

func (n *node) what() string {
	switch n.kind {
	case kMap:
		if len(n.keys) == 0 { // "expect: is a mapping …; found a mapping" said nothing
			return "an empty mapping"
		}
		return "a mapping"
	case kSeq:
		if len(n.items) == 0 {
			return "an empty list"
		}
		return "a list"
	}
	if n.tag == tagNull {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.value)
}

// get returns the value of key k of a map, or nil.
func (n *node) get(k string) *node {
	for i, key := range n.keys {
		if key.value == k {
			return n.vals[i]
		}
	}
	return nil
}

// parseYAML reads one YAML document into a node tree; a key given twice in a
// mapping is an error (the first).
func parseYAML(src []byte) (*node, error) {
	n, dups, err := parseYAMLDups(src)
	if err == nil && len(dups) > 0 {
		return nil, dups[0]
	}
	return n, err
}

// parseYAMLDups reads one YAML document into a node tree, and says every key given
// twice in a mapping beside it (each a mistake of its own, said with the file's
// others: the library stopped at the first), keeping the first of each.
func parseYAMLDups(src []byte) (_ *node, dups []*posError, err error) {
	defer func() { // the last line of defence: a hostile file never crashes sandbank
		if v := recover(); v != nil {
			err = &posError{pos: pos{1, 1}, msg: fmt.Sprintf("YAML: the file could not be read (%v)", v)}
		}
	}()
	// The library's parser takes memory quadratic in how deeply brackets nest — a
	// file of 200 KB, [[[…]]] 100,000 deep, took 15 GB and 54 s to be refused by
	// the depth check below (a security review) — and its lexer is linear: the
	// tokens are counted first.
	tokens := lexer.Tokenize(string(src))
	depth := 0
	for _, tk := range tokens {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			if depth++; depth > maxDepth {
				return nil, nil, &posError{pos: tokenPos(tk), msg: fmt.Sprintf("nested more than %d levels deep", maxDepth)}
			}
		case token.SequenceEndType, token.MappingEndType:
			depth = max(depth-1, 0)
		}
	}
	f, err := parser.Parse(tokens, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil, nil, yamlError(err)
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, nil, &posError{pos: pos{1, 1}, msg: "the file is empty: a scenario needs at least `scenario:` and `steps:`"}
	}
	if len(f.Docs) > 1 {
		return nil, nil, &posError{pos: tokenPos(safeToken(f.Docs[1])), msg: "a scenario file holds one YAML document: remove the second `---`"}
	}
	c := &converter{anchors: map[string]*node{}}
	n, err := c.convert(f.Docs[0].Body, 0)
	return n, c.dups, err
}

// safeToken is n's token, or nil where the library keeps none (GetToken of some
// nodes of odd documents dereferences nil; a hostile file must not crash sandbank).
func safeToken(n ast.Node) (tk *token.Token) {
	defer func() {
		if recover() != nil {
			tk = nil
		}
	}()
	if n == nil {
		return nil
	}
	return n.GetToken()
}

// yamlError turns the library's error into one with a position.
func yamlError(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := ye.GetMessage()
		switch {
		case strings.Contains(msg, "duplicate") || strings.Contains(msg, "already defined"):
			msg += ": each key may appear once in a mapping"
		case strings.Contains(msg, "found character '\\t'") || strings.Contains(msg, "found character '\t'") || strings.Contains(msg, "found a tab character"):
			msg = "a tab indents this line: YAML indents with spaces only; replace the tab with spaces (your editor can show tabs)"
		case strings.Contains(msg, "not allowed in this context") || strings.Contains(msg, "unexpected key") || strings.Contains(msg, "could not find"):
			msg += ": check the indentation of this line and the next (a step's fields line up under its first word), and quote values that hold \": \""
		}
		if open := unclosedFlow(ye.GetToken()); open != nil && strings.Contains(msg, "must be specified") {
			return &posError{pos: tokenPos(open), msg: unclosedMsg(open)}
		}
		if plain := indentationMsg(msg, ye.GetToken()); plain != "" {
			return &posError{pos: tokenPos(ye.GetToken()), msg: "YAML: " + plain}
		}
		return &posError{pos: tokenPos(ye.GetToken()), msg: "YAML: " + msg}
	}
	return &posError{pos: pos{1, 1}, msg: "YAML: " + err.Error()}
}

// unclosedFlow is the `{` or `[` that tk, where the library stopped, is inside of
// and that nothing after closes, or nil. The library says "',' or '}' must be
// specified" at the first token after an unclosed `{` — often on the next line —
// while the mistake is the `{`; a closed one keeps the library's place, as there
// a comma is missing.
func unclosedFlow(tk *token.Token) *token.Token {
	if tk == nil {
		return nil
	}
	var open *token.Token
	for t, depth := tk.Prev, 0; t != nil && open == nil; t = t.Prev {
		switch t.Type {
		case token.MappingEndType, token.SequenceEndType:
			depth++
		case token.MappingStartType, token.SequenceStartType:
			if depth == 0 {
				open = t
			}
			depth--
		}
	}
	if open == nil {
		return nil
	}
	for t, depth := tk, 0; t != nil; t = t.Next {
		switch t.Type {
		case token.MappingStartType, token.SequenceStartType:
			depth++
		case token.MappingEndType, token.SequenceEndType:
			if depth == 0 {
				if closes(open, t) {
					return nil
				}
				return open // a `]` where the `{` wants its `}`
			}
			depth--
		}
	}
	return open
}

// indentationMsg says in plain words the library's two indentation errors whose
// own words ("non-map value is specified", "map key-value is pre-defined") tell a
// reader nothing, naming the key above that the line is read against; "" for others.
func indentationMsg(msg string, tk *token.Token) string {
	if tk == nil || tk.Position == nil {
		return ""
	}
	col := tk.Position.Column
	switch {
	case strings.Contains(msg, "non-map value is specified"): // at the column of a mapping's keys, not a key
		key := keyBefore(tk, func(c int) bool { return c == col })
		if key == nil {
			return ""
		}
		if tk.Type != token.SequenceEntryType {
			return fmt.Sprintf("%q stands where a key of the mapping goes (it lines up with `%s:` on line %d) but is not a `key: value`: add the colon, or move it onto the line above if it goes on from there",
				tk.Value, key.Value, key.Position.Line)
		}
		msg := fmt.Sprintf("this list item lines up with `%s:` on line %d, a key that has its value already, so it belongs to nothing", key.Value, key.Position.Line)
		for t := tk.Prev; t != nil; t = t.Prev {
			if t.Type == token.SequenceEntryType && t.Position != nil && t.Position.Column < col {
				return msg + fmt.Sprintf(": for a new item of the list, line its `-` up with the one on line %d (column %d)", t.Position.Line, t.Position.Column)
			}
		}
		return msg + ": move it to the column of the list it belongs to"
	case strings.Contains(msg, "map key-value is pre-defined"): // deeper than a key whose value is given
		key := keyBefore(tk, func(c int) bool { return c < col })
		if key == nil {
			return ""
		}
		return fmt.Sprintf("this line is indented further than `%s:` on line %d, which has its value already: line it up with `%s:` (column %d) for a field of the same mapping, or quote a value that goes on over lines",
			key.Value, key.Position.Line, key.Value, key.Position.Column)
	}
	return ""
}

// keyBefore is the nearest mapping key on a line above tk whose column suits.
func keyBefore(tk *token.Token, suits func(col int) bool) *token.Token {
	for t := tk.Prev; t != nil; t = t.Prev {
		if t.Position == nil || t.Position.Line >= tk.Position.Line || t.Next == nil || t.Next.Type != token.MappingValueType {
			continue
		}
		if suits(t.Position.Column) {
			return t
		}
	}
	return nil
}

func closes(open, end *token.Token) bool {
	return open.Type == token.MappingStartType && end.Type == token.MappingEndType ||
		open.Type == token.SequenceStartType && end.Type == token.SequenceEndType
}

func unclosedMsg(open *token.Token) string {
	if open.Type == token.SequenceStartType {
		return "YAML: this `[` is never closed: end the list with `]` after its last item"
	}
	return "YAML: this `{` is never closed: end the mapping with `}` after its last field"
}

func tokenValue(n ast.Node) string {
	if tk := safeToken(n); tk != nil {
		return tk.Value
	}
	return ""
}

func tokenPos(tk *token.Token) pos {
	if tk == nil || tk.Position == nil {
		return pos{1, 1}
	}
	return pos{tk.Position.Line, tk.Position.Column}
}

// maxDepth bounds nesting, so that a hostile file cannot exhaust the stack.
const maxDepth = 64

// converter builds the node tree: the anchors defined so far, and the keys found
// given twice.
type converter struct {
	anchors map[string]*node
	dups    []*posError
}

func (c *converter) convert(n ast.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &posError{pos: tokenPos(safeToken(n)), msg: fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	p := tokenPos(safeToken(n))
	switch v := n.(type) {
	case *ast.DocumentNode:
		return c.convert(v.Body, depth+1)
	case *ast.MappingNode:
		out := &node{kind: kMap, pos: p, flow: v.IsFlowStyle}
		if len(v.Values) > 0 && !v.IsFlowStyle { // a block mapping is where its first key is
			out.pos = tokenPos(safeToken(v.Values[0].Key))
		}
		for _, mv := range v.Values {
			if err := c.addPair(out, mv, depth); err != nil {
				return nil, err
			}
		}
		return out, out.sum(out.keys, out.vals)
	case *ast.MappingValueNode:
		out := &node{kind: kMap, pos: tokenPos(safeToken(v.Key))}
		if err := c.addPair(out, v, depth); err != nil {
			return nil, err
		}
		return out, out.sum(out.keys, out.vals)
	case *ast.SequenceNode:
		out := &node{kind: kSeq, pos: p, flow: v.IsFlowStyle}
		for _, it := range v.Values {
			item, err := c.convert(it, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, item)
		}
		return out, out.sum(out.items)
	case *ast.AnchorNode:
		val, err := c.convert(v.Value, depth+1)
		if err != nil {
			return nil, err
		}
		c.anchors[v.Name.String()] = val
		return val, nil
	case *ast.AliasNode:
		name := v.Value.String()
		val := c.anchors[name]
		if val == nil {
			return nil, &posError{pos: p, msg: fmt.Sprintf("unknown alias *%s: define the anchor &%s before it", name, name)}
		}
		alias := *val // the same value, written once: the lists and maps it goes into count it again
		if val.kind == kScalar {
			alias.aliased = true
			return &alias, nil
		}
		alias.written, alias.writtenText = 1, 0
		return &alias, nil
	case *ast.TagNode:
		return c.convert(v.Value, depth+1)
	case *ast.LiteralNode:
		return &node{kind: kScalar, tag: tagStr, value: v.Value.Value, pos: p}, nil
	case *ast.StringNode:
		return &node{kind: kScalar, tag: tagStr, value: v.Value, pos: p}, nil
	case *ast.IntegerNode:
		return &node{kind: kScalar, tag: tagInt, value: tokenValue(v), pos: p}, nil
	case *ast.FloatNode:
		return &node{kind: kScalar, tag: tagFloat, value: tokenValue(v), pos: p}, nil
	case *ast.InfinityNode, *ast.NanNode:
		return &node{kind: kScalar, tag: tagFloat, value: tokenValue(n), pos: p}, nil
	case *ast.BoolNode:
		return &node{kind: kScalar, tag: tagBool, value: fmt.Sprint(v.Value), pos: p}, nil
	case *ast.NullNode:
		tk := safeToken(v)
		return &node{kind: kScalar, tag: tagNull, value: "", pos: p, implicit: tk == nil || tk.Type == token.ImplicitNullType}, nil
	case nil:
		return &node{kind: kScalar, tag: tagNull, pos: p, implicit: true}, nil
	}
	return nil, &posError{pos: p, msg: fmt.Sprintf("a %s is not supported in a scenario file", n.Type())}
}

func (c *converter) addPair(out *node, mv *ast.MappingValueNode, depth int) error {
	if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
		return &posError{pos: tokenPos(mv.Key.GetToken()), msg: "merge keys (<<) are not supported in a scenario file: write the fields out"}
	}
	k, err := c.convert(mv.Key, depth+1)
	if err != nil {
		return err
	}
	if k.kind != kScalar {
		return &posError{pos: k.pos, msg: "a key is a plain word, not " + k.what()}
	}
	val, err := c.convert(mv.Value, depth+1)
	if err != nil {
		return err
	}
	if val.tag == tagNull && mv.Value == nil {
		val.pos = k.pos
	}
	// No colon: the pair starts at its key, not at the colon. Plain: a quoted
	// key's token is its quote.
	if tk := safeToken(mv.Key); tk != nil && mv.Start == tk && tk.Type == token.StringType && val.tag == tagNull && val.implicit {
		k.bare = true
	}
	for _, prev := range out.keys {
		if prev.value == k.value {
			c.dups = append(c.dups, &posError{pos: k.pos, msg: fmt.Sprintf("%s: is given twice (first at line %d, column %d): each key may appear once in a mapping; keep one", k.value, prev.pos.line, prev.pos.col)})
			return nil // the first counts
		}
	}
	out.keys = append(out.keys, k)
	out.vals = append(out.vals, val)
	return nil
}
