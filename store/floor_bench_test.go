package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkDiskFloor is what a durable commit costs the disk itself, without
// bbolt: k pages of 4 KB written the way bbolt's commit writes them — one write
// per page, then fdatasync, then the meta page, then fdatasync — each page either
// at a random place in a 64 MB file (as the pages of a commit that reuses freed
// pages are) or all in a row. A commit's writes (DB.Writes, the scale benchmark's
// writes/account-day) times the cost of one scattered page here is the floor of
// what its fsyncs cost on this machine.
//
//	go test ./store -run '^$' -bench DiskFloor
func BenchmarkDiskFloor(b *testing.B) {
	const pageSize, filePages = 4096, 16384
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "floor"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for off := int64(0); off < filePages*pageSize; off += int64(len(chunk)) {
		if _, err := f.WriteAt(chunk, off); err != nil {
			b.Fatal(err)
		}
	}
	if err := fdatasync(f); err != nil {
		b.Fatal(err)
	}
	page := make([]byte, pageSize)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{1, 10, 35, 100} {
		for _, scattered := range []bool{true, false} {
			name := fmt.Sprintf("pages=%d/contiguous", k)
			if scattered {
				name = fmt.Sprintf("pages=%d/scattered", k)
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					first := 2 + rng.IntN(filePages-2-k)
					for j := range k {
						p := first + j
						if scattered {
							p = 2 + rng.IntN(filePages-2)
						}
						if _, err := f.WriteAt(page, int64(p)*pageSize); err != nil {
							b.Fatal(err)
						}
					}
					if err := fdatasync(f); err != nil {
						b.Fatal(err)
					}
					if _, err := f.WriteAt(page, 0); err != nil { // the meta page
						b.Fatal(err)
					}
					if err := fdatasync(f); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/commit")
			})
		}
	}
}

// BenchmarkHandoffFloor is what handing work to another goroutine costs this
// machine before any of it is done: the time from go f() to f running, after the
// machine sat idle for 2 ms, when the goroutine that started it keeps working
// (f needs the other CPU, asleep: so a clock jump's first write waits, which the
// store's writer runs on a goroutine of its own) and, the baseline, when it waits
// for f at once (f runs on its CPU). The first is part of the floor of a short
// jump: its writes start that much after its first sync has been fetched.
//
//	go test ./store -run '^$' -bench HandoffFloor
func BenchmarkHandoffFloor(b *testing.B) {
	for _, other := range []bool{true, false} {
		name := "cpu=same"
		if other {
			name = "cpu=other"
		}
		b.Run(name, func(b *testing.B) {
			const n = 200
			var lat []time.Duration
			for range b.N {
				for range n {
					time.Sleep(2 * time.Millisecond)
					start := time.Now()
					got := make(chan time.Duration, 1)
					go func() { got <- time.Since(start) }()
					for other && time.Since(start) < 300*time.Microsecond {
						// the starter goes on working
					}
					lat = append(lat, <-got)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "µs-p50")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds()), "µs-p90")
		})
	}
}

// BenchmarkLogFloor is what a durable append to a log would cost this disk — the
// floor of a write-ahead log in front of bbolt, the design a single day of 10
// accounts would need to commit for less than bbolt's own commit (DiskFloor): k KB
// written in one write at the log's end, then fdatasync, into a file whose blocks
// were written before (preallocated: the fdatasync writes data only) or not
// (appended: it writes the file's size too).
//
//	go test ./store -run '^$' -bench LogFloor
func BenchmarkLogFloor(b *testing.B) {
	for _, kb := range []int{4, 16, 64} {
		for _, pre := range []bool{true, false} {
			name := fmt.Sprintf("kb=%d/appended", kb)
			if pre {
				name = fmt.Sprintf("kb=%d/preallocated", kb)
			}
			b.Run(name, func(b *testing.B) {
				const size = 64 << 20
				f, err := os.OpenFile(filepath.Join(b.TempDir(), "log"), os.O_RDWR|os.O_CREATE, 0o600)
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				if pre {
					chunk := make([]byte, 1<<20)
					for off := int64(0); off < size; off += int64(len(chunk)) {
						if _, err := f.WriteAt(chunk, off); err != nil {
							b.Fatal(err)
						}
					}
					if err := fdatasync(f); err != nil {
						b.Fatal(err)
					}
				}
				rec := make([]byte, kb<<10)
				var off int64
				for b.Loop() {
					if off+int64(len(rec)) > size {
						b.StopTimer()
						if !pre {
							if err := f.Truncate(0); err != nil {
								b.Fatal(err)
							}
						}
						off = 0
						b.StartTimer()
					}
					if _, err := f.WriteAt(rec, off); err != nil {
						b.Fatal(err)
					}
					off += int64(len(rec))
					if err := fdatasync(f); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/append")
			})
		}
	}
}
