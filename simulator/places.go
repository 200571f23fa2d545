package simulator

import "strings"

// What worlds of journal version 2 on spend where, and at what price (a new
// user's trial laughed at version 1's: a flight for NGN 690, lunch in Abuja and
// dinner in Lekki an hour later, a Netflix charge twice a week):
//
//   - A customer spends at card terminals and ATMs in their own region (the
//     city of their address), and online anywhere; a trader banks cash at the
//     markets of theirs.
//   - A merchant has a price band: its amount is drawn within it, and a merchant
//     the account cannot afford (its band starts above what the account spends
//     on that kind at most) is left out of its list.
//   - Streaming and app subscriptions are monthly bills at a plan's price, not
//     purchases among the others.
//   - Some transfers go by USSD.

// region is where a place, or a narration's branch or terminal, is.
type region int8

const (
	anywhere region = iota
	regionLagos
	regionAbuja
	regionSouth // Port Harcourt, and Aba's and Onitsha's markets
	regionIbadan
	regionEnugu
)

// regionOf is the region of a customer's place.
func regionOf(p place) region {
	switch p.state {
	case "Lagos":
		return regionLagos
	case "FCT":
		return regionAbuja
	case "Rivers":
		return regionSouth
	case "Enugu":
		return regionEnugu
	}
	return regionIbadan
}

// marketRegion is where a trader of region banks cash: their own region's
// markets, or the nearest that has some.
func marketRegion(r region) region {
	switch r {
	case regionIbadan:
		return regionLagos
	case regionEnugu:
		return regionSouth
	}
	return r
}

// localNarrations are version 2's terminals and ATMs in the cities version 1's
// lists had none of, by spend kind.
var localNarrations = map[int][]string{
	skFood: {"POS PURCHASE AMALA SKYE BODIJA IBADAN", "POS PURCHASE CHICKEN REPUBLIC DUGBE IBADAN",
		"POS PURCHASE KILIMANJARO POLO PARK ENUGU", "POS PURCHASE MR BIGGS OKPARA AVENUE ENUGU"},
	skShop: {"POS PURCHASE SHOPRITE RING ROAD IBADAN", "POS PURCHASE SHOPRITE POLO PARK ENUGU",
		"POS PURCHASE HEALTHPLUS PHARMACY IBADAN", "POS PURCHASE SPAR ENUGU"},
	skATM: {"ATM WDL GTB RING ROAD IBADAN", "ATM WDL FBN DUGBE IBADAN",
		"ATM WDL UBA OKPARA AVENUE ENUGU", "ATM WDL ACCESS INDEPENDENCE LAYOUT ENUGU"},
}

// narrationRegion is where a narration's terminal or branch is: by the place it
// names; anywhere for online purchases and chains that name none.
func narrationRegion(text string) region {
	for _, p := range []struct {
		r     region
		words []string
	}{
		{regionLagos, []string{"LEKKI", "IKEJA", " VI", "YABA", "SURULERE", "OJODU", "ADMIRALTY", "AGEGE", "IKOYI",
			"BALOGUN", "ALABA", "OSHODI", "ALLEN AVENUE", "MARINA", "OJOTA", "AJAH", "LAGOS", "GALLERIA"}},
		{regionAbuja, []string{"WUSE", "JABI", "ABUJA", "GARKI"}},
		{regionSouth, []string{" PH", "AMADI", "ONITSHA", " ABA"}},
		{regionIbadan, []string{"IBADAN"}},
		{regionEnugu, []string{"ENUGU"}},
	} {
		for _, w := range p.words {
			if strings.Contains(text+" ", w+" ") || strings.HasSuffix(text, w) {
				return p.r
			}
		}
	}
	return anywhere
}

// band is a merchant's price range, naira.
type band struct{ lo, hi int64 }

