package simulator

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"sandbank/engine"
)

// testBank is a bank on a clock that moves only when advanced, at cfg.Start.
func testBank(t testing.TB, cfg Config) (*Bank, *Clock) {
	t.Helper()
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	c := stoppedClock(t, cfg.Start)
	b, err := New(cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	return b, c
}

// everything is every account's full history, by number.
func everything(t testing.TB, b *Bank) map[string][]engine.Transaction {
	t.Helper()
	return since(t, b, time.Time{})
}

// since is every account's history from a moment on, by number.
func since(t testing.TB, b *Bank, from time.Time) map[string][]engine.Transaction {
	t.Helper()
	out := map[string][]engine.Transaction{}
	for _, c := range b.Customers() {
		for _, a := range c.Accounts {
			txs, err := b.History(a.Number, from, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			out[a.Number] = txs
		}
	}
	return out
}

func TestWorldsFromOneSeedAreIdentical(t *testing.T) {
	a, _ := testBank(t, Config{Seed: 42, Customers: 40})
	b, _ := testBank(t, Config{Seed: 42, Customers: 40})
	if !reflect.DeepEqual(a.Customers(), b.Customers()) {
		t.Fatal("two worlds from one seed have different customers")
	}
	ha, hb := everything(t, a), everything(t, b)
	if !reflect.DeepEqual(ha, hb) {
		t.Fatal("two worlds from one seed have different transactions")
	}
	n := 0
	for _, txs := range ha {
		n += len(txs)
	}
	if n < 40*300 {
		t.Fatalf("only %d transactions in 13 months for 40 customers", n)
	}
	// Another seed is another world.
	c, _ := testBank(t, Config{Seed: 43, Customers: 40})
	if reflect.DeepEqual(a.Customers()[1], c.Customers()[1]) {
		t.Fatal("seeds 42 and 43 made the same customer")
	}
	// A bigger world starts with the same customers.
	d, _ := testBank(t, Config{Seed: 42, Customers: 60})
	if !reflect.DeepEqual(a.Customers(), d.Customers()[:40]) {
		t.Fatal("a 60-customer world does not start with the 40-customer one")
	}
}

func TestSameQueryTwiceIsIdentical(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 5})
	num := b.Customers()[0].Accounts[0].Number
	first, _ := b.History(num, time.Time{}, time.Time{})
	_ = clk.Advance(3 * 24 * time.Hour)
	again, _ := b.History(num, time.Time{}, clk.Now().Add(-3*24*time.Hour))
	if !reflect.DeepEqual(first, again) {
		t.Fatal("the same range fetched twice differs")
	}
	ids := map[string]bool{}
	for _, tx := range first {
		if len(tx.ID) != 24 || ids[tx.ID] {
			t.Fatalf("bad or repeated ID %q", tx.ID)
		}
		ids[tx.ID] = true
	}
}

// Property: observing the bank at any moments (balances, histories, statements)
// never changes what it holds later; the same explicit events at the same times
// give the same data whether or not anyone looked in between.
func TestObservingNeverChangesLaterData(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Int64().Draw(rt, "seed")
		cfg := Config{Seed: seed, Customers: 6, Start: DefaultStart}
		watched, wclk := testBank(t, cfg)
		alone, aclk := testBank(t, cfg)
		custs := watched.Customers()
		steps := rapid.IntRange(1, 12).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			d := time.Duration(rapid.Int64Range(1, 3*24*3600).Draw(rt, "advance")) * time.Second
			if err := wclk.Advance(d); err != nil {
				rt.Fatal(err)
			}
			_ = aclk.Advance(d)
			// Look, in the watched world only.
			c := custs[rapid.IntRange(0, len(custs)-1).Draw(rt, "who")]
			num := c.Accounts[0].Number
			if _, err := watched.LiveBalance(num); err != nil {
				rt.Fatal(err)
			}
			from := wclk.Now().Add(-time.Duration(rapid.Int64Range(0, 40*24).Draw(rt, "back")) * time.Hour)
			if _, err := watched.History(num, from, time.Time{}); err != nil {
				rt.Fatal(err)
			}
			_ = watched.Customers()
			// Sometimes the customer spends or receives money: in both worlds.
			if rapid.Bool().Draw(rt, "post") {
				p := Posting{Account: num, Type: engine.Credit, Amount: rapid.Int64Range(1, 5_000_000).Draw(rt, "amount")}
				if rapid.Bool().Draw(rt, "debit") {
					p.Type = engine.Debit
				}
				_, err1 := watched.PostTransaction(c.ID, p)
				_, err2 := alone.PostTransaction(c.ID, p)
				if engine.ErrorCode(err1) != engine.ErrorCode(err2) {
					rt.Fatalf("the same posting: %v and %v", err1, err2)
				}
			}
		}
		// Before the start nothing could differ: compare from a day earlier on.
		from := cfg.Start.Add(-24 * time.Hour)
		if !reflect.DeepEqual(since(t, watched, from), since(t, alone, from)) {
			rt.Fatal("observing the bank changed its data")
		}
	})
}

