package simulator

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// Worlds of version 2 spend where their customers live and at merchants' prices
// (places.go): no card terminal or ATM of another region, every banded merchant
// within its band, a subscription once a month at its plan's price, and some
// transfers by USSD (a new user's trial: a flight for NGN 690, lunch in Abuja
// and dinner in Lekki an hour later, Netflix twice a week, no USSD at all).
func TestVersion2SpendsWhereTheCustomerLives(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 5, Customers: 120})
	_ = clk.Advance(60 * 24 * time.Hour)
	ussd, banded, subs := 0, 0, 0
	atLeast := map[string][]bool{} // account and merchant → each purchase at the band's least
	for _, c := range b.Customers() {
		home := regionOf(place{state: c.Identity.State})
		for _, a := range c.Accounts {
			txs, err := b.History(a.Number, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			subMonths := map[string]int{}
			for _, tx := range txs {
				n := tx.Narration
				if strings.HasPrefix(n, "USSD TRF TO ") {
					ussd++
				}
				if tx.Type != engine.Debit {
					if strings.HasPrefix(n, "CASH DEPOSIT - ") && !strings.Contains(n, "ACCOUNT OPENING") {
						if r := narrationRegion(n); r != marketRegion(home) {
							t.Errorf("%s of %s (%s) banks cash at %q", c.Name, c.Identity.City, a.Number, n)
						}
						if h := tx.Date.In(wat).Hour(); h < 9 || h >= 16 { // over the counter: banking hours
							t.Errorf("%s banks cash at %s", c.Name, tx.Date.In(wat).Format("Mon 15:04"))
						}
					}
					continue
				}
				if strings.HasPrefix(n, "POS PURCHASE ") || strings.HasPrefix(n, "ATM WDL ") {
					if r := narrationRegion(n); r != anywhere && r != home {
						t.Errorf("%s of %s pays at %q", c.Name, c.Identity.City, n)
					}
				}
				if isSubscription(n) {
					subs++
					month := tx.Date.In(wat).Format("2006-01")
					if subMonths[n+month]++; subMonths[n+month] > 1 {
						t.Errorf("%s pays %q twice in %s", c.Name, n, month)
					}
					continue
				}
				if bd, ok := bandOf(n); ok && (strings.HasPrefix(n, "POS PURCHASE ") || strings.HasPrefix(n, "WEB PURCHASE ")) {
					banded++
					// Declined rather than cut short by the balance: within its band.
					if tx.Amount < bd.lo*kobo || tx.Amount > bd.hi*kobo {
						t.Errorf("%s: %q for NGN %s, outside its band of %d to %d", c.Name, n, engine.Naira(tx.Amount), bd.lo, bd.hi)
					}
					atLeast[a.Number+n] = append(atLeast[a.Number+n], tx.Amount == bd.lo*kobo)
				}
			}
		}
	}
	// Not every purchase at a merchant at its least price (a student's fuel was
	// NGN 5,000.00 fourteen times in a row).
	for k, at := range atLeast {
		if len(at) >= 6 && !slices.Contains(at, false) {
			t.Errorf("%s: all %d purchases at the band's least", k, len(at))
		}
	}
	if ussd == 0 || banded == 0 || subs == 0 {
		t.Fatalf("%d USSD transfers, %d banded purchases, %d subscription charges: nothing to check", ussd, banded, subs)
	}
}

// In worlds of version 2 a surname is of its given name's people, for customers
// and for the people they pay and are paid by (version 1 drew them apart: OGECHI
// MOHAMMED, ABUBAKAR NWANKWO — a new user's trial).
func TestVersion2NamesKeepTheirPeople(t *testing.T) {
	b, clk := testBank(t, Config{Seed: 8, Customers: 80})
	_ = clk.Advance(10 * 24 * time.Hour)
	peopleOf := func(name string) int {
		for i, g := range nameGroups {
			for _, f := range g.first {
				if strings.EqualFold(f.name, name) {
					return i
				}
			}
			for _, l := range g.last {
				if strings.EqualFold(l, name) {
					return i
				}
			}
		}
		return -1
	}
	checked := 0
	check := func(full, where string) {
		parts := strings.Fields(full)
		if len(parts) != 2 {
			return
		}
		first, last := peopleOf(parts[0]), peopleOf(parts[1])
		if first < 0 || last < 0 {
			return
		}
		checked++
		if first != last {
			t.Errorf("%s %q: a %s given name with a %s surname", where, full, nameGroups[first].people, nameGroups[last].people)
		}
	}
	for _, c := range b.Customers()[len(demo):] { // the tour's names are chosen
		check(c.Name, "customer")
	}
	// A student given a name: the parent who sends the upkeep is of the surname's
	// people (it took the people of the name drawn and then replaced).
	for _, name := range []string{"Tola Ajayi", "Ngozi Okeke", "Zainab Bello"} {
		if _, err := b.AddCustomer(NewCustomer{Name: name, Institution: "058", Profile: ProfileStudent}); err != nil {
			t.Fatal(err)
		}
	}
	_ = clk.Advance(40 * 24 * time.Hour)
	for _, txs := range everything(t, b) {
		for _, tx := range txs {
			for _, prefix := range []string{"NIP TRF FROM ", "TRF TO ", "USSD TRF TO "} {
				if rest, ok := strings.CutPrefix(tx.Narration, prefix); ok {
					check(strings.Split(rest, "/")[0], "counterparty")
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d names to check", checked)
	}
}
