package tui

import (
	"context"
	"strings"
	"time"

	"sandbank/engine"
)

// chartSamples is how many points of the balance curve are read: each one is a
// single O(log n) store lookup, whatever the account's size.
const chartSamples = 120

// chartMonths is how many calendar months the money-in/money-out bars cover.
const chartMonths = 6

// chartData is what the overview draws: the balance over the last 12 months of
// stored history and the money in and out of the last months.
type chartData struct {
	from, to time.Time
	balance  []int64
	has      []bool // false before the first stored transaction
	months   []monthFlow
}

type monthFlow struct {
	start           time.Time
	in, out         int64
	nIn, nOut       int64
	partial, capped bool
}

// maxFlowRows caps the credits, and the debits, the bars add up per month: the
// store keeps counts, not sums, so a month is read row by row. Beyond the cap the
// bars show the first ones and say so.
const maxFlowRows = 20_000

// loadChart reads the chart's data up to `to` (the last sync): the balance after
// the latest transaction at each sample time, and each month's credits and debits.
func loadChart(ctx context.Context, eng *engine.Engine, id string, to time.Time) (chartData, error) {
	d := chartData{from: to.AddDate(-1, 0, 0), to: to, balance: make([]int64, chartSamples), has: make([]bool, chartSamples)}
	step := d.to.Sub(d.from) / (chartSamples - 1)
	for i := range chartSamples {
		at := d.from.Add(time.Duration(i) * step)
		if i == chartSamples-1 {
			at = d.to // not a few nanoseconds short of it (step is rounded down): a world's one transaction, made as it was synced, was left out
		}
		p, err := eng.Transactions(ctx, engine.TxQuery{AccountID: id, To: at, Page: 1, Limit: 1})
		if err != nil {
			return d, err
		}
		if len(p.Transactions) > 0 {
			d.balance[i], d.has[i] = p.Transactions[0].Balance, true
		}
	}
	end := to.In(engine.WAT)
	first := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, engine.WAT).AddDate(0, -(chartMonths - 1), 0)
	for m := range chartMonths {
		start := first.AddDate(0, m, 0)
		stop := start.AddDate(0, 1, 0).Add(-time.Nanosecond)
		f := monthFlow{start: start, partial: stop.After(to)}
		if stop.After(to) {
			stop = to
		}
		for _, typ := range []engine.TxType{engine.Credit, engine.Debit} {
			for pg := 1; ; pg++ {
				if err := ctx.Err(); err != nil {
					return d, err
				}
				p, err := eng.Transactions(ctx, engine.TxQuery{AccountID: id, From: start.UTC(), To: stop.UTC(), Type: typ, Page: pg, Limit: engine.MaxPageSize})
				if err != nil {
					return d, err
				}
				var sum int64
				for _, t := range p.Transactions {
					sum += t.Amount
				}
				if typ == engine.Credit {
					f.in += sum
					f.nIn = p.Total
				} else {
					f.out += sum
					f.nOut = p.Total
				}
				if len(p.Transactions) < engine.MaxPageSize {
					break
				}
				if pg*engine.MaxPageSize >= maxFlowRows {
					f.capped = true
					break
				}
			}
		}
		d.months = append(d.months, f)
	}
	return d, nil
}

var blocks = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇"}

