package simulator

import (
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"github.com/brianvoe/gofakeit/v7"

	"sandbank/engine"
)

// Config defines a world. With the explicit events of the journal it determines
// the bank completely.
type Config struct {
	Seed      int64        `json:"seed"`
	Start     time.Time    `json:"start"`     // the world's "now" when it was made; history starts 13 months earlier
	Customers int          `json:"customers"` // 0: DefaultCustomers
	Random    RandomEvents `json:"random"`
}

// RandomEvents are per-day probabilities of bank-side events happening on their
// own, from Config.Start on. All zero (off) by default. Like everything else they
// are a pure function of the seed and the day.
type RandomEvents struct {
	PasswordChange float64 `json:"password_change,omitempty"` // per customer per day
	MFAChange      float64 `json:"mfa_change,omitempty"`      // per customer per day
	Outage         float64 `json:"outage,omitempty"`          // per institution per day; 15 min to 2 h
}

// Defaults of a Config.
const (
	DefaultSeed      int64 = 20210820
	DefaultCustomers       = 24
	MaxCustomers           = 100000
	HistoryMonths          = 13 // history before Config.Start, so 12-month statements are full
)

// DefaultStart is the start of a world whose Config.Start is zero.
var DefaultStart = time.Date(2026, time.November, 2, 9, 0, 0, 0, time.UTC)

// normalize fills defaults and checks the ranges.
func (c Config) normalize() (Config, error) {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	c.Start = c.Start.Round(0).UTC()
	if c.Start.Before(EarliestStart) || !c.Start.Before(IDsEnd) {
		return c, engine.Invalid("start", "a world starts from %s to %s, not %s: its IDs begin with the seconds since 1970 in 32 bits, and its history goes back 13 months before the start",
			engine.TimeText(EarliestStart), engine.TimeText(IDsEnd), engine.TimeText(c.Start))
	}
	if c.Customers == 0 {
		c.Customers = DefaultCustomers
	}
	if c.Customers < 0 || c.Customers > MaxCustomers {
		return c, engine.Invalid("customers", "a world has 1 to %d customers (got %d)", MaxCustomers, c.Customers)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"random.password_change", c.Random.PasswordChange}, {"random.mfa_change", c.Random.MFAChange}, {"random.outage", c.Random.Outage}} {
		if !(p.v >= 0 && p.v <= 1) {
			return c, engine.Invalid(p.name, "a daily probability is between 0 and 1 (got %v)", p.v)
		}
	}
	return c, nil
}

// Bounds of a world's time. Transaction and customer IDs begin, as Mono's
// ObjectIDs do, with the Unix seconds in 32 bits: they sort by time only from 1970
// until IDsEnd, when the seconds wrap. A world's history starts HistoryMonths
// before its start, at midnight in Lagos, so the earliest start is the first whose
// history begins in 1970 — midnight of 2 February 1971, WAT; a start of 2 January
// 1971 gave rows of December 1969, whose IDs wrapped and sorted after every later
// one. Every world ends at IDsEnd (Bank.End), and its clock stops there.
var (
	EarliestStart = time.Date(1971, 2, 1, 23, 0, 0, 0, time.UTC) // 2 Feb 1971 00:00 WAT
	IDsEnd        = time.Unix(math.MaxUint32, 0).UTC()           // 2106-02-07T06:28:15Z
)

// group is a contiguous range of the narration table.
type group struct{ lo, n int32 }

func (g group) pick(r *prng) int32 { return g.lo + int32(r.n(int(g.n))) }

// world holds the customers, their accounts and the generator's tables. It is not
// safe for concurrent use: the Bank serialises access.
type world struct {
	cfg       Config
	hseed     uint64
	histStart int64 // Unix ns: midnight (WAT) HistoryMonths before Start
	startNs   int64

	narr       []string
	narrCat    []uint8
	narrCash   []bool                 // a cash deposit: over the counter, not electronic (no transfer levy)
	pools      map[region]*spendPools // version 2's narrations by region (places.go)
	bands      map[int32]*band        // version 2's price bands by narration, as looked up
	gUSSDOut   group                  // version 2: "USSD TRF TO " and the people of gPeopleOut, in its order
	version    int                    // the journal version it was made by (journalVersion): what its generators do
	narrIdx    map[narration]int32
	monthlyIdx map[uint64]int32

	gFood, gShop, gTransport, gFun, gATM, gTV      group
	gPeopleIn, gPeopleOut, gTraderIn, gSupplierOut group
	gBusinessIn, gFreelanceIn                      group
	onUs                                           map[int32]int32 // version 4: a "NIP TRF FROM" narration's on-us twin
	nLevy, nNIPFee, nVAT, nInterest, nWHT, nLAWMA  int32
	nATMFee                                        int32 // version 5

	customers  []*customer
	accounts   []*account
	byID       map[string]*customer
	byNumber   map[string]*account
	byUsername map[string]*customer
	names      map[string]bool // customers' names, lower case "first last" (version 6: drawn unique)

	rng     prng
	cands   []cand
	scratch []tx
}

