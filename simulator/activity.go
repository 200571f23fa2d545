package simulator

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"sandbank/engine"
)

// Activity: each account's transactions are a pure function of (seed, account,
// day) plus the explicit events posted to it. For each bank day a PRNG seeded with
// hash(seed, account, day) draws the day's candidate events (their times, kinds and
// amounts do not depend on the balance); they are then applied in time order,
// merged with the day's explicit events, to the opening balance of the day: a
// debit the account cannot cover is shrunk or skipped, so an account that cannot
// overdraw never goes below zero. Observing the bank never changes it, and an
// explicit event at time T changes nothing before T.
//
// Fast path: candidates and transactions are small structs with narrations as
// indices into the world's string table; engine.Transaction is built only at the
// Bank interface. Each account keeps the opening balance of every day it has
// generated (checkpoints), so a range is generated from its first day, not from
// the start of history; an explicit event truncates the checkpoints after its day.

// Spending profiles.
const (
	ProfileSalaryEarner = "salary_earner"
	ProfileTrader       = "trader"
	ProfileStudent      = "student"
	ProfileBusiness     = "business"
	ProfilePensioner    = "pensioner"
	ProfileFreelancer   = "freelancer"
	ProfileDormant      = "dormant" // no activity of its own: only explicit events
)

// Profiles lists the spending profiles.
var Profiles = []string{ProfileSalaryEarner, ProfileTrader, ProfileStudent, ProfileBusiness,
	ProfilePensioner, ProfileFreelancer, ProfileDormant}

// spend kinds, in the order of profileSpec.weights.
const (
	skFood = iota
	skShop
	skTransport
	skFun
	skAirtime
	skData
	skATM
	skTransfer
	nSpend
)

// Relative size of the scaled spend kinds, in thousandths of the account's spend unit.
var spendRange = [nSpend][2]int64{
	skFood: {500, 2500}, skShop: {1000, 6000}, skTransport: {400, 2000}, skFun: {800, 4000},
	skATM: {2000, 8000}, skTransfer: {2000, 14000},
}

// Monthly lumps.
const (
	lumpNone = iota
	lumpSalary
	lumpPension
	lumpAllowance
	monthPayroll // narrations that name a month but are not lumps
	monthSMS
)

type profileSpec struct {
	name          string
	debitRate     float64 // mean debits per weekday
	weekendFactor float64
	weights       [nSpend]int
	inRate        float64 // inbound transfers per day they happen on
	inWeekdays    uint8   // bit i: inbound transfers happen on weekday i (0 = Sunday)
	inMin, inMax  int64   // naira, before the account's scale
	lump          int
	lumpMin       int64 // naira
	lumpMax       int64
	tvShare       float64 // share of accounts with a TV subscription
	payroll       bool    // pays staff on the 27th
	active        bool

	expDebit   [2]float64 // e^-λ for weekdays, weekends
	expIn      float64
	weightSum  int
	inDaysFrac float64
}

const allDays = 0x7f

var profileSpecs = map[string]*profileSpec{
	ProfileSalaryEarner: {debitRate: 2.4, weekendFactor: 1.3, weights: [nSpend]int{250, 180, 170, 60, 110, 60, 70, 100},
		inRate: 0.12, inWeekdays: allDays, inMin: 2000, inMax: 40000, lump: lumpSalary, lumpMin: 120000, lumpMax: 1200000, tvShare: 0.7},
	ProfileTrader: {debitRate: 2.6, weekendFactor: 0.8, weights: [nSpend]int{150, 80, 120, 20, 100, 40, 140, 350},
		inRate: 2.5, inWeekdays: 0x7e, inMin: 3000, inMax: 60000, tvShare: 0.6},
	ProfileStudent: {debitRate: 1.7, weekendFactor: 1.2, weights: [nSpend]int{330, 100, 150, 80, 150, 120, 40, 30},
		inRate: 0.08, inWeekdays: allDays, inMin: 2000, inMax: 15000, lump: lumpAllowance, lumpMin: 25000, lumpMax: 120000, tvShare: 0.2},
	ProfileBusiness: {debitRate: 3, weekendFactor: 0.4, weights: [nSpend]int{60, 100, 80, 10, 40, 40, 50, 620},
		inRate: 4, inWeekdays: 0x3e, inMin: 20000, inMax: 600000, tvShare: 0.5, payroll: true},
	ProfilePensioner: {debitRate: 0.9, weekendFactor: 0.8, weights: [nSpend]int{250, 250, 100, 10, 150, 20, 200, 70},
		inRate: 0.05, inWeekdays: allDays, inMin: 5000, inMax: 50000, lump: lumpPension, lumpMin: 40000, lumpMax: 300000, tvShare: 0.8},
	ProfileFreelancer: {debitRate: 1.8, weekendFactor: 1.2, weights: [nSpend]int{250, 200, 150, 100, 80, 100, 40, 80},
		inRate: 0.12, inWeekdays: allDays, inMin: 40000, inMax: 500000, tvShare: 0.6},
	ProfileDormant: {},
}