// priceBands are merchants' price ranges, by a word of the narration.
var priceBands = []struct {
	word string
	band band
}{
	{"AIR PEACE", band{45_000, 220_000}}, {"GIGM", band{7_000, 28_000}},
	{"NNPC", band{5_000, 60_000}}, {"TOTALENERGIES", band{5_000, 60_000}}, {"MRS FILLING", band{5_000, 60_000}},
	{"ARDOVA", band{5_000, 60_000}}, {"BOLT", band{1_200, 12_000}}, {"UBER", band{1_200, 12_000}},
	{"INDRIVE", band{1_000, 9_000}}, {"COWRY", band{1_000, 10_000}},
	{"DOMINOS", band{6_000, 30_000}}, {"COLD STONE", band{3_000, 15_000}}, {"BUKA", band{800, 5_000}},
	{"MAMA CASS", band{1_500, 8_000}}, {"THE PLACE", band{3_000, 20_000}}, {"ORIENTAL PALACE", band{5_000, 40_000}},
	{"HARD ROCK", band{15_000, 120_000}}, {"CINEMAS", band{4_000, 20_000}}, {"SILVERBIRD", band{4_000, 20_000}},
	{"BET9JA", band{100, 50_000}}, {"SPORTYBET", band{100, 50_000}},
	{"CHICKEN REPUBLIC", band{1_500, 12_000}}, {"KFC", band{2_000, 15_000}}, {"KILIMANJARO", band{1_500, 10_000}},
	{"TANTALIZERS", band{1_500, 10_000}}, {"SWEET SENSATION", band{1_500, 10_000}}, {"BUKKA HUT", band{3_000, 15_000}},
	{"CHOPLIFE", band{2_000, 12_000}}, {"MR BIGGS", band{1_500, 8_000}}, {"CHOWDECK", band{2_500, 20_000}},
	{"GLOVO", band{2_500, 20_000}}, {"JUMIA FOOD", band{2_500, 20_000}}, {"HEYFOOD", band{2_500, 15_000}},
	{"PHARMACY", band{1_500, 40_000}}, {"SLOT", band{15_000, 900_000}}, {"AMAZON", band{10_000, 400_000}},
	{"JUMIA NIGERIA", band{3_000, 250_000}}, {"KONGA", band{3_000, 250_000}}, {"SHOPINVERSE", band{5_000, 80_000}},
	{"SHOPRITE", band{2_000, 150_000}}, {"SPAR", band{2_000, 150_000}},
	{"EBEANO", band{2_000, 150_000}}, {"JUSTRITE", band{2_000, 100_000}}, {"HUBMART", band{3_000, 150_000}},
	{"ROBB", band{2_000, 80_000}}, {"ADDIDE", band{2_000, 100_000}}, {"AMALA", band{1_000, 6_000}},
	{"MARKET", band{5_000, 300_000}}, // last: ADDIDE SUPERMARKET and MARKET SQUARE are supermarkets
}

// bandOf is a narration's price band, if it has one: the first word of
// priceBands it holds.
func bandOf(text string) (band, bool) {
	for _, p := range priceBands {
		if strings.Contains(text, p.word) {
			return p.band, true
		}
	}
	return band{}, false
}

// subscriptions are the monthly plans an account may pay, naira.
var subscriptions = []struct {
	narration string
	naira     int64
}{
	{"WEB PURCHASE NETFLIX.COM", 2_200}, {"WEB PURCHASE NETFLIX.COM", 3_600}, {"WEB PURCHASE NETFLIX.COM", 5_500},
	{"WEB PURCHASE NETFLIX.COM", 7_000}, {"WEB PURCHASE SHOWMAX", 3_200}, {"WEB PURCHASE SPOTIFY", 1_300},
	{"WEB PURCHASE APPLE.COM/BILL", 1_100},
}

// isSubscription says if a narration is one of the subscriptions': not a purchase
// among the others in version 2's lists.
func isSubscription(text string) bool {
	for _, s := range subscriptions {
		if s.narration == text {
			return true
		}
	}
	return false
}

// bandOfNarr is bandOf a narration by its index, looked up once.
func (w *world) bandOfNarr(i int32) (band, bool) {
	if w.bands == nil {
		w.bands = map[int32]*band{}
	}
	b, seen := w.bands[i]
	if !seen {
		if v, ok := bandOf(w.narr[i]); ok {
			b = &v
		}
		w.bands[i] = b
	}
	if b == nil {
		return band{}, false
	}
	return *b, true
}

// pool is a list of narrations to pick from.
type pool []int32

func (p pool) pick(r *prng) int32 { return p[r.n(len(p))] }

// spendPools are, for one region, the narrations of each scaled spend kind a
// customer there picks from (before what the account can afford), and the
// trader's inbound transfers and cash deposits.
type spendPools struct {
	kinds    [nSpend]pool
	traderIn pool
}