// customer is a bank customer.
type customer struct {
	idx        int
	id         string
	first      string
	last       string
	group      int    // the nameGroups index of the given name drawn for it
	business   string // the business name, for business customers
	username   string
	password   string
	mfa        engine.MFAKind
	question   string
	answer     string
	authMethod string
	profile    string
	identity   engine.Identity
	place      place
	accounts   []*account
	addedAt    time.Time // zero for the world's own customers
	forceOTP   bool      // the password changed: the next login asks for an OTP
	inbox      []Message
	tokenAt    engine.Institution // the bank that last asked for the token's code: the phone names its token
}

// account is a bank account with its generator parameters and caches.
type account struct {
	idx       int
	key       uint64 // hash of the number: seeds the account's days and IDs
	number    string
	name      string
	typ       string
	inst      engine.Institution
	cust      *customer
	spec      *profileSpec
	opening   int64 // balance at openAt
	openAt    int64 // Unix ns
	openDay   int32
	overdraft int64 // how far below zero it may go; 0 for most

	lump                   int64 // monthly salary, pension or allowance
	nLump                  int32 // its narration, or -1 for one naming the month
	payer                  int32 // employer or pension fund
	payday                 int8
	payroll                int64 // staff salaries a business pays monthly
	inMin, inMax           int64
	inGroup, outGroup      group
	spendUnit              int64
	tv, tvDay              int8 // dstvPackages index or -1
	elecAmount             int64
	lawma                  int64
	nElec, nAirtime, nData int32
	// Version 2 on (places.go): what it picks from, its subscription, USSD.
	pools     [nSpend]pool
	traderIn  pool
	subAmount int64
	subDay    int8
	nSub      int32
	ussd      bool
	ownATMs   pool // version 5: the ATMs of its own bank among its pools
	explicit  []xev
	cp        []int64 // cp[i]: opening balance of day openDay+i
}

func newWorld(cfg Config, version int) *world {
	w := &world{
		cfg:        cfg,
		version:    version,
		hseed:      hash2(uint64(cfg.Seed), saltWorld),
		narrIdx:    make(map[narration]int32),
		monthlyIdx: make(map[uint64]int32),
		byID:       make(map[string]*customer),
		byNumber:   make(map[string]*account),
		byUsername: make(map[string]*customer),
		names:      make(map[string]bool),
	}
	w.startNs = cfg.Start.UnixNano()
	w.histStart = dayStart(dayOf(cfg.Start.AddDate(0, -HistoryMonths, 0).UnixNano()))
	w.buildNarrations()
	for i := 0; i < cfg.Customers; i++ {
		w.addCustomer(w.newCustomer(i, nil, w.histStart))
	}
	return w
}

// addNarrations appends texts as a group (without interning: groups are contiguous).
func (w *world) addNarrations(cat uint8, texts ...string) group {
	g := group{lo: int32(len(w.narr)), n: int32(len(texts))}
	for _, t := range texts {
		w.narr = append(w.narr, t)
		w.narrCat = append(w.narrCat, cat)
		w.narrCash = append(w.narrCash, strings.HasPrefix(t, "CASH DEPOSIT"))
	}
	return g
}

// intern returns the index of a narration, adding it if new.
func (w *world) intern(text string, cat uint8) int32 {
	k := narration{text, cat}
	if i, ok := w.narrIdx[k]; ok {
		return i
	}
	i := int32(len(w.narr))
	w.narr = append(w.narr, text)
	w.narrCat = append(w.narrCat, cat)
	w.narrCash = append(w.narrCash, strings.HasPrefix(text, "CASH DEPOSIT"))
	w.narrIdx[k] = i
	return i
}

