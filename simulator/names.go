package simulator

import (
	"strings"
	"unicode"

	"sandbank/engine"
)

// The world's vocabulary: Nigerian banks, names, places, employers and merchants.

// institutions are the banks of the world, with their CBN bank codes. Business
// banking institutions hold only business customers' current accounts.
var institutions = []engine.Institution{
	{Code: "044", Name: "Access Bank", Type: engine.InstitutionPersonal},
	{Code: "058", Name: "GTBank", Type: engine.InstitutionPersonal},
	{Code: "057", Name: "Zenith Bank", Type: engine.InstitutionPersonal},
	{Code: "011", Name: "First Bank of Nigeria", Type: engine.InstitutionPersonal},
	{Code: "033", Name: "United Bank for Africa", Type: engine.InstitutionPersonal},
	{Code: "070", Name: "Fidelity Bank", Type: engine.InstitutionPersonal},
	{Code: "214", Name: "First City Monument Bank", Type: engine.InstitutionPersonal},
	{Code: "032", Name: "Union Bank of Nigeria", Type: engine.InstitutionPersonal},
	{Code: "232", Name: "Sterling Bank", Type: engine.InstitutionPersonal},
	{Code: "221", Name: "Stanbic IBTC Bank", Type: engine.InstitutionPersonal},
	{Code: "035", Name: "Wema Bank", Type: engine.InstitutionPersonal},
	{Code: "050", Name: "Ecobank Nigeria", Type: engine.InstitutionPersonal},
	{Code: "101", Name: "Providus Bank", Type: engine.InstitutionBusiness},
	{Code: "559", Name: "Coronation Merchant Bank", Type: engine.InstitutionBusiness},
}

// ShortName is a bank's name for a narrow space, as people say it: "Access",
// "UBA", "FirstBank" — the TUI's, and one a scenario file may name the bank by.
func ShortName(name string) string {
	switch name {
	case "United Bank for Africa":
		return "UBA"
	case "First City Monument Bank":
		return "FCMB"
	case "First Bank of Nigeria":
		return "FirstBank"
	}
	for _, suffix := range []string{" Merchant Bank", " Bank of Nigeria", " IBTC Bank", " Nigeria", " Bank"} {
		if s, ok := strings.CutSuffix(name, suffix); ok {
			return s
		}
	}
	return name
}

// InstitutionNamed finds the bank s names: its code, or a name it goes by — its
// full name, its ShortName, its narrations' (GTB, FBN) — in any case, spaces and
// dots aside ("First Bank" is FirstBank). ok is false when no bank, or more than
// one, goes by s.
func InstitutionNamed(s string) (in engine.Institution, ok bool) {
	key := nameKey(s)
	for _, i := range institutions {
		if s == i.Code {
			return i, true
		}
		if key != "" && (key == nameKey(i.Name) || key == nameKey(ShortName(i.Name)) || key == nameKey(bankShort[i.Code]) || key == nameKey(i.FullName())) {
			if ok && in.Code != i.Code {
				return engine.Institution{}, false
			}
			in, ok = i, true
		}
	}
	return in, ok
}

// nameKey is a name as InstitutionNamed compares it: letters and digits, lower
// case, without the words a bank's name ends with — "plc", "limited", "of
// Nigeria", "Nigeria", "bank" ("Zenith Bank PLC", "Zenith Bank Nigeria" and
// "UBA Bank" are Zenith and UBA, "Union Bank" Union Bank of Nigeria).
func nameKey(s string) string {
	k := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
	for {
		cut := k
		for _, end := range []string{"plc", "limited", "ltd", "ofnigeria", "nigeria", "bank"} {
			cut = strings.TrimSuffix(cut, end)
		}
		if cut == k {
			return k
		}
		k = cut
	}
}

// BankCore is a bank's name without the words names end with ("Kuda Bank
// Nigeria" is Kuda), for suggesting a bank by what is like it: the shared
// " Bank" made "Unity Bank" look like Zenith Bank (a review).
func BankCore(s string) string {
	for {
		cut := strings.TrimSpace(s)
		for _, end := range []string{" plc", " limited", " ltd", " of nigeria", " nigeria", " bank"} {
			if len(cut) > len(end) && strings.EqualFold(cut[len(cut)-len(end):], end) {
				cut = strings.TrimSpace(cut[:len(cut)-len(end)])
			}
		}
		if cut == s {
			return s
		}
		s = cut
	}
}

