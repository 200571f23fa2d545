package simulator

// Deterministic hashing and the IDs built from it. Everything the bank makes up
// (customer IDs, transaction IDs, codes, tokens) is a hash of the seed and stable
// inputs, so the same world answers the same way on every run.

const golden = 0x9e3779b97f4a7c15

// mix is the SplitMix64 finaliser: a fast, well-spread 64-bit permutation.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hash2 combines two words; hash2(a, b) != hash2(b, a).
func hash2(a, b uint64) uint64 { return mix(a ^ mix(b+golden)) }

// hash3 combines three words.
func hash3(a, b, c uint64) uint64 { return hash2(hash2(a, b), c) }

// hashString is FNV-1a of s, mixed.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

// Salts keep the hash streams of different purposes apart.
const (
	saltCustomer uint64 = iota + 1
	saltAccount
	saltDay
	saltTxGen
	saltTxExplicit
	saltToken
	saltNonce
	saltRandom
	saltWorld
	saltPlace // version 2's lists, subscription and USSD of an account (places.go)
)

const hexDigits = "0123456789abcdef"

// objectID formats a MongoDB-style ObjectID: 4 bytes of Unix seconds (big endian)
// followed by 8 bytes of h, as 24 lowercase hex digits. IDs made this way sort
// roughly by time, as real ones do.
func objectID(unixSec int64, h uint64) string {
	var b [24]byte
	ts := uint32(unixSec)
	for i := 7; i >= 0; i-- {
		b[i] = hexDigits[ts&15]
		ts >>= 4
	}
	for i := 23; i >= 8; i-- {
		b[i] = hexDigits[h&15]
		h >>= 4
	}
	return string(b[:])
}

// hexToken is 32 hex digits from two hashes, behind a prefix.
func hexToken(prefix string, a, b uint64) string {
	buf := make([]byte, len(prefix)+32)
	copy(buf, prefix)
	p := buf[len(prefix):]
	for i := 15; i >= 0; i-- {
		p[i] = hexDigits[a&15]
		a >>= 4
		p[16+i] = hexDigits[b&15]
		b >>= 4
	}
	return string(buf)
}

// digits formats n % 10^width as exactly width decimal digits.
func digits(n uint64, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}
