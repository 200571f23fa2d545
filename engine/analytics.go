package engine

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Analytics (GET …/credits, …/debits, …/income, v1 and v2): sums over an account's
// synced transactions, as of its last sync (R1), by calendar month in Lagos time
// (WAT), where the banks keep their books.

// Flow is the money that went one way through an account.
type Flow struct {
	Type    TxType
	Total   int64 // kobo
	Count   int
	History []MonthFlow // every month of the synced history, oldest first; months without any count too
}

// MonthFlow is a month of a Flow.
type MonthFlow struct {
	Month  time.Time // the first instant of the month, WAT
	Amount int64
	Count  int
}

// Income is what an account earns: credits that recur month after month (a salary,
// a pension, an allowance) are its regular income; everything else that comes in
// is irregular.
type Income struct {
	// Months is how many calendar months the synced history spans: from the month
	// of the oldest synced transaction to the month of the last sync. The averages
	// divide by it (kobo, rounded down).
	Months                  int
	From, To                time.Time // the first and last instants the history covers
	Total                   int64     // all credits
	Regular                 int64     // the regular streams' credits
	MonthlyAverage          int64     // Total / Months
	MonthlyAverageRegular   int64     // Regular / Months
	MonthlyAverageIrregular int64     // (Total - Regular) / Months
	Streams                 []IncomeStream
}

// IncomeStream is one regular source of income: credits whose narrations name the
// same payer, in at least RegularMonths months and in at least half of the months
// from its first to its last.
type IncomeStream struct {
	Source         string // the narration without dates and numbers: "SALARY - ACME LTD"
	Total          int64
	Count          int
	Months         int // months it paid in
	MonthlyAverage int64
	First, Last    time.Time
}

// RegularMonths is how many months a source must pay in to count as regular income.
const RegularMonths = 3

// Flow sums an account's synced debits or credits.
func (e *Engine) Flow(ctx context.Context, accountID string, typ TxType) (Flow, error) {
	if err := typ.Validate(); err != nil {
		return Flow{}, err
	}
	txs, a, oldest, err := e.history(ctx, accountID, typ)
	if err != nil {
		return Flow{}, err
	}
	// As income: before the first successful sync there is no history to sum,
	// and zeros read as an account with no money moving (a v2 trial).
	if err := e.NoDataYet(a, string(typ)+"s"); err != nil {
		return Flow{}, err
	}
	f := Flow{Type: typ, History: []MonthFlow{}}
	// Every month of the account's history, those without any of typ too: an
	// account with credits and no debit listed no month of debits.
	first, last := historySpan(txs, a, oldest)
	if first.IsZero() {
		return f, nil
	}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		f.History = append(f.History, MonthFlow{Month: m})
	}
	for _, t := range txs {
		i := monthsBetween(first, monthOf(t.Date))
		f.History[i].Amount += t.Amount
		f.History[i].Count++
		f.Total += t.Amount
		f.Count++
	}
	return f, nil
}

