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