// bankShort is how narrations name a bank, by code.
var bankShort = map[string]string{
	"044": "ACCESS", "058": "GTB", "057": "ZENITH", "011": "FBN", "033": "UBA",
	"070": "FIDELITY", "214": "FCMB", "032": "UNION", "232": "STERLING",
	"221": "STANBIC", "035": "WEMA", "050": "ECOBANK", "101": "PROVIDUS", "559": "CORONATION",
}

// counterpartyBanks are the banks and fintechs transfers come from and go to.
var counterpartyBanks = []string{"GTB", "ACCESS", "ZENITH", "FBN", "UBA", "FIDELITY", "FCMB",
	"UNION", "STERLING", "STANBIC", "WEMA", "ECOBANK", "OPAY", "PALMPAY", "MONIEPOINT", "KUDA"}

type givenName struct {
	name   string
	female bool
}

// nameGroups are given names and surnames by people: a customer's surname is of
// their given name's people in worlds of journal version 2 on (version 1 drew
// them apart: OGECHI MOHAMMED, ABUBAKAR NWANKWO). firstNames and lastNames are
// the groups in a row, as version 1 drew from them.
var nameGroups = []struct {
	people string
	first  []givenName
	last   []string
}{
	{"Yoruba", []givenName{
		{"Adebayo", false}, {"Adewale", false}, {"Ayodele", false}, {"Babajide", false}, {"Bolanle", true},
		{"Damilola", true}, {"Folake", true}, {"Funmilayo", true}, {"Kehinde", false}, {"Oluwaseun", false},
		{"Olumide", false}, {"Temitope", true}, {"Tunde", false}, {"Yetunde", true}, {"Adeola", true},
		{"Segun", false}, {"Kunle", false}, {"Bukola", true}, {"Titilayo", true}, {"Gbenga", false}, {"Femi", false},
	}, []string{
		"Adeyemi", "Ogunleye", "Balogun", "Adebayo", "Oladipo", "Ogunbiyi", "Akinola", "Olawale",
		"Adeleke", "Fashola", "Bankole", "Ajayi", "Afolabi", "Odukoya", "Adesanya",
	}},
	{"Igbo", []givenName{
		{"Chinedu", false}, {"Chiamaka", true}, {"Chioma", true}, {"Emeka", false}, {"Ngozi", true},
		{"Obinna", false}, {"Uchenna", false}, {"Ifeanyi", false}, {"Nkechi", true}, {"Adaeze", true},
		{"Chidi", false}, {"Kelechi", false}, {"Amaka", true}, {"Ebuka", false}, {"Ogechi", true},
		{"Nnamdi", false}, {"Ifeoma", true}, {"Chinonso", false},
	}, []string{
		"Okafor", "Okeke", "Eze", "Nwosu", "Okonkwo", "Obi", "Nwankwo", "Okoro", "Onyeka", "Ugwu",
		"Chukwu", "Anyanwu", "Igwe", "Nnadi", "Madu", "Okoye",
	}},
	{"Hausa", []givenName{
		{"Abubakar", false}, {"Aminu", false}, {"Fatima", true}, {"Hadiza", true}, {"Ibrahim", false},
		{"Musa", false}, {"Usman", false}, {"Zainab", true}, {"Aisha", true}, {"Halima", true},
		{"Sani", false}, {"Yusuf", false}, {"Maryam", true}, {"Nasiru", false}, {"Hauwa", true}, {"Kabiru", false},
	}, []string{
		"Abdullahi", "Bello", "Danjuma", "Ibrahim", "Lawal", "Mohammed", "Suleiman", "Yakubu",
		"Garba", "Aliyu", "Umar", "Shehu", "Tanko",
	}},
	{"Edo, Efik, Ijaw, Urhobo", []givenName{
		{"Osaro", false}, {"Efe", true}, {"Tamuno", false}, {"Ebiere", true}, {"Edidiong", true},
		{"Ekaette", true}, {"Oghenekaro", false}, {"Ese", true},
	}, []string{
		"Osagie", "Ighodaro", "Okotie", "Etim", "Bassey", "Ekpo", "Idahosa", "Omoruyi",
	}},
}

