package engine

import (
	"strings"
	"testing"
)

// Every MFA kind has its own words and badge, and Next cycles through all of them.
func TestMFAKindWords(t *testing.T) {
	words, badges := map[string]bool{}, map[string]bool{}
	k := MFANone
	for range MFAKinds {
		if words[k.Words()] || badges[k.Badge()] {
			t.Errorf("%s: words %q or badge %q used twice", k, k.Words(), k.Badge())
		}
		words[k.Words()], badges[k.Badge()] = true, true
		k = k.Next()
	}
	if k != MFANone || len(words) != len(MFAKinds) {
		t.Fatalf("Next from none came back to %q after %d kinds", k, len(words))
	}
	if got := MFAKind("fingerprint").Next(); got != MFANone {
		t.Errorf("an unknown kind's Next = %q, want none", got)
	}
}

// A secret shows its kind, never more: the scenario's key "test_sk_sandbank_scenario"
// showed as a bare •••• (its last underscore was too far in).
func TestSecretShowsOnlyItsPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"test_sk_0123456789abcdef":  "test_sk_••••",
		"test_sk_sandbank_scenario": "test_sk_••••",
		"whsec_abc":                 "whsec_••••",
		"test_sk_":                  "••••",
		"nounderscores":             "••••",
		"averyverylongprefix_x":     "••••",
		"":                          "",
	} {
		if got := Secret(in).String(); got != want {
			t.Errorf("Secret(%q) = %q, want %q", in, got, want)
		}
	}
}

// A bank is found by what people call it: its initials, its name without spaces.
func TestInstitutionSearchText(t *testing.T) {
	for name, want := range map[string][]string{
		"First City Monument Bank": {"fcmb", "first city"},
		"United Bank for Africa":   {"uba"},
		"Guaranty Trust Bank":      {"gtb"},
		"First Bank of Nigeria":    {"firstbank", "fbn"},
	} {
		text := Institution{Code: "000", Name: name}.SearchText()
		for _, q := range want {
			if !strings.Contains(text, q) {
				t.Errorf("%s: %q does not hold %q", name, text, q)
			}
		}
	}
	// A bank that goes by a shorter name is found by its full one too: "guaranty"
	// found no bank (a front-end developer's trial).
	gtb := Institution{Code: "058", Name: "GTBank"}
	for _, q := range []string{"guaranty", "Guaranty Trust Bank", "gtbank", "gtb"} {
		if !gtb.Matches(q) {
			t.Errorf("a search for %q does not find GTBank (%q)", q, gtb.SearchText())
		}
	}
}

// A webhook URL's blank is named, and counted in characters, not bytes: "at
// character 26" pointed two characters past the space of "…/ä b" (the review).
func TestAWebhookURLsBlankIsPlaced(t *testing.T) {
	for u, want := range map[string]string{
		"http://bücher.example/ä b":      "has a blank (U+0020) at character 24",
		"http://127.0.0.1:9000/a\u00a0b": "has a blank (U+00A0) at character 24",
		// A tab (which url.Parse refuses first) is placed too (the review).
		"http://127.0.0.1:9000/a\tb": "has a blank (U+0009) at character 24",
		"not a url":                  "is not an absolute http(s) URL",
		// Not a webhook URL at all, blanks or not (a review).
		"mailto:x y":         "is not an absolute http(s) URL",
		"127.0.0.1:9000/a b": "is not an absolute http(s) URL",
		"not a url\t":        "is not an absolute http(s) URL",
	} {
		err := (SettingsPatch{WebhookURL: &u}).Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want it saying %q", u, err, want)
		}
	}
	for _, u := range []string{"http://[::1]:9000/hooks", "http://[fe80::1%25eth0]:9000/x", "http://127.0.0.1:9000/a%20b?q=x%20y"} {
		if err := (SettingsPatch{WebhookURL: &u}).Validate(); err != nil {
			t.Errorf("%q: %v; want it taken", u, err)
		}
	}
}