// monthly returns a narration that names a month, e.g. "SALARY NOV 2026 - DANGOTE CEMENT PLC".
func (w *world) monthly(kind int, payer int32, monthsAbs int) int32 {
	key := uint64(kind)<<56 | uint64(uint32(payer))<<24 | uint64(uint32(monthsAbs))
	if i, ok := w.monthlyIdx[key]; ok {
		return i
	}
	month := monthAbbr[monthsAbs%12] + " " + itoa(monthsAbs/12)
	var text string
	var cat uint8
	switch kind {
	case lumpSalary:
		text, cat = "SALARY "+month+" - "+employers[payer], catIncome
	case lumpPension:
		text, cat = "PENSION "+month+" - "+pensionFunds[payer], catIncome
	case monthPayroll:
		text, cat = "BULK TRF SALARY PAYMENT "+month, catTransfer
	default:
		text, cat = "SMS ALERT CHARGES "+month, catCharges
	}
	i := w.intern(text, cat)
	w.monthlyIdx[key] = i
	return i
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// buildNarrations fills the world's narration tables; counterparties come from the seed.
func (w *world) buildNarrations() {
	w.gFood = w.addNarrations(catFood, foodNarrations...)
	w.gShop = w.addNarrations(catShopping, shopNarrations...)
	w.gTransport = w.addNarrations(catTransport, transportNarrations...)
	w.gFun = w.addNarrations(catEntertainment, funNarrations...)
	w.gATM = w.addNarrations(catCash, atmNarrations...)
	tv := make([]string, len(dstvPackages))
	for i, p := range dstvPackages {
		tv[i] = p.name
	}
	w.gTV = w.addNarrations(catBills, tv...)
	w.nLevy = w.intern("ELECTRONIC MONEY TRANSFER LEVY", catCharges)
	w.nNIPFee = w.intern("NIP TRANSFER FEE", catCharges)
	w.nVAT = w.intern("VAT ON NIP TRANSFER FEE", catCharges)
	w.nInterest = w.intern("INTEREST PAYMENT", catIncome)
	w.nWHT = w.intern("WHT ON INTEREST", catCharges)
	w.nLAWMA = w.intern("LAWMA WASTE BILL", catBills)

	f := gofakeit.NewFaker(rand.NewPCG(hash2(w.hseed, 1), hash2(w.hseed, 2)), false)
	const nPeople, nCompanies = 96, 40
	people := make([]string, nPeople)
	for i := range people {
		fi := f.IntN(len(firstNames))
		people[i] = strings.ToUpper(firstNames[fi].name+" "+w.surname(f, fi)) +
			"/" + f.RandomString(counterpartyBanks)
	}
	companies := make([]string, nCompanies)
	for i := range companies {
		companies[i] = strings.ToUpper(f.RandomString(lastNames)+" "+f.RandomString(companySuffixes)) +
			"/" + f.RandomString(counterpartyBanks)
	}
	prefixed := func(prefix string, names []string, extra ...string) []string {
		out := make([]string, 0, len(names)+len(extra))
		for _, n := range names {
			out = append(out, prefix+n)
		}
		return append(out, extra...)
	}
	w.gPeopleIn = w.addNarrations(catTransfer, prefixed("NIP TRF FROM ", people)...)
	w.gPeopleOut = w.addNarrations(catTransfer, prefixed("TRF TO ", people)...)
	w.gTraderIn = w.addNarrations(catIncome, prefixed("NIP TRF FROM ", people[:48],
		"CASH DEPOSIT - BALOGUN BRANCH", "CASH DEPOSIT - ALABA BRANCH", "CASH DEPOSIT - ONITSHA MAIN MKT",
		"CASH DEPOSIT - WUSE MARKET", "CASH DEPOSIT - OSHODI BRANCH", "CASH DEPOSIT - ARIARIA ABA")...)
	w.gSupplierOut = w.addNarrations(catTransfer, prefixed("TRF TO ", companies, prefixed("TRF TO ", people[:24])...)...)
	w.gBusinessIn = w.addNarrations(catIncome, prefixed("NIP TRF FROM ", companies,
		"POS SETTLEMENT - MONIEPOINT", "POS SETTLEMENT - OPAY", "POS SETTLEMENT - PAYSTACK TERMINAL",
		"WEB SETTLEMENT - PAYSTACK", "WEB SETTLEMENT - FLUTTERWAVE")...)
	w.gFreelanceIn = w.addNarrations(catIncome, prefixed("NIP TRF FROM ", companies[:20],
		"INWARD TRF PAYONEER", "INWARD TRF GREY FINANCE", "INWARD TRF CHIPPER CASH", "INWARD TRF DEEL INC")...)
	if w.version >= 2 { // last: version 1's narrations keep their places
		w.gUSSDOut = w.addNarrations(catTransfer, prefixed("USSD TRF TO ", people)...)
	}
	if w.version >= 4 { // after version 2's, for the same reason
		// Each "NIP TRF FROM X/BANK" has an on-us twin, "TRF FROM X/BANK", for an
		// account at BANK.
		n := int32(len(w.narr))
		w.onUs = make(map[int32]int32)
		for i := int32(0); i < n; i++ {
			if rest, ok := strings.CutPrefix(w.narr[i], "NIP TRF FROM "); ok && strings.Contains(rest, "/") {
				w.onUs[i] = w.intern("TRF FROM "+rest, w.narrCat[i])
			}
		}
	}
	if w.version >= 5 { // after version 4's, for the same reason
		w.nATMFee = w.intern("OTHER BANK ATM FEE", catCharges)
	}
}

// isOwnATM says whether ATM narration narr ("ATM WDL GTB …") names a machine of
// a's own bank, where a withdrawal is free (version 5).
func (w *world) isOwnATM(a *account, narr int32) bool {
	short, ok := bankShort[a.inst.Code]
	f := strings.Fields(w.narr[narr])
	return ok && len(f) > 2 && f[0] == "ATM" && f[1] == "WDL" && f[2] == short
}

// isOnUs says whether narration narr names someone at a's own bank ("…/GTB" for
// an account at GTBank): a transfer between them is on-us, not NIP (version 4).
func (w *world) isOnUs(a *account, narr int32) bool {
	short, ok := bankShort[a.inst.Code]
	t := w.narr[narr]
	i := strings.LastIndexByte(t, '/')
	return ok && i >= 0 && t[i+1:] == short
}

// demo customers make the first few a tour of every MFA kind.
type demoCustomer struct {
	first, last string
	female      bool // for the tour's names; a requested name, that of its given name, if the world knows it (version 3)
	profile     string
	mfa         engine.MFAKind
	bank        string
	auth        string
}

var demo = []demoCustomer{
	{"Adam", "Okafor", false, ProfileSalaryEarner, engine.MFANone, "044", engine.AuthInternetBanking},
	{"", "", false, ProfileTrader, engine.MFAOTP, "058", engine.AuthMobileBanking},
	{"", "", false, ProfileStudent, engine.MFASecurityQuestion, "057", engine.AuthInternetBanking},
	{"", "", false, ProfileFreelancer, engine.MFAToken, "011", engine.AuthInternetBanking},
	{"", "", false, ProfilePensioner, engine.MFACaptcha, "033", engine.AuthMobileBanking},
	{"", "", false, ProfileBusiness, engine.MFANone, "101", engine.AuthInternetBanking},
}

// customerPlan is what is decided about a customer before the seed fills in the
// rest: nothing for most of the world's own, the tour's row for the first few
// (demo), a request's fields for one added later (NewCustomer). newCustomer draws
// every value from the seed, always in the same order — the journal replays a world
// from that order — and then takes the plan's value where it has one.
type customerPlan struct {
	first, last string // a name ("" keeps the drawn one)
	named       bool   // first and last are set (last may be "")
	female      bool   // for the tour's names; a requested name, that of its given name, if the world knows it (version 3)
	profile     string
	mfa         engine.MFAKind
	auth        string
	inLekki     bool // Mr Adam lives in Lekki
	username    string
	password    string
	bank        string // the first account's bank
	accountType string // the first account's type
	requested   bool   // added by a request: accounts open empty, one of them
}

// planFor is customer idx's plan: the tour's row for the world's first customers, a
// request's fields for an added one (nc), nothing for the rest.
func planFor(idx int, nc *NewCustomer) customerPlan {
	switch {
	case nc != nil:
		p := customerPlan{profile: ProfileDormant, mfa: engine.MFANone, auth: nc.AuthMethod, username: nc.Username,
			password: nc.Password, bank: nc.Institution, accountType: nc.AccountType, requested: true}
		if nc.Profile != "" {
			p.profile = nc.Profile
		}
		if nc.MFA != "" {
			p.mfa = nc.MFA
		}
		if nc.Name != "" {
			parts := strings.Fields(nc.Name)
			p.named, p.first, p.last = true, strings.Join(parts[:max(1, len(parts)-1)], " "), parts[len(parts)-1]
			if len(parts) == 1 {
				p.last = ""
			}
		}
		return p
	case idx < len(demo):
		d := demo[idx]
		return customerPlan{first: d.first, last: d.last, named: d.first != "", female: d.female, profile: d.profile,
			mfa: d.mfa, auth: d.auth, inLekki: idx == 0, bank: d.bank}
	}
	return customerPlan{}
}

// or is the plan's value if it has one, else the drawn one.
func or[T comparable](planned, drawn T) T {
	var zero T
	if planned != zero {
		return planned
	}
	return drawn
}

// newCustomer makes customer idx, from the seed alone (nc nil) or from a request;
// its accounts open at openAt.
func (w *world) newCustomer(idx int, nc *NewCustomer, openAt int64) *customer {
	h := hash3(w.hseed, saltCustomer, uint64(idx))
	f := gofakeit.NewFaker(rand.NewPCG(h, golden), false)
	plan := planFor(idx, nc)
	// The ID's seconds are spread over the day after openAt, but never past IDsEnd,
	// where they would wrap to 1970: a customer added at the world's end still sorts
	// after every earlier one.
	c := &customer{idx: idx, id: objectID(min(openAt/nsPerSec+int64(idx%86400), IDsEnd.Unix()), hash2(h, 1))}
	if plan.requested {
		c.addedAt = time.Unix(0, openAt).UTC()
	}

	fi := f.IntN(len(firstNames))
	gn := firstNames[fi]
	c.first, c.last, c.group = gn.name, w.surname(f, fi), firstGroup[fi]
	female := gn.female
	if w.version >= 6 && !plan.named {
		// Version 6: no two customers of a world share a name (the demo world
		// had two Femi Akinolas, a student and a salary earner, and a name picked
		// either). The surname is drawn again from a stream of its own; what is
		// drawn after it from the name may still differ (a username the world
		// had took a numeric suffix, drawn from the customer's stream, so the
		// accounts drawn after it differ too).
		again := gofakeit.NewFaker(rand.NewPCG(hash2(h, 7), golden), false)
		for n := 0; n < 8 && w.nameTaken(c.first, c.last); n++ {
			c.last = w.surname(again, fi)
		}
		// Else the first of the people's surnames still free after one drawn,
		// so that names repeat only once every surname of the people goes with
		// this given name (32 draws let them back at about 350 customers).
		g := firstGroup[fi]
		from, n := lastFrom[g], lastTo[g]-lastFrom[g]
		for i, at := 0, again.IntN(n); i < n && w.nameTaken(c.first, c.last); i++ {
			c.last = lastNames[from+(at+i)%n]
		}
	}
	if plan.named {
		c.first, c.last = plan.first, plan.last
		switch fem, ok := givenGender(c.first); {
		case !plan.requested: // the tour's customers are who they are
			female = plan.female
		case ok && w.version >= 3: // a requested name the world knows says whose it is: "Tunde Bakare" was a woman
			female = fem
		} // else a requested name keeps the drawn gender
		if g, ok := peopleOfSurname(c.last); ok && w.version >= 2 { // a given surname says whose people
			c.group = g
		}
	}
	c.profile = or(plan.profile, pickWeighted(f, []string{ProfileSalaryEarner, ProfileTrader, ProfileStudent, ProfileBusiness,
		ProfilePensioner, ProfileFreelancer}, []int{35, 15, 15, 12, 10, 13}))
	c.mfa = or(plan.mfa, engine.MFAKinds[pickIndex(f, []int{40, 25, 15, 10, 10})])
	auth := engine.AuthInternetBanking
	if f.IntN(10) < 4 {
		auth = engine.AuthMobileBanking
	}
	c.authMethod = or(plan.auth, auth)
	c.place = places[f.IntN(len(places))]
	if plan.inLekki {
		c.place = places[0]
	}
	w.drawIdentity(c, f, female)
	c.username, c.password, c.question, c.answer = w.drawCredentials(c, f)
	c.username, c.password = or(plan.username, c.username), or(plan.password, c.password)
	w.openAccounts(c, f, plan, openAt)
	return c
}

// nameTaken reports whether a customer of the world has that name. A map: a
// look through every customer made a world of 100,000 ten times slower to build,
// at every start (a review).
func (w *world) nameTaken(first, last string) bool { return w.names[nameOf(first, last)] }

// nameOf is a name as names keeps it.
func nameOf(first, last string) string { return strings.ToLower(first + " " + last) }

// surname draws a surname for the given name firstNames[fi]: of its people in
// worlds of version 2 on, of any in version 1's.
func (w *world) surname(f *gofakeit.Faker, fi int) string {
	if w.version < 2 {
		return f.RandomString(lastNames)
	}
	g := firstGroup[fi]
	return lastNames[lastFrom[g]+f.IntN(lastTo[g]-lastFrom[g])]
}

// peopleOfSurname is the nameGroups index of a surname of the lists.
func peopleOfSurname(last string) (int, bool) {
	for g := range nameGroups {
		for _, l := range lastNames[lastFrom[g]:lastTo[g]] {
			if strings.EqualFold(l, last) {
				return g, true
			}
		}
	}
	return 0, false
}

// givenGender reports whether first is one of the world's given names, and if so
// whether a woman's.
func givenGender(first string) (female, known bool) {
	for _, g := range firstNames {
		if strings.EqualFold(g.name, first) {
			return g.female, true
		}
	}
	return false, false
}

// firstIndex is the index in firstNames of group g's i-th given name.
func firstIndex(g, i int) int {
	n := 0
	for _, grp := range nameGroups[:g] {
		n += len(grp.first)
	}
	return n + i
}

// drawIdentity fills c's identity — phone, date of birth, marital status, email,
// BVN, address — and a business's name, from its name, profile and place.
func (w *world) drawIdentity(c *customer, f *gofakeit.Faker, female bool) {
	phone := networks[f.IntN(len(networks))].prefix + f.Numerify("#######")
	age := 24 + f.IntN(34)
	switch c.profile {
	case ProfileStudent:
		age = 18 + f.IntN(8)
	case ProfilePensioner:
		age = 60 + f.IntN(18)
	}
	dob := w.cfg.Start.AddDate(-age, 0, -f.IntN(365))
	gender := "Male"
	if female {
		gender = "Female"
	}
	marital := maritalStatuses[f.IntN(len(maritalStatuses))]
	if c.profile == ProfileStudent {
		marital = "Single"
	}
	email := c.localPart() + itoa(f.IntN(90)+10) + "@" + f.RandomString(emailDomains)
	c.identity = engine.Identity{
		FullName: strings.TrimSpace(c.first + " " + c.last), Email: email, Phone: phone, BVN: "22" + f.Numerify("#########"),
		Gender: gender, DateOfBirth: dob.Format("2006-01-02"), MaritalStatus: marital,
		AddressLine1: itoa(1+f.IntN(120)) + " " + c.place.street, AddressLine2: c.place.area,
		City: c.place.city, State: c.place.state,
	}
	if c.profile == ProfileBusiness {
		c.business = strings.ToUpper(c.last + " " + f.RandomString(companySuffixes))
		if c.last == "" {
			c.business = strings.ToUpper(c.first + " " + f.RandomString(companySuffixes))
		}
	}
}

// localPart is the customer's name as an email's or username's: "ada.eze".
func (c *customer) localPart() string {
	local := strings.ToLower(strings.Map(nameChar, c.first))
	if c.last != "" {
		local += "." + strings.ToLower(strings.Map(nameChar, c.last))
	}
	if len(local) < 3 { // a name of non-Latin letters only
		local = "customer" + itoa(c.idx)
	}
	return local
}

// drawCredentials draws a free username from the name, a password and a security
// question with its answer.
func (w *world) drawCredentials(c *customer, f *gofakeit.Faker) (username, password, question, answer string) {
	local := c.localPart()
	username = local
	for w.byUsername[username] != nil {
		username = local + itoa(f.IntN(900)+100)
	}
	password = f.RandomString(passwordWords) + "@" + f.Numerify("####")
	q := securityQuestions[f.IntN(len(securityQuestions))]
	if q.answers == nil {
		answer = f.RandomString(lastNames)
	} else {
		answer = f.RandomString(q.answers)
	}
	return username, password, q.question, answer
}

// openAccounts opens c's accounts at openAt: one, or for some of the world's own
// customers two at different banks; the plan may name the first one's bank and type.
func (w *world) openAccounts(c *customer, f *gofakeit.Faker, plan customerPlan, openAt int64) {
	n := 1
	if !plan.requested && plan.bank == "" && f.IntN(4) == 0 {
		n = 2
	}
	var used []string
	for i := 0; i < n; i++ {
		code, typ := "", ""
		if i == 0 {
			code, typ = plan.bank, plan.accountType
		}
		for code == "" || contains(used, code) {
			code = pickInstitution(f, c.profile == ProfileBusiness)
		}
		used = append(used, code)
		c.accounts = append(c.accounts, w.newAccount(c, f, code, typ, openAt, !plan.requested))
	}
}

// nameChar keeps the ASCII letters and digits of a name for usernames and
// emails, folding the accented letters of Yoruba, Igbo and Hausa names
// ("Ọlá" → "Ola") and dropping the rest.
func nameChar(r rune) rune {
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
		return r
	}
	if f, ok := foldLatin[unicode.ToLower(r)]; ok {
		return f
	}
	return -1
}

