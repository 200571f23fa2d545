package simulator

import (
	"testing"
)

func TestValidNUBAN(t *testing.T) {
	// Worked example: bank 058, serial 012345678 → weighted sum 215, check digit 5.
	if !ValidNUBAN("058", "0123456785") {
		t.Fatal("known-good NUBAN refused")
	}
	for _, tc := range []struct{ bank, number string }{
		{"058", "0123456784"},  // wrong check digit
		{"058", "012345678"},   // 9 digits
		{"058", "01234567840"}, // 11 digits
		{"58", "0123456785"},   // 2-digit bank code
		{"058", "01234567a4"},  // not digits
		{"0x8", "0123456785"},
		{"", ""},
	} {
		if ValidNUBAN(tc.bank, tc.number) {
			t.Errorf("ValidNUBAN(%q, %q) = true", tc.bank, tc.number)
		}
	}
}

func TestWorldAccountsHaveValidNUBANs(t *testing.T) {
	b, _ := testBank(t, Config{Seed: 3, Customers: 300})
	seen := map[string]bool{}
	for _, c := range b.Customers() {
		banks := map[string]bool{}
		for _, a := range c.Accounts {
			if !ValidNUBAN(a.Institution.Code, a.Number) {
				t.Fatalf("account %s at %s has a bad check digit", a.Number, a.Institution.Code)
			}
			if seen[a.Number] {
				t.Fatalf("account number %s used twice", a.Number)
			}
			seen[a.Number] = true
			if banks[a.Institution.Code] { // the world's own customers; OpenAccount may add more
				t.Fatalf("customer %s has two accounts at %s", c.ID, a.Institution.Code)
			}
			banks[a.Institution.Code] = true
			// Changing any digit breaks the check.
			for i := 0; i < 10; i++ {
				n := []byte(a.Number)
				n[i] = '0' + (n[i]-'0'+1)%10
				if ValidNUBAN(a.Institution.Code, string(n)) {
					t.Fatalf("%s with digit %d changed still valid", a.Number, i)
				}
			}
		}
	}
}

func FuzzValidNUBAN(f *testing.F) {
	f.Add("058", "0123456785")
	f.Add("044", "0000000000")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, bank, number string) {
		ok := ValidNUBAN(bank, number)
		if ok && (len(bank) != 3 || len(number) != 10 || nubanCheckDigit(bank, number[:9]) != number[9]) {
			t.Fatalf("ValidNUBAN(%q, %q) accepted a bad number", bank, number)
		}
		if len(bank) == 3 && allDigits(bank) && len(number) >= 9 && allDigits(number[:9]) {
			good := number[:9] + string(nubanCheckDigit(bank, number[:9]))
			if !ValidNUBAN(bank, good) {
				t.Fatalf("ValidNUBAN(%q, %q) refused its own check digit", bank, good)
			}
		}
	})
}