// The balance identity: for every account over its whole history (13 months
// before the start, then a simulated year after it),
// the previous balance plus a credit or minus a debit is the balance after it;
// accounts that cannot overdraw never go below zero; amounts are positive; dates
// ascend; statements add up.
func TestBalanceIdentity(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 11, Customers: 120})
	start := b.HistoryStart()
	if months := clk.Now().Sub(start).Hours() / 24 / 30.4; months < 12.9 {
		t.Fatalf("history covers %.1f months", months)
	}
	checkBalances(t, b)
	if err := clk.Advance(365 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	checkBalances(t, b)
}

// checkBalances checks the balance identity of every account over its whole history.
func checkBalances(t *testing.T, b *Bank) {
	t.Helper()
	start, now := b.HistoryStart(), b.clock.Now()
	cats := map[string]bool{}
	for _, c := range Categories {
		cats[c] = true
	}
	for _, c := range b.Customers() {
		for _, a := range c.Accounts {
			acc := b.w.byNumber[a.Number]
			txs, _ := b.History(a.Number, time.Time{}, time.Time{})
			bal := acc.opening
			for i, tx := range txs {
				switch tx.Type {
				case engine.Credit:
					bal += tx.Amount
				case engine.Debit:
					bal -= tx.Amount
				default:
					t.Fatalf("type %q", tx.Type)
				}
				if tx.Balance != bal {
					t.Fatalf("%s tx %d (%s): balance %d, want %d", a.Number, i, tx.Narration, tx.Balance, bal)
				}
				if tx.Amount <= 0 || tx.Currency != "NGN" || !cats[tx.Category] || tx.Narration == "" {
					t.Fatalf("%s tx %d: bad %+v", a.Number, i, tx)
				}
				if bal < -acc.overdraft {
					t.Fatalf("%s went to %d, overdraft limit %d", a.Number, bal, acc.overdraft)
				}
				if i > 0 && tx.Date.Before(txs[i-1].Date) {
					t.Fatalf("%s: dates out of order at %d", a.Number, i)
				}
				// A transfer out pays the NIP fee and its VAT, or is not made: a
				// bank refuses a transfer the balance cannot pay the fee of (up
				// to version 2 the fee was waived instead).
				// From version 4 a transfer to someone at the account's own bank is
				// on-us: no NIP fee, and none named NIP comes from there.
				out := strings.HasPrefix(tx.Narration, "TRF TO ") || strings.HasPrefix(tx.Narration, "USSD TRF TO ")
				onUs := b.w.version >= 4 && strings.HasSuffix(tx.Narration, "/"+bankShort[acc.inst.Code])
				feeAfter := i+2 < len(txs) && txs[i+1].Narration == "NIP TRANSFER FEE" && txs[i+2].Narration == "VAT ON NIP TRANSFER FEE" && txs[i+2].Date.Equal(tx.Date)
				// A student's upkeep names its bank before " UPKEEP".
				onUs = onUs || b.w.version >= 4 && strings.HasSuffix(tx.Narration, "/"+bankShort[acc.inst.Code]+" UPKEEP")
				if onUs && (feeAfter && tx.Type == engine.Debit || strings.HasPrefix(tx.Narration, "NIP TRF FROM ")) {
					t.Fatalf("%s tx %d (%s) at %s: an on-us transfer as NIP", a.Number, i, tx.Narration, acc.inst.Name)
				}
				if out && !onUs && b.w.version >= 3 && tx.Type == engine.Debit && !feeAfter {
					t.Fatalf("%s tx %d (%s, %s, balance %s): no NIP fee and VAT after it", a.Number, i, tx.Narration, engine.Naira(tx.Amount), engine.Naira(tx.Balance))
				}
				if tx.Date.Before(start) || tx.Date.After(now) || tx.Date.Location() != time.UTC {
					t.Fatalf("%s: date %v outside history", a.Number, tx.Date)
				}
			}
			if a.Balance != bal {
				t.Fatalf("%s: live balance %d, history ends at %d", a.Number, a.Balance, bal)
			}
		}
	}
}

