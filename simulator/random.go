package simulator

import (
	"slices"

	"sandbank/engine"
)

// Random bank-side events (Config.Random), off by default. Whether one happens,
// and when, is a hash of (seed, day, customer or institution): a pure function of
// the seed and the day, applied lazily as the clock passes it.

const (
	randPassword = iota + 1
	randMFA
	randOutage
)

type randomEvent struct {
	at    int64
	kind  int
	order int
	h     uint64
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// catchUp applies the random events in (b.randThrough, now]. Call with b.mu held.
func (b *Bank) catchUp(now int64) {
	r := b.w.cfg.Random
	from := b.randThrough
	if now <= from {
		return
	}
	b.randThrough = now
	if r.PasswordChange == 0 && r.MFAChange == 0 && r.Outage == 0 {
		return
	}
	for d := dayOf(from); d <= dayOf(now); d++ {
		for _, e := range b.randomDay(d) {
			if e.at > from && e.at <= now {
				b.applyRandom(e)
			}
		}
	}
}

// randomDay lists a day's random events in time order.
func (b *Bank) randomDay(d int32) []randomEvent {
	w, r := b.w, b.w.cfg.Random
	evs := b.randBuf[:0]
	day0 := dayStart(d)
	base := hash3(w.hseed^saltRandom, uint64(uint32(d)), 0)
	try := func(p float64, kind, order int) {
		if p <= 0 {
			return
		}
		h := hash3(base, uint64(kind), uint64(order))
		if unit(h) < p {
			evs = append(evs, randomEvent{at: day0 + int64(mix(h)%secPerDay)*nsPerSec, kind: kind, order: order, h: mix(h ^ golden)})
		}
	}
	for i := range w.customers {
		try(r.PasswordChange, randPassword, i)
		try(r.MFAChange, randMFA, i)
	}
	for i := range institutions {
		try(r.Outage, randOutage, i)
	}
	slices.SortStableFunc(evs, func(x, y randomEvent) int {
		switch {
		case x.at < y.at:
			return -1
		case x.at > y.at:
			return 1
		}
		return 0
	})
	b.randBuf = evs
	return evs
}

func (b *Bank) applyRandom(e randomEvent) {
	switch e.kind {
	case randOutage:
		in := institutions[e.order]
		until := e.at + int64(15+e.h%106)*60*nsPerSec // 15 min to 2 h
		if until > b.outages[in.Code] {
			b.outages[in.Code] = until
		}
		return
	}
	c := b.w.customers[e.order]
	if !c.addedAt.IsZero() && e.at < c.addedAt.UnixNano() {
		return
	}
	switch e.kind {
	case randPassword:
		pw := passwordWords[e.h%uint64(len(passwordWords))] + "@" + digits(e.h>>20, 4)
		if pw == c.password {
			pw += "!"
		}
		b.setPassword(c, pw, e.at, "(sandbox: the new password is "+pw+")")
	case randMFA:
		cur := 0
		for i, k := range engine.MFAKinds {
			if k == c.mfa {
				cur = i
			}
		}
		b.setMFA(c, engine.MFAKinds[(cur+1+int(e.h%4))%len(engine.MFAKinds)], e.at)
	}
}
