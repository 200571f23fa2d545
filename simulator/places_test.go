package simulator

import (
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
						if r := narrationRegion(n); r != home && !(home == regionWest && r == regionLagos) {
							t.Errorf("%s of %s (%s) banks cash at %q", c.Name, c.Identity.City, a.Number, n)
						}
					}
					continue
				}
				if strings.HasPrefix(n, "POS PURCHASE ") || strings.HasPrefix(n, "ATM WDL ") {
					if r := narrationRegion(n); r != anywhere && r != home && !(home == regionWest && strings.HasPrefix(n, "ATM WDL ")) {
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
				}
			}
		}
	}
	if ussd == 0 || banded == 0 || subs == 0 {
		t.Fatalf("%d USSD transfers, %d banded purchases, %d subscription charges: nothing to check", ussd, banded, subs)
	}
}