func TestStatementAddsUp(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 11})
	ctx := t.Context()
	c := b.Customers()[0]
	sess := signIn(t, b, c)
	for _, months := range []int{1, 3, 6, 12} {
		st, err := b.Statement(ctx, sess, c.Accounts[0].Number, months)
		if err != nil {
			t.Fatal(err)
		}
		bal := st.OpeningBalance
		for _, tx := range st.Transactions {
			if tx.Date.Before(st.From) || tx.Date.After(st.To) {
				t.Fatalf("%d months: %v outside [%v, %v]", months, tx.Date, st.From, st.To)
			}
			if tx.Type == engine.Credit {
				bal += tx.Amount
			} else {
				bal -= tx.Amount
			}
		}
		if bal != st.ClosingBalance || st.ClosingBalance != st.Account.Balance {
			t.Fatalf("%d months: opening %d + movements = %d, closing %d, live %d", months, st.OpeningBalance, bal, st.ClosingBalance, st.Account.Balance)
		}
		if want := st.To.In(wat).AddDate(0, -months, 0); st.From.In(wat).Day() != want.Day() || st.From.In(wat).Hour() != 0 {
			t.Fatalf("%d months from %v", months, st.From.In(wat))
		}
	}
	for _, bad := range []int{0, -1, 13} {
		_, err := b.Statement(ctx, sess, c.Accounts[0].Number, bad)
		wantCode(t, err, engine.EINVALID)
	}
}

// Spending follows income: no profile drains or hoards.
func TestSpendingTracksIncome(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 2, Customers: 150})
	credits, debits := map[string]int64{}, map[string]int64{}
	for _, c := range b.Customers() {
		for _, a := range c.Accounts {
			txs, _ := b.History(a.Number, time.Time{}, time.Time{})
			for _, tx := range txs {
				if tx.Type == engine.Credit {
					credits[c.Profile] += tx.Amount
				} else {
					debits[c.Profile] += tx.Amount
				}
			}
		}
	}
	for _, p := range Profiles {
		if p == ProfileDormant {
			continue
		}
		r := float64(debits[p]) / float64(credits[p])
		if credits[p] == 0 || r < 0.75 || r > 1.02 {
			t.Errorf("%s: debits / credits = %.2f", p, r)
		}
	}
}

