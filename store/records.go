package store

// Value encodings. Transactions, the bulk of the file, use a compact binary row;
// everything else is JSON of a private record struct, so that renaming a field of an
// engine type never silently changes what is on disk.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"
	"unsafe"

	"sandbank/engine"
)

// ---- transactions ----

// txFormat is the first byte of a transaction row body.
const txFormat = 1

const (
	typDebit  byte = 0
	typCredit byte = 1
)

// txFields are a row body's fields: strings when encoding an engine.Transaction,
// byte slices when decoded from the file.
type txFields[S ~string | ~[]byte] struct {
	typ       byte
	date      uint64 // timeKey(Date)
	amount    int64
	balance   int64
	id        S
	narration S
	currency  S
	category  S
}

// txBody is a decoded row body. Its byte slices alias the value it was decoded from:
// they are valid only inside the transaction that read it.
type txBody = txFields[[]byte]

// pageOf decodes the rows of a page (values read in the current transaction) into
// transactions whose strings share one allocation, instead of four allocations a
// transaction: a page is read, encoded and dropped together.
func pageOf(accountID string, rows [][]byte) ([]engine.Transaction, error) {
	size := 0
	for _, v := range rows {
		size += len(v) // a row's strings are shorter than the row
	}
	// text never grows past its capacity, and bytes once appended are never
	// written again, so the strings can point into it as it fills.
	text := make([]byte, 0, size)
	str := func(b []byte) string {
		if len(b) == 0 {
			return ""
		}
		text = append(text, b...)
		return unsafe.String(&text[len(text)-len(b)], len(b))
	}
	out := make([]engine.Transaction, len(rows))
	for i, v := range rows {
		_, b, err := decodeTxRow(v)
		if err != nil {
			return nil, fmt.Errorf("account %s, a transaction row: %w", accountID, err)
		}
		out[i] = b.transactionWith(accountID, str(b.id), str(b.narration), str(b.currency), str(b.category))
	}
	return out, nil
}

func (b txFields[S]) transaction(accountID string) engine.Transaction {
	return b.transactionWith(accountID, string(b.id), string(b.narration), string(b.currency), string(b.category))
}

func (b txFields[S]) transactionWith(accountID, id, narration, currency, category string) engine.Transaction {
	t := engine.Transaction{
		ID:        id,
		AccountID: accountID,
		Type:      engine.Debit,
		Amount:    b.amount,
		Narration: narration,
		Date:      timeFromKey(b.date),
		Balance:   b.balance,
		Currency:  currency,
		Category:  category,
	}
	if b.typ == typCredit {
		t.Type = engine.Credit
	}
	return t
}

func typeByte(t engine.TxType) byte {
	if t == engine.Credit {
		return typCredit
	}
	return typDebit
}

func newTxBody(t engine.Transaction) txBody {
	return txBody{
		typ:       typeByte(t.Type),
		date:      timeKey(t.Date),
		amount:    t.Amount,
		balance:   t.Balance,
		id:        []byte(t.ID),
		narration: []byte(t.Narration),
		currency:  []byte(t.Currency),
		category:  []byte(t.Category),
	}
}

