package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"sandbank/engine"
)

// The account record (schema v3): a format byte, then every field in a fixed order —
// strings as uvarint length and bytes, Balance as a varint, times as uvarint
// timeKey, ReauthRequired as one byte. Decoding takes two allocations whatever the
// number of fields: the strings share one backing array.

const accountFormat = 1

// accountStrings lists a's string fields in record order.
func accountStrings(a *engine.Account) [28]*string {
	id := &a.Identity
	return [28]*string{&a.ID, &a.Institution.Code, &a.Institution.Name, &a.Institution.Type, &a.CustomerID,
		&a.Number, &a.Name, &a.Type, &a.Currency, &a.AuthMethod, &a.DataStatus,
		&id.FullName, &id.Email, &id.Phone, &id.BVN, &id.Gender, &id.DateOfBirth, &id.MaritalStatus,
		&id.AddressLine1, &id.AddressLine2, &id.City, &id.State,
		&a.LastCode, &a.LastMessage, &a.ReauthReason, &a.Credentials.Username,
		(*string)(&a.Credentials.Password), (*string)(&a.BankSession)}
}

// accountTimes lists a's time fields in record order.
func accountTimes(a *engine.Account) [7]*time.Time {
	return [7]*time.Time{&a.ConnectedAt, &a.LastSyncedAt, &a.LastAttemptAt, &a.LastManualSyncAt,
		&a.NextAutoSyncAt, &a.BankSessionExpiresAt, &a.UnlinkedAt}
}

// appendAccount appends a's record to dst.
func appendAccount(dst []byte, a engine.Account) []byte {
	strs := accountStrings(&a)
	n := 1 + 10 + 7*10 + 1
	for _, s := range strs {
		n += binary.MaxVarintLen32 + len(*s)
	}
	dst = append(dst[:len(dst):len(dst)], make([]byte, 0, n)...)
	dst = append(dst, accountFormat)
	for _, s := range strs {
		dst = binary.AppendUvarint(dst, uint64(len(*s)))
		dst = append(dst, *s...)
	}
	dst = binary.AppendVarint(dst, a.Balance)
	for _, t := range accountTimes(&a) {
		dst = binary.AppendUvarint(dst, timeKey(*t))
	}
	flag := byte(0)
	if a.ReauthRequired {
		flag = 1
	}
	return append(dst, flag)
}

var errAccountRecord = errors.New("stored account is malformed")

// decodeAccountRecord decodes what appendAccount wrote; garbage gives an error,
// never a panic.
func decodeAccountRecord(v []byte) (engine.Account, error) {
	var a engine.Account
	if len(v) == 0 || v[0] != accountFormat {
		return a, fmt.Errorf("%w: unknown format", errAccountRecord)
	}
	v = v[1:]
	strs := accountStrings(&a)
	var raw [len(strs)][]byte
	size := 0
	for i := range strs {
		l, n := binary.Uvarint(v)
		if n <= 0 || l > uint64(len(v)-n) {
			return engine.Account{}, errAccountRecord
		}
		raw[i], v = v[n:n+int(l)], v[n+int(l):]
		size += int(l)
	}
	var n int
	if a.Balance, n = binary.Varint(v); n <= 0 {
		return engine.Account{}, errAccountRecord
	}
	v = v[n:]
	for _, t := range accountTimes(&a) {
		k, n := binary.Uvarint(v)
		if n <= 0 {
			return engine.Account{}, errAccountRecord
		}
		*t, v = timeFromKey(k), v[n:]
	}
	if len(v) != 1 || v[0] > 1 {
		return engine.Account{}, errAccountRecord
	}
	a.ReauthRequired = v[0] == 1
	text := make([]byte, 0, size)
	for _, r := range raw {
		text = append(text, r...)
	}
	// text is complete and never written again, so it can back the strings as is.
	all, off := unsafe.String(unsafe.SliceData(text), len(text)), 0
	for i, s := range strs {
		*s, off = all[off:off+len(raw[i])], off+len(raw[i])
	}
	return a, nil
}