// poolsFor returns region's pools, made once per world.
func (w *world) poolsFor(reg region) *spendPools {
	if w.pools == nil {
		w.pools = map[region]*spendPools{}
	}
	if p := w.pools[reg]; p != nil {
		return p
	}
	p := &spendPools{}
	in := func(g group) pool {
		var out pool
		for i := g.lo; i < g.lo+g.n; i++ {
			if r := narrationRegion(w.narr[i]); (r == anywhere || r == reg) && !isSubscription(w.narr[i]) {
				out = append(out, i)
			}
		}
		return out
	}
	p.kinds[skFood], p.kinds[skShop], p.kinds[skTransport], p.kinds[skFun], p.kinds[skATM] =
		in(w.gFood), in(w.gShop), in(w.gTransport), in(w.gFun), in(w.gATM)
	for _, kc := range []struct {
		kind int
		cat  uint8
	}{{skFood, catFood}, {skShop, catShopping}, {skATM, catCash}} { // in order: the narrations' numbers repeat
		for _, text := range localNarrations[kc.kind] {
			if narrationRegion(text) == reg {
				p.kinds[kc.kind] = append(p.kinds[kc.kind], w.intern(text, kc.cat))
			}
		}
	}
	market := marketRegion(reg)
	for i := w.gTraderIn.lo; i < w.gTraderIn.lo+w.gTraderIn.n; i++ {
		if !w.narrCash[i] || narrationRegion(w.narr[i]) == market {
			p.traderIn = append(p.traderIn, i)
		}
	}
	w.pools[reg] = p
	return p
}

// affordable is the part of a region's pool of kind whose price bands start
// within what the account spends on that kind at most; all of it if none do.
func (w *world) affordable(a *account, kind int, p pool) pool {
	most := a.spendUnit * spendRange[kind][1] / 1000 / kobo // naira
	var out pool
	for _, i := range p {
		if b, ok := w.bandOfNarr(i); !ok || b.lo <= most {
			out = append(out, i)
		}
	}
	if len(out) == 0 || len(out) == len(p) { // the region's own list, shared
		return p
	}
	return out
}

// placeAccount sets a version-2 account's lists from its customer's region and
// its means.
func (w *world) placeAccount(a *account, c *customer) {
	p := w.poolsFor(regionOf(c.place))
	for k := range nSpend {
		if len(p.kinds[k]) > 0 {
			a.pools[k] = w.affordable(a, k, p.kinds[k])
		}
	}
	if c.profile == ProfileTrader {
		a.traderIn = p.traderIn
	}
	if w.version >= 5 {
		for _, n := range a.pools[skATM] {
			if w.isOwnATM(a, n) {
				a.ownATMs = append(a.ownATMs, n)
			}
		}
	}
}

// subscribe draws a version-2 account's subscription, a plan within its means,
// and whether some of its transfers go by USSD; it returns what the plan costs a
// month, kobo, which its spending leaves room for.
func (w *world) subscribe(a *account, c *customer, monthly float64) float64 {
	var r prng
	r.seed(hash3(w.hseed, saltPlace, a.key), 0)
	a.ussd = c.profile != ProfileBusiness && r.n(100) < 60
	if c.profile == ProfilePensioner || r.n(100) >= 45 {
		return 0
	}
	s := subscriptions[r.n(len(subscriptions))]
	if float64(s.naira*kobo) > 0.03*monthly {
		return 0
	}
	a.subAmount, a.subDay = s.naira*kobo, int8(1+r.n(28))
	a.nSub = w.intern(s.narration, catEntertainment)
	return float64(a.subAmount)
}

// amountIn is an amount drawn for the account's means (most at the highest, kobo)
// moved into a merchant's band, as far as the account reaches into it and at
// least twice its least: as drawn if it falls there, folded into it above, and
// near the least, varied, below — not set to the least, where a dear merchant's
// prices piled up (every flight NGN 45,000.00, a student's fuel NGN 5,000.00).
func amountIn(b band, drawn, most int64) int64 {
	lo, hi := b.lo*kobo, min(b.hi*kobo, max(most, 2*b.lo*kobo))
	switch {
	case drawn < lo: // near the least, varied: what the account meant to spend, and a little more
		return lo + drawn%(hi-lo+1)/4
	case drawn > hi:
		return lo + drawn%(hi-lo+1)
	}
	return drawn
}
