package simulator

import (
	"encoding/json"
	"slices"
	"sync"
	"time"

	"sandbank/engine"
)

// Journal keeps the bank's explicit events so a restart rebuilds the same bank:
// the first record is the world's Config, each later one an event with its
// virtual time. The store implements it; MemJournal keeps records in memory.
type Journal interface {
	AppendBankEvent(data []byte) error
	BankEvents() ([][]byte, error)
}

// MemJournal is an in-memory Journal, for tests, benchmarks and throwaway worlds.
type MemJournal struct {
	mu      sync.Mutex
	records [][]byte
}

// AppendBankEvent keeps a copy of data.
func (j *MemJournal) AppendBankEvent(data []byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.records = append(j.records, slices.Clone(data))
	return nil
}

// BankEvents returns copies of the records, oldest first.
func (j *MemJournal) BankEvents() ([][]byte, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([][]byte, len(j.records))
	for i, r := range j.records {
		out[i] = slices.Clone(r)
	}
	return out, nil
}

// Record kinds.
const (
	recWorld    = "world"
	recCustomer = "add_customer"
	recAccount  = "open_account"
	recPost     = "post"
	recPassword = "password"
	recMFA      = "mfa"
	recOutage   = "outage"
	recLatency  = "latency"
	// recSignedIn: the first sign-in after a password change, which asked for an
	// OTP; the next sign-in asks only what the customer's MFA asks.
	recSignedIn = "signed_in"
)

// journalVersion is the version of the worlds this build makes. A world is
// replayed by the generators of its own version forever, so a change to what
// they make comes with a new version:
//
//	1: the first
//	2: a cash deposit over the counter pays no electronic money transfer levy;
//	   salaries, pensions and payrolls are paid before public holidays too;
//	   customers spend in their own region, at merchants' prices, subscribe
//	   monthly, and send some transfers by USSD (places.go)
//	3: a transfer out is made only if the balance pays its NIP fee and VAT
//	   too (shrunk to fit, or not made); up to 2 the fee was waived. A
//	   customer added with a given name of the world's has its gender
//	   (up to 2 drawn: "Tunde Bakare" could be a woman)
//	4: a transfer to someone at the account's own bank is on-us, not NIP: it
//	   pays no NIP fee or VAT, and one from someone there reads "TRF FROM …"
//	   rather than "NIP TRF FROM …" (a data engineer's trial: every GTBank to
//	   GTBank transfer paid the NIP fee)
//	5: a withdrawal at another bank's ATM, from 1 March 2025 (the CBN's
//	   circular of February 2025), pays NGN 100 for each NGN 20,000 or part of
//	   it, which the balance must cover as well; at the account's own bank's
//	   ATM it is free (up to 4 every ATM was free), and a customer whose region
//	   has one goes there three times in four (up to 4 any of the region's);
//	   a posting whose narration names an ATM's fee is a charge, not cash
//	6: no cash deposit over the counter on a public holiday, when branches are
//	   closed; an ATM withdrawal is NGN 1,000 at least (a student's was NGN 100);
//	   a posting's narration is read by words, not letters anywhere: a keyword
//	   begins a word, and a short one that begins common words (BET, FEE, BILL)
//	   is a whole word: "NIP TRF FROM ELIZABETH OKAFOR" is a transfer, not betting,
//	   and "CAFE NEO COFFEE" is not a bank charge ("FEE"); no two customers the
//	   world draws share a name while a given name has surnames of its people
//	   left (about 300 customers; the demo world had two Femi Akinolas) (a review)
const journalVersion = 6

// DataVersion is the version of the worlds this build makes (journalVersion).
const DataVersion = journalVersion

// record is one journal entry, as JSON.
type record struct {
	Kind    string    `json:"kind"`
	Version int       `json:"version,omitempty"` // world records
	At      time.Time `json:"at,omitzero"`       // virtual time of the event
	Config  *Config   `json:"config,omitempty"`

	Customer string         `json:"customer,omitempty"`
	New      *NewCustomer   `json:"new,omitempty"`
	Open     *NewAccount    `json:"open,omitempty"`
	Posting  *Posting       `json:"posting,omitempty"`
	Password string         `json:"password,omitempty"`
	MFA      engine.MFAKind `json:"mfa,omitempty"`
	Bank     string         `json:"bank,omitempty"`
	Duration time.Duration  `json:"duration,omitempty"`
}

func decodeRecord(i int, data []byte) (record, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return r, engine.Errorf(engine.EINTERNAL, "bank journal record %d is not valid JSON: %v", i, err)
	}
	return r, nil
}
