package store

import (
	"bytes"
	"sync"

	"sandbank/engine"
)

// accountCache keeps decoded accounts next to the exact bytes they were decoded
// from. Every read of an account (each API call and each sync reads one) would
// otherwise decode JSON; a hit only compares bytes. It can never serve stale or
// rolled-back data: an entry is used only when the bytes in the file are the ones it
// was made from, so a write that was rolled back, or made by another path, just
// misses.
type accountCache struct {
	mu  sync.RWMutex
	m   map[string]cachedAccount
	max int
}

type cachedAccount struct {
	raw []byte
	a   engine.Account // holds only values and strings: copying it copies it whole
}

// accountCacheSize bounds the cache (an entry is about 2 KB).
const accountCacheSize = 4096

func (c *accountCache) get(id string, raw []byte) (engine.Account, bool) {
	c.mu.RLock()
	e, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || !bytes.Equal(e.raw, raw) {
		return engine.Account{}, false
	}
	return e.a, true
}

// put remembers a decoded account; raw is copied.
func (c *accountCache) put(id string, raw []byte, a engine.Account) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m, c.max = make(map[string]cachedAccount), accountCacheSize
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= c.max {
		for k := range c.m { // evict one, arbitrarily
			delete(c.m, k)
			break
		}
	}
	c.m[id] = cachedAccount{raw: bytes.Clone(raw), a: a}
}