func init() {
	for name, p := range profileSpecs {
		p.name = name
		p.active = name != ProfileDormant
		p.expDebit = [2]float64{math.Exp(-p.debitRate), math.Exp(-p.debitRate * p.weekendFactor)}
		p.expIn = math.Exp(-p.inRate)
		for _, w := range p.weights {
			p.weightSum += w
		}
		days := 0
		for i := 0; i < 7; i++ {
			if p.inWeekdays&(1<<i) != 0 {
				days++
			}
		}
		p.inDaysFrac = float64(days) / 7
	}
}

// prng is a PCG reseeded for every account-day.
type prng struct{ p rand.PCG }

func (r *prng) seed(a, b uint64) { r.p.Seed(a, b) }

// n returns a number in [0, n), n > 0 (Lemire's multiply-shift; the bias is
// negligible for the small n used here).
func (r *prng) n(n int) int { return int((r.p.Uint64() >> 32) * uint64(n) >> 32) }

// f returns a float in [0, 1).
func (r *prng) f() float64 { return float64(r.p.Uint64()>>11) / (1 << 53) }

// between returns a number in [lo, hi].
func (r *prng) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(r.p.Uint64()%uint64(hi-lo+1))
}

// poisson draws a Poisson number given e^-λ (Knuth; λ is small here).
func (r *prng) poisson(expNeg float64) int {
	k, p := 0, r.f()
	for p > expNeg && k < 64 {
		k++
		p *= r.f()
	}
	return k
}

// Candidate flags.
const (
	fCredit   uint8 = 1 << iota
	fShrink         // a debit that may be reduced to what the account can pay
	fLevy           // a credit that attracts the electronic money transfer levy
	fNIP            // a debit transfer that attracts the NIP fee and VAT
	fInterest       // month-end interest on savings, computed from the balance
	fATMFee         // a withdrawal at another bank's ATM, which pays its fee (version 5)
)

// cand is a candidate event of a day, before the balance is applied.
type cand struct {
	amount int64 // kobo
	narr   int32
	sec    int32 // second of the day
	k      uint16
	flags  uint8
	unit   int32 // kobo: a shrunk debit is a multiple of it
}

// Transaction flags.
const (
	txCredit   uint8 = 1
	txExplicit uint8 = 2
)

// tx is a transaction in compact form.
type tx struct {
	at      int64 // Unix ns
	amount  int64 // kobo, > 0
	balance int64 // after this transaction
	narr    int32
	src     uint32 // generated: candidate<<2 | derived fee; explicit: journal record
	flags   uint8
}

// xev is an explicit event posted to an account (PostTransaction).
type xev struct {
	at     int64
	amount int64
	narr   int32
	src    uint32
	credit bool
}

// Fixed amounts, kobo.
const (
	levyAmount   = 5000    // NGN 50 electronic money transfer levy
	levyFloor    = 1000000 // on credits of NGN 10,000 or more
	minDebit     = 10000   // NGN 100: a debit shrunk below it is skipped
	smsFeePerMsg = 400     // NGN 4 per SMS alert
	maxATM       = 4000000 // NGN 40,000 per ATM withdrawal
	atmFeeUnit   = 10000   // NGN 100 at another bank's ATM …
	atmFeePer    = 2000000 // … for each NGN 20,000 or part of it
	kobo         = 100
)

