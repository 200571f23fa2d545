// Command pagediff says which pages of a sandbank database a change wrote, by
// bucket: given a copy of the file before and after (the scale benchmark makes them
// with SANDBANK_BENCH_DUMP=PREFIX: PREFIX-before and PREFIX-after of its last single
// day), it walks each bucket's tree in the second and counts the pages whose bytes
// differ from the first's at the same page ID — the pages the commits between them
// wrote (bbolt never writes a page in place that a reader may see: a page written
// is one whose ID held something else, or nothing, before). What a day of 10
// accounts writes, bucket by bucket, is the question of issue 10's single day.
//
//	go run ./scripts/pagediff BEFORE AFTER
//
// Run the benchmark with SANDBANK_BENCH_NO_WEBHOOKS=1 for the advance's pages alone.
//
// bbolt's command-line tool lists pages but not the bucket each belongs to; this
// reads the file format (bbolt's meta page, page and element headers) itself.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
)

// file is a database's bytes and its page size (the meta page's: the OS's when it
// was made, 16 KiB on some).
type file struct {
	b        []byte
	pageSize uint64
}

func (f file) page(id uint64) []byte {
	if (id+1)*f.pageSize > uint64(len(f.b)) {
		return nil
	}
	return f.b[id*f.pageSize : (id+1)*f.pageSize]
}

// full is the page with its overflow pages.
func (f file) full(id uint64) []byte {
	p := f.page(id)
	if p == nil {
		return nil
	}
	end := (id + 1 + uint64(binary.LittleEndian.Uint32(p[12:16]))) * f.pageSize
	if end > uint64(len(f.b)) {
		return nil
	}
	return f.b[id*f.pageSize : end]
}

// walk adds the pages of the bucket rooted at id — each node's overflow pages
// too — to out[name], and its sub-buckets' to theirs.
func (f file) walk(name string, id uint64, out map[string][]uint64) error {
	p := f.full(id)
	if p == nil {
		return fmt.Errorf("bucket %q: page %d is past the file's end", name, id)
	}
	for i := range uint64(len(p)) / f.pageSize {
		out[name] = append(out[name], id+i)
	}
	flags, count := binary.LittleEndian.Uint16(p[8:10]), int(binary.LittleEndian.Uint16(p[10:12]))
	if flags&0x01 != 0 { // a branch: its elements name the pages below
		for i := range count {
			if err := f.walk(name, binary.LittleEndian.Uint64(p[16+i*16+8:]), out); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range count { // a leaf: a bucket's element names a sub-bucket's root
		off := 16 + i*16
		e := p[off:]
		pos, ks, vs := int(binary.LittleEndian.Uint32(e[4:8])), int(binary.LittleEndian.Uint32(e[8:12])), int(binary.LittleEndian.Uint32(e[12:16]))
		if binary.LittleEndian.Uint32(e[0:4])&1 == 0 || off+pos+ks+vs > len(p) {
			continue
		}
		sub := name + "/" + string(p[off+pos:off+pos+ks])
		if root := binary.LittleEndian.Uint64(p[off+pos+ks:]); root != 0 {
			if err := f.walk(sub, root, out); err != nil {
				return err
			}
		} else if _, ok := out[sub]; !ok {
			out[sub] = nil // inline: its bytes are in its parent's leaf
		}
	}
	return nil
}

// load reads a file and walks its buckets from the newer of its two meta pages.
func load(path string) (file, map[string][]uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return file{}, nil, err
	}
	// The first meta page says the page size (its header is 16 bytes; magic,
	// version, then the size).
	if len(b) < 32 || binary.LittleEndian.Uint32(b[16:20]) != 0xED0CDAED {
		return file{}, nil, fmt.Errorf("%s is not a bbolt file", path)
	}
	f := file{b: b, pageSize: uint64(binary.LittleEndian.Uint32(b[24:28]))}
	if f.pageSize < 1024 || uint64(len(b)) < 2*f.pageSize {
		return file{}, nil, fmt.Errorf("%s is not a whole bbolt file (page size %d, %d bytes)", path, f.pageSize, len(b))
	}
	meta := f.page(0)[16:]
	if m := f.page(1)[16:]; binary.LittleEndian.Uint64(m[48:56]) > binary.LittleEndian.Uint64(meta[48:56]) {
		meta = m
	}
	out := map[string][]uint64{}
	return f, out, f.walk("", binary.LittleEndian.Uint64(meta[16:24]), out)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/pagediff BEFORE AFTER")
		os.Exit(2)
	}
	before, _, err := load(os.Args[1])
	if err == nil {
		var after file
		var buckets map[string][]uint64
		if after, buckets, err = load(os.Args[2]); err == nil {
			report(before, after, buckets)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "pagediff:", err)
	os.Exit(1)
}

func report(before, after file, buckets map[string][]uint64) {
	names := make([]string, 0, len(buckets))
	for n := range buckets {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Printf("%-22s %8s %8s\n", "bucket", "written", "pages")
	total := 0
	for _, n := range names {
		written := 0
		for _, id := range buckets[n] {
			if !bytes.Equal(before.page(id), after.page(id)) {
				written++
			}
		}
		total += written
		if written > 0 {
			label := n
			if label == "" {
				label = "(root)"
			}
			fmt.Printf("%-22s %8d %8d\n", label, written, len(buckets[n]))
		}
	}
	fmt.Printf("%-22s %8d   (besides the freelist and the meta page)\n", "all buckets", total)
}
