package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// NewID derives an ObjectID-looking identifier (24 lowercase hex digits) from the
// world's namespace, a kind ("account", "event" …) and a sequence number. The same
// world and the same history give the same IDs on every run (DESIGN §3).
func NewID(namespace, kind string, seq uint64) string {
	h := sha256.New()
	h.Write([]byte(namespace))
	h.Write([]byte{0})
	h.Write([]byte(kind))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// NewTimedID is NewID with its first 4 bytes the Unix seconds of at, as a real
// ObjectID's are: IDs made later sort later, so an index of them grows at its end
// instead of at random places (the event index: a sync's event would otherwise
// dirty a page of it of its own).
func NewTimedID(namespace, kind string, seq uint64, at time.Time) string {
	id := []byte(NewID(namespace, kind, seq))
	var ts [4]byte
	binary.BigEndian.PutUint32(ts[:], uint32(at.Unix()))
	hex.Encode(id[:8], ts[:])
	return string(id)
}

// NewToken derives a bearer value (a connect code, reauth token, widget session or
// statement job ID) keyed by the business's secret key: stable for a scenario that
// fixes its key, unguessable for anyone who does not know the key.
func NewToken(key Secret, namespace, kind string, seq uint64) string {
	m := hmac.New(sha256.New, []byte(key.Reveal()))
	m.Write([]byte(namespace))
	m.Write([]byte{0})
	m.Write([]byte(kind))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	m.Write(b[:])
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// connectOrder numbers accounts in the order they were connected, from 1: each
// account's ID is NewID of the world's account sequence, so making the IDs of 1, 2,
// … again finds each account's number (a hash an account, linked or not: each
// number is spent on one, in the transaction that stores it). Accounts connected at
// the same instant — on a paused clock — then list in the order they came, not in
// their IDs' order, which is a hash's. An ID made otherwise has no number (0).
func connectOrder(namespace string, accounts []Account) map[string]uint64 {
	order := make(map[string]uint64, len(accounts))
	for _, a := range accounts {
		order[a.ID] = 0
	}
	found := 0
	for seq := uint64(1); found < len(accounts) && seq <= uint64(len(accounts))+64; seq++ {
		id := NewID(namespace, "account", seq)
		if _, ok := order[id]; ok {
			order[id] = seq
			found++
		}
	}
	return order
}
