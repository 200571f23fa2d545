package api

import (
	"bytes"
	"sync"
)

// answers keeps the encoded answers of a read route while the engine's data stays
// the same (engine.DataVersion). Reads show the data of the last sync (R1), which
// only a write changes, and clients poll the same pages: a repeated read is then
// answered without the store or the encoder. Any write empties it.
type answers struct {
	mu      sync.RWMutex
	version uint64
	m       map[string][]byte
}

// The cache's bounds: a page of transactions is about 10 KB at limit=50.
const (
	answersMax     = 256
	answersMaxBody = 64 << 10
)

// get returns the answer kept for key at version.
func (c *answers) get(version uint64, key string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return nil, false
	}
	b, ok := c.m[key]
	return b, ok
}

// put keeps a copy of body, the answer for key at version; an answer made at an
// older version than the cache's is dropped.
func (c *answers) put(version uint64, key string, body []byte) {
	if len(body) > answersMaxBody {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version || c.m == nil:
		c.version, c.m = version, make(map[string][]byte)
	case len(c.m) >= answersMax:
		for k := range c.m { // drop one, arbitrarily
			delete(c.m, k)
			break
		}
	}
	c.m[key] = bytes.Clone(body)
}