// Income estimates an account's income from its synced credits.
func (e *Engine) Income(ctx context.Context, accountID string) (Income, error) {
	txs, a, _, err := e.history(ctx, accountID, Credit)
	if err != nil {
		return Income{}, err
	}
	if err := e.NoDataYet(a, "income"); err != nil {
		return Income{}, err
	}
	in := Income{Streams: []IncomeStream{}}
	var first, last time.Time
	if len(txs) > 0 { // the months from the first credit
		first, last = historySpan(txs, a, txs[0].Date)
	}
	if first.IsZero() {
		// No credits: the period is the last sync's instant, not two empty strings.
		in.From, in.To = a.LastSyncedAt, a.LastSyncedAt
		return in, nil
	}
	in.Months = monthsBetween(first, last) + 1
	in.From, in.To = txs[0].Date, a.LastSyncedAt
	bySource := map[string][]Transaction{}
	var sources []string
	for _, t := range txs {
		in.Total += t.Amount
		k := IncomeSource(t.Narration)
		if bySource[k] == nil {
			sources = append(sources, k)
		}
		bySource[k] = append(bySource[k], t)
	}
	for _, k := range sources {
		s, ok := regularStream(k, bySource[k])
		if !ok {
			continue
		}
		in.Streams = append(in.Streams, s)
		in.Regular += s.Total
	}
	slices.SortStableFunc(in.Streams, func(x, y IncomeStream) int { // the biggest first
		switch {
		case x.Total != y.Total:
			if x.Total > y.Total {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Source, y.Source)
	})
	n := int64(in.Months)
	in.MonthlyAverage, in.MonthlyAverageRegular, in.MonthlyAverageIrregular = in.Total/n, in.Regular/n, (in.Total-in.Regular)/n
	return in, nil
}

// CategoryIncome is the category of the credits a bank files as income: salaries,
// pensions, allowances, a business's takings, interest (the simulated bank's).
const CategoryIncome = "income"

// regularStream reports whether a source's credits (oldest first) recur as an
// income does.
func regularStream(source string, txs []Transaction) (IncomeStream, bool) {
	s := IncomeStream{Source: source, First: txs[0].Date, Last: txs[len(txs)-1].Date}
	var prev time.Time
	for _, t := range txs {
		s.Total += t.Amount
		s.Count++
		if m := monthOf(t.Date); !m.Equal(prev) {
			s.Months++
			prev = m
		}
	}
	span := monthsBetween(monthOf(s.First), monthOf(s.Last)) + 1
	if s.Months < RegularMonths || 2*s.Months < span {
		return s, false
	}
	// And it pays as an income does: credits the bank files as income — not a
	// friend's transfers — about once a month, most of them (three in four) of
	// about the same amount, half to twice their median: a bonus month or interest
	// on a moving balance stay regular. A trader's 48 customers who each paid
	// often were 48 regular streams, all of the trader's takings "regular", and a
	// friend's four transfers one (a data analyst's trial).
	amounts := make([]int64, 0, len(txs))
	for _, t := range txs {
		if t.Category != CategoryIncome {
			return s, false
		}
		amounts = append(amounts, t.Amount)
	}
	if s.Count > s.Months+s.Months/2 {
		return s, false
	}
	slices.Sort(amounts)
	median, near := amounts[len(amounts)/2], 0
	for _, v := range amounts {
		if 2*v >= median && v <= 2*median {
			near++
		}
	}
	if 4*near < 3*len(amounts) {
		return s, false
	}
	s.MonthlyAverage = s.Total / int64(s.Months)
	return s, true
}

// IncomeSource is a narration without what changes from one payment to the next —
// digits, month names — upper case, spaces collapsed: "SALARY AUG 2021 - ACME LTD"
// and "SALARY SEP 2021 - ACME LTD" are both "SALARY - ACME LTD".
func IncomeSource(narration string) string {
	words := strings.FieldsFunc(strings.ToUpper(narration), unicode.IsSpace)
	out := words[:0]
	for _, w := range words {
		w = strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return -1
			}
			return r
		}, w)
		if w == "" || monthWords[strings.Trim(w, ".,/-")] {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

var monthWords = func() map[string]bool {
	m := map[string]bool{"SEPT": true}
	for i := time.January; i <= time.December; i++ {
		name := strings.ToUpper(i.String())
		m[name], m[name[:3]] = true, true
	}
	return m
}()

// history reads a linked account's synced transactions of one type, oldest first,
// and the date of its oldest transaction of any type (zero: it has none).
func (e *Engine) history(ctx context.Context, accountID string, typ TxType) ([]Transaction, Account, time.Time, error) {
	var txs []Transaction
	var a Account
	var oldest time.Time
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if a, err = linkedAccount(tx, accountID); err != nil {
			return err
		}
		p, err := tx.Transactions(TxQuery{AccountID: accountID, Type: typ, Page: 1})
		if err != nil {
			return err
		}
		txs = p.Transactions
		n, err := tx.TransactionCount(accountID)
		if err != nil || n == 0 {
			return err
		}
		// Newest first: the last page of one is the oldest.
		first, err := tx.Transactions(TxQuery{AccountID: accountID, Limit: 1, Page: int(n)})
		if err == nil && len(first.Transactions) == 1 {
			oldest = first.Transactions[0].Date
		}
		return err
	})
	slices.Reverse(txs)
	return txs, a, oldest, err
}

// historySpan is the first and last month an account's synced history covers:
// from its oldest transaction (oldest, of any type) to its last sync, or to the
// newest of txs if later; zero if it has no transactions.
func historySpan(txs []Transaction, a Account, oldest time.Time) (first, last time.Time) {
	if oldest.IsZero() {
		return time.Time{}, time.Time{}
	}
	first, last = monthOf(oldest), monthOf(a.LastSyncedAt)
	if len(txs) == 0 {
		return first, last
	}
	if l := monthOf(txs[len(txs)-1].Date); l.After(last) {
		last = l
	}
	return first, last
}

// monthOf is the first instant of t's calendar month in WAT.
func monthOf(t time.Time) time.Time {
	y, m, _ := t.In(WAT).Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, WAT)
}

// monthsBetween counts whole months from month a to month b (both monthOf).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// NoDataYet refuses to show what of an account only a successful sync brings
// (its identity, its income) before it has had one: its first sync failed (an
// outage at the connect), or still runs. It answered 200 with every field of the
// identity an empty string, dates too, and an income over a period from "" to ""
// (a v2 developer's trial). nil once the account has synced. It asks the bank
// whether it is down: never inside a transaction of the store's (noDataYetAfter).
func (e *Engine) NoDataYet(a Account, what string) error {
	if !a.LastSyncedAt.IsZero() {
		return nil
	}
	why := "its first sync has not finished"
	if a.LastCode != "" && a.LastCode != CodeSyncSuccessful {
		why = "its first sync failed (" + a.LastCode + ": " + a.LastMessage + ")"
	}
	sync := "sync it (v1: POST /accounts/" + a.ID + "/sync; v2: a read of its balance with the header x-realtime: true), then ask again"
	if until := e.bank.OutageUntil(a.Institution.Code); !until.IsZero() {
		// A sync now fails on the outage, and v2's spends the account's 5-minute
		// real-time window on a failed job: the advice to sync, during an outage,
		// did just that (a v2 developer's trial).
		sync = a.Institution.Name + " is down until " + TimeText(until) + ": once it is back, " + sync +
			" (a sync before then fails, and a real-time read spends the account's 5-minute window on the failed job)"
	}
	return Errorf(ECONFLICT, "account %s has no %s yet: it comes with the account's first successful sync, and %s; %s",
		a.ID, what, why, sync).WithReason("DATA_NOT_AVAILABLE")
}
