//go:build !linux

package store

// initialMmapSize is bigMapBytes: the address-space limit is checked on Linux only;
// elsewhere a map refused for it falls back to bbolt's own (openBolt).
func initialMmapSize() int { return bigMapBytes() }