// areaChart draws the balance curve in w×h cells with eighth-blocks, the y axis on
// the left and the dates under it.
func areaChart(st Styles, d chartData, w, h int) []string {
	const axis = 9
	pw := w - axis - 1
	if pw < 8 || h < 2 {
		return nil
	}
	vals := make([]int64, pw)
	has := make([]bool, pw)
	lo, hi, any := int64(0), int64(0), false
	for c := range pw {
		i := 0
		if pw > 1 {
			i = c * (len(d.balance) - 1) / (pw - 1)
		}
		vals[c], has[c] = d.balance[i], d.has[i]
	}
	// The axis spans every day's balance, not the days drawn: a column stands
	// for several days, and the labels read "1.0m"/"363.5k" at 120 columns and
	// "890.5k"/"382.4k" at 80 for a year from 319k to 1.05m (a newcomer's trial).
	for i, v := range d.balance {
		if d.has[i] {
			if !any || v < lo {
				lo = v
			}
			if !any || v > hi {
				hi = v
			}
			any = true
		}
	}
	out := make([]string, 0, h+1)
	if !any {
		for r := range h {
			line := strings.Repeat(" ", axis) + "│"
			if r == h/2 {
				line += st.Faint.Render(" no transactions stored yet")
			}
			out = append(out, line)
		}
		return append(out, strings.Repeat(" ", axis)+"└"+rule(pw))
	}
	span := hi - lo
	levels := int64(h * 8)
	// A flat balance (a young account's one deposit, a dormant account's year) is a
	// level at half height, named once beside it: drawn as the lowest of a range, it
	// was a row of ▁ — for an account connected today one ▁ at the right edge —
	// between a top and a bottom label saying the same "80.0k" (a presenter's trial).
	flatAt := h // the row the level tops out on; h: the balance moves
	level := func(v int64) int64 { return (v-lo)*(levels-1)/span + 1 }
	if span == 0 {
		level = func(int64) int64 { return levels / 2 }
		flatAt = h - 1 - int((levels/2-1)/8)
	}
	for r := range h {
		base := int64((h - 1 - r) * 8)
		var b strings.Builder
		for c := range pw {
			if !has[c] {
				b.WriteByte(' ')
				continue
			}
			lv := level(vals[c])
			switch {
			case lv >= base+8:
				b.WriteString("█")
			case lv > base:
				b.WriteString(blocks[lv-base-1])
			default:
				b.WriteByte(' ')
			}
		}
		label := ""
		switch {
		case flatAt < h:
			if r == flatAt {
				label = compactNaira(lo)
			}
		case r == 0:
			label = compactNaira(hi)
		case r == h-1:
			label = compactNaira(lo)
		}
		out = append(out, st.Faint.Render(fitRight(label, axis-1)+" │")+st.Accent.Render(b.String()))
	}
	out = append(out, st.Faint.Render(strings.Repeat(" ", axis)+"└"+rule(pw)))
	left, right := d.from.In(engine.WAT).Format("Jan 2006"), d.to.In(engine.WAT).Format("2 Jan 2006")
	out = append(out, st.Faint.Render(strings.Repeat(" ", axis+1)+spread(left, right, pw)))
	return out
}

// flowBars draws one line per month: money in and money out as bars on one scale.
func flowBars(st Styles, months []monthFlow, w int) []string {
	var top int64
	for _, m := range months {
		top = max(top, m.in, m.out)
	}
	const label, amount = 9, 8
	bw := (w - label - 2*(amount+2)) / 2
	if bw < 4 {
		return nil
	}
	bar := func(v int64) string {
		if top == 0 {
			return strings.Repeat(" ", bw)
		}
		n := int(v * int64(bw*8) / top)
		s := strings.Repeat("█", n/8)
		if r := n % 8; r > 0 {
			s += blocks[r-1]
		}
		return fit(s, bw)
	}
	var out []string
	for _, m := range months {
		name := m.start.Format("Jan 2006")
		if m.partial { // so far: the title says what * means
			name = m.start.Format("Jan 2006") + "*"
		}
		in, spent := "+"+compactNaira(m.in), "-"+compactNaira(m.out)
		if m.in == 0 {
			in = "0" // not "+0.00" beside "+1.1m", nor "-0.00"
		}
		if m.out == 0 {
			spent = "0"
		}
		line := st.Muted.Render(fit(name, label)) +
			st.Credit.Render(bar(m.in)) + " " + st.Credit.Render(fitRight(in, amount)) + "  " +
			st.Debit.Render(bar(m.out)) + " " + st.Debit.Render(fitRight(spent, amount))
		out = append(out, line)
	}
	return out
}