// atmFeeFrom is the bank day of 1 March 2025, from which a withdrawal at another
// bank's ATM pays atmFee (the CBN's circular of February 2025; before it, three
// a month were free, and sandbank charges none then).
var atmFeeFrom = dayOf(time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC).UnixNano())

func nipFee(amount int64) (fee, vat int64) {
	switch {
	case amount <= 5000*kobo:
		return 10 * kobo, 75
	case amount <= 50000*kobo:
		return 25 * kobo, 188
	}
	return 50 * kobo, 375
}

// charges is what a transfer of amount costs besides itself: the NIP fee and its
// VAT, if nip.
func charges(amount int64, nip bool) int64 {
	if !nip {
		return 0
	}
	fee, vat := nipFee(amount)
	return fee + vat
}

// atmFee is what a withdrawal of amount at another bank's ATM costs (version 5).
func atmFee(amount int64) int64 {
	return (amount + atmFeePer - 1) / atmFeePer * atmFeeUnit
}

// genDay appends the transactions of bank day d of a, starting from balance bal,
// and returns them with the closing balance.
func (w *world) genDay(a *account, d int32, bal int64, out []tx) ([]tx, int64) {
	if d < a.openDay {
		return out, bal
	}
	cs := w.cands[:0]
	if a.spec.active {
		cs = w.dayCands(a, d, cs)
		// Insertion sort by time; candidates are few and k keeps ties stable.
		for i := 1; i < len(cs); i++ {
			c := cs[i]
			j := i
			for j > 0 && cs[j-1].sec > c.sec {
				cs[j] = cs[j-1]
				j--
			}
			cs[j] = c
		}
	}
	w.cands = cs
	day0 := dayStart(d)
	xs := a.explicitOn(d)
	i, j := 0, 0
	for i < len(cs) || j < len(xs) {
		// A generated event at the same instant as an explicit one comes first: it
		// may have been observed before the explicit event was posted.
		if j < len(xs) && (i == len(cs) || xs[j].at < day0+int64(cs[i].sec)*nsPerSec) {
			x := &xs[j]
			j++
			f := txExplicit
			if x.credit {
				bal += x.amount
				f |= txCredit
			} else {
				bal -= x.amount
			}
			out = append(out, tx{at: x.at, amount: x.amount, balance: bal, narr: x.narr, src: x.src, flags: f})
			continue
		}
		c := &cs[i]
		i++
		at := day0 + int64(c.sec)*nsPerSec
		if at < a.openAt {
			continue
		}
		src := uint32(c.k) << 2
		if c.flags&fCredit != 0 {
			amt := c.amount
			if c.flags&fInterest != 0 {
				if a.typ != engine.AccountSavings || bal <= 0 {
					continue
				}
				amt = bal / 960 // 1.25% a year, paid monthly
				if amt <= 0 {
					continue
				}
			}
			bal += amt
			out = append(out, tx{at: at, amount: amt, balance: bal, narr: c.narr, src: src, flags: txCredit})
			if c.flags&fInterest != 0 {
				if wht := amt / 10; wht > 0 {
					bal -= wht
					out = append(out, tx{at: at, amount: wht, balance: bal, narr: w.nWHT, src: src | 1})
				}
			} else if c.flags&fLevy != 0 && amt >= levyFloor && bal+a.overdraft >= levyAmount {
				bal -= levyAmount
				out = append(out, tx{at: at, amount: levyAmount, balance: bal, narr: w.nLevy, src: src | 1})
			}
			continue
		}
		amt, avail := c.amount, bal+a.overdraft
		// Version 3: a transfer is made only with its NIP fee and VAT, which the
		// balance must cover as well; up to version 2 the fee was waived when
		// the balance could not pay it (three times in the demo's year).
		if c.flags&fNIP != 0 && w.version >= 4 && w.isOnUs(a, c.narr) {
			c.flags &^= fNIP // version 4: to the same bank, on-us: no NIP fee
		}
		nip := c.flags&fNIP != 0 && w.version >= 3
		if c.flags&fATMFee != 0 {
			// Version 5: no shrinking (an ATM pays out what was asked or nothing),
			// and the fee is paid with it.
			if amt+atmFee(amt) > avail {
				continue
			}
			bal -= amt
			out = append(out, tx{at: at, amount: amt, balance: bal, narr: c.narr, src: src})
			fee := atmFee(amt)
			bal -= fee
			out = append(out, tx{at: at, amount: fee, balance: bal, narr: w.nATMFee, src: src | 1})
			continue
		}
		if amt+charges(amt, nip) > avail {
			if c.flags&fShrink == 0 {
				continue
			}
			amt = avail / int64(c.unit) * int64(c.unit)
			for amt >= minDebit && amt+charges(amt, nip) > avail {
				amt -= int64(c.unit)
			}
			if amt < minDebit {
				continue
			}
		}
		bal -= amt
		out = append(out, tx{at: at, amount: amt, balance: bal, narr: c.narr, src: src})
		if c.flags&fNIP != 0 {
			fee, vat := nipFee(amt)
			if nip || bal+a.overdraft >= fee+vat {
				bal -= fee
				out = append(out, tx{at: at, amount: fee, balance: bal, narr: w.nNIPFee, src: src | 1})
				bal -= vat
				out = append(out, tx{at: at, amount: vat, balance: bal, narr: w.nVAT, src: src | 2})
			}
		}
	}
	return out, bal
}