func TestNarrationsLookNigerian(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 9, Customers: 30})
	want := []string{"SALARY ", "NIP TRF FROM ", "TRF TO ", "POS PURCHASE ", "WEB PURCHASE ", "AIRTIME ",
		"DATA BUNDLE ", "ATM WDL ", "DSTV", "PREPAID TOKEN", "LAWMA", "SMS ALERT CHARGES", "ELECTRONIC MONEY TRANSFER LEVY",
		"NIP TRANSFER FEE", "VAT ON NIP TRANSFER FEE", "PENSION ", "UPKEEP", "POS SETTLEMENT"}
	seen := map[string]bool{}
	cats := map[string]bool{}
	for _, txs := range everything(t, b) {
		for _, tx := range txs {
			cats[tx.Category] = true
			for _, w := range want {
				if strings.Contains(tx.Narration, w) {
					seen[w] = true
				}
			}
		}
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("no narration with %q", w)
		}
	}
	for _, c := range Categories {
		if !cats[c] {
			t.Errorf("no transaction in category %q", c)
		}
	}
	c := b.Customers()[0]
	if c.Name != "Adam Okafor" || c.Accounts[0].Institution.Code != "044" || c.MFA != engine.MFANone {
		t.Errorf("customer 0 is %s at %s with %s; the demo expects Mr Adam Okafor at Access Bank without MFA", c.Name, c.Accounts[0].Institution.Code, c.MFA)
	}
	for _, c := range b.Customers() {
		id := c.Identity
		if len(id.BVN) != 11 || id.BVN[:2] != "22" || len(id.Phone) != 11 || id.Phone[0] != '0' || len(c.ID) != 24 {
			t.Errorf("customer %s: BVN %q phone %q", c.ID, id.BVN, id.Phone)
		}
	}
}

func TestExplicitEventChangesNothingBefore(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 21})
	c := b.Customers()[0]
	num := c.Accounts[0].Number
	_ = clk.Advance(36 * time.Hour)
	before := everything(t, b)
	at := clk.Now()
	bal, _ := b.LiveBalance(num)
	tx, err := b.PostTransaction(c.ID, Posting{Account: num, Type: engine.Debit, Amount: 500_000, Narration: "POS PURCHASE SHOPRITE IKEJA"})
	if err != nil {
		t.Fatal(err)
	}
	if tx.Balance != bal-500_000 || !tx.Date.Equal(at) || tx.Category != CategoryShopping || len(tx.ID) != 24 {
		t.Fatalf("posted %+v; balance before %d", tx, bal)
	}
	if live, _ := b.LiveBalance(num); live != bal-500_000 {
		t.Fatalf("live balance %d, want %d", live, bal-500_000)
	}
	after := everything(t, b)
	for n, txs := range before {
		got := after[n]
		if n == num {
			if len(got) != len(txs)+1 || !reflect.DeepEqual(got[:len(txs)], txs) || got[len(txs)] != tx {
				t.Fatal("the posting changed the history before it, or is missing")
			}
			continue
		}
		if !reflect.DeepEqual(got, txs) {
			t.Fatalf("a posting to %s changed account %s", num, n)
		}
	}
	// Later days build on the new balance; the history up to the posting stays.
	_ = clk.Advance(5 * 24 * time.Hour)
	later, _ := b.History(num, time.Time{}, at)
	if !reflect.DeepEqual(later, after[num]) {
		t.Fatal("history up to the posting changed later")
	}
}

// Mr Adam's example (seed, DESIGN §1 R1): an account at NGN 10,000 spends NGN 5,000.
func TestMrAdamSpendsFiveThousand(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 1})
	adam, err := b.AddCustomer(NewCustomer{Name: "Adam Okafor", Institution: "044", Balance: 1_000_000, Username: "mr.adam"})
	if err != nil {
		t.Fatal(err)
	}
	num := adam.Accounts[0].Number
	if adam.Accounts[0].Balance != 1_000_000 || adam.Profile != ProfileDormant {
		t.Fatalf("new customer %+v", adam)
	}
	_ = clk.Advance(30 * time.Minute)
	if _, err := b.PostTransaction(adam.ID, Posting{Account: num, Type: engine.Debit, Amount: 500_000}); err != nil {
		t.Fatal(err)
	}
	_ = clk.Advance(7 * 24 * time.Hour) // a dormant account does nothing on its own
	if bal, _ := b.LiveBalance(num); bal != 500_000 {
		t.Fatalf("balance %d, want 500000", bal)
	}
	txs, _ := b.History(num, time.Time{}, time.Time{})
	if len(txs) != 2 || txs[0].Narration != "CASH DEPOSIT - ACCOUNT OPENING" || txs[1].Amount != 500_000 {
		t.Fatalf("history %+v", txs)
	}
}