var firstNames, lastNames = flatNames()

// firstGroup is the nameGroups index of each of firstNames; lastFrom and lastTo
// bound each group's surnames in lastNames.
var firstGroup, lastFrom, lastTo = nameRanges()

func flatNames() (first []givenName, last []string) {
	for _, g := range nameGroups {
		first, last = append(first, g.first...), append(last, g.last...)
	}
	return first, last
}

func nameRanges() (group []int, from, to []int) {
	n := 0
	for i, g := range nameGroups {
		for range g.first {
			group = append(group, i)
		}
		from, to = append(from, n), append(to, n+len(g.last))
		n += len(g.last)
	}
	return group, from, to
}

// places are where customers live: street, area, city, state and electricity company.
type place struct {
	street, area, city, state, disco string
	lagos                            bool
}

var places = []place{
	{"Admiralty Way", "Lekki Phase 1", "Lekki", "Lagos", "EKEDC", true},
	{"Allen Avenue", "Ikeja", "Ikeja", "Lagos", "IKEDC", true},
	{"Awolowo Road", "Ikoyi", "Ikoyi", "Lagos", "EKEDC", true},
	{"Adeola Odeku Street", "Victoria Island", "Victoria Island", "Lagos", "EKEDC", true},
	{"Herbert Macaulay Way", "Yaba", "Yaba", "Lagos", "EKEDC", true},
	{"Adeniran Ogunsanya Street", "Surulere", "Surulere", "Lagos", "EKEDC", true},
	{"Isaac John Street", "GRA Ikeja", "Ikeja", "Lagos", "IKEDC", true},
	{"Opebi Road", "Opebi", "Ikeja", "Lagos", "IKEDC", true},
	{"Lekki-Epe Expressway", "Ajah", "Ajah", "Lagos", "EKEDC", true},
	{"Ikorodu Road", "Maryland", "Maryland", "Lagos", "IKEDC", true},
	{"Agege Motor Road", "Oshodi", "Oshodi", "Lagos", "IKEDC", true},
	{"Ogudu Road", "Ojota", "Ojota", "Lagos", "IKEDC", true},
	{"Aminu Kano Crescent", "Wuse II", "Abuja", "FCT", "AEDC", false},
	{"Adetokunbo Ademola Crescent", "Wuse II", "Abuja", "FCT", "AEDC", false},
	{"Ahmadu Bello Way", "Garki", "Abuja", "FCT", "AEDC", false},
	{"3rd Avenue", "Gwarinpa", "Abuja", "FCT", "AEDC", false},
	{"Yakubu Gowon Crescent", "Asokoro", "Abuja", "FCT", "AEDC", false},
	{"Trans Amadi Road", "Trans Amadi", "Port Harcourt", "Rivers", "PHED", false},
	{"Aba Road", "GRA Phase 2", "Port Harcourt", "Rivers", "PHED", false},
	{"Ada George Road", "Rumuokoro", "Port Harcourt", "Rivers", "PHED", false},
	{"Ring Road", "Challenge", "Ibadan", "Oyo", "IBEDC", false},
	{"Ogui Road", "GRA", "Enugu", "Enugu", "EEDC", false},
}

// networks maps phone prefixes to mobile networks.
var networks = []struct{ prefix, name string }{
	{"0803", "MTN"}, {"0806", "MTN"}, {"0813", "MTN"}, {"0816", "MTN"}, {"0703", "MTN"}, {"0903", "MTN"},
	{"0805", "GLO"}, {"0807", "GLO"}, {"0815", "GLO"}, {"0905", "GLO"},
	{"0802", "AIRTEL"}, {"0808", "AIRTEL"}, {"0812", "AIRTEL"}, {"0701", "AIRTEL"}, {"0902", "AIRTEL"},
	{"0809", "9MOBILE"}, {"0817", "9MOBILE"}, {"0818", "9MOBILE"},
}