// dayCands draws the candidate events of a day for an account.
func (w *world) dayCands(a *account, d int32, cs []cand) []cand {
	r := &w.rng
	r.seed(hash3(w.hseed, saltDay, a.key), uint64(uint32(d)))
	p := a.spec
	c := civil(d)
	weekend := 0
	if c.weekday == 0 || c.weekday == 6 {
		weekend = 1
	}
	k := uint16(0)
	add := func(x cand) {
		x.k = k
		k++
		cs = append(cs, x)
	}

	// The monthly lump: salary, pension or allowance.
	if p.lump != lumpNone && c.dom == workday(c, int(a.payday), w.version >= 2) {
		narr := a.nLump
		if narr < 0 {
			narr = w.monthly(p.lump, a.payer, c.monthsAbs)
		}
		add(cand{amount: a.lump, narr: narr, sec: int32(6*3600 + r.n(4*3600)), flags: fCredit | fLevy})
	}
	// Staff salaries of businesses.
	if a.payroll > 0 && c.dom == workday(c, 27, w.version >= 2) {
		add(cand{amount: a.payroll, narr: w.monthly(monthPayroll, 0, c.monthsAbs), sec: int32(10*3600 + r.n(3*3600)),
			flags: fShrink, unit: int32(1000 * kobo)})
	}
	// Inbound transfers, and a trader's cash deposits, which are not electronic:
	// the levy is on electronic receipts only.
	if p.inWeekdays&(1<<c.weekday) != 0 {
		for n := r.poisson(p.expIn); n > 0; n-- {
			amt := r.between(a.inMin, a.inMax) / (10 * kobo) * (10 * kobo)
			narr := a.inGroup.pick(r)
			if a.traderIn != nil { // version 2: the markets of the trader's region
				narr = a.traderIn.pick(r)
			}
			if twin, ok := w.onUs[narr]; ok && w.isOnUs(a, narr) { // version 4: from the same bank, not NIP
				narr = twin
			}
			flags, sec := fCredit|fLevy, int32(8*3600+r.n(12*3600))
			if w.narrCash[narr] && w.version >= 2 {
				// Over the counter: no electronic levy, and in banking hours (deposits
				// came at 19:50, on a Saturday evening).
				flags, sec = fCredit, int32(9*3600)+(sec-8*3600)*7/12
				if w.version >= 6 && isHoliday(c.year, c.month, c.dom) {
					continue // version 6: the branch is closed (deposits came on Boxing Day)
				}
			}
			add(cand{amount: amt, narr: narr, sec: sec, flags: flags})
		}
	}
	// Spending.
	for n := r.poisson(p.expDebit[weekend]); n > 0; n-- {
		x := cand{sec: int32(7*3600 + r.n(15*3600+1800)), flags: fShrink, unit: int32(10 * kobo)}
		kind, pick := 0, r.n(p.weightSum)
		for pick >= p.weights[kind] {
			pick -= p.weights[kind]
			kind++
		}
		switch kind {
		case skAirtime:
			x.amount, x.narr, x.flags = airtimeNaira[r.n(len(airtimeNaira))]*kobo, a.nAirtime, 0
		case skData:
			x.amount, x.narr, x.flags = dataNaira[r.n(len(dataNaira))]*kobo, a.nData, 0
		default:
			rg := spendRange[kind]
			x.amount = a.spendUnit * r.between(rg[0], rg[1]) / 1000
			switch kind {
			case skFood:
				x.narr = w.gFood.pick(r)
			case skShop:
				x.narr = w.gShop.pick(r)
			case skTransport:
				x.narr = w.gTransport.pick(r)
			case skFun:
				x.narr = w.gFun.pick(r)
			case skATM:
				x.narr, x.unit = w.gATM.pick(r), int32(1000*kobo)
			case skTransfer:
				x.narr, x.unit, x.flags = a.outGroup.pick(r), int32(100*kobo), fShrink|fNIP
				if a.ussd && a.outGroup == w.gPeopleOut && r.n(4) == 0 { // version 2: by USSD, to the same person
					x.narr = w.gUSSDOut.lo + (x.narr - w.gPeopleOut.lo)
				}
			}
			if p := a.pools[kind]; p != nil { // version 2: the region's, within its means, at its price
				x.narr = p.pick(r)
				if b, ok := w.bandOfNarr(x.narr); ok {
					// At its price or not at all: a card is declined, not charged
					// what the balance holds (a flight for NGN 1,980).
					x.amount, x.flags = amountIn(b, x.amount, a.spendUnit*rg[1]/1000), x.flags&^fShrink
				}
			}
			if kind == skATM {
				x.amount = min(x.amount, maxATM) // the machine's limit
				if w.version >= 5 && !w.isOwnATM(a, x.narr) {
					// Version 5: a customer goes to the own bank's machine, if
					// the region has one, three times in four.
					if own := a.ownATMs; len(own) > 0 && r.n(4) != 0 {
						x.narr = own[r.n(len(own))]
					} else if d >= atmFeeFrom {
						x.flags |= fATMFee
					}
				}
			}
			x.amount = x.amount / int64(x.unit) * int64(x.unit)
			if kind == skATM && w.version >= 6 && x.amount < int64(x.unit) {
				// Version 6: a machine pays out notes, NGN 1,000 at least; a
				// student's small spending rounded down to nothing made
				// withdrawals of NGN 100 (minDebit), which no ATM pays.
				x.amount = int64(x.unit)
			}
			if x.amount < minDebit {
				x.amount = minDebit
			}
		}
		add(x)
	}
	// Bills.
	if a.tv >= 0 && c.dom == int(a.tvDay) {
		add(cand{amount: dstvPackages[a.tv].naira * kobo, narr: w.gTV.lo + int32(a.tv), sec: int32(9*3600 + r.n(10*3600))})
	}
	if a.elecAmount > 0 && r.n(100) < 10 {
		amt := r.between(a.elecAmount/2, a.elecAmount*3/2) / (500 * kobo) * (500 * kobo)
		add(cand{amount: amt, narr: a.nElec, sec: int32(8*3600 + r.n(12*3600)), flags: fShrink, unit: int32(500 * kobo)})
	}
	if a.subAmount > 0 && c.dom == int(a.subDay) {
		add(cand{amount: a.subAmount, narr: a.nSub, sec: int32(2*3600 + r.n(4*3600))})
	}
	if a.lawma > 0 && c.dom == 6 {
		add(cand{amount: a.lawma, narr: w.nLAWMA, sec: int32(11*3600 + r.n(6*3600))})
	}
	// Month end: SMS alert charges and interest on savings.
	if c.dom == c.dim {
		add(cand{amount: int64(10+r.n(50)) * smsFeePerMsg, narr: w.monthly(monthSMS, 0, c.monthsAbs), sec: 21 * 3600})
		if a.typ == engine.AccountSavings {
			add(cand{narr: w.nInterest, sec: 23*3600 + 59*60, flags: fCredit | fInterest})
		}
	}
	return cs
}