// The transfer levy follows electronic receipts of NGN 10,000 or more, never a
// cash deposit over the counter: a trader's 89 market deposits each paid it (a
// new user's trial).
func TestLevyOnElectronicReceiptsOnly(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 2, Customers: 60})
	cash, levied := 0, 0
	for _, txs := range everything(t, b) {
		at := map[time.Time][]engine.Transaction{}
		for _, tx := range txs {
			at[tx.Date] = append(at[tx.Date], tx)
		}
		for _, same := range at {
			levy, cashIn, transferIn := false, false, false
			for _, tx := range same {
				switch {
				case tx.Narration == "ELECTRONIC MONEY TRANSFER LEVY":
					levy = true
				case tx.Type == engine.Credit && tx.Amount >= 1_000_000 && strings.HasPrefix(tx.Narration, "CASH DEPOSIT"):
					cashIn = true
				case tx.Type == engine.Credit && tx.Amount >= 1_000_000:
					transferIn = true
				}
			}
			if cashIn && !transferIn {
				cash++
				if levy {
					t.Errorf("a cash deposit of NGN 10,000 or more paid the transfer levy: %+v", same)
				}
			}
			if levy {
				levied++
			}
		}
	}
	if cash == 0 || levied == 0 {
		t.Fatalf("%d cash deposits of NGN 10,000 or more and %d levies: nothing to check", cash, levied)
	}
}

// Version 4: transfers between accounts of one bank are on-us — out without the
// NIP fee, in as "TRF FROM …" — and both happen in a world of some size (every
// GTBank to GTBank transfer paid the NIP fee: a data engineer's trial).
func TestOnUsTransfers(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 11, Customers: 120})
	if b.w.version < 4 {
		t.Skip("a world before version 4")
	}
	var out, in int
	for _, c := range b.Customers() {
		for _, a := range c.Accounts {
			short := "/" + bankShort[b.w.byNumber[a.Number].inst.Code]
			txs, _ := b.History(a.Number, time.Time{}, time.Time{})
			for i, tx := range txs {
				switch {
				case strings.HasPrefix(tx.Narration, "TRF TO ") && strings.HasSuffix(tx.Narration, short):
					out++
					if i+1 < len(txs) && txs[i+1].Narration == "NIP TRANSFER FEE" && txs[i+1].Date.Equal(tx.Date) {
						t.Fatalf("%s: %s paid the NIP fee", a.Number, tx.Narration)
					}
				case strings.HasPrefix(tx.Narration, "TRF FROM ") && strings.HasSuffix(tx.Narration, short):
					in++
				case strings.HasPrefix(tx.Narration, "NIP TRF FROM ") && strings.HasSuffix(tx.Narration, short):
					t.Fatalf("%s: %s, from its own bank, as NIP", a.Number, tx.Narration)
				}
			}
		}
	}
	if out == 0 || in == 0 {
		t.Fatalf("%d on-us transfers out and %d in over 120 customers' years; want some of each", out, in)
	}
	t.Logf("%d on-us transfers out, %d in", out, in)
}