var employers = []string{
	"DANGOTE CEMENT PLC", "MTN NIGERIA COMMUNICATIONS", "NIGERIAN BREWERIES PLC", "FLOUR MILLS OF NIGERIA",
	"LAGOS STATE GOVT", "FEDERAL MINISTRY OF HEALTH", "ANDELA NIGERIA LTD", "INTERSWITCH LTD",
	"PAYSTACK PAYMENTS LTD", "FLUTTERWAVE TECHNOLOGY", "SEPLAT ENERGY PLC", "NESTLE NIGERIA PLC",
	"JULIUS BERGER NIG PLC", "SHELL PETROLEUM DEV CO", "JUMIA NIGERIA", "LAGOS UNIVERSITY TEACHING HOSP",
	"CHEVRON NIGERIA LTD", "GUINNESS NIGERIA PLC", "KPMG PROFESSIONAL SERVICES", "DELOITTE NIGERIA",
}

var pensionFunds = []string{"LEADWAY PENSURE PFA", "STANBIC IBTC PENSION", "ARM PENSION MANAGERS",
	"PREMIUM PENSION LTD", "NLPC PFA", "CRUSADER STERLING PENSIONS"}

var companySuffixes = []string{"VENTURES", "GLOBAL RESOURCES LTD", "ENTERPRISES", "& SONS NIG LTD",
	"INTEGRATED SERVICES", "FOODS LTD", "LOGISTICS LTD", "TECHNOLOGIES LTD", "CONCEPTS", "INVESTMENT LTD"}

var securityQuestions = []struct {
	question string
	answers  []string
}{
	{"What is your mother's maiden name?", nil}, // answered with a surname
	{"What was the name of your first school?", []string{"Kings College", "Queens College", "Corona School",
		"Loyola Jesuit College", "Chrisland School", "Greensprings School", "Command Secondary School", "Federal Government College Enugu"}},
	{"In which city were you born?", []string{"Ibadan", "Enugu", "Kaduna", "Jos", "Abeokuta", "Owerri",
		"Benin City", "Onitsha", "Calabar", "Warri", "Kano", "Ilorin"}},
	{"What is your favourite food?", []string{"Jollof rice", "Pounded yam", "Amala", "Suya", "Egusi soup",
		"Ofada rice", "Moi moi", "Tuwo shinkafa"}},
}

// passwordWords make passwords a tester can type.
var passwordWords = []string{"Jollof", "Suya", "Agege", "Danfo", "Okada", "Eko", "Naija", "Zobo",
	"Chinchin", "Egusi", "Ofada", "Amala", "Kano", "Calabar", "Lekki", "Ikoyi", "Owambe", "Gele"}

var emailDomains = []string{"gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com"}

var maritalStatuses = []string{"Single", "Married", "Married", "Single", "Divorced", "Widowed"}

// Narrations, each with its category.
type narration struct {
	text string
	cat  uint8
}

// Category indices, in the order of Categories.
const (
	catIncome uint8 = iota
	catTransfer
	catShopping
	catFood
	catAirtime
	catBills
	catCash
	catCharges
	catTransport
	catEntertainment
)

// Categories lists the transaction categories, indexed by narration.cat.
var Categories = []string{CategoryIncome, CategoryTransfer, CategoryShopping, CategoryFood, CategoryAirtime,
	CategoryBills, CategoryCash, CategoryBankCharges, CategoryTransport, CategoryEntertainment}

// Categories as transactions carry them.
const (
	CategoryIncome        = "income"
	CategoryTransfer      = "transfer"
	CategoryShopping      = "shopping"
	CategoryFood          = "food"
	CategoryAirtime       = "airtime"
	CategoryBills         = "bills"
	CategoryCash          = "cash_withdrawal"
	CategoryBankCharges   = "bank_charges"
	CategoryTransport     = "transport"
	CategoryEntertainment = "entertainment"
)