// explicitOn returns the explicit events of day d, in order.
func (a *account) explicitOn(d int32) []xev {
	if len(a.explicit) == 0 {
		return nil
	}
	lo, hi := dayStart(d), dayStart(d+1)
	i := sort.Search(len(a.explicit), func(i int) bool { return a.explicit[i].at >= lo })
	j := i
	for j < len(a.explicit) && a.explicit[j].at < hi {
		j++
	}
	return a.explicit[i:j]
}

// addExplicit records an explicit event and drops the checkpoints it invalidates.
func (a *account) addExplicit(x xev) {
	i := len(a.explicit)
	for i > 0 && a.explicit[i-1].at > x.at { // replayed journals are in order; this is a guard
		i--
	}
	a.explicit = append(a.explicit, xev{})
	copy(a.explicit[i+1:], a.explicit[i:])
	a.explicit[i] = x
	// The opening balance of the event's day stays right; later ones change.
	if keep := int(dayOf(x.at)-a.openDay) + 1; keep >= 1 && len(a.cp) > keep {
		a.cp = a.cp[:keep]
	}
}

// ensureCP makes the opening balance of day d (>= a.openDay) available.
func (w *world) ensureCP(a *account, d int32) {
	want := int(d - a.openDay)
	for len(a.cp) <= want {
		j := len(a.cp) - 1
		var bal int64
		w.scratch, bal = w.genDay(a, a.openDay+int32(j), a.cp[j], w.scratch[:0])
		a.cp = append(a.cp, bal)
	}
}

