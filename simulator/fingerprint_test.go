package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// Worlds are replayed from their journal at every start, so a world must come out
// the same from every version of sandbank: the same seed and the same controls give
// the same customers, accounts and history forever. This fingerprint of a few
// worlds catches any change of a generator (an extra random draw, a reordered one).
// A deliberate change of the world needs a new journal version, not a new value here.
// Each journal version keeps its own fingerprints: a world made by version 1 is
// replayed as version 1 made it.
func TestWorldsDoNotChangeAcrossVersions(t *testing.T) {
	want := map[int]map[int64]string{
		1: {
			1:    "45522815d7089e0fd65887a361cec34be83f9320432b3da5689004d6a370622c",
			2021: "ed72b0353303fa54ccfb0da647831cdc8dbd672cdde4f7442622bdb1a3d143e0",
			77:   "0083291d6ca5feb54d6429b5e1afe6e523e020ba1f2e88f83e971333a985cef8",
		},
		2: {
			1:    "1e0e617f60e8f05d67989847ec49120aa9dbe5e812c5e0c80583dd9f6bf74c56",
			2021: "47b68fcf21c56722c56b6d395b1dbecd7b120f14a95c9f0f32c110f23b3dbbd2",
			77:   "7a5a48df9e93e637fc63fb41bf40f95135c38eb3e2ca29723bbebe67af20e9c2",
		},
		3: {
			1:    "5ca703ebb7dbf8bccf346662d3b7e5a1bdf27e82017fcd2b232e8e74fa5529e2",
			2021: "36fce150cdfb4b243cb3127d12e10659b9ad72a48e336aba6ae7d2cc06c4d31d",
			77:   "ba28cf5ea13d0dd5400a9ce837cbda60c663fc396d498edcdf1454d8e457c808",
		},
		4: {
			1:    "b174a406269ce7be2ad4607e39007f23057db2c28cc9e788543820453c2c6c68",
			2021: "7a4ef5a3976f0c5b30212fbb34b6c25ed08b94af5b008c8a0b3a945d89719486",
			77:   "c6530029ad91ca33515efa75f972e714f19bcfd0911587d5dfdd75efe5b8f44a",
		},
		5: {
			1:    "943ec1ee6beb2b7d9128ba00e173e1c809d54fc19ac6763f5db3f17255d7362b",
			2021: "4e1783a47d5577e9bbb602a42b8db785742926b3095044516ee159ea48072e4e",
			77:   "cdfb62e327f5b7495a8db1a967bf266017922081b6507facdcfef1e7240d3585",
		},
		6: {
			1:    "6f3cd8865d908ca50201236bccbb53a2a3f92ea1e6fc94ef577989bcbfbd0f05",
			2021: "7df2f4d65e85cc5ea5c96e14cee18fad5d68c45c4016908429cb4f2d649bf954",
			77:   "8607d12af6835947cd42e9fa8a0ebece9e562f72ad0442fa58572cb2a1c1a843",
		},
	}
	if len(want) != journalVersion {
		t.Fatalf("fingerprints of %d versions; this build makes version %d: add its own", len(want), journalVersion)
	}
	for version, fps := range want {
		for seed, fp := range fps {
			fingerprint(t, version, seed, fp)
		}
	}
}

// fingerprint makes a world of seed as journal version made it, adds customers
// and accounts, runs 45 days and compares what it holds with fp.
func fingerprint(t *testing.T, version int, seed int64, fp string) {
	t.Helper()
	cfg, err := Config{Seed: seed, Customers: 30, Start: DefaultStart}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	world, err := json.Marshal(record{Kind: recWorld, Version: version, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	j := &MemJournal{}
	_ = j.AppendBankEvent(world)
	clk := stoppedClock(t, cfg.Start)
	b, err := Open(cfg, clk, j)
	if err != nil {
		t.Fatal(err)
	}
	for _, nc := range []NewCustomer{
		{},
		{Name: "Ọlá Àdìsá", Institution: "035", Balance: 5_000_000, Profile: ProfileStudent, MFA: engine.MFAOTP},
		{Institution: "101", Profile: ProfileBusiness, AccountType: engine.AccountCurrent, Username: "biz.owner", Password: "Biz@12345"},
		{Name: "Musa", Profile: ProfilePensioner, AuthMethod: engine.AuthMobileBanking, Balance: 1},
		{Name: "Tolu Ade", Profile: ProfileTrader, AccountType: engine.AccountSavings, Institution: "058", Balance: 90_000},
		{Profile: ProfileSalaryEarner, AccountType: engine.AccountCurrent, MFA: engine.MFAToken},
	} {
		c, err := b.AddCustomer(nc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.OpenAccount(c.ID, NewAccount{Institution: "559", Balance: 250_000}); err != nil {
			t.Fatal(err)
		}
	}
	_ = clk.Advance(45 * 24 * time.Hour)
	blob, err := json.Marshal(struct {
		Customers []Customer
		History   map[string][]engine.Transaction
	}{b.Customers(), everything(t, b)})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(blob)
	if got := hex.EncodeToString(sum[:]); got != fp {
		t.Errorf("version %d, seed %d: the world's fingerprint is %s, was %s: a generator changed what it makes", version, seed, got, fp)
	}
}

// A bank a newer sandbank made is refused saying so and what to do: it said only
// "the bank journal is version 4; this sandbank reads up to 3" (an upgrading
// user's trial).
func TestANewerBanksJournalIsRefusedInWords(t *testing.T) {
	cfg, err := Config{Seed: 1, Customers: 3, Start: DefaultStart}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	world, err := json.Marshal(record{Kind: recWorld, Version: journalVersion + 1, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	j := &MemJournal{}
	_ = j.AppendBankEvent(world)
	_, err = Open(cfg, stoppedClock(t, cfg.Start), j)
	if engine.ErrorCode(err) != engine.EINVALID || !strings.Contains(engine.ErrorMessage(err), "made by a newer sandbank") || !strings.Contains(engine.ErrorMessage(err), "upgrade sandbank") {
		t.Fatalf("a newer bank's journal: %v; want it refused as a newer sandbank's, saying to upgrade", err)
	}
}