// appendTxBody appends the body: format, type, BE(date), varint amount and balance,
// then ID, narration, currency and category, each uvarint-length-prefixed.
func appendTxBody[S ~string | ~[]byte](dst []byte, b txFields[S]) []byte {
	dst = append(dst, txFormat, b.typ)
	dst = binary.BigEndian.AppendUint64(dst, b.date)
	dst = binary.AppendVarint(dst, b.amount)
	dst = binary.AppendVarint(dst, b.balance)
	for _, s := range [...]S{b.id, b.narration, b.currency, b.category} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// txRowHeader is the size of a row's header: BE(debits strictly before this row).
const txRowHeader = 8

// encodeTxRow is a row value: header, then body.
func encodeTxRow[S ~string | ~[]byte](debitsBefore uint64, b txFields[S]) []byte {
	return appendTxRow(make([]byte, 0, rowSize(b)), debitsBefore, b)
}

func appendTxRow[S ~string | ~[]byte](dst []byte, debitsBefore uint64, b txFields[S]) []byte {
	return appendTxBody(binary.BigEndian.AppendUint64(dst, debitsBefore), b)
}

// rowSize is the exact length of b's row.
func rowSize[S ~string | ~[]byte](b txFields[S]) int {
	n := txRowHeader + 2 + 8 + varintLen(b.amount) + varintLen(b.balance)
	for _, s := range [...]S{b.id, b.narration, b.currency, b.category} {
		n += uvarintLen(uint64(len(s))) + len(s)
	}
	return n
}

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

func varintLen(x int64) int {
	ux := uint64(x) << 1
	if x < 0 {
		ux = ^ux
	}
	return uvarintLen(ux)
}

var errShortRow = damagef("transaction row is truncated")

// decodeTxRow splits a tx_rows value into its header and decoded body.
func decodeTxRow(v []byte) (debitsBefore uint64, b txBody, err error) {
	if len(v) < txRowHeader {
		return 0, b, errShortRow
	}
	b, err = decodeTxBody(v[txRowHeader:])
	return binary.BigEndian.Uint64(v), b, err
}

// rowHead reads just what queries step over: debits-before, type and date.
func rowHead(v []byte) (debitsBefore uint64, typ byte, date uint64, err error) {
	if len(v) < txRowHeader+2+8 || v[txRowHeader] != txFormat || v[txRowHeader+1] > typCredit {
		return 0, 0, 0, errShortRow
	}
	return binary.BigEndian.Uint64(v), v[txRowHeader+1], binary.BigEndian.Uint64(v[txRowHeader+2:]), nil
}

// decodeTxBody decodes what appendTxBody wrote; garbage gives an error, never a panic.
func decodeTxBody(v []byte) (b txBody, err error) {
	if len(v) < 2+8 {
		return b, errShortRow
	}
	if v[0] != txFormat {
		return b, damagef("transaction row format %d is unknown", v[0])
	}
	if b.typ = v[1]; b.typ > typCredit {
		return b, damagef("transaction type %d is unknown", b.typ)
	}
	b.date = binary.BigEndian.Uint64(v[2:])
	v = v[10:]
	var n int
	if b.amount, n = binary.Varint(v); n <= 0 {
		return b, errShortRow
	}
	v = v[n:]
	if b.balance, n = binary.Varint(v); n <= 0 {
		return b, errShortRow
	}
	v = v[n:]
	for _, s := range [...]*[]byte{&b.id, &b.narration, &b.currency, &b.category} {
		l, n := binary.Uvarint(v)
		if n <= 0 || l > uint64(len(v)-n) {
			return b, errShortRow
		}
		*s, v = v[n:n+int(l)], v[n+int(l):]
	}
	if len(v) != 0 {
		return b, damagef("transaction row has trailing bytes")
	}
	return b, nil
}

// txStats are an account's kept counts: rows, debit rows, and the latest date.
type txStats struct {
	count    uint64
	debits   uint64
	lastDate uint64 // timeKey
}

func (s *txStats) add(typ byte, date uint64) {
	s.count++
	if typ == typDebit {
		s.debits++
	}
	s.lastDate = max(s.lastDate, date)
}

func (s txStats) encode() []byte {
	b := make([]byte, 0, 24)
	b = binary.BigEndian.AppendUint64(b, s.count)
	b = binary.BigEndian.AppendUint64(b, s.debits)
	return binary.BigEndian.AppendUint64(b, s.lastDate)
}

func decodeTxStats(v []byte) (txStats, error) {
	if len(v) != 24 {
		return txStats{}, damagef("transaction stats of %d bytes, want 24", len(v))
	}
	s := txStats{
		count:    binary.BigEndian.Uint64(v),
		debits:   binary.BigEndian.Uint64(v[8:]),
		lastDate: binary.BigEndian.Uint64(v[16:]),
	}
	if s.debits > s.count {
		return txStats{}, damagef("transaction stats count more debits than rows")
	}
	return s, nil
}

// ---- JSON records ----

type settingsRecord struct {
	SecretKey         string        `json:"secret_key"`
	PublicKey         string        `json:"public_key"`
	WebhookURL        string        `json:"webhook_url"`
	WebhookSecret     string        `json:"webhook_secret"`
	DataSyncEnabledAt time.Time     `json:"data_sync_enabled_at"`
	AutoSync          time.Duration `json:"auto_sync"`
	IDNamespace       string        `json:"id_namespace"`
	WebhookFormat     string        `json:"webhook_format,omitempty"`
	StatementBuild    time.Duration `json:"statement_build,omitempty"`
}

func toSettingsRecord(s engine.Settings) settingsRecord {
	return settingsRecord{
		SecretKey: s.SecretKey.Reveal(), PublicKey: s.PublicKey, WebhookURL: s.WebhookURL,
		WebhookSecret: s.WebhookSecret.Reveal(), DataSyncEnabledAt: s.DataSyncEnabledAt,
		AutoSync: s.AutoSync, IDNamespace: s.IDNamespace, WebhookFormat: string(s.WebhookFormat),
		StatementBuild: s.StatementBuild,
	}
}

func (r settingsRecord) settings() engine.Settings {
	return engine.Settings{
		SecretKey: engine.Secret(r.SecretKey), PublicKey: r.PublicKey, WebhookURL: r.WebhookURL,
		WebhookSecret: engine.Secret(r.WebhookSecret), DataSyncEnabledAt: r.DataSyncEnabledAt,
		AutoSync: r.AutoSync, IDNamespace: r.IDNamespace, WebhookFormat: engine.WebhookFormat(r.WebhookFormat),
		StatementBuild: r.StatementBuild,
	}
}

type clockRecord struct {
	Now       time.Time `json:"now"`
	Wall      time.Time `json:"wall"`
	Speed     float64   `json:"speed"`
	Paused    bool      `json:"paused"`
	JumpingTo time.Time `json:"jumping_to,omitzero"`
}

type institutionRecord struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type identityRecord struct {
	FullName      string `json:"full_name"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	BVN           string `json:"bvn"`
	Gender        string `json:"gender"`
	DateOfBirth   string `json:"date_of_birth"`
	MaritalStatus string `json:"marital_status"`
	AddressLine1  string `json:"address_line1"`
	AddressLine2  string `json:"address_line2"`
	City          string `json:"city"`
	State         string `json:"state"`
}

type accountRecord struct {
	ID          string            `json:"id"`
	Institution institutionRecord `json:"institution"`
	CustomerID  string            `json:"customer_id"`
	Number      string            `json:"number"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Currency    string            `json:"currency"`
	AuthMethod  string            `json:"auth_method"`
	ConnectedAt time.Time         `json:"connected_at"`

	DataStatus   string         `json:"data_status"`
	Balance      int64          `json:"balance"`
	Identity     identityRecord `json:"identity"`
	LastSyncedAt time.Time      `json:"last_synced_at"`

	LastAttemptAt    time.Time `json:"last_attempt_at"`
	LastCode         string    `json:"last_code"`
	LastMessage      string    `json:"last_message"`
	LastManualSyncAt time.Time `json:"last_manual_sync_at"`
	NextAutoSyncAt   time.Time `json:"next_auto_sync_at"`
	ReauthRequired   bool      `json:"reauth_required"`
	ReauthReason     string    `json:"reauth_reason"`

	Username             string    `json:"username"`
	Password             string    `json:"password"`
	BankSession          string    `json:"bank_session"`
	BankSessionExpiresAt time.Time `json:"bank_session_expires_at"`

	UnlinkedAt time.Time `json:"unlinked_at"`
}

func (r accountRecord) account() engine.Account {
	return engine.Account{
		ID:               r.ID,
		Institution:      engine.Institution(r.Institution),
		CustomerID:       r.CustomerID,
		Number:           r.Number,
		Name:             r.Name,
		Type:             r.Type,
		Currency:         r.Currency,
		AuthMethod:       r.AuthMethod,
		ConnectedAt:      r.ConnectedAt,
		DataStatus:       r.DataStatus,
		Balance:          r.Balance,
		Identity:         engine.Identity(r.Identity),
		LastSyncedAt:     r.LastSyncedAt,
		LastAttemptAt:    r.LastAttemptAt,
		LastCode:         r.LastCode,
		LastMessage:      r.LastMessage,
		LastManualSyncAt: r.LastManualSyncAt,
		NextAutoSyncAt:   r.NextAutoSyncAt,
		ReauthRequired:   r.ReauthRequired,
		ReauthReason:     r.ReauthReason,
		Credentials:      engine.Credentials{Username: r.Username, Password: engine.Secret(r.Password)},
		BankSession:      engine.Secret(r.BankSession),

		BankSessionExpiresAt: r.BankSessionExpiresAt,
		UnlinkedAt:           r.UnlinkedAt,
	}
}

// snapshotRecordV4 is a snapshot as v1 to v4 kept it, as JSON.
type snapshotRecordV4 struct {
	AccountID         string    `json:"account_id"`
	Seq               uint64    `json:"seq"`
	At                time.Time `json:"at"`
	Balance           int64     `json:"balance"`
	NewTransactions   int       `json:"new_transactions"`
	TotalTransactions int64     `json:"total_transactions"`
	Trigger           string    `json:"trigger"`
}

// snapshotFormat is the first byte of a snapshot record (v5).
const snapshotFormat = 1

// appendSnapshot appends s's record (v5): format, uvarints timeKey(At),
// timeKey(LastAt), NewTransactions, Repeats, varints Balance and TotalTransactions,
// then Trigger, length-prefixed. The account and Seq are in the key.
func appendSnapshot(dst []byte, s engine.Snapshot) []byte {
	dst = append(dst, snapshotFormat)
	for _, u := range [...]uint64{timeKey(s.At), timeKey(s.LastAt), uint64(s.NewTransactions), uint64(s.Repeats)} {
		dst = binary.AppendUvarint(dst, u)
	}
	dst = binary.AppendVarint(dst, s.Balance)
	dst = binary.AppendVarint(dst, s.TotalTransactions)
	dst = binary.AppendUvarint(dst, uint64(len(s.Trigger)))
	return append(dst, s.Trigger...)
}

// readUvarints reads len(u) uvarints from the front of v into u and returns the
// rest of v; ok is false if v ends first or holds a malformed one.
func readUvarints(v []byte, u []uint64) (rest []byte, ok bool) {
	for i := range u {
		x, n := binary.Uvarint(v)
		if n <= 0 {
			return nil, false
		}
		u[i], v = x, v[n:]
	}
	return v, true
}

// appendFields appends each of fs with its length as a uvarint before it: what
// readFields reads.
func appendFields(dst []byte, fs ...string) []byte {
	for _, f := range fs {
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// readFields reads len(f) uvarint-length-prefixed byte strings from the front of v
// into f (parts of v, not copies) and returns the rest of v; ok is false if v ends
// first.
func readFields(v []byte, f [][]byte) (rest []byte, ok bool) {
	for i := range f {
		l, n := binary.Uvarint(v)
		if n <= 0 || l > uint64(len(v)-n) {
			return nil, false
		}
		f[i], v = v[n:n+int(l)], v[n+int(l):]
	}
	return v, true
}

var errSnapshotRecord = damagef("stored snapshot is malformed")

// decodeSnapshot decodes what appendSnapshot wrote, for the account and seq of its
// key; garbage gives an error, never a panic.
func decodeSnapshot(accountID string, seq uint64, v []byte) (engine.Snapshot, error) {
	s := engine.Snapshot{AccountID: accountID, Seq: seq}
	if len(v) == 0 || v[0] != snapshotFormat {
		return s, errSnapshotRecord
	}
	var u [4]uint64
	v, ok := readUvarints(v[1:], u[:])
	if !ok {
		return s, errSnapshotRecord
	}
	var d [2]int64
	for i := range d {
		x, n := binary.Varint(v)
		if n <= 0 {
			return s, errSnapshotRecord
		}
		d[i], v = x, v[n:]
	}
	l, n := binary.Uvarint(v)
	if n <= 0 || l != uint64(len(v)-n) || u[2] > math.MaxInt32 || u[3] > math.MaxInt32 {
		return s, errSnapshotRecord
	}
	s.At, s.LastAt, s.NewTransactions, s.Repeats = timeFromKey(u[0]), timeFromKey(u[1]), int(u[2]), int(u[3])
	s.Balance, s.TotalTransactions, s.Trigger = d[0], d[1], string(v[n:])
	return s, nil
}

// syncJobRecord is a sync job as JSON: as v1 to v4 kept it in sync_jobs, and as an
// event's facts keep the job they report.
type syncJobRecord struct {
	ID              string    `json:"id"`
	AccountID       string    `json:"account_id"`
	Trigger         string    `json:"trigger"`
	StartedAt       time.Time `json:"started_at"`
	FinishedAt      time.Time `json:"finished_at"`
	Status          string    `json:"status"`
	Code            string    `json:"code"`
	Message         string    `json:"message"`
	HasNewData      bool      `json:"has_new_data"`
	NewTransactions int       `json:"new_transactions"`
	Requested       string    `json:"requested,omitempty"`
	Repeats         int       `json:"repeats,omitzero"`
	LastAt          time.Time `json:"last_at,omitzero"`
}

// jobFormat is the first byte of a sync job record (v5).
const jobFormat = 1

// appendJob appends j's record (v5): format, uvarints timeKey(StartedAt),
// timeKey(FinishedAt), timeKey(LastAt), NewTransactions, Repeats, a HasNewData
// byte, then ID, AccountID, Trigger, Status, Code, Message and Requested,
// length-prefixed.
func appendJob(dst []byte, j engine.SyncJob) []byte {
	dst = append(dst, jobFormat)
	for _, u := range [...]uint64{timeKey(j.StartedAt), timeKey(j.FinishedAt), timeKey(j.LastAt), uint64(j.NewTransactions), uint64(j.Repeats)} {
		dst = binary.AppendUvarint(dst, u)
	}
	flag := byte(0)
	if j.HasNewData {
		flag = 1
	}
	dst = append(dst, flag)
	return appendFields(dst, j.ID, j.AccountID, j.Trigger, j.Status, j.Code, j.Message, j.Requested)
}

var errJobRecord = damagef("stored sync job is malformed")

// decodeJob decodes what appendJob wrote; garbage gives an error, never a panic.
func decodeJob(v []byte) (engine.SyncJob, error) {
	var j engine.SyncJob
	if len(v) == 0 || v[0] != jobFormat {
		return j, errJobRecord
	}
	var u [5]uint64
	v, ok := readUvarints(v[1:], u[:])
	if !ok || len(v) == 0 || v[0] > 1 || u[3] > math.MaxInt32 || u[4] > math.MaxInt32 {
		return j, errJobRecord
	}
	j.HasNewData = v[0] == 1
	var f [7][]byte
	if v, ok = readFields(v[1:], f[:]); !ok || len(v) != 0 {
		return engine.SyncJob{}, errJobRecord
	}
	j.StartedAt, j.FinishedAt, j.LastAt = timeFromKey(u[0]), timeFromKey(u[1]), timeFromKey(u[2])
	j.NewTransactions, j.Repeats = int(u[3]), int(u[4])
	j.ID, j.AccountID, j.Trigger, j.Status = string(f[0]), string(f[1]), string(f[2]), string(f[3])
	j.Code, j.Message, j.Requested = string(f[4]), string(f[5]), string(f[6])
	return j, nil
}

type bankAccountRecord struct {
	Number      string            `json:"number"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Currency    string            `json:"currency"`
	Balance     int64             `json:"balance"`
	Institution institutionRecord `json:"institution"`
	AuthMethod  string            `json:"auth_method"`
}

type connectCodeRecord struct {
	Code        string            `json:"code"`
	Institution string            `json:"institution"`
	CustomerID  string            `json:"customer_id"`
	Number      string            `json:"number"`
	Account     bankAccountRecord `json:"account"`
	Username    string            `json:"username"`
	Password    string            `json:"password"`
	BankSession string            `json:"bank_session"`
	SessionExp  time.Time         `json:"session_exp"`
	CreatedAt   time.Time         `json:"created_at"`
	ExpiresAt   time.Time         `json:"expires_at"`
	UsedAt      time.Time         `json:"used_at"`
	AccountID   string            `json:"account_id"`
	Link        string            `json:"link,omitempty"`
	Customer    string            `json:"customer,omitempty"`
	Ref         string            `json:"ref,omitempty"`
}

func toConnectCodeRecord(c engine.ConnectCode) connectCodeRecord {
	return connectCodeRecord{
		Code: c.Code, Institution: c.Institution, CustomerID: c.CustomerID, Number: c.Number,
		Account: bankAccountRecord{
			Number: c.Account.Number, Name: c.Account.Name, Type: c.Account.Type, Currency: c.Account.Currency,
			Balance: c.Account.Balance, Institution: institutionRecord(c.Account.Institution), AuthMethod: c.Account.AuthMethod,
		},
		Username: c.Credentials.Username, Password: c.Credentials.Password.Reveal(),
		BankSession: c.BankSession.Reveal(), SessionExp: c.SessionExp, CreatedAt: c.CreatedAt,
		ExpiresAt: c.ExpiresAt, UsedAt: c.UsedAt, AccountID: c.AccountID,
		Link: c.Link, Customer: c.Customer, Ref: c.Ref,
	}
}

func (r connectCodeRecord) connectCode() engine.ConnectCode {
	return engine.ConnectCode{
		Code: r.Code, Institution: r.Institution, CustomerID: r.CustomerID, Number: r.Number,
		Account: engine.BankAccount{
			Number: r.Account.Number, Name: r.Account.Name, Type: r.Account.Type, Currency: r.Account.Currency,
			Balance: r.Account.Balance, Institution: engine.Institution(r.Account.Institution), AuthMethod: r.Account.AuthMethod,
		},
		Credentials: engine.Credentials{Username: r.Username, Password: engine.Secret(r.Password)},
		BankSession: engine.Secret(r.BankSession), SessionExp: r.SessionExp, CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt, AccountID: r.AccountID,
		Link: r.Link, Customer: r.Customer, Ref: r.Ref,
	}
}

type reauthTokenRecord struct {
	Token     string    `json:"token"`
	AccountID string    `json:"account_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedAt    time.Time `json:"used_at"`
}

// attemptRecord is an attempt as v1 to v4 kept it, inside its event.
type attemptRecord struct {
	N          int                  `json:"n"`
	At         time.Time            `json:"at"`
	URL        string               `json:"url"`
	Format     engine.WebhookFormat `json:"format,omitempty"`
	StatusCode int                  `json:"status_code"`
	Latency    time.Duration        `json:"latency"`
	Error      string               `json:"error"`
}

// factsRecord is what an event says (engine.EventFacts). Events stored before it
// carry their body in eventRecord.Payload instead.
type factsRecord struct {
	Account  accountFactsRecord `json:"account"`
	Business string             `json:"business"`
	App      string             `json:"app"`
	Code     string             `json:"code,omitempty"`
	Message  string             `json:"message,omitempty"`
	Job      *syncJobRecord     `json:"job,omitempty"`
}

type accountFactsRecord struct {
	ID             string            `json:"id"`
	CustomerID     string            `json:"customer_id"`
	Customer       string            `json:"customer,omitempty"`
	Ref            string            `json:"ref,omitempty"`
	Institution    institutionRecord `json:"institution"`
	Name           string            `json:"name"`
	Number         string            `json:"number"`
	Type           string            `json:"type"`
	Currency       string            `json:"currency"`
	AuthMethod     string            `json:"auth_method"`
	Balance        int64             `json:"balance"`
	BVN            string            `json:"bvn"`
	DataStatus     string            `json:"data_status"`
	ReauthRequired bool              `json:"reauth_required,omitempty"`
	ConnectedAt    time.Time         `json:"connected_at"`
	LastSyncedAt   time.Time         `json:"last_synced_at"`
}

func (r *factsRecord) facts() engine.EventFacts {
	if r == nil {
		return engine.EventFacts{}
	}
	a := r.Account
	f := engine.EventFacts{Account: engine.AccountFacts{ID: a.ID, CustomerID: a.CustomerID, Customer: a.Customer,
		Ref: a.Ref, Institution: engine.Institution(a.Institution), Name: a.Name, Number: a.Number, Type: a.Type,
		Currency: a.Currency, AuthMethod: a.AuthMethod, Balance: a.Balance, BVN: a.BVN, DataStatus: a.DataStatus,
		ReauthRequired: a.ReauthRequired, ConnectedAt: a.ConnectedAt, LastSyncedAt: a.LastSyncedAt},
		Business: r.Business, App: r.App, Code: r.Code, Message: r.Message}
	if r.Job != nil {
		j := engine.SyncJob(*r.Job)
		f.Job = &j
	}
	return f
}

// factsFormat is the first byte of an event's facts in binary. Facts stored before
// it are factsRecord JSON, which starts with '{': a sync spent a tenth of its
// writing marshalling them (added without a version: both are read).
const factsFormat = 1

// appendFacts appends f in binary: format, a varint Balance, uvarints
// timeKey(ConnectedAt) and timeKey(LastSyncedAt), a flags byte (1: ReauthRequired,
// 2: a job follows), the strings length-prefixed, then the job's record (appendJob)
// to the end.
func appendFacts(dst []byte, f engine.EventFacts) []byte {
	a := &f.Account
	dst = binary.AppendVarint(append(dst, factsFormat), a.Balance)
	dst = binary.AppendUvarint(binary.AppendUvarint(dst, timeKey(a.ConnectedAt)), timeKey(a.LastSyncedAt))
	flags := byte(0)
	if a.ReauthRequired {
		flags |= 1
	}
	if f.Job != nil {
		flags |= 2
	}
	dst = appendFields(append(dst, flags), a.ID, a.CustomerID, a.Customer, a.Ref, a.Institution.Code, a.Institution.Name,
		a.Institution.Type, a.Name, a.Number, a.Type, a.Currency, a.AuthMethod, a.BVN, a.DataStatus,
		f.Business, f.App, f.Code, f.Message)
	if f.Job != nil {
		dst = appendJob(dst, *f.Job)
	}
	return dst
}

// decodeFacts decodes what appendFacts wrote, or an older event's JSON facts;
// garbage gives an error, never a panic.
func decodeFacts(v []byte) (engine.EventFacts, error) {
	var f engine.EventFacts
	if len(v) > 0 && v[0] == '{' {
		var r factsRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return f, err
		}
		// Through the binary form, so that times come back as from any record: UTC.
		return decodeFacts(appendFacts(nil, r.facts()))
	}
	if len(v) == 0 || v[0] != factsFormat {
		return f, errEventRecord
	}
	bal, n := binary.Varint(v[1:])
	if n <= 0 {
		return f, errEventRecord
	}
	var u [2]uint64
	v, ok := readUvarints(v[1+n:], u[:])
	if !ok || len(v) == 0 || v[0] > 3 {
		return f, errEventRecord
	}
	flags := v[0]
	var s [18][]byte
	if v, ok = readFields(v[1:], s[:]); !ok || (flags&2 == 0) != (len(v) == 0) {
		return f, errEventRecord
	}
	f.Account = engine.AccountFacts{ID: string(s[0]), CustomerID: string(s[1]), Customer: string(s[2]), Ref: string(s[3]),
		Institution: engine.Institution{Code: string(s[4]), Name: string(s[5]), Type: string(s[6])},
		Name:        string(s[7]), Number: string(s[8]), Type: string(s[9]), Currency: string(s[10]), AuthMethod: string(s[11]),
		Balance: bal, BVN: string(s[12]), DataStatus: string(s[13]), ReauthRequired: flags&1 != 0,
		ConnectedAt: timeFromKey(u[0]), LastSyncedAt: timeFromKey(u[1])}
	f.Business, f.App, f.Code, f.Message = string(s[14]), string(s[15]), string(s[16]), string(s[17])
	if flags&2 != 0 {
		j, err := decodeJob(v)
		if err != nil {
			return engine.EventFacts{}, errEventRecord
		}
		f.Job = &j
	}
	return f, nil
}

// eventRecordV4 is an event as v1 to v4 kept it: JSON, with all its attempts.
type eventRecordV4 struct {
	ID            string          `json:"id"`
	Seq           uint64          `json:"seq"`
	Type          string          `json:"type"`
	AccountID     string          `json:"account_id"`
	CreatedAt     time.Time       `json:"created_at"`
	Facts         *factsRecord    `json:"facts,omitempty"`
	Payload       []byte          `json:"payload,omitempty"` // before facts: the v1 body, frozen
	Status        string          `json:"status"`
	SkipReason    string          `json:"skip_reason"`
	Attempts      []attemptRecord `json:"attempts"`
	Sending       *attemptRecord  `json:"sending,omitempty"`
	NextAttemptAt time.Time       `json:"next_attempt_at"`
	DeliveredAt   time.Time       `json:"delivered_at"`
	Replays       int             `json:"replays"`
}

// event is the record as v5 keeps it, with the counts the attempts give: attempts
// made, and failures since the last success.
func (r eventRecordV4) event() engine.Event {
	e := engine.Event{
		ID: r.ID, Seq: r.Seq, Type: r.Type, AccountID: r.AccountID, CreatedAt: r.CreatedAt,
		Facts: r.Facts.facts(), FrozenBody: r.Payload, Status: r.Status, SkipReason: r.SkipReason,
		NextAttemptAt: r.NextAttemptAt, DeliveredAt: r.DeliveredAt, Replays: r.Replays,
	}
	for _, a := range r.Attempts {
		e.Attempts = append(e.Attempts, engine.Attempt{N: a.N, At: a.At, URL: a.URL, Format: a.Format,
			StatusCode: a.StatusCode, Latency: a.Latency, Error: a.Error})
		e.AttemptsMade = max(e.AttemptsMade, a.N)
		if a.Error == "" {
			e.Failures = 0
		} else {
			e.Failures++
		}
	}
	if r.Sending != nil {
		a := engine.Attempt{N: r.Sending.N, At: r.Sending.At, URL: r.Sending.URL, Format: r.Sending.Format}
		e.Sending = &a
	}
	return e
}

type linkCustomerRecord struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

type linkRecord struct {
	ID          string             `json:"id"`
	Scope       string             `json:"scope"`
	Customer    linkCustomerRecord `json:"customer"`
	Ref         string             `json:"ref"`
	RedirectURL string             `json:"redirect_url"`
	Institution string             `json:"institution"`
	AuthMethod  string             `json:"auth_method"`
	AccountID   string             `json:"account_id"`
	CreatedAt   time.Time          `json:"created_at"`
	ExpiresAt   time.Time          `json:"expires_at"`
	Status      string             `json:"status"`
	Code        string             `json:"code"`
	CompletedAt time.Time          `json:"completed_at"`
}

func toLinkRecord(l engine.Link) linkRecord {
	return linkRecord{ID: l.ID, Scope: l.Scope, Customer: linkCustomerRecord(l.Customer), Ref: l.Ref,
		RedirectURL: l.RedirectURL, Institution: l.Institution, AuthMethod: l.AuthMethod, AccountID: l.AccountID,
		CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt, Status: l.Status, Code: l.Code, CompletedAt: l.CompletedAt}
}

func (r linkRecord) link() engine.Link {
	return engine.Link{ID: r.ID, Scope: r.Scope, Customer: engine.LinkCustomer(r.Customer), Ref: r.Ref,
		RedirectURL: r.RedirectURL, Institution: r.Institution, AuthMethod: r.AuthMethod, AccountID: r.AccountID,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, Status: r.Status, Code: r.Code, CompletedAt: r.CompletedAt}
}

// ---- events (v5) ----

// eventFormat is the first byte of an event record.
const eventFormat = 1

// appendEvent appends e's record (v5), without its attempts: format, then uvarints
// Seq, timeKey(CreatedAt), timeKey(NextAttemptAt), timeKey(DeliveredAt),
// AttemptsMade, Failures, Replays; ID, Type, AccountID, Status, SkipReason, the
// facts (appendFacts, or factsRecord JSON in an event stored before that; empty
// for an event from before facts, which has its frozen body instead) and the
// frozen body, each uvarint-length-prefixed; then the attempt under way, if any,
// as an attempt record behind its length (0: none).
func appendEvent(dst []byte, e engine.Event) []byte {
	var facts []byte
	if e.FrozenBody == nil || e.Facts.Account.ID != "" { // an old event's zero facts stay unwritten
		facts = appendFacts(nil, e.Facts)
	}
	return appendEventWith(dst, e, facts)
}

// appendEventWith is appendEvent with the facts given, encoded.
func appendEventWith(dst []byte, e engine.Event, facts []byte) []byte {
	dst = append(dst, eventFormat)
	for _, u := range [...]uint64{e.Seq, timeKey(e.CreatedAt), timeKey(e.NextAttemptAt), timeKey(e.DeliveredAt),
		uint64(e.AttemptsMade), uint64(e.Failures), uint64(e.Replays)} {
		dst = binary.AppendUvarint(dst, u)
	}
	dst = appendFields(dst, e.ID, e.Type, e.AccountID, e.Status, e.SkipReason)
	for _, b := range [...][]byte{facts, e.FrozenBody} {
		dst = binary.AppendUvarint(dst, uint64(len(b)))
		dst = append(dst, b...)
	}
	if e.Sending == nil {
		return binary.AppendUvarint(dst, 0)
	}
	a := appendAttempt(nil, *e.Sending)
	dst = binary.AppendUvarint(dst, uint64(len(a)))
	return append(dst, a...)
}

var errEventRecord = damagef("stored webhook event is malformed")

// decodeEvent decodes what appendEvent wrote into values that stay valid after the
// transaction; garbage gives an error, never a panic.
func decodeEvent(v []byte) (engine.Event, error) {
	e, raw, err := decodeEventHead(v)
	if err != nil {
		return e, err
	}
	if len(raw[5]) > 0 {
		if e.Facts, err = decodeFacts(raw[5]); err != nil {
			return engine.Event{}, errEventRecord
		}
	}
	if len(raw[6]) > 0 {
		e.FrozenBody = bytes.Clone(raw[6])
	}
	return e, nil
}

// decodeEventHead decodes an event record but for its facts and frozen body, which
// it leaves in raw[5] and raw[6], undecoded.
func decodeEventHead(v []byte) (e engine.Event, raw [8][]byte, err error) {
	u, raw, err := eventFields(v)
	if err != nil {
		return e, raw, err
	}
	e = engine.Event{Seq: u[0], CreatedAt: timeFromKey(u[1]), NextAttemptAt: timeFromKey(u[2]), DeliveredAt: timeFromKey(u[3]),
		AttemptsMade: int(u[4]), Failures: int(u[5]), Replays: int(u[6]),
		ID: string(raw[0]), Type: string(raw[1]), AccountID: string(raw[2]), Status: string(raw[3]), SkipReason: string(raw[4])}
	if len(raw[7]) > 0 {
		a, err := decodeAttempt(raw[7])
		if err != nil {
			return engine.Event{}, raw, errEventRecord
		}
		e.Sending = &a
	}
	return e, raw, nil
}

// eventFields splits an event record into its numbers (Seq, CreatedAt,
// NextAttemptAt, DeliveredAt, AttemptsMade, Failures, Replays) and its byte fields
// (ID, Type, AccountID, Status, SkipReason, facts, frozen body, sending), without
// copying or decoding them.
func eventFields(v []byte) (u [7]uint64, raw [8][]byte, err error) {
	if len(v) == 0 || v[0] != eventFormat {
		return u, raw, errEventRecord
	}
	v, ok := readUvarints(v[1:], u[:])
	if !ok || u[4] > math.MaxInt32 || u[5] > math.MaxInt32 || u[6] > math.MaxInt32 {
		return u, raw, errEventRecord
	}
	if v, ok = readFields(v, raw[:]); !ok || len(v) != 0 {
		return u, raw, errEventRecord
	}
	return u, raw, nil
}

// eventSettled reads of an event record only what compaction needs: whether it is
// still pending, and the later of when it was created and delivered — without
// decoding its facts.
func eventSettled(v []byte) (pending bool, at uint64, err error) {
	u, raw, err := eventFields(v)
	if err != nil {
		return false, 0, err
	}
	return string(raw[3]) == engine.DeliveryPending, max(u[1], u[3]), nil
}

// ---- attempts ----

// attemptFormat is the first byte of an attempt record.
const attemptFormat = 1

// appendAttempt appends a's record: format, then uvarints N, Repeats, timeKey(At),
// timeKey(LastAt), StatusCode, a varint Latency, and URL, Error and Format each
// uvarint-length-prefixed. About 20 bytes besides the URL and the error.
func appendAttempt(dst []byte, a engine.Attempt) []byte {
	dst = append(dst, attemptFormat)
	for _, u := range [...]uint64{uint64(a.N), uint64(a.Repeats), timeKey(a.At), timeKey(a.LastAt), uint64(a.StatusCode)} {
		dst = binary.AppendUvarint(dst, u)
	}
	dst = binary.AppendVarint(dst, int64(a.Latency))
	return appendFields(dst, a.URL, a.Error, string(a.Format))
}

var errAttemptRecord = damagef("stored delivery attempt is malformed")

// decodeAttempt decodes what appendAttempt wrote; garbage gives an error, never a
// panic.
func decodeAttempt(v []byte) (engine.Attempt, error) {
	var a engine.Attempt
	if len(v) == 0 || v[0] != attemptFormat {
		return a, errAttemptRecord
	}
	var u [5]uint64
	v, ok := readUvarints(v[1:], u[:])
	if !ok {
		return a, errAttemptRecord
	}
	lat, n := binary.Varint(v)
	if n <= 0 || u[0] > math.MaxInt32 || u[1] > math.MaxInt32 || u[4] > math.MaxInt32 {
		return a, errAttemptRecord
	}
	var f [3][]byte
	if v, ok = readFields(v[n:], f[:]); !ok || len(v) != 0 {
		return a, errAttemptRecord
	}
	return engine.Attempt{N: int(u[0]), Repeats: int(u[1]), At: timeFromKey(u[2]), LastAt: timeFromKey(u[3]),
		StatusCode: int(u[4]), Latency: time.Duration(lat), URL: string(f[0]), Error: string(f[1]), Format: engine.WebhookFormat(f[2])}, nil
}

type statementJobRecord struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Months    int       `json:"months"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	CreatedAt time.Time `json:"created_at"`
	Status    string    `json:"status"`
	ReadyAt   time.Time `json:"ready_at,omitzero"` // added without a version: absent, built at once
}

// decodeJSON decodes a record read from the file; failures say what was malformed.
func decodeJSON(what string, v []byte, r any) error {
	if err := json.Unmarshal(v, r); err != nil {
		return damagef("stored %s is malformed: %v", what, err)
	}
	return nil
}