// between appends a's transactions with from <= at <= to, oldest first.
func (w *world) between(a *account, from, to int64, out []tx) []tx {
	if from < a.openAt {
		from = a.openAt
	}
	if to < from {
		return out
	}
	d0, d1 := dayOf(from), dayOf(to)
	w.ensureCP(a, d0)
	bal := a.cp[d0-a.openDay]
	for d := d0; d <= d1; d++ {
		n := len(out)
		out, bal = w.genDay(a, d, bal, out)
		if int(d+1-a.openDay) == len(a.cp) {
			a.cp = append(a.cp, bal)
		}
		if d == d0 || d == d1 {
			// Trim what falls outside the range on the first and last day.
			k := n
			for _, t := range out[n:] {
				if t.at >= from && t.at <= to {
					out[k] = t
					k++
				}
			}
			out = out[:k]
		}
	}
	return out
}

// balanceAt is a's balance after every transaction at or before t (before the
// account opened: its opening balance).
func (w *world) balanceAt(a *account, t int64) int64 {
	if t < a.openAt {
		return a.opening
	}
	d := dayOf(t)
	w.ensureCP(a, d)
	bal := a.cp[d-a.openDay]
	w.scratch, _ = w.genDay(a, d, bal, w.scratch[:0])
	for _, x := range w.scratch {
		if x.at > t {
			break
		}
		bal = x.balance
	}
	return bal
}

// transaction converts a compact transaction for the Bank interface.
func (w *world) transaction(a *account, t *tx) engine.Transaction {
	var h uint64
	if t.flags&txExplicit != 0 {
		h = hash3(w.hseed^saltTxExplicit, a.key, uint64(t.src))
	} else {
		h = hash3(w.hseed^saltTxGen, a.key, uint64(uint32(dayOf(t.at)))<<32|uint64(t.src))
	}
	typ := engine.Debit
	if t.flags&txCredit != 0 {
		typ = engine.Credit
	}
	return engine.Transaction{
		ID:        objectID(floorDiv(t.at, nsPerSec), h),
		Type:      typ,
		Amount:    t.amount,
		Narration: w.narr[t.narr],
		Date:      time.Unix(0, t.at).UTC(),
		Balance:   t.balance,
		Currency:  "NGN",
		Category:  Categories[w.narrCat[t.narr]],
	}
}