var foodNarrations = []string{
	"POS PURCHASE CHICKEN REPUBLIC IKEJA", "POS PURCHASE KILIMANJARO LEKKI", "POS PURCHASE DOMINOS PIZZA VI",
	"POS PURCHASE THE PLACE LEKKI", "POS PURCHASE CHOPLIFE WUSE", "POS PURCHASE TANTALIZERS YABA",
	"POS PURCHASE COLD STONE IKEJA", "POS PURCHASE SWEET SENSATION OJODU", "POS PURCHASE BUKKA HUT LEKKI",
	"POS PURCHASE KFC ADMIRALTY", "POS PURCHASE MAMA CASS SURULERE", "POS PURCHASE ORIENTAL PALACE PH",
	"WEB PURCHASE CHOWDECK", "WEB PURCHASE FLW*GLOVO NIGERIA", "WEB PURCHASE PAYSTACK*JUMIA FOOD",
	"WEB PURCHASE HEYFOOD", "POS PURCHASE MR BIGGS ABUJA", "POS PURCHASE BUKA MAMA PUT YABA",
}

var shopNarrations = []string{
	"POS PURCHASE SHOPRITE LEKKI", "POS PURCHASE SPAR ADMIRALTY", "POS PURCHASE PRINCE EBEANO LEKKI",
	"POS PURCHASE JUSTRITE AGEGE", "POS PURCHASE HUBMART IKOYI", "POS PURCHASE MARKET SQUARE PH",
	"POS PURCHASE SHOPRITE JABI ABUJA", "POS PURCHASE SLOT IKEJA", "POS PURCHASE MEDPLUS PHARMACY",
	"POS PURCHASE HEALTHPLUS PHARMACY", "POS PURCHASE ROBB STORES", "POS PURCHASE ADDIDE SUPERMARKET",
	"WEB PURCHASE JUMIA NIGERIA", "WEB PURCHASE KONGA.COM", "WEB PURCHASE AMAZON.COM",
	"WEB PURCHASE PAYSTACK*SHOPINVERSE", "POS PURCHASE BALOGUN MARKET", "POS PURCHASE ALABA INTL MARKET",
}

var transportNarrations = []string{
	"WEB PURCHASE BOLT RIDE", "WEB PURCHASE UBER TRIP", "WEB PURCHASE INDRIVE", "POS PURCHASE NNPC MEGA STATION",
	"POS PURCHASE TOTALENERGIES LEKKI", "POS PURCHASE MRS FILLING STATION", "POS PURCHASE ARDOVA PLC IKEJA",
	"LAGOS COWRY CARD TOPUP", "WEB PURCHASE GIGM.COM", "WEB PURCHASE AIR PEACE",
}

var funNarrations = []string{
	"WEB PURCHASE NETFLIX.COM", "WEB PURCHASE SHOWMAX", "POS PURCHASE FILMHOUSE CINEMAS LEKKI",
	"POS PURCHASE GENESIS CINEMAS", "WEB PURCHASE BET9JA", "WEB PURCHASE SPORTYBET", "WEB PURCHASE SPOTIFY",
	"WEB PURCHASE APPLE.COM/BILL", "POS PURCHASE HARD ROCK CAFE VI", "POS PURCHASE SILVERBIRD GALLERIA",
}

var atmNarrations = []string{
	"ATM WDL UBA IKEJA", "ATM WDL GTB ALLEN AVENUE", "ATM WDL FBN MARINA", "ATM WDL ZENITH WUSE II",
	"ATM WDL ACCESS TRANS AMADI", "ATM WDL FIDELITY YABA", "ATM WDL STERLING LEKKI", "ATM WDL ECOBANK GARKI",
	"ATM WDL WEMA SURULERE", "ATM WDL STANBIC IKOYI", "ATM WDL FCMB OJOTA", "ATM WDL UNION AJAH",
}

// dstvPackages are DStv and GOtv bouquets with their monthly prices in naira.
var dstvPackages = []struct {
	name  string
	naira int64
}{
	{"DSTV SUBSCRIPTION PADI", 4400}, {"DSTV SUBSCRIPTION YANGA", 6000}, {"DSTV SUBSCRIPTION CONFAM", 11000},
	{"DSTV SUBSCRIPTION COMPACT", 19000}, {"DSTV SUBSCRIPTION COMPACT PLUS", 30000},
	{"DSTV SUBSCRIPTION PREMIUM", 44500}, {"GOTV SUBSCRIPTION MAX", 8500}, {"GOTV SUBSCRIPTION JOLLI", 5800},
}

var airtimeNaira = []int64{100, 200, 500, 500, 1000, 1000, 1500, 2000}
var dataNaira = []int64{1000, 1500, 2000, 3000, 3500, 5000}
