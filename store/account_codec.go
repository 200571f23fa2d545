package store

import (
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"

	"sandbank/engine"
)

// The account record (since schema v3): a format byte, then format 1's fields in a
// fixed order — strings as uvarint length and bytes, Balance as a varint, times as
// uvarint timeKey, ReauthRequired as one byte — and those each later format
// appends (below). Decoding takes two allocations whatever the
// number of fields: the strings share one backing array.
//
// Format 2 appends the fields v2's API added (accountStringsV2, accountTimesV2)
// after format 1's: a format-1 record reads as an account with them empty, so files
// written before need no migration. Format 3 appends Reauths, a uvarint, after
// format 2's: a record of format 1 or 2 reads with none.

const (
	accountFormatV1 = 1
	accountFormatV2 = 2
	accountFormat   = 3 // what appendAccount writes
)

// knownAccountFormat reports whether b is the format byte of a record this build reads.
func knownAccountFormat(b byte) bool { return b >= accountFormatV1 && b <= accountFormat }

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

// accountStringsV2 lists the string fields format 2 added, in record order.
func accountStringsV2(a *engine.Account) [3]*string {
	return [3]*string{&a.Customer, &a.Ref, &a.LastRealtimeJob}
}

// accountTimesV2 lists the time fields format 2 added, in record order.
func accountTimesV2(a *engine.Account) [1]*time.Time {
	return [1]*time.Time{&a.LastRealtimeAt}
}

// accountTimes lists a's time fields in record order.
func accountTimes(a *engine.Account) [7]*time.Time {
	return [7]*time.Time{&a.ConnectedAt, &a.LastSyncedAt, &a.LastAttemptAt, &a.LastManualSyncAt,
		&a.NextAutoSyncAt, &a.BankSessionExpiresAt, &a.UnlinkedAt}
}

// appendAccount appends a's record to dst.
func appendAccount(dst []byte, a engine.Account) []byte {
	base, extra := accountStrings(&a), accountStringsV2(&a)
	n := 1 + 10 + 8*10 + 1 + binary.MaxVarintLen64
	for _, s := range base {
		n += binary.MaxVarintLen32 + len(*s)
	}
	for _, s := range extra {
		n += binary.MaxVarintLen32 + len(*s)
	}
	dst = append(dst[:len(dst):len(dst)], make([]byte, 0, n)...)
	dst = append(dst, accountFormat)
	dst = appendStrings(dst, base[:])
	dst = binary.AppendVarint(dst, a.Balance)
	for _, t := range accountTimes(&a) {
		dst = binary.AppendUvarint(dst, timeKey(*t))
	}
	flag := byte(0)
	if a.ReauthRequired {
		flag = 1
	}
	dst = append(dst, flag)
	dst = appendStrings(dst, extra[:])
	for _, t := range accountTimesV2(&a) {
		dst = binary.AppendUvarint(dst, timeKey(*t))
	}
	return binary.AppendUvarint(dst, a.Reauths)
}

func appendStrings(dst []byte, strs []*string) []byte {
	for _, s := range strs {
		dst = binary.AppendUvarint(dst, uint64(len(*s)))
		dst = append(dst, *s...)
	}
	return dst
}

var errAccountRecord = damagef("stored account is malformed")

// decodeAccountRecord decodes what appendAccount wrote; garbage gives an error,
// never a panic.
func decodeAccountRecord(v []byte) (engine.Account, error) {
	var a engine.Account
	if len(v) == 0 || !knownAccountFormat(v[0]) {
		return a, fmt.Errorf("%w: unknown format", errAccountRecord)
	}
	format := v[0]
	v = v[1:]
	base, extra := accountStrings(&a), accountStringsV2(&a)
	var strs [len(base) + len(extra)]*string
	copy(strs[copy(strs[:], base[:]):], extra[:])
	var raw [len(strs)][]byte
	size := 0
	readStrings := func(from, to int) bool {
		for i := from; i < to; i++ {
			l, n := binary.Uvarint(v)
			if n <= 0 || l > uint64(len(v)-n) {
				return false
			}
			raw[i], v = v[n:n+int(l)], v[n+int(l):]
			size += int(l)
		}
		return true
	}
	if !readStrings(0, len(base)) {
		return engine.Account{}, errAccountRecord
	}
	var n int
	if a.Balance, n = binary.Varint(v); n <= 0 {
		return engine.Account{}, errAccountRecord
	}
	v = v[n:]
	readTimes := func(ts []*time.Time) bool {
		for _, t := range ts {
			k, n := binary.Uvarint(v)
			if n <= 0 {
				return false
			}
			*t, v = timeFromKey(k), v[n:]
		}
		return true
	}
	times, timesV2 := accountTimes(&a), accountTimesV2(&a)
	if !readTimes(times[:]) || len(v) < 1 || v[0] > 1 {
		return engine.Account{}, errAccountRecord
	}
	a.ReauthRequired, v = v[0] == 1, v[1:]
	if format >= accountFormatV2 && (!readStrings(len(base), len(strs)) || !readTimes(timesV2[:])) {
		return engine.Account{}, errAccountRecord
	}
	if format >= accountFormat {
		if a.Reauths, n = binary.Uvarint(v); n <= 0 {
			return engine.Account{}, errAccountRecord
		}
		v = v[n:]
	}
	if len(v) != 0 {
		return engine.Account{}, errAccountRecord
	}
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

// accountSchedule reads, from a stored account without decoding it, when its next
// automatic sync is due (timeKey of NextAutoSyncAt) and whether it is listed in
// auto_sync_due: linked, with a sync scheduled.
func accountSchedule(v []byte) (at uint64, listed bool, err error) {
	if len(v) == 0 || !knownAccountFormat(v[0]) {
		return 0, false, fmt.Errorf("%w: unknown format", errAccountRecord)
	}
	v = v[1:] // every format begins alike: each appends its fields after
	for range len(accountStrings(&engine.Account{})) {
		l, n := binary.Uvarint(v)
		if n <= 0 || l > uint64(len(v)-n) {
			return 0, false, errAccountRecord
		}
		v = v[n+int(l):]
	}
	_, n := binary.Varint(v)
	if n <= 0 {
		return 0, false, errAccountRecord
	}
	v = v[n:]
	var times [7]uint64 // accountTimes' fields
	for i := range times {
		k, n := binary.Uvarint(v)
		if n <= 0 {
			return 0, false, errAccountRecord
		}
		times[i], v = k, v[n:]
	}
	// accountTimes: … NextAutoSyncAt is the fifth, UnlinkedAt the seventh.
	next, unlinked := times[4], times[6]
	return next, next != 0 && unlinked == 0, nil
}