var foldLatin = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåāă", 'e': "èéêëēẹẹ́ẹ̀", 'i': "ìíîïīị", 'o': "òóôõöōọơ", 'u': "ùúûüūụư",
		'n': "ñńǹň", 's': "ṣšś", 'c': "çč", 'y': "ýÿ", 'g': "ğ", 'z': "ž", 'd': "ɗđ", 'b': "ɓ", 'k': "ƙ",
	} {
		for _, r := range accented {
			if r < 0x300 || r > 0x36f { // skip combining marks
				m[r] = base
			}
		}
	}
	return m
}()

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func pickIndex(f *gofakeit.Faker, weights []int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	n := f.IntN(sum)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func pickWeighted(f *gofakeit.Faker, items []string, weights []int) string {
	return items[pickIndex(f, weights)]
}

func pickInstitution(f *gofakeit.Faker, business bool) string {
	want := engine.InstitutionPersonal
	if business && f.IntN(10) < 4 {
		want = engine.InstitutionBusiness
	}
	for {
		in := institutions[f.IntN(len(institutions))]
		if in.Type == want {
			return in.Code
		}
	}
}

func institutionByCode(code string) (engine.Institution, bool) {
	for _, in := range institutions {
		if in.Code == code {
			return in, true
		}
	}
	return engine.Institution{}, false
}

// newAccount opens an account for c at a bank; seeded accounts start with a balance
// and history, requested ones empty at openAt. Its number and type come from the
// customer's draws (f), everything else from the account's own generator, seeded by
// its number, in a fixed order: the journal replays a world from that order.
func (w *world) newAccount(c *customer, f *gofakeit.Faker, code, typ string, openAt int64, seeded bool) *account {
	inst, _ := institutionByCode(code)
	number := ""
	for number == "" || w.byNumber[number] != nil {
		serial := f.Numerify("#########")
		number = serial + string(nubanCheckDigit(code, serial))
	}
	a := &account{
		key: hashString(number), number: number, inst: inst, cust: c, spec: profileSpecs[c.profile],
		openAt: openAt, openDay: dayOf(openAt), tv: -1, nLump: -1,
	}
	a.name = strings.ToUpper(c.identity.FullName)
	if c.business != "" {
		a.name = c.business
	}
	a.typ = typ
	if typ == "" { // a given type draws nothing
		a.typ = drawAccountType(c, inst, f)
	}
	w.nameOwnPayments(a, c)
	if !a.spec.active {
		a.cp = []int64{0}
		return a
	}
	var r prng
	r.seed(hash3(w.hseed, saltAccount, a.key), 0)
	monthly := w.drawIncome(a, c, &r)
	fixed := w.drawBills(a, c, &r, monthly)
	if w.version >= 2 {
		fixed += w.subscribe(a, c, monthly)
	}
	a.spendUnit = spendUnit(a.spec, monthly, fixed, a.payroll)
	a.opening = int64(monthly*(0.3+1.7*r.f())) / kobo * kobo
	if !seeded {
		a.opening = 0
	}
	if a.typ == engine.AccountCurrent && (c.profile == ProfileBusiness && r.n(4) == 0 || c.profile == ProfileSalaryEarner && r.n(10) == 0) {
		a.overdraft = int64(monthly*0.5) / (1000 * kobo) * (1000 * kobo)
	}
	a.cp = []int64{a.opening}
	if w.version >= 2 {
		w.placeAccount(a, c)
	}
	return a
}

// drawAccountType is a current account for businesses (and at business banks),
// sometimes for traders and salary earners, else savings. It draws only when the
// profile leaves a choice.
func drawAccountType(c *customer, inst engine.Institution, f *gofakeit.Faker) string {
	switch {
	case c.profile == ProfileBusiness || inst.Type == engine.InstitutionBusiness:
		return engine.AccountCurrent
	case c.profile == ProfileTrader && f.IntN(2) == 0, c.profile == ProfileSalaryEarner && f.IntN(5) == 0:
		return engine.AccountCurrent
	}
	return engine.AccountSavings
}

// nameOwnPayments sets the narrations of the account's airtime and data for the
// customer's own number, and who its transfers come from and go to.
func (w *world) nameOwnPayments(a *account, c *customer) {
	phone := c.identity.Phone
	network := "MTN"
	for _, n := range networks {
		if strings.HasPrefix(phone, n.prefix) {
			network = n.name
		}
	}
	a.nAirtime = w.intern("AIRTIME "+network+" "+phone, catAirtime)
	a.nData = w.intern("DATA BUNDLE "+network+" "+phone, catAirtime)
	a.inGroup, a.outGroup = w.gPeopleIn, w.gPeopleOut
	switch c.profile {
	case ProfileTrader:
		a.inGroup, a.outGroup = w.gTraderIn, w.gSupplierOut
	case ProfileBusiness:
		a.inGroup, a.outGroup = w.gBusinessIn, w.gSupplierOut
	case ProfileFreelancer:
		a.inGroup = w.gFreelanceIn
	}
}

// drawIncome draws the monthly lump (salary, pension or allowance), the range of
// inbound transfers and a business's payroll; it returns the monthly income, kobo.
func (w *world) drawIncome(a *account, c *customer, r *prng) float64 {
	p := a.spec
	logUniform := func(lo, hi int64) int64 {
		x := math.Exp(math.Log(float64(lo)) + r.f()*(math.Log(float64(hi))-math.Log(float64(lo))))
		return int64(x/1000) * 1000 * kobo
	}
	switch p.lump {
	case lumpSalary:
		a.payer = int32(r.n(len(employers)))
		a.lump = logUniform(p.lumpMin, p.lumpMax)
		a.payday = int8(25 + r.n(4))
		if strings.Contains(employers[a.payer], "GOVT") || strings.Contains(employers[a.payer], "MINISTRY") {
			a.payday = 23
		}
	case lumpPension:
		a.payer = int32(r.n(len(pensionFunds)))
		a.lump = logUniform(p.lumpMin, p.lumpMax)
		a.payday = 25
	case lumpAllowance:
		a.lump = logUniform(p.lumpMin, p.lumpMax)
		a.payday = 1
		fi := r.n(len(firstNames))
		if w.version >= 2 { // a parent of the student's people, not of the student's own name
			g := nameGroups[c.group]
			i := r.n(len(g.first))
			if g.first[i].name == c.first {
				i = (i + 1) % len(g.first)
			}
			fi = firstIndex(c.group, i)
		}
		parent := strings.ToUpper(firstNames[fi].name + " " + c.last)
		bank, from := counterpartyBanks[r.n(len(counterpartyBanks))], "NIP TRF FROM "
		if w.version >= 4 && bank == bankShort[a.inst.Code] {
			from = "TRF FROM " // version 4: a parent at the student's bank pays on-us
		}
		a.nLump = w.intern(from+parent+"/"+bank+" UPKEEP", catIncome)
	}
	scale := 0.5 + 1.5*r.f()
	a.inMin = int64(float64(p.inMin)*scale) * kobo
	a.inMax = int64(float64(p.inMax)*scale) * kobo
	monthly := float64(a.lump) + p.inRate*30*p.inDaysFrac*float64(a.inMin+a.inMax)/2
	if p.payroll {
		a.payroll = int64(monthly*0.35) / (1000 * kobo) * (1000 * kobo)
	}
	return monthly
}

// drawBills draws the account's TV package, prepaid electricity and LAWMA, sized to
// the income; it returns what they cost a month, kobo.
func (w *world) drawBills(a *account, c *customer, r *prng, monthly float64) float64 {
	fixed := 0.0
	if r.f() < a.spec.tvShare {
		var fits []int
		for i, pk := range dstvPackages {
			if float64(pk.naira*kobo) <= 0.05*monthly {
				fits = append(fits, i)
			}
		}
		if len(fits) > 0 {
			a.tv = int8(fits[r.n(len(fits))])
			a.tvDay = int8(1 + r.n(28))
			fixed += float64(dstvPackages[a.tv].naira * kobo)
		}
	}
	if c.profile != ProfileStudent || r.n(2) == 0 {
		a.elecAmount = min(max(int64(0.03*monthly)/(500*kobo)*(500*kobo), 5000*kobo), 40000*kobo)
		a.nElec = w.intern(c.place.disco+" PREPAID TOKEN "+digits(r.p.Uint64(), 11), catBills)
		fixed += 3 * float64(a.elecAmount)
	}
	if c.place.lagos && c.profile != ProfileStudent {
		a.lawma = (2500 + int64(r.n(5))*500) * kobo
		fixed += float64(a.lawma)
	}
	return fixed
}

// spendUnit sizes the account's spending so that it is about 92% of the income,
// after the bills and the payroll.
func spendUnit(p *profileSpec, monthly, fixed float64, payroll int64) int64 {
	target := 0.92*monthly - fixed - float64(payroll)
	if target < 0.3*monthly {
		target = 0.3 * monthly
	}
	perMonth := 30 * p.debitRate * (5 + 2*p.weekendFactor) / 7
	var fixedMean, scaledMean float64
	for k, wgt := range p.weights {
		share := float64(wgt) / float64(p.weightSum)
		switch k {
		case skAirtime:
			fixedMean += share * 850 * kobo
		case skData:
			fixedMean += share * 2667 * kobo
		default:
			scaledMean += share * float64(spendRange[k][0]+spendRange[k][1]) / 2000
		}
	}
	unit := (target/perMonth - fixedMean) / scaledMean
	return max(int64(unit), 200*kobo)
}

// openAccount opens one more account for an existing customer at openAt: empty, with
// the customer's profile, its number drawn from the customer and how many accounts
// they hold, so replaying the journal opens the same account.
func (w *world) openAccount(c *customer, na NewAccount, openAt int64) *account {
	h := hash3(w.hseed, saltCustomer, uint64(c.idx))
	f := gofakeit.NewFaker(rand.NewPCG(h, uint64(len(c.accounts))), false)
	a := w.newAccount(c, f, na.Institution, na.AccountType, openAt, false)
	c.accounts = append(c.accounts, a)
	a.idx = len(w.accounts)
	w.accounts = append(w.accounts, a)
	w.byNumber[a.number] = a
	return a
}

// addCustomer registers c and its accounts with the world.
func (w *world) addCustomer(c *customer) {
	w.customers = append(w.customers, c)
	w.byID[c.id] = c
	w.byUsername[c.username] = c
	w.names[nameOf(c.first, c.last)] = true
	for _, a := range c.accounts {
		a.idx = len(w.accounts)
		w.accounts = append(w.accounts, a)
		w.byNumber[a.number] = a
	}
}
