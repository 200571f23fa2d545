package store

// Transactions of an account are rows keyed by position: the row at pos p is the
// account's (p+1)-th oldest transaction. Each row's header counts the debits before
// it, and the account's kindTxStats record keeps its totals, so:
//   - a date bound is a binary search over positions (O(log n) point reads);
//   - the number of matches of a date range, with or without a type, is a difference
//     of two kept counts;
//   - page N (newest first) starts at a position computed from N, one Seek away.
// Only a narration filter scans, and only the rows inside the date range.

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

func (t *tx) AddTransactions(accountID string, txs []engine.Transaction) (added int, err error) {
	defer t.guard(&err)
	if err := checkAccountID(accountID); err != nil {
		return 0, err
	}
	for _, x := range txs {
		if err := validateTx(x); err != nil {
			return 0, err
		}
	}
	if len(txs) == 0 {
		return 0, nil
	}
	acct := acctKey(accountID)
	per := t.bucket(bucketPerAccount)
	statsKey, rowsPrefix := kindKey(acct, kindTxStats), kindKey(acct, kindTxRow)
	st, err := readStats(per, statsKey)
	if err != nil {
		return 0, err
	}

	// Keys and values must live until commit: carve them from one allocation, sized
	// for the usual case (fresh transactions appended as rows).
	size := 0
	for i := range txs {
		x := &txs[i]
		size += len(rowsPrefix) + 8 + txRowHeader + 2 + 8 + 4*binary.MaxVarintLen64 +
			len(x.ID) + len(x.Narration) + len(x.Currency) + len(x.Category)
	}
	buf := arena{b: make([]byte, 0, size)}
	type newTx struct {
		date uint64
		x    *engine.Transaction
	}
	// A bank's ID names one transaction, at one date (sandbank's bank writes the
	// date into the ID), so an ID is looked for only among the rows of its date: a
	// sync's transactions dated after the latest row — nearly all — are new without
	// a read, and the store keeps no index of IDs.
	fresh := make([]newTx, 0, len(txs))
	var seen map[string]bool // IDs of txs so far, when there are many
	if len(txs) > 16 {
		seen = make(map[string]bool, len(txs))
	}
	r := rowReader{b: per, prefix: rowsPrefix, st: st}
	for i := range txs {
		x := &txs[i]
		date := timeKey(x.Date)
		if seen != nil {
			if seen[x.ID] {
				continue
			}
			seen[x.ID] = true
		} else if slices.ContainsFunc(fresh, func(f newTx) bool { return f.x.ID == x.ID }) {
			continue
		}
		if st.count > 0 && date <= st.lastDate {
			stored, err := r.holds(date, x.ID)
			if err != nil {
				return 0, err
			}
			if stored {
				continue
			}
		}
		fresh = append(fresh, newTx{date, x})
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	byDate := func(a, b newTx) int { return cmp.Compare(a.date, b.date) }
	if !slices.IsSortedFunc(fresh, byDate) {
		slices.SortStableFunc(fresh, byDate)
	}

	if st.count == 0 || fresh[0].date >= st.lastDate {
		// The usual case: a sync brings transactions no older than what is stored.
		for _, f := range fresh {
			k := buf.alloc(len(rowsPrefix) + 8)
			binary.BigEndian.PutUint64(k[copy(k, rowsPrefix):], st.count)
			b := txFields[string]{typ: typeByte(f.x.Type), date: f.date, amount: f.x.Amount, balance: f.x.Balance,
				id: f.x.ID, narration: f.x.Narration, currency: f.x.Currency, category: f.x.Category}
			v := appendTxRow(buf.alloc(rowSize(b))[:0], st.debits, b)
			if err := per.Put(k, v); err != nil {
				return 0, err
			}
			st.add(b.typ, b.date)
		}
	} else {
		bodies := make([]txBody, len(fresh))
		for i, f := range fresh {
			bodies[i] = newTxBody(*f.x)
		}
		if err := insertOlder(per, rowsPrefix, &st, bodies); err != nil {
			return 0, err
		}
	}
	return len(fresh), per.Put(statsKey, st.encode())
}

// arena hands out pieces of a few large allocations, for the many small keys and
// values bbolt holds on to until commit.
type arena struct{ b []byte }

func (a *arena) alloc(n int) []byte {
	if cap(a.b)-len(a.b) < n {
		a.b = make([]byte, 0, max(n, 4<<10))
	}
	s := a.b[len(a.b) : len(a.b)+n : len(a.b)+n]
	a.b = a.b[:len(a.b)+n]
	return s
}

func validateTx(x engine.Transaction) error {
	switch {
	case x.ID == "":
		return engine.Invalid("id", "transaction ID is empty")
	case x.Date.IsZero() || !inNanoRange(x.Date):
		return engine.Invalid("date", "transaction %s has no date, or one outside 1678–2262", x.ID)
	}
	return x.Type.Validate()
}

// insertOlder merges fresh (sorted by date) into an account whose latest row is
// newer than fresh[0]: rows from the first one dated after fresh[0] are rewritten
// one position later per inserted row, with their debit counts redone.
func insertOlder(per *bolt.Bucket, prefix []byte, st *txStats, fresh []txBody) error {
	r := rowReader{b: per, prefix: prefix, st: *st}
	p, err := r.search(0, st.count, func(h rowHeadT) bool { return h.date > fresh[0].date })
	if err != nil {
		return err
	}
	d, err := r.debitsBefore(p)
	if err != nil {
		return err
	}
	tail := make([]txBody, 0, min(st.count-p, 1<<16)) // the count is read from the file: don't trust it with memory
	c := per.Cursor()
	for k, v := c.Seek(seqKey(prefix, p)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		_, b, err := decodeTxRow(bytes.Clone(v))
		if err != nil {
			return rowErr(k, err)
		}
		tail = append(tail, b)
	}
	if uint64(len(tail)) != st.count-p {
		return r.mismatch(p + uint64(len(tail)))
	}
	// Merge, stored rows first among equal dates: they were there before.
	merged := make([]txBody, 0, len(tail)+len(fresh))
	i, j := 0, 0
	for i < len(tail) || j < len(fresh) {
		if j == len(fresh) || (i < len(tail) && tail[i].date <= fresh[j].date) {
			merged = append(merged, tail[i])
			i++
		} else {
			merged = append(merged, fresh[j])
			j++
		}
	}
	for n, b := range merged {
		if err := per.Put(seqKey(prefix, p+uint64(n)), encodeTxRow(d, b)); err != nil {
			return err
		}
		if b.typ == typDebit {
			d++
		}
	}
	for _, b := range fresh {
		st.add(b.typ, b.date)
	}
	return nil
}

func readStats(per *bolt.Bucket, key []byte) (txStats, error) {
	v := per.Get(key)
	if v == nil {
		return txStats{}, nil
	}
	st, err := decodeTxStats(v)
	if err != nil && len(key) > 0 && int(key[0]) < len(key) {
		err = fmt.Errorf("account %s, transaction counts: %w", key[1:1+key[0]], err)
	}
	return st, err
}

// rowErr names the row a decode failed on, from its key: the account and the
// row's position (a damaged file's 503 said only "transaction row is truncated").
func rowErr(k []byte, err error) error {
	if len(k) < 10 || 1+int(k[0])+1+8 > len(k) {
		return err
	}
	return fmt.Errorf("account %s, transaction row %d: %w", k[1:1+k[0]], binary.BigEndian.Uint64(k[len(k)-8:]), err)
}

func (t *tx) TransactionCount(accountID string) (n int64, err error) {
	defer t.guard(&err)
	st, err := readStats(t.bucket(bucketPerAccount), acctKind(accountID, kindTxStats))
	return int64(st.count), err
}

func (t *tx) Transactions(q engine.TxQuery) (page engine.TxPage, err error) {
	defer t.guard(&err)
	if q.Type != "" {
		if err := q.Type.Validate(); err != nil {
			return page, err
		}
	}
	if q.Limit < 0 {
		return page, engine.Invalid("limit", "limit %d is negative", q.Limit)
	}
	if q.Page < 0 {
		return page, engine.Invalid("page", "page %d is negative; pages start at 1", q.Page)
	}
	q.Page = max(q.Page, 1)
	page = engine.TxPage{Page: q.Page, Limit: q.Limit, Transactions: []engine.Transaction{}}
	if len(q.AccountID) > maxIDLen {
		return page, nil
	}
	per := t.bucket(bucketPerAccount)
	st, err := readStats(per, acctKind(q.AccountID, kindTxStats))
	if err != nil || st.count == 0 {
		return page, err
	}
	r := rowReader{b: per, prefix: acctKind(q.AccountID, kindTxRow), accountID: q.AccountID, st: st}

	// [lo, hi): the positions inside the date range.
	lo, hi := uint64(0), st.count
	if !q.From.IsZero() {
		from := timeKey(q.From)
		if lo, err = r.search(0, st.count, func(h rowHeadT) bool { return h.date >= from }); err != nil {
			return page, err
		}
	}
	if !q.To.IsZero() && timeKey(q.To) < st.lastDate {
		to := timeKey(q.To)
		if hi, err = r.search(lo, st.count, func(h rowHeadT) bool { return h.date > to }); err != nil {
			return page, err
		}
	}
	if lo >= hi {
		return page, nil
	}
	skip := uint64(q.Page-1) * uint64(q.Limit)
	if q.Page > 1 && skip/uint64(q.Page-1) != uint64(q.Limit) {
		return page, nil // overflow: far past the last page
	}

	switch {
	case q.Narration != "":
		return r.scan(page, lo, hi, q, skip)
	case q.Type == "":
		page.Total = int64(hi - lo)
		if skip >= hi-lo {
			return page, nil
		}
		top := hi - 1 - skip
		want := top - lo + 1
		if q.Limit > 0 {
			want = min(want, uint64(q.Limit))
		}
		page.Transactions, err = r.collect(top, want, nil)
		return page, err
	default:
		typ := typDebit
		if q.Type == engine.Credit {
			typ = typCredit
		}
		below, err := r.countBefore(typ, lo)
		if err != nil {
			return page, err
		}
		upto, err := r.countBefore(typ, hi)
		if err != nil {
			return page, err
		}
		page.Total = int64(upto - below)
		if skip >= upto-below {
			return page, nil
		}
		rank := upto - 1 - skip // of the newest row of the page, among rows of typ
		want := rank - below + 1
		if q.Limit > 0 {
			want = min(want, uint64(q.Limit))
		}
		// The row of that rank: the first whose count-through exceeds it.
		top, err := r.search(lo, hi, func(h rowHeadT) bool { return h.through(typ) > rank })
		if err != nil {
			return page, err
		}
		page.Transactions, err = r.collect(top, want, &typ)
		return page, err
	}
}

// rowReader reads one account's rows.
type rowReader struct {
	b         *bolt.Bucket // per_account
	prefix    []byte       // acct | kindTxRow
	accountID string
	st        txStats
}

func (r rowReader) mismatch(pos uint64) error {
	return damagef("store: transactions of account %q disagree with their kept count %d (at position %d)",
		r.prefix[1:len(r.prefix)-1], r.st.count, pos)
}

// rowHeadT is what a search looks at.
type rowHeadT struct {
	pos          uint64
	debitsBefore uint64
	typ          byte
	date         uint64
}

// through counts rows of typ up to and including this one.
func (h rowHeadT) through(typ byte) uint64 {
	n := h.debitsBefore
	if typ == typCredit {
		n = h.pos - h.debitsBefore
	}
	if h.typ == typ {
		n++
	}
	return n
}

func (r rowReader) head(pos uint64) (rowHeadT, error) {
	v := r.b.Get(seqKey(r.prefix, pos))
	if v == nil {
		return rowHeadT{}, r.mismatch(pos)
	}
	d, typ, date, err := rowHead(v)
	if err != nil {
		err = rowErr(seqKey(r.prefix, pos), err)
	}
	return rowHeadT{pos: pos, debitsBefore: d, typ: typ, date: date}, err
}

// search returns the first position in [lo, hi) whose head satisfies ok (hi if
// none); ok must be false then true along positions.
func (r rowReader) search(lo, hi uint64, ok func(rowHeadT) bool) (uint64, error) {
	for lo < hi {
		mid := lo + (hi-lo)/2
		h, err := r.head(mid)
		if err != nil {
			return 0, err
		}
		if ok(h) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}

// holds reports whether a row of the given date has the given ID.
func (r rowReader) holds(date uint64, id string) (bool, error) {
	p, err := r.search(0, r.st.count, func(h rowHeadT) bool { return h.date >= date })
	if err != nil {
		return false, err
	}
	c := r.b.Cursor()
	for k, v := c.Seek(seqKey(r.prefix, p)); k != nil && bytes.HasPrefix(k, r.prefix); k, v = c.Next() {
		_, b, err := decodeTxRow(v)
		if err != nil {
			return false, rowErr(k, err)
		}
		if b.date != date {
			return false, nil
		}
		if string(b.id) == id {
			return true, nil
		}
	}
	return false, nil
}

func (r rowReader) debitsBefore(pos uint64) (uint64, error) {
	if pos >= r.st.count {
		return r.st.debits, nil
	}
	h, err := r.head(pos)
	return h.debitsBefore, err
}

// countBefore counts the rows of typ at positions below pos.
func (r rowReader) countBefore(typ byte, pos uint64) (uint64, error) {
	d, err := r.debitsBefore(pos)
	if typ == typCredit {
		return min(pos, r.st.count) - d, err
	}
	return d, err
}

// collect reads want rows from top downwards, only those of *typ if typ is set.
func (r rowReader) collect(top, want uint64, typ *byte) ([]engine.Transaction, error) {
	rows := make([][]byte, 0, min(want, 1<<10))
	c := r.b.Cursor()
	pos := top
	for k, v := c.Seek(seqKey(r.prefix, top)); k != nil && bytes.HasPrefix(k, r.prefix) && uint64(len(rows)) < want; k, v = c.Prev() {
		if !r.at(k, pos) {
			return nil, r.mismatch(pos)
		}
		pos--
		_, t, _, err := rowHead(v)
		if err != nil {
			return nil, rowErr(k, err)
		}
		if typ == nil || t == *typ {
			rows = append(rows, v)
		}
	}
	if uint64(len(rows)) != want {
		return nil, r.mismatch(top)
	}
	return pageOf(r.accountID, rows)
}

// at reports whether k is the key of the row at pos. A row missing inside a range
// was stepped over by the walk, which took the next row below it — one dated
// before the range's start, answered with no word of the damage (a review).
func (r rowReader) at(k []byte, pos uint64) bool {
	return len(k) == len(r.prefix)+8 && binary.BigEndian.Uint64(k[len(r.prefix):]) == pos
}

// scan pages through the rows in [lo, hi), newest first, that match the type and
// narration filters, counting all of them.
func (r rowReader) scan(page engine.TxPage, lo, hi uint64, q engine.TxQuery, skip uint64) (engine.TxPage, error) {
	needle := strings.ToLower(q.Narration)
	needleASCII := isASCII([]byte(needle))
	typ := byte(0xff)
	switch q.Type {
	case engine.Debit:
		typ = typDebit
	case engine.Credit:
		typ = typCredit
	}
	c := r.b.Cursor()
	n := hi - lo
	for k, v := c.Seek(seqKey(r.prefix, hi-1)); k != nil && bytes.HasPrefix(k, r.prefix) && n > 0; k, v = c.Prev() {
		if !r.at(k, lo+n-1) {
			return page, r.mismatch(lo + n - 1)
		}
		n--
		_, b, err := decodeTxRow(v)
		if err != nil {
			return page, rowErr(k, err)
		}
		if (typ != 0xff && b.typ != typ) || !containsFold(b.narration, needle, needleASCII) {
			continue
		}
		if uint64(page.Total) >= skip && (q.Limit == 0 || len(page.Transactions) < q.Limit) {
			page.Transactions = append(page.Transactions, b.transaction(r.accountID))
		}
		page.Total++
	}
	if n > 0 { // rows missing below the last found: as collect, damage
		return page, r.mismatch(lo + n - 1)
	}
	return page, nil
}

// containsFold reports whether strings.ToLower(s) contains lowerNeedle, without
// allocating when both are ASCII.
func containsFold(s []byte, lowerNeedle string, needleASCII bool) bool {
	if !needleASCII || !isASCII(s) {
		return strings.Contains(strings.ToLower(string(s)), lowerNeedle)
	}
	n := len(lowerNeedle)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerNeedle[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

func isASCII(s []byte) bool {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
