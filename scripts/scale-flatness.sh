#!/usr/bin/env bash
# How flat the cost of an account-day is in the number of accounts (issue 10's
# "within 2× from 10 to 10,000"), from the output of the scale benchmark: for the
# single day and for the year, sandbank's ms per account-day at each size, raw
# bbolt's beside it, and the highest over the lowest of each. A size missing from
# the input (the year of 10,000 runs only with SANDBANK_BENCH_10K_YEAR=1) is left
# out of its ratio, which says over which sizes it was taken.
#
# usage: scripts/scale-flatness.sh FILE...   (or the benchmark's output on stdin)
#   go test ./world/ -run '^$' -bench Scale -benchtime 1x -timeout 2h | tee scale.out
#   scripts/scale-flatness.sh scale.out
# Several files are read in order; a later figure for the same size replaces an
# earlier one (a separate run of the 10,000 year, say).
#
# Given also a run with SANDBANK_BENCH_NOSYNC=1 (its lines say "nosync"), it says
# how flat the day could be at best on this disk, with today's cost of an account:
# the smallest world's day can cost no less than one durable commit of its rows —
# raw bbolt's day there less raw bbolt's cheapest account-day, its fixed part — plus
# sandbank's cheapest account-day with no fsync at all, over the lowest day with
# fsync. A floor above 2 says no cheaper code of sandbank's own can bring the day
# within 2× on this disk without making every account slower. It also prints the
# nosync run's own day flatness: above 2, not even a commit that cost nothing would
# bring it within 2× — the day's fixed part is then CPU, not the disk.
#   SANDBANK_BENCH_NOSYNC=1 SANDBANK_BENCH_DAYS=0 go test ./world/ -run '^$' \
#     -bench 'Scale$/accounts=(10|100|1000)$' -benchtime 1x | tee nosync.out
#   scripts/scale-flatness.sh scale.out nosync.out
set -euo pipefail

awk '
/^BenchmarkScale\/accounts=[0-9]+/ {
	n = $1; sub(/^BenchmarkScale\/accounts=/, "", n); sub(/-[0-9]+$/, "", n)
	nosync = 0
	for (i = 3; i <= NF; i++) if ($i == "nosync") nosync = 1
	if (nosync) {
		for (i = 3; i <= NF; i++) if ($i == "ms/account-day-day") nsday[n] = $(i-1)
		next
	}
	sizes[n] = 1
	for (i = 3; i <= NF; i++) {
		if ($i == "ms/account-day-day") day[n] = $(i-1)
		if ($i == "ms/account-day-raw-day") rawday[n] = $(i-1)
		if ($i == "ms/account-day-year") year[n] = $(i-1)
		if ($i == "ms/account-day-raw-year") rawyear[n] = $(i-1)
	}
}
function ratio(label, a,    n, lo, hi, lon, hin, list) {
	lo = -1; hi = -1; list = ""
	for (k = 1; k <= count; k++) {
		n = order[k]
		if (!(n in a)) continue
		list = list (list == "" ? "" : ", ") n
		if (lo < 0 || a[n] + 0 < lo) { lo = a[n] + 0; lon = n }
		if (hi < 0 || a[n] + 0 > hi) { hi = a[n] + 0; hin = n }
	}
	if (lo <= 0) { printf "%-10s no figures\n", label; return }
	printf "%-10s %.2f× (highest %g at %s accounts, lowest %g at %s; over %s)\n", label, hi / lo, hi, hin, lo, lon, list
}
END {
	if (length(sizes) == 0 && length(nsday) == 0) { print "no BenchmarkScale/accounts=N lines in the input" > "/dev/stderr"; exit 1 }
	count = 0
	for (n in sizes) order[++count] = n
	for (n in nsday) if (!(n in sizes)) order[++count] = n # a size run only without fsync
	for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++)
		if (order[j] + 0 < order[i] + 0) { t = order[i]; order[i] = order[j]; order[j] = t }
	printf "%-9s %12s %12s %12s %12s\n", "accounts", "day", "raw day", "year", "raw year"
	for (k = 1; k <= count; k++) {
		n = order[k]
		if (!(n in sizes)) continue
		printf "%-9s %12s %12s %12s %12s\n", n, (n in day ? day[n] : "-"), (n in rawday ? rawday[n] : "-"), (n in year ? year[n] : "-"), (n in rawyear ? rawyear[n] : "-")
	}
	print "ms per account-day, highest over lowest:"
	ratio("day", day); ratio("raw day", rawday); ratio("year", year); ratio("raw year", rawyear)
	floor()
	# And as measured: the day with no fsync at all, highest over lowest — how
	# flat a commit that cost nothing (the bound of any write-ahead log) leaves it.
	if (length(nsday) > 0) ratio("nosync day", nsday)
}
# floor: see the head of this file.
function floor(    k, n, small, v0, v0n, best, bestn, rawlo) {
	if (length(nsday) == 0) return
	small = ""; v0 = -1; best = -1; rawlo = -1
	for (k = 1; k <= count; k++) {
		n = order[k]
		if (small == "" && (n in day) && (n in rawday)) small = n
		if ((n in day) && (best < 0 || day[n] + 0 < best)) { best = day[n] + 0; bestn = n }
		if ((n in rawday) && (rawlo < 0 || rawday[n] + 0 < rawlo)) rawlo = rawday[n] + 0
	}
	for (n in nsday) if (v0 < 0 || nsday[n] + 0 < v0) { v0 = nsday[n] + 0; v0n = n }
	if (small == "" || best <= 0) { print "floor      no figures with fsync beside the nosync ones"; return }
	printf "floor      %.2f× at best for the day: at %s accounts one durable commit, %g ms/account-day (raw bbolt %g less its cheapest %g), plus %g without fsync (the cheapest, at %s), over %g (at %s)\n", \
		(rawday[small] - rawlo + v0) / best, small, rawday[small] - rawlo, rawday[small], rawlo, v0, v0n, best, bestn
}
' "$@"