// From 1 March 2025 a withdrawal at another bank's ATM pays NGN 100 for each NGN
// 20,000 or part of it, at the same instant, right after it; one at the account's
// own bank's ATM pays nothing, and none before that day does (version 5). A world
// whose year runs across the day has both.
func TestOtherBanksATMsCharge(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 5, Customers: 120, Start: time.Date(2025, time.September, 1, 9, 0, 0, 0, time.UTC)})
	if b.w.version < 5 {
		t.Skip("a world before version 5")
	}
	from := time.Date(2025, time.March, 1, 0, 0, 0, 0, time.FixedZone("WAT", 3600))
	var charged, own, before int
	for _, c := range b.Customers() {
		for _, a := range c.Accounts {
			short := bankShort[b.w.byNumber[a.Number].inst.Code]
			txs, _ := b.History(a.Number, time.Time{}, time.Time{})
			for i, tx := range txs {
				if tx.Narration == "OTHER BANK ATM FEE" && (i == 0 || !strings.HasPrefix(txs[i-1].Narration, "ATM WDL ")) {
					t.Fatalf("%s: a charge at %s after %q, not a withdrawal", a.Number, tx.Date, txs[i-1].Narration)
				}
				if !strings.HasPrefix(tx.Narration, "ATM WDL ") {
					continue
				}
				fee := i+1 < len(txs) && txs[i+1].Narration == "OTHER BANK ATM FEE" && txs[i+1].Date.Equal(tx.Date)
				ownATM := strings.Fields(tx.Narration)[2] == short
				switch {
				case tx.Date.Before(from):
					before++
					if fee {
						t.Fatalf("%s: %s on %s, before March 2025, was charged", a.Number, tx.Narration, tx.Date)
					}
				case ownATM:
					own++
					if fee {
						t.Fatalf("%s: %s, its own bank's ATM, was charged", a.Number, tx.Narration)
					}
				default:
					charged++
					if !fee {
						t.Fatalf("%s: %s of %d kobo on %s, another bank's ATM, was not charged", a.Number, tx.Narration, tx.Amount, tx.Date)
					}
					if want := (tx.Amount + 2_000_000 - 1) / 2_000_000 * 10_000; txs[i+1].Amount != want {
						t.Fatalf("%s: %d kobo at another bank's ATM charged %d kobo; want %d", a.Number, tx.Amount, txs[i+1].Amount, want)
					}
					if txs[i+1].Balance != tx.Balance-txs[i+1].Amount {
						t.Fatalf("%s: the charge's balance %d does not follow the withdrawal's %d", a.Number, txs[i+1].Balance, tx.Balance)
					}
				}
			}
		}
	}
	if charged == 0 || own == 0 || before == 0 {
		t.Fatalf("%d withdrawals charged at other banks' ATMs, %d free at their own, %d before March 2025; want some of each", charged, own, before)
	}
	t.Logf("%d withdrawals charged, %d free at their own bank's ATM, %d before March 2025", charged, own, before)
}

// From version 6 an ATM pays out NGN 1,000 at least, and no cash is deposited
// over the counter on a public holiday (a review found students' withdrawals of
// NGN 100, and deposits on Boxing Day and Easter Monday).
func TestVersion6ATMsAndBranches(t *testing.T) {
	b, _ := testBank(t, Config{Seed: DefaultSeed, Customers: 300})
	if b.w.version < 6 {
		t.Skip("a world before version 6")
	}
	var atm, cash int
	for _, c := range b.Customers() {
		for _, a := range c.Accounts {
			txs, _ := b.History(a.Number, time.Time{}, time.Time{})
			for _, tx := range txs {
				switch {
				case strings.HasPrefix(tx.Narration, "ATM WDL "):
					atm++
					if tx.Amount < 100_000 || tx.Amount%100_000 != 0 {
						t.Errorf("%s (%s): %s of %s at %s", a.Number, c.Profile, tx.Narration, naira(tx.Amount), tx.Date)
					}
				case strings.HasPrefix(tx.Narration, "CASH DEPOSIT") && tx.Type == engine.Credit:
					cash++
					if d := tx.Date.In(engine.WAT); isHoliday(d.Year(), int(d.Month()), d.Day()) {
						t.Errorf("%s: %s on %s, a public holiday", a.Number, tx.Narration, d.Format("Mon 2 Jan 2006"))
					}
				}
			}
		}
	}
	if atm == 0 || cash == 0 {
		t.Fatalf("%d ATM withdrawals and %d cash deposits: the test saw none of one", atm, cash)
	}
}

// From version 6 no two customers the world draws share a name: the demo world
// had two Femi Akinolas (a review), and a tester picks a customer by name.
func TestVersion6NamesAreUnique(t *testing.T) {
	b, _ := testBank(t, Config{Seed: DefaultSeed, Customers: 300})
	if b.w.version < 6 {
		t.Skip("a world before version 6")
	}
	seen := map[string]int{}
	for i, c := range b.Customers() {
		if j, ok := seen[strings.ToLower(c.Name)]; ok {
			t.Errorf("customers %d and %d are both %s", j, i, c.Name)
		}
		seen[strings.ToLower(c.Name)] = i
	}
}
