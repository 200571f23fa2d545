package scenario

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

const head = "scenario: t\nstart: 2021-08-20T13:00:00+01:00\ncustomers:\n  adam: {institution: \"044\", balance: NGN 10000}\n  bola:\n    accounts:\n      bola_a: {institution: \"101\"}\n      bola_b: {institution: \"559\"}\nsteps:\n"

// Every refusal of a bad file, with its exact place and message. Lines 1–9 are
// head; a case's own text starts at line 10 unless it replaces the head.
func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"YAML syntax", "scenario: [\n", `f.yaml:1:11: YAML: sequence end token ']' not found`},
		// An unclosed { or [ is said where it opens: the library stops at the next line's first word.
		{"unclosed {", "scenario: t\nsettings: {auto_sync: 6h\nsteps:\n  - advance: 1m\n", "f.yaml:2:11: YAML: this `{` is never closed: end the mapping with `}` after its last field"},
		{"unclosed { over lines", "scenario: t\nsettings: {auto_sync: 6h,\n  webhooks: none\nsteps: [{advance: 1m}]\n", "f.yaml:2:11: YAML: this `{` is never closed: end the mapping with `}` after its last field"},
		{"unclosed { in a step", head + "  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: {type: debit, amount: 500\n  - advance: 1m\n", "f.yaml:11:11: YAML: this `{` is never closed: end the mapping with `}` after its last field"},
		{"unclosed { inside a closed [", "scenario: t\nsteps: [{advance: 1m]\n", "f.yaml:2:9: YAML: this `{` is never closed: end the mapping with `}` after its last field"},
		{"unclosed [", "scenario: t\nsteps: [{advance: 1m},\n  {at: +2h}\nsettings: {}\n", "f.yaml:2:8: YAML: this `[` is never closed: end the list with `]` after its last item"},
		{"missing comma in a closed {", "scenario: t\nsettings: {auto_sync: 6h\n  webhooks: none}\nsteps: [{advance: 1m}]\n", "f.yaml:3:3: YAML: ',' or '}' must be specified"},
		{"duplicate key", "scenario: a\nscenario: b\nsteps: [{advance: 1m}]\n", `f.yaml:2:1: scenario: is given twice (first at line 1, column 1): each key may appear once in a mapping; keep one`},
		{"empty file", "", `f.yaml:1:1: the file is empty: a scenario needs at least ` + "`scenario:` and `steps:`"},
		{"not a mapping", "- a\n", `f.yaml:1:1: a scenario file is a mapping with scenario:, about:, the world and steps:; found a list`},
		{"unknown top field", "scenario: t\nstpes: []\n", `f.yaml:2:1: unknown field "stpes" (did you mean "steps"?); use one of about, customers, keys, scenario, seed, settings, start, steps, world_customers`},
		{"no title", "steps: [{advance: 1m}]\n", `f.yaml:1:1: scenario: is missing: the scenario's title, e.g. scenario: A password change forces re-authorisation`},
		{"no steps", "scenario: t\n", `f.yaml:1:1: steps: is missing: a scenario needs at least one step`},
		{"start as sandbank writes a time, with another zone", "scenario: t\nstart: 1 Mar 2023 09:16:00 PST\nsteps: [{advance: 1m}]\n", `f.yaml:2:8: start "1 Mar 2023 09:16:00 PST" is not a time: write 2021-08-20T13:00:00+01:00 (or without the zone, in Lagos time, or as sandbank writes it, 20 Aug 2021 13:00:00 WAT)`},
		{"bad start", "scenario: t\nstart: yesterday\nsteps: [{advance: 1m}]\n", `f.yaml:2:8: start "yesterday" is not a time: write 2021-08-20T13:00:00+01:00 (or without the zone, in Lagos time, or as sandbank writes it, 20 Aug 2021 13:00:00 WAT)`},
		{"start past the world's end", "scenario: t\nstart: 2107-01-01T00:00:00Z\nsteps: [{advance: 1m}]\n", `f.yaml:2:8: start 2107-01-01T00:00:00Z: a world starts from 2 Feb 1971 00:00:00 WAT to 7 Feb 2106 07:28:15 WAT, as its IDs begin with the seconds since 1970 in 32 bits and its history goes back 13 months`},
		// Not "outside the years 1900 to 2200", which are not a world's (a bad-input trial).
		{"start far past the world's end", "scenario: t\nstart: 9999-12-31T00:00:00Z\nsteps: [{advance: 1m}]\n", `f.yaml:2:8: start 9999-12-31T00:00:00Z: a world starts from 2 Feb 1971 00:00:00 WAT to 7 Feb 2106 07:28:15 WAT, as its IDs begin with the seconds since 1970 in 32 bits and its history goes back 13 months`},
		{"bad seed", "scenario: t\nseed: -3\nsteps: [{advance: 1m}]\n", `f.yaml:2:7: seed is a whole number from 1 to 4611686018427387904; found "-3"`},
		{"advance past Go's durations", "scenario: t\nsteps: [{advance: 300y}]\n", `f.yaml:2:19: advance at most 10 years at a time (3650d)`},
		{"empty webhook secret", "scenario: t\nsettings: {webhook_secret: \"\"}\nsteps: [{advance: 1m}]\n", `f.yaml:2:28: webhook_secret is empty: receivers compare it with every webhook's mono-webhook-secret header; give it a value, or leave it out`},
		{"unknown setting", "scenario: t\nsettings: {auto_synk: 6h}\nsteps: [{advance: 1m}]\n", `f.yaml:2:12: unknown setting "auto_synk" (did you mean "auto_sync"?); use one of auto_sync, data_sync, statement_build, webhook_format, webhook_secret, webhooks`},
		{"the API's name of a setting", "scenario: t\nsettings: {webhook_url: \"http://127.0.0.1:9/h\"}\nsteps: [{advance: 1m}]\n", `f.yaml:2:12: unknown setting "webhook_url": the API's webhook_url is written webhooks: in a scenario (an http(s) URL, capture for the built-in receiver, or none)`},
		{"auto-sync not offered", "scenario: t\nsettings: {auto_sync: 5h}\nsteps: [{advance: 1m}]\n", `f.yaml:2:23: auto_sync "5h" is not offered; use off, 6h, 12h or 24h`},
		{"auto-sync in hours without the h", "scenario: t\nsettings: {auto_sync: 12}\nsteps: [{advance: 1m}]\n", `f.yaml:2:23: auto_sync "12" has no unit: did you mean 12h? (off, 6h, 12h or 24h)`},
		{"auto-sync, a number not offered", "scenario: t\nsettings: {auto_sync: 5}\nsteps: [{advance: 1m}]\n", `f.yaml:2:23: auto_sync "5" has no unit: use off, 6h, 12h or 24h`},
		{"webhooks", "scenario: t\nsettings: {webhooks: maybe}\nsteps: [{advance: 1m}]\n", `f.yaml:2:22: webhooks is capture (the built-in receiver, in the transcript), none, or an http(s) URL; not "maybe"`},
		{"webhooks from an unset variable", "scenario: t\nsettings: {webhooks: \"http://127.0.0.1:${SANDBANK_TEST_UNSET_PORT}/hooks\"}\nsteps: [{advance: 1m}]\n", `f.yaml:2:22: SANDBANK_TEST_UNSET_PORT is not set in the environment: set it (e.g. SANDBANK_TEST_UNSET_PORT=3000) before sandbank starts, or give a default, ${SANDBANK_TEST_UNSET_PORT:-3000}`},
		{"webhooks with a half variable", "scenario: t\nsettings: {webhooks: \"http://127.0.0.1:${PORT/hooks\"}\nsteps: [{advance: 1m}]\n", `f.yaml:2:22: "http://127.0.0.1:${PORT/hooks": write an environment variable as ${NAME} or ${NAME:-default}`},
		{"expect_call with a query", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - serve:\n  - expect_call: GET /accounts/{adam}/transactions?page=2\n", `f.yaml:7:18: expect_call: GET /accounts/{adam}/transactions?page=2: a call is matched by its method and path only, so "?page=2" would never match; write GET /accounts/{adam}/transactions`},
		{"customer name", "scenario: t\ncustomers:\n  Adam: {}\nsteps: [{advance: 1m}]\n", `f.yaml:3:3: customer name "Adam": use lower-case letters, digits and _, starting with a letter (e.g. adam, ada_gtb)`},
		{"customer field", "scenario: t\ncustomers:\n  adam: {balanse: 5}\nsteps: [{advance: 1m}]\n", `f.yaml:3:10: unknown customer field "balanse" (did you mean "balance"?); use one of account_type, accounts, auth_method, balance, institution, mfa, name, password, profile, username, world`},
		{"at past the end", "scenario: t\nsteps:\n  - advance: 1m\n    at: 2106-02-07T06:28:16Z\n", `f.yaml:4:9: at 2106-02-07T06:28:16Z is past the world's end, 7 Feb 2106 07:28:15 WAT, where the clock stops (the last second IDs holding the seconds since 1970 in 32 bits can count)`},
		// What the bank refuses at the run's setup is refused by check, at its field (a new user's trial).
		{"customer's name", "scenario: t\ncustomers:\n  adam: {name: \"Adam_Okafor 2\"}\nsteps: [{advance: 1m}]\n", `f.yaml:3:16: customer adam: a name has letters (with their accents and tone marks), spaces, hyphens, apostrophes and dots only (got "Adam_Okafor 2")`},
		{"customer's username", "scenario: t\ncustomers:\n  adam: {username: \"a b\"}\nsteps: [{advance: 1m}]\n", `f.yaml:3:20: customer adam: a username has 3 to 32 letters, digits, dots or underscores (got "a b")`},
		{"customer's auth method", "scenario: t\ncustomers:\n  adam: {auth_method: fax}\nsteps: [{advance: 1m}]\n", `f.yaml:3:23: customer adam: unknown auth method "fax"; use internet_banking or mobile_banking`},
		{"a username twice", "scenario: t\ncustomers:\n  adam: {username: ade1}\n  bola: {username: ADE1}\nsteps: [{advance: 1m}]\n", `f.yaml:4:20: username "ADE1" is customer adam's already: give each customer a username of its own`},
		{"account type in short", "scenario: t\ncustomers:\n  adam: {account_type: fixed}\nsteps: [{advance: 1m}]\n", `f.yaml:3:24: unknown account_type "fixed"; use one of CURRENT_ACCOUNT, SAVINGS_ACCOUNT`},
		{"digits past int64", "scenario: t\ncustomers:\n  adam: {balance: 99999999999999999999}\nsteps: [{advance: 1m}]\n", `f.yaml:3:19: balance 99999999999999999999 is not an amount of kobo from 0 to 1000000000000000`},
		{"empty settings", "scenario: t\nsettings: {}\nsteps: [{advance: 1m}]\n", `f.yaml:2:11: settings: is a mapping of data_sync, auto_sync, webhooks, webhook_secret, webhook_format, statement_build; found an empty mapping`},
		{"advance past the world's end", "scenario: t\nstart: 2100-01-01T00:00:00Z\nsteps: [{advance: 10y}]\n", `f.yaml:3:19: advance 10y would pass the world's end, 7 Feb 2106 07:28:15 WAT, where the clock stops (it is at 1 Jan 2100 01:00:00 WAT here): start the scenario earlier, or advance less`},
		{"tab", "scenario: t\nsteps:\n\t- advance: 1m\n", `f.yaml:3:1: YAML: a tab indents this line: YAML indents with spaces only; replace the tab with spaces (your editor can show tabs)`},
		{"unknown bank", "scenario: t\ncustomers:\n  adam: {institution: \"045\"}\nsteps: [{advance: 1m}]\n", `f.yaml:3:23: unknown bank "045" (did you mean "035"?); name a bank by its code or name: 011 First Bank of Nigeria (FirstBank), 032 Union Bank of Nigeria (Union), 033 United Bank for Africa (UBA), 035 Wema Bank (Wema), 044 Access Bank (Access), 050 Ecobank Nigeria (Ecobank), 057 Zenith Bank (Zenith), 058 GTBank, 070 Fidelity Bank (Fidelity), 101 Providus Bank (Providus), 214 First City Monument Bank (FCMB), 221 Stanbic IBTC Bank (Stanbic), 232 Sterling Bank (Sterling), 559 Coronation Merchant Bank (Coronation)`},
		{"unknown bank no code is near", "scenario: t\ncustomers:\n  adam: {institution: \"999\"}\nsteps: [{advance: 1m}]\n", `f.yaml:3:23: unknown bank "999"; name a bank by its code or name: 011 First Bank of Nigeria (FirstBank), 032 Union Bank of Nigeria (Union), 033 United Bank for Africa (UBA), 035 Wema Bank (Wema), 044 Access Bank (Access), 050 Ecobank Nigeria (Ecobank), 057 Zenith Bank (Zenith), 058 GTBank, 070 Fidelity Bank (Fidelity), 101 Providus Bank (Providus), 214 First City Monument Bank (FCMB), 221 Stanbic IBTC Bank (Stanbic), 232 Sterling Bank (Sterling), 559 Coronation Merchant Bank (Coronation)`},
		{"bad amount", "scenario: t\ncustomers:\n  adam: {balance: ten}\nsteps: [{advance: 1m}]\n", `f.yaml:3:19: balance "ten" is not an amount: write kobo as a number (500000) or naira with NGN (NGN 5,000.50)`},
		{"quoted kobo", "scenario: t\ncustomers:\n  adam: {balance: \"5000\"}\nsteps: [{advance: 1m}]\n", `f.yaml:3:19: balance "5000" is quoted: write kobo as a number without quotes (5000 is NGN 50.00), or naira with NGN ("NGN 5000")`},
		{"hex kobo", "scenario: t\ncustomers:\n  adam: {balance: 0x10}\nsteps: [{advance: 1m}]\n", `f.yaml:3:19: balance 0x10: write kobo in plain digits (500000), or naira with NGN (NGN 5,000)`},
		{"bad naira", "scenario: t\ncustomers:\n  adam: {balance: NGN 5.555}\nsteps: [{advance: 1m}]\n", `f.yaml:3:19: balance: "NGN 5.555" has "555" after the point: naira have up to two decimal places (kobo), such as 5,000.50`},
		{"comma cut", "scenario: t\ncustomers:\n  adam: {balance: NGN 5,000}\nsteps: [{advance: 1m}]\n", `f.yaml:3:19: balance: "NGN 5" was cut at a comma, which separates the fields of a {…} mapping: quote an amount with commas, e.g. balance: "NGN 5,000"`},
		{"bad mfa", "scenario: t\ncustomers:\n  adam: {mfa: sms}\nsteps: [{advance: 1m}]\n", `f.yaml:3:15: unknown mfa "sms"; use one of captcha, none, otp, security_question, token`},
		{"world out of range", "scenario: t\ncustomers:\n  adam: {world: 6}\nsteps: [{advance: 1m}]\n", `f.yaml:3:17: world is a whole number from 0 to 5; found "6"`},
		{"world and fields", "scenario: t\ncustomers:\n  adam: {world: 0, mfa: otp}\nsteps: [{advance: 1m}]\n", `f.yaml:3:20: customer adam is the world's own customer 0: it takes no mfa (the world made it); drop world: to describe a new customer`},
		{"nine accounts", "scenario: t\ncustomers:\n  b:\n    accounts:\n      a1: {institution: \"044\"}\n      a2: {institution: \"044\"}\n      a3: {institution: \"044\"}\n      a4: {institution: \"044\"}\n      a5: {institution: \"044\"}\n      a6: {institution: \"044\"}\n      a7: {institution: \"044\"}\n      a8: {institution: \"044\"}\n      a9: {institution: \"044\"}\nsteps: [{advance: 1m}]\n", `f.yaml:5:7: customer b lists 9 accounts; a customer holds at most 8`},
		{"taken name", "scenario: t\ncustomers:\n  adam: {}\n  b:\n    accounts:\n      adam: {institution: \"044\"}\nsteps: [{advance: 1m}]\n", `f.yaml:6:7: the name "adam" is taken: customers and accounts each need a name of their own`},
		{"steps not a list", "scenario: t\nsteps: {advance: 1m}\n", `f.yaml:2:8: steps: is a list of steps, each starting with - ; found a mapping`},
		{"unknown step", head + "  - conect: adam\n", `f.yaml:10:5: unknown step "conect" (did you mean "connect"?); use one of advance, at, bank, call, connect, expect_call, latency, outage, pause, reauthorise, receiver, serve, settings, sync, unlink, webhook, webhooks`},
		{"an unquoted reference", head + "  - connect: adam\n  - call: POST /accounts/{adam}/reauthorise\n    save: {token: token}\n  - reauthorise: adam\n    token: {token}\n", `f.yaml:14:12: token is a single value; found a mapping, as YAML reads {token} unquoted: quote it, write token: "{token}"`},
		{"an unquoted reference as an answer", head + "  - connect: adam\n    answers: [{adam.password}]\n", `f.yaml:11:15: an answer is a single value; found a mapping, as YAML reads {adam.password} unquoted: quote it, write answers: ["{adam.password}"]`},
		{"an unquoted reference as one of the answers", head + "  - connect: adam\n    answers:\n      - Lagos\n      - {adam.password}\n", `f.yaml:13:9: an answer is a single value; found a mapping, as YAML reads {adam.password} unquoted: quote it, write "{adam.password}" in the list`},
		{"an unquoted reference to expect", head + "  - connect: adam\n    expect: {account.id: {adam}}\n", `f.yaml:11:26: account.id: found a mapping, as YAML reads {adam} unquoted: quote it, write account.id: "{adam}"`},
		// A word near a matcher is a mistyped one, not a reference (a review).
		{"a mistyped matcher without a value", head + "  - connect: adam\n    expect: {account.reauth: {absnet}}\n", `f.yaml:11:31: unknown matcher "absnet" (did you mean "absent"?); use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of`},
		{"an unquoted saved name near a matcher", head + "  - connect: adam\n    save: {lent: account.id}\n  - sync: adam\n    expect: {account.id: {lent}}\n", `f.yaml:13:26: account.id: found a mapping, as YAML reads {lent} unquoted: quote it, write account.id: "{lent}"`},
		{"an unquoted reference to a matcher", head + "  - connect: adam\n    expect: {account.id: {not: {adam}}}\n", `f.yaml:11:32: not takes a value; found a mapping, as YAML reads {adam} unquoted: quote it, write account.id: {not: "{adam}"}`},
		{"an unquoted reference to contains", head + "  - connect: adam\n    expect: {account.name: {contains: {adam.username}}}\n", `f.yaml:11:39: contains takes a value; found a mapping, as YAML reads {adam.username} unquoted: quote it, write account.name: {contains: "{adam.username}"}`},
		{"an unquoted reference in one_of", head + "  - connect: adam\n    expect: {account.id: {one_of: [{adam}, x]}}\n", `f.yaml:11:36: one_of takes a list of values; found a mapping, as YAML reads {adam} unquoted: quote it, write "{adam}" in the list`},
		// YAML reads {adam.username} as a mapping of that key to nothing: it was sent as {"adam.username": null} (a review).
		{"an unquoted reference in a body", head + "  - connect: adam\n  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: {type: debit, narration: {adam.username}}\n", `f.yaml:12:36: narration: found a mapping, as YAML reads {adam.username} unquoted: quote it, write narration: "{adam.username}" (a JSON key of that name, with the value null, is written {adam.username: null})`},
		// A matcher is no reference: quoted, "{absent}" is an unknown name (a review).
		{"a matcher in not", head + "  - connect: adam\n    expect: {account.name: {not: {absent}}}\n", `f.yaml:11:34: {not: {absent}}: a matcher's value is a value; matchers do not nest: for not absent, write account.name: {any: true}`},
		{"any in not", head + "  - connect: adam\n    expect: {account.name: {not: {any}}}\n", `f.yaml:11:34: {not: {any}}: a matcher's value is a value; matchers do not nest: for not any, write account.name: {absent: true}`},
		{"a mistyped matcher in not", head + "  - connect: adam\n    expect: {account.name: {not: {absnet}}}\n", `f.yaml:11:34: {not: {absnet}}: a matcher's value is a value; matchers do not nest ("absnet" is taken for the matcher "absent", mistyped)`},
		{"a mistyped reference in a body", head + "  - connect: adam\n  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: {amount: 100, narration: {adma.username}}\n", `f.yaml:12:36: narration: found a mapping, as YAML reads {adma.username} unquoted: quote it, write narration: "{adma.username}" (a JSON key of that name, with the value null, is written {adma.username: null})`},
		{"a mistyped reference near a matcher in not", head + "  - connect: adam\n    expect: {account.name: {not: {adm}}}\n", `f.yaml:11:34: not takes a value; found a mapping, as YAML reads {adm} unquoted: quote it, write account.name: {not: "{adm}"}`},
		{"a matcher in contains", head + "  - connect: adam\n    expect: {account.name: {contains: {len}}}\n", `f.yaml:11:39: {contains: {len}}: a matcher's value is a value; matchers do not nest`},
		{"a matcher in one_of", head + "  - connect: adam\n    expect: {account.name: {one_of: [{absent}, x]}}\n", `f.yaml:11:38: {one_of: [… {absent} …]}: a matcher's value is a value; matchers do not nest`},
		// null written is no reference left unquoted (a review).
		{"null written to not", head + "  - connect: adam\n    expect: {account.id: {not: {adam: null}}}\n", `f.yaml:11:32: not takes a value; found a mapping`},
		{"null written as an answer", head + "  - connect: adam\n    answers: [{adam.password: null}]\n", `f.yaml:11:15: answer is a single value; found a mapping`},
		{"null written to expect", head + "  - connect: adam\n    expect: {account.id: {adam: ~}}\n", `f.yaml:11:27: unknown matcher "adam"; use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of`},
		{"a colon written to expect", head + "  - connect: adam\n    expect: {account.id: {adam: }}\n", `f.yaml:11:27: unknown matcher "adam"; use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of`},
		{"a quoted key to expect", head + "  - connect: adam\n    expect: {account.id: {\"{adam}\"}}\n", `f.yaml:11:27: unknown matcher "{adam}"; use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of`},
		{"an unquoted account in a body", head + "  - connect: adam\n  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: {type: debit, narration: {bola_a.usrname}}\n", `f.yaml:12:36: narration: found a mapping, as YAML reads {bola_a.usrname} unquoted: quote it, write narration: "{bola_a.usrname}" (a JSON key of that name, with the value null, is written {bola_a.usrname: null})`},
		{"an unquoted reference in a body's list", head + "  - connect: adam\n  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: {tags: [x, {adam}]}\n", `f.yaml:12:22: a list item is a mapping, as YAML reads {adam} unquoted: quote it, write the item as "{adam}" (a JSON key of that name, with the value null, is written {adam: null})`},
		{"two actions", head + "  - sync: adam\n    connect: adam\n", `f.yaml:11:5: a step does one thing: this one says both sync and connect; split it into two steps; if connect: starts a new step, begin its line with "- " at column 3, where this step's dash is: - connect: adam`},
		// Level with the first, on a line of its own: a step's dash left out.
		{"two actions, a dash missing", head + "  - webhooks: []\n    account: adam\n    advance: 1h\n", `f.yaml:12:5: a step does one thing: this one says both webhooks and advance; split it into two steps; if advance: starts a new step, begin its line with "- " at column 3, where this step's dash is: - advance: 1h`},
		{"two actions, a dash missing, the dash further in", head + "  -   sync: adam\n      settings:\n        webhooks: none\n", `f.yaml:11:7: a step does one thing: this one says both sync and settings; split it into two steps; if settings: starts a new step, begin its line with "- " at column 3, where this step's dash is: - settings: …`},
		{"two actions in braces", head + "  - {sync: adam,\n     advance: 1h}\n", `f.yaml:11:6: a step does one thing: this one says both sync and advance; split it into two steps`},
		{"two actions on a line", head + "  - {sync: adam, connect: adam}\n", `f.yaml:10:18: a step does one thing: this one says both sync and connect; split it into two steps`},
		// A step's mapping indented too little: its fields level with the action.
		{"serve's field indented too little", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - serve:\n    clock: paused\n  - expect_call: GET /accounts/{adam}\n", `f.yaml:7:5: "clock" belongs under serve:, whose value is empty here: indent it more than serve:, or write serve: {clock: paused}`},
		{"receiver's field indented too little", head + "  - receiver:\n    status: 500\n", `f.yaml:11:5: "status" belongs under receiver:, whose value is empty here: indent it more than receiver:, or write receiver: {status: 500}`},
		{"settings indented too little", head + "  - settings:\n    auto_sync: 6h\n    webhooks: none\n", `f.yaml:11:5: "auto_sync" and "webhooks" belong under settings:, whose value is empty here: indent them more than settings:, or write settings: {auto_sync: 6h, webhooks: none}`},
		// The one-line form suggested is YAML that reads back as written: a comma, a ": " or braces cut it (a review).
		{"serve's sentence with a comma, indented too little", head + "  - serve:\n    say: Now run your app, then press enter\n    clock: paused\n", `f.yaml:11:5: "say" and "clock" belong under serve:, whose value is empty here: indent them more than serve:, or write serve: {say: "Now run your app, then press enter", clock: paused}`},
		{"serve's sentence with a colon, indented too little", head + "  - serve:\n    say: \"a: b\"\n", `f.yaml:11:5: "say" belongs under serve:, whose value is empty here: indent it more than serve:, or write serve: {say: "a: b"}`},
		{"a webhooks URL from the environment, indented too little", head + "  - settings:\n    webhooks: \"http://127.0.0.1:${APP_PORT:-3000}/x\"\n", `f.yaml:11:5: "webhooks" belongs under settings:, whose value is empty here: indent it more than settings:, or write settings: {webhooks: "http://127.0.0.1:${APP_PORT:-3000}/x"}`},
		// Above the action, indenting it cannot put it under.
		{"a setting above settings:", head + "  - data_sync: enabled\n    settings:\n", `f.yaml:10:5: "data_sync" belongs under settings:, whose value is empty here: move it below settings: and indent it more, or write settings: {data_sync: enabled}`},
		// say: is below serve: already (a review).
		{"serve's clock above serve: and say below", head + "  - clock: paused\n    serve:\n    say: \"a, b\"\n", `f.yaml:10:5: "clock" and "say" belong under serve:, whose value is empty here: move "clock" below serve: and indent it more, and indent "say" more than serve:, or write serve: {clock: paused, say: "a, b"}`},
		{"two settings above settings: and one below", head + "  - data_sync: enabled\n    auto_sync: 6h\n    settings:\n    statement_build: 2s\n", `f.yaml:10:5: "data_sync", "auto_sync" and "statement_build" belong under settings:, whose value is empty here: move "data_sync" and "auto_sync" below settings: and indent them more, and indent "statement_build" more than settings:, or write settings: {data_sync: enabled, auto_sync: 6h, statement_build: 2s}`},
		{"a setting above settings: and two below", head + "  - data_sync: enabled\n    settings:\n    auto_sync: 6h\n    webhooks: none\n", `f.yaml:10:5: "data_sync", "auto_sync" and "webhooks" belong under settings:, whose value is empty here: move "data_sync" below settings: and indent it more, and indent "auto_sync" and "webhooks" more than settings:, or write settings: {data_sync: enabled, auto_sync: 6h, webhooks: none}`},
		{"serve's clock above serve:", head + "  - clock: paused\n    serve:\n", `f.yaml:10:5: "clock" belongs under serve:, whose value is empty here: move it below serve: and indent it more, or write serve: {clock: paused}`},
		// The hint comes before what follows from it.
		{"receiver's two fields indented too little", head + "  - receiver:\n    status: 500\n    slow: 2s\n", "f.yaml:11:5: \"status\" and \"slow\" belong under receiver:, whose value is empty here: indent them more than receiver:, or write receiver: {status: 500, slow: 2s}\nf.yaml:11:5: receiver: takes one of status: or slow:"},
		{"webhooks with expect", head + "  - webhooks: [account_connected]\n    expect: {data.id: x}\n", `f.yaml:11:13: expect: checks one webhook's body: use a webhook: step`}, // said once (a QA engineer's trial)
		{"unknown field", head + "  - connect: adam\n    expct: {http: 200}\n", `f.yaml:11:5: unknown field "expct" for a connect step (did you mean "expect"?); a connect step takes answers, at, expect, link, note, password, save, timeout`},
		{"unknown account", head + "  - connect: adma\n", `f.yaml:10:14: unknown customer or account "adma" (did you mean "adam"?); use one of adam, bola_a, bola_b`},
		{"customer of several accounts", head + "  - connect: bola\n", `f.yaml:10:14: customer bola has 2 accounts: name one (bola_a, bola_b)`},
		{"not connected", head + "  - sync: adam\n", `f.yaml:10:11: account adam is not connected at this step: a ` + "`connect: adam`" + ` step comes first`},
		{"webhooks before connect", head + "  - webhooks: []\n    account: adam\n", `f.yaml:11:14: account adam is not connected at this step: a ` + "`connect: adam`" + ` step comes first`},
		{"reference before connect", head + "  - call: GET /accounts/{adam}\n", `f.yaml:10:11: {adam}: account adam is not connected at this step, so it has no ID yet: a ` + "`connect: adam`" + ` step comes first`},
		{"unknown reference", head + "  - call: GET /sandbox/customers/{adm.customer}\n", `f.yaml:10:11: {adm.customer}: unknown name "adm" (did you mean "adam"?); use one of adam, bola, bola_a, bola_b`},
		{"unknown reference field", head + "  - call: GET /sandbox/customers/{adam.custmer}\n", `f.yaml:10:11: {adam.custmer}: unknown field "custmer" (did you mean "customer"?); use one of customer, id, institution, number, password, username`},
		{"JSON in a string body", head + "  - call: POST /sandbox/clock\n    body: '{\"advance\":\"1m\"}'\n", `f.yaml:11:11: {"advance":"1m"}: a {…} in a string names an account or a saved value, such as {adam}; this one holds JSON: write {{ for a literal brace, or write the body as YAML, e.g. body: {advance: 1m}`},
		{"unclosed brace", head + "  - call: GET /accounts/{adam\n", `f.yaml:10:11: an unclosed { in "/accounts/{adam": write {name}, or {{ for a literal brace`},
		{"bad route", head + "  - call: /accounts\n", `f.yaml:10:11: write the route as METHOD /path, e.g. GET /accounts/{adam}; found "/accounts"`},
		{"space in a path", head + "  - call: GET /sandbox/clock?x=1  2\n", `f.yaml:10:11: "/sandbox/clock?x=1  2" has a space in it, which no HTTP request can carry: write each as %20, e.g. /sandbox/clock?x=1%20%202`},
		{"control character in a path", head + "  - call: \"GET /sandbox/clock\\0\"\n", `f.yaml:10:11: "/sandbox/clock\x00" has a control character in it (U+0000), which no HTTP request can carry: remove it`},
		{"tab in a path", head + "  - call: \"GET /sandbox/cl\\tock\"\n", `f.yaml:10:11: "/sandbox/cl\tock" has a control character in it (U+0009), which no HTTP request can carry: remove it`},
		{"bad header name", head + "  - call: GET /sandbox/clock\n    headers: {\"bad header\": x}\n", `f.yaml:11:15: "bad header" is not a header name an HTTP client can send: a name is letters, digits and !#$%&'*+-.^_` + "`|~" + `, with no spaces or colons`},
		{"line break in a header", head + "  - call: GET /sandbox/clock\n    headers: {X-Note: \"a\\nb\"}\n", `f.yaml:11:23: the value of header X-Note holds a line break or another control character, which no HTTP client can send`},
		{"bad method", head + "  - call: FETCH /accounts\n", `f.yaml:10:11: unknown method "FETCH" (did you mean "PATCH"?); use one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT`},
		{"bad duration", head + "  - advance: 5 minutes\n", `f.yaml:10:14: advance: "5 minutes" is not a duration: ` + durationMsg},
		{"clock backwards", head + "  - advance: 1h\n  - at: 2021-08-20T13:30:00+01:00\n", `f.yaml:11:9: at: 20 Aug 2021 13:30:00 WAT would move the clock backwards: it is at 20 Aug 2021 14:00:00 WAT here (since step 1); the clock only moves forward`},
		{"relative at backwards", head + "  - advance: 2h\n  - at: +1h\n", `f.yaml:11:9: at: 20 Aug 2021 14:00:00 WAT would move the clock backwards: it is at 20 Aug 2021 15:00:00 WAT here (since step 1); the clock only moves forward (at: +1h counts from the scenario's start, 20 Aug 2021 13:00:00 WAT: write at: +3h, or advance: for a time after the step before)`},
		{"relative at backwards, a fraction on", head + "  - advance: 2h500ms\n  - at: +1h\n", `f.yaml:11:9: at: 20 Aug 2021 14:00:00 WAT would move the clock backwards: it is at 20 Aug 2021 15:00:00 WAT here (since step 1); the clock only moves forward (at: +1h counts from the scenario's start, 20 Aug 2021 13:00:00 WAT: write at: +3h0m0.5s, or advance: for a time after the step before)`},
		{"clock backwards as a field", head + "  - connect: adam\n    at: 2021-08-20T12:59:00+01:00\n", `f.yaml:11:9: at: 20 Aug 2021 12:59:00 WAT would move the clock backwards: it is at 20 Aug 2021 13:00:00 WAT here (since the scenario's start); the clock only moves forward`},
		{"debit of a customer with two accounts", head + "  - bank: bola\n    debit: 5000\n", `f.yaml:10:11: customer bola has 2 accounts: name the account the money moves on (bola_a, bola_b)`},
		{"bank step without an op", head + "  - bank: adam\n", `f.yaml:10:11: a bank step says what the customer does: debit: (spends), credit: (receives), password: (changes it) or mfa: (a kind)`},
		{"bank step with two ops", head + "  - bank: adam\n    debit: 5\n    credit: 5\n", `f.yaml:12:5: a bank step does one thing: this one says both debit and credit; split it into two steps`},
		{"zero debit", head + "  - bank: adam\n    debit: 0\n", `f.yaml:11:12: debit must be more than zero`},
		{"unknown matcher", head + "  - connect: adam\n    expect: {http: {gte: 200}, id: {matchs: x}}\n", `f.yaml:11:37: unknown matcher "matchs" (did you mean "matches"?); use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of`},
		{"eq as a matcher", head + "  - connect: adam\n    expect: {account.balance: {eq: \"NGN 15,000\"}}\n", `f.yaml:11:32: no matcher "eq" is needed: a plain value means equal to it — write account.balance: "NGN 15,000"`},
		{"eq of null", head + "  - connect: adam\n    expect: {paging.previous: {eq: null}}\n", `f.yaml:11:32: no matcher "eq" is needed: a plain value means equal to it — write paging.previous: null`},
		{"eq of the string null", head + "  - connect: adam\n    expect: {name: {eq: \"null\"}}\n", `f.yaml:11:21: no matcher "eq" is needed: a plain value means equal to it — write name: "null"`},
		{"eq of a word", head + "  - connect: adam\n    expect: {status: {eq: successful}}\n", `f.yaml:11:23: no matcher "eq" is needed: a plain value means equal to it — write status: successful`},
		{"a field misspelt by three", head + "  - bank: adam\n    debit: NGN 5\n    narative: POS\n", `f.yaml:12:5: unknown field "narative" for a bank step (did you mean "narration"?); a bank step takes at, credit, debit, expect, mfa, narration, note, password, save`},
		{"bad regexp", head + "  - connect: adam\n    expect: {id: {matches: \"(\"}}\n", `f.yaml:11:28: matches: "(" is not a regular expression (error parsing regexp: missing closing ): ` + "`(`" + `)`},
		{"gt of a word", head + "  - connect: adam\n    expect: {id: {gt: many}}\n", `f.yaml:11:23: gt compares numbers: give a number or an amount such as NGN 5,000; found "many"`},
		{"expect as a step", head + "  - connect: adam\n  - expect: {status: successful}\n", "f.yaml:11:5: an expect: is not a step of its own: it checks the step above it — indent it under that step, level with its action and without a dash (`- sync: adam` then `  expect: {status: successful}`)"},
		{"at without +", head + "  - at: 90m\n", `f.yaml:10:9: at "90m" is not a time: at: +90m is 1h30m after the scenario's start, 20 Aug 2021 14:30:00 WAT; advance: 90m moves the clock on 1h30m from the step before`},
		{"empty webhook", head + "  - webhook:\n", `f.yaml:10:14: an event type is a word such as mono.events.account_updated (or account_updated); found nothing`},
		{"unknown event", head + "  - webhook: account_update\n", `f.yaml:10:14: unknown event type "account_update" (did you mean "account_updated"?); use one of account_connected, account_reauthorized, account_unlinked, account_updated, jobs.update, reauthorisation_required, sync_failed (mono.events. and mono.accounts. may be left out)`},
		{"v1 event in v2", "scenario: t\nsettings: {webhook_format: v2}\nsteps:\n  - webhooks: [account_updated, reauthorisation_required]\n", `f.yaml:4:33: with webhook_format: v2 no webhook is named reauthorisation_required: a sync that needs the user arrives as account_updated with data.meta.sync_status REAUTHORISATION_REQUIRED — expect that instead`},
		{"v1 event after a settings step", head + "  - settings: {webhook_format: v2}\n  - webhook: reauthorisation_required\n", `f.yaml:11:14: with webhook_format: v2 no webhook is named reauthorisation_required: a sync that needs the user arrives as account_updated with data.meta.sync_status REAUTHORISATION_REQUIRED — expect that instead`},
		{"body. prefix", head + "  - connect: adam\n    expect: {body.id: {any: true}}\n", `f.yaml:11:14: write id, not body.id: a dotted path already reads the JSON body (body alone is the whole body)`},
		{"receiver without capture", "scenario: t\nsettings: {webhooks: none}\nsteps:\n  - receiver: down\n", `f.yaml:4:15: receiver: steps control the built-in receiver, which gets webhooks only with settings webhooks: capture (here it is "none")`},
		{"receiver word", head + "  - receiver: sulking\n", `f.yaml:10:15: receiver: is down, up, {status: 500} or {slow: 15s}; found "sulking"`},
		{"expect_call before serve", head + "  - expect_call: GET /accounts\n", `f.yaml:10:18: expect_call: waits for a call of the app under test, so it comes after serve:`},
		{"within before serve", head + "  - webhook: account_updated\n    within: 5m\n", `f.yaml:11:13: within: is for steps after serve:, which wait for the app under test`},
		{"two serves", head + "  - serve: now\n  - serve: again\n", `f.yaml:11:12: a scenario has one serve: step; step 1 is one already`},
		{"outage of a customer with no bank yet", "scenario: t\ncustomers:\n  tola: {}\nsteps:\n  - outage: tola\n    for: 1h\n",
			`f.yaml:5:13: tola's bank is drawn when the world is made, so this step cannot know it: give tola an institution: (a bank code such as "058"), or name the bank by its code here`},
		{"outage without for", head + "  - outage: adam\n", `f.yaml:10:13: an outage step needs for: (how long the bank is down, e.g. 15m) or end: true`},
		{"a bank step's unknown name", head + "  - bank: kunle\n    debit: NGN 5\n", `f.yaml:10:11: unknown customer or account "kunle"; use one of adam, bola_a, bola_b`},
		{"a bare connect", head + "  - connect:\n", `f.yaml:10:14: this step needs the name of an account, or of a customer with one, e.g. adam; found nothing`},
		{"a bare bank", head + "  - bank:\n    debit: NGN 5\n", `f.yaml:10:10: a bank: step needs the name of a customer or account, e.g. adam; found nothing`},
		{"a bare outage", head + "  - outage:\n    for: 1h\n", `f.yaml:10:12: this step needs a bank: its code, such as "058", or the name of a customer or account whose bank it is, e.g. adam; found nothing`},
		{"a title of a page", "scenario: " + strings.Repeat("x", 201) + "\nsteps: [{advance: 1m}]\n", `f.yaml:1:11: the title has 201 characters: keep it to a line, at most 200, and say the rest in about:`},
		// What the run's call would refuse is refused by check, at its field (a presenter's trial).
		{"outage too long", head + "  - outage: adam\n    for: 45d\n", `f.yaml:11:10: for: 45d is too long: an outage lasts at most 30d`},
		{"receiver too slow", head + "  - receiver: {slow: 500d}\n", `f.yaml:10:22: slow: 500d is too long: the receiver waits at most 1h before it answers`},
		{"receiver error 2xx", head + "  - receiver: {status: 204}\n", `f.yaml:10:24: status: 204 is no error the receiver answers: give 300 to 599 (a 2xx is a delivery, receiver: up; a 1xx is no answer)`},
		{"receiver error 1xx", head + "  - receiver: {status: 101}\n", `f.yaml:10:24: status: 101 is no error the receiver answers: give 300 to 599 (a 2xx is a delivery, receiver: up; a 1xx is no answer)`},
		{"a bank's new password too short", head + "  - bank: adam\n    password: abc\n", `f.yaml:11:15: a password has 6 to 64 characters`},
		{"a narration too long", head + "  - bank: adam\n    debit: NGN 5\n    narration: " + strings.Repeat("x", 121) + "\n", `f.yaml:12:16: a narration has up to 120 printable characters`},
		{"latency too long", head + "  - latency: \"044\"\n    delay: 2m\n", `f.yaml:11:12: delay: 2m is too long: a latency is real time, not virtual — every answer of the bank waits it, several a sync — and at most 1m`},
		// A duration under a millisecond, which the API refuses (0ed19c0), and a
		// webhook URL over 2,048 characters, which the engine refuses: check passed
		// them and the run failed with a 400 (a review).
		{"outage under a millisecond", head + "  - outage: adam\n    for: 999us\n", `f.yaml:11:10: for: 999us is under a millisecond, the shortest duration the API takes: write 1ms or more`},
		{"latency under a millisecond", head + "  - latency: \"044\"\n    delay: 0.5ms\n", `f.yaml:11:12: delay: 0.5ms is under a millisecond, the shortest duration the API takes: write 1ms or more, or 0 for none`},
		{"receiver slow under a millisecond", head + "  - receiver: {slow: 500us}\n", `f.yaml:10:22: slow: 500us is under a millisecond, the shortest duration the API takes: write 1ms or more`},
		{"statement_build under a millisecond", "scenario: t\nsettings: {statement_build: 1ns}\nsteps: [{advance: 1m}]\n", `f.yaml:2:29: statement_build: 1ns is under a millisecond, the shortest duration the API takes: write 1ms or more, or 0 for at once`},
		{"statement_build step under a millisecond", head + "  - settings: {statement_build: 500us}\n", `f.yaml:10:33: statement_build: 500us is under a millisecond, the shortest duration the API takes: write 1ms or more, or 0 for at once`},
		{"webhooks over 2048 characters", "scenario: t\nsettings: {webhooks: \"http://127.0.0.1:9000/" + strings.Repeat("a", 3000) + "\"}\nsteps: [{advance: 1m}]\n", `f.yaml:2:22: webhooks is 3022 characters long; a webhook URL is at most 2048: write a shorter one`},
		{"webhooks step over 2048 characters", head + "  - settings: {webhooks: \"http://127.0.0.1:9000/" + strings.Repeat("é", 2027) + "\"}\n", `f.yaml:10:26: webhooks is 2049 characters long; a webhook URL is at most 2048: write a shorter one`},
		{"save over a name", head + "  - connect: adam\n    save: {adam: id}\n", `f.yaml:11:12: "adam" names a customer or account already: save under another name`},
		{"comma cut in expect", head + "  - connect: adam\n    expect: {balance: NGN 5,000}\n", `f.yaml:11:23: balance: "NGN 5" was cut at a comma, which separates the fields of a {…} mapping: quote an amount with commas, e.g. balance: "NGN 5,000"`},
		{"nested matcher", head + "  - connect: adam\n    expect: {data: {len: {gte: 1}}}\n", `f.yaml:11:26: matchers do not nest: len takes a number, e.g. {len: 3}; to say "at least one", expect the first item: data.0: {any: true}`},
		{"data_sync word", "scenario: t\nsettings: {data_sync: yes}\nsteps: [{advance: 1m}]\n", `f.yaml:2:23: data_sync is enabled or disabled (true or false), not "yes"`},
		{"indentation", head + "  - connect: adam\n     expect: {http: 200}\n", `f.yaml:10:14: YAML: mapping value is not allowed in this context: check the indentation of this line and the next (a step's fields line up under its first word), and quote values that hold ": "`},
		// A status no answer has is refused when the file is read, not as a failure once run.
		{"http not a number", head + "  - connect: adam\n    expect: {http: \"two hundred\"}\n", `f.yaml:11:20: http: is the answer's status, a number from 100 to 599 such as 200 or 429; found "two hundred"`},
		{"http out of range", head + "  - connect: adam\n    expect: {http: 20}\n", `f.yaml:11:20: http: is the answer's status, a number from 100 to 599 such as 200 or 429; found "20"`},
		{"http one_of a word", head + "  - connect: adam\n    expect: {http: {one_of: [200, ok]}}\n", `f.yaml:11:35: http: is the answer's status, a number from 100 to 599 such as 200 or 429; found "ok"`},
		{"http not a word", head + "  - connect: adam\n    expect: {http: {not: error}}\n", `f.yaml:11:26: http: is the answer's status, a number from 100 to 599 such as 200 or 429; found "error"`},
		{"http contains", head + "  - connect: adam\n    expect: {http: {contains: 2}}\n", `f.yaml:11:31: http: is the answer's status, a number: write e.g. http: 200, http: {one_of: [200, 201]} or http: {gte: 400}`},
		// The library's "non-map value is specified" and "map key-value is pre-defined", in plain words.
		{"item under a key with a value", head + "  - connect: adam\n  - advance: 1m\n    - sync: adam\n", "f.yaml:12:5: YAML: this list item lines up with `advance:` on line 11, a key that has its value already, so it belongs to nothing: for a new item of the list, line its `-` up with the one on line 11 (column 3)"},
		{"item under a top key", "scenario: t\ncustomers:\n  a: {}\n- b: {}\nsteps: [{advance: 1m}]\n", "f.yaml:4:1: YAML: this list item lines up with `customers:` on line 2, a key that has its value already, so it belongs to nothing: move it to the column of the list it belongs to"},
		{"word without a colon", "scenario: t\nabout\nsteps: [{advance: 1m}]\n", "f.yaml:2:1: YAML: \"about\" stands where a key of the mapping goes (it lines up with `scenario:` on line 1) but is not a `key: value`: add the colon, or move it onto the line above if it goes on from there"},
		{"line indented too far", "scenario: t\ncustomers:\n  tola:\n    institution: \"058\"\n      balance: 5\nsteps: [{advance: 1m}]\n", "f.yaml:5:7: YAML: this line is indented further than `institution:` on line 4, which has its value already: line it up with `institution:` (column 5) for a field of the same mapping, or quote a value that goes on over lines"},
		// A call that must succeed, to a route the API does not have, is refused
		// before the run: a typo passed when the app had it too (a QA trial).
		{"call to no route", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - call: GET /acounts/{adam}\n", "f.yaml:6:11: call: GET /acounts/{adam}: no route of sandbank's API has that path; did you mean GET /accounts/{adam}? (if a 404 is the point, say so: expect: {http: 404})"},
		{"call with Mono's US spelling", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - call: POST /accounts/{adam}/reauthorize\n", "f.yaml:6:11: call: POST /accounts/{adam}/reauthorize: no route of sandbank's API has that path; did you mean POST /accounts/{adam}/reauthorise? (if a 404 is the point, say so: expect: {http: 404})"},
		{"call to the sandbox with a v1 prefix", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - call: GET /v1/sandbox/accounts/{adam}/syncs?limit=1\n", "f.yaml:6:11: call: GET /v1/sandbox/accounts/{adam}/syncs?limit=1: no route of sandbank's API has that path; did you mean GET /sandbox/accounts/{adam}/syncs?limit=1? (if a 404 is the point, say so: expect: {http: 404})"},
		{"call with a typo and a query", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - call: GET /account/{adam}/transactons?limit=1\n", "f.yaml:6:11: call: GET /account/{adam}/transactons?limit=1: no route of sandbank's API has that path (the README lists them, and GET /openapi.yaml); if a 404 is the point, say so: expect: {http: 404}"},
		{"call with the singular", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - call: GET /account/{adam}/transactions?limit=1\n", "f.yaml:6:11: call: GET /account/{adam}/transactions?limit=1: no route of sandbank's API has that path; did you mean GET /accounts/{adam}/transactions?limit=1? (if a 404 is the point, say so: expect: {http: 404})"},
		{"call to no route near none", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - call: GET /accounts/{adam}/horoscope\n", "f.yaml:6:11: call: GET /accounts/{adam}/horoscope: no route of sandbank's API has that path (the README lists them, and GET /openapi.yaml); if a 404 is the point, say so: expect: {http: 404}"},
		{"call with a trailing slash", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - call: GET /accounts/{adam}/\n", "f.yaml:6:11: call: GET /accounts/{adam}/: no route ends with /; write GET /accounts/{adam}"},
		{"call with another route's method", "scenario: t\nsteps:\n  - call: PATCH /sandbox/clock\n", "f.yaml:3:11: call: PATCH /sandbox/clock: that route takes GET or POST, not PATCH; if a refusal is the point, say so: expect: {http: 405}"},
		{"call of the served scenario's progress", "scenario: t\nsteps:\n  - call: GET /sandbox/scenario\n", "f.yaml:3:11: call: GET /sandbox/scenario: that route shows the app under test how a served scenario is going; the scenario's own steps have nothing to read there (under scenario run it answers 404: no scenario is served), and the app's calls of it are not watched by expect_call:"},
		{"call of the served scenario's progress, as v1 would", "scenario: t\nsteps:\n  - call: GET /v1/sandbox/scenario/\n", "f.yaml:3:11: call: GET /v1/sandbox/scenario/: that route shows the app under test how a served scenario is going; the scenario's own steps have nothing to read there (under scenario run it answers 404: no scenario is served), and the app's calls of it are not watched by expect_call:"},
		{"expect_call of the served scenario's progress", "scenario: t\nsteps:\n  - serve:\n  - expect_call: GET /sandbox/scenario\n", "f.yaml:4:18: expect_call: GET /sandbox/scenario: that route shows the app under test how a served scenario is going; the scenario's own steps have nothing to read there (under scenario run it answers 404: no scenario is served), and the app's calls of it are not watched by expect_call:"},
		{"expect_call to no route", "scenario: t\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - serve:\n  - expect_call: POST /accounts/{adam}/sink\n", "f.yaml:7:18: expect_call: POST /accounts/{adam}/sink: no route of sandbank's API has that path; did you mean POST /accounts/{adam}/sync? (if a 404 is the point, say so: expect: {http: 404})"},
		{"pause without a sentence", "scenario: t\nsteps:\n  - pause:\n", `f.yaml:3:12: pause: takes the sentence the audience reads while play stops here, e.g. pause: Adam changed his password at the bank; found nothing`},
		{"pause with a blank sentence", "scenario: t\nsteps:\n  - pause: \"  \"\n", `f.yaml:3:12: pause: takes the sentence the audience reads while play stops here, e.g. pause: Adam changed his password at the bank; found "  "`},
		{"unknown bank in outage", head + "  - outage: Acess Bank\n    for: 1h\n", `f.yaml:10:13: unknown bank, customer or account "Acess Bank" (did you mean "Access"?); use one of adam, bola, bola_a, bola_b, or a bank by its code or name: 011 First Bank of Nigeria (FirstBank), 032 Union Bank of Nigeria (Union), 033 United Bank for Africa (UBA), 035 Wema Bank (Wema), 044 Access Bank (Access), 050 Ecobank Nigeria (Ecobank), 057 Zenith Bank (Zenith), 058 GTBank, 070 Fidelity Bank (Fidelity), 101 Providus Bank (Providus), 214 First City Monument Bank (FCMB), 221 Stanbic IBTC Bank (Stanbic), 232 Sterling Bank (Sterling), 559 Coronation Merchant Bank (Coronation)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %v (%T); want *Error %q", err, err, tc.want)
			}
			if err.Error() != tc.want {
				t.Fatalf("refusal:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

const durationMsg = "use a positive duration such as 30m, 2h, 1d, 1d12h or 1y (units: s, m, h, d = 24h, w = 7d, y = 365d; also ms, us, ns; a leading + is allowed)"

// Each customer and step is checked, so a file's mistakes are said together.
func TestRefusalsTogether(t *testing.T) {
	src := "scenario: t\ncustomers:\n  adam: {institutoin: \"044\"}\n  bola: {mfa: sms}\n  cy: {institution: \"044\"}\nsteps:\n  - conect: cy\n  - sync: cy\n  - advance: 1m\n"
	_, err := Parse("f.yaml", []byte(src))
	want := `f.yaml:3:10: unknown customer field "institutoin" (did you mean "institution"?); use one of account_type, accounts, auth_method, balance, institution, mfa, name, password, profile, username, world
f.yaml:4:15: unknown mfa "sms"; use one of captcha, none, otp, security_question, token
f.yaml:7:5: unknown step "conect" (did you mean "connect"?); use one of advance, at, bank, call, connect, expect_call, latency, outage, pause, reauthorise, receiver, serve, settings, sync, unlink, webhook, webhooks`
	var list Errors
	if !errors.As(err, &list) || err.Error() != want {
		t.Fatalf("refusals:\n%v\nwant:\n%s", err, want)
	}
	var first *Error
	if !errors.As(err, &first) || first.Line != 3 {
		t.Fatalf("errors.As finds %v first", first)
	}
}

// Keys given twice are each said, with the file's other mistakes, and the first of
// each counts (the YAML library stopped at the first duplicate, and nothing after it
// was checked).
func TestDuplicateKeysTogether(t *testing.T) {
	src := "scenario: t\ncustomers:\n  tola: {institution: \"044\", institution: \"058\"}\n  bola: {balance: 1, mfa: sms, balance: 2}\n" +
		"steps:\n  - connect: tola\n    connect: bola\n  - advance: soon\n"
	_, err := Parse("f.yaml", []byte(src))
	want := `f.yaml:3:30: institution: is given twice (first at line 3, column 10): each key may appear once in a mapping; keep one
f.yaml:4:27: unknown mfa "sms"; use one of captcha, none, otp, security_question, token
f.yaml:4:32: balance: is given twice (first at line 4, column 10): each key may appear once in a mapping; keep one
f.yaml:7:5: connect: is given twice (first at line 6, column 5): each key may appear once in a mapping; keep one
f.yaml:8:14: advance: "soon" is not a duration: ` + durationMsg
	if err == nil || err.Error() != want {
		t.Fatalf("refusals:\n%v\nwant:\n%s", err, want)
	}
	s, err := Parse("f.yaml", []byte("scenario: t\ncustomers:\n  tola: {institution: \"044\"}\nsteps:\n  - advance: 1m\n    advance: 2m\n"))
	if err == nil || s != nil {
		t.Fatalf("a file with a key given twice parsed: %v", err)
	}
}

// A step that refers to a customer refused above is not refused again for it: one
// mistake in a customer says one thing, not one more for every step that names it.
// The customer is still defined, so the steps are checked for their own mistakes
// (duo_gtb is never connected) and a name it does not know is told of it.
func TestRefusedCustomerIsSaidOnce(t *testing.T) {
	src := "scenario: t\ncustomers:\n  bola: {institution: \"058\", mfa: sms}\n  duo: {accounts: {duo_gtb: {institution: \"058\"}}, mfa: sms}\n" +
		"steps:\n  - connect: bola\n  - bank: bola\n    credit: NGN 100\n  - sync: duo_gtb\n  - call: GET /accounts/{bola.id}\n  - sync: nobody\n"
	_, err := Parse("f.yaml", []byte(src))
	want := `f.yaml:3:35: unknown mfa "sms"; use one of captcha, none, otp, security_question, token
f.yaml:4:57: unknown mfa "sms"; use one of captcha, none, otp, security_question, token
f.yaml:9:11: account duo_gtb is not connected at this step: a ` + "`connect: duo_gtb`" + ` step comes first
f.yaml:11:11: unknown customer or account "nobody"; use one of bola, duo_gtb`
	if err == nil || err.Error() != want {
		t.Fatalf("refusals:\n%v\nwant:\n%s", err, want)
	}
}

// Every field of the world and of each customer is checked on its own, so one
// mistake does not hide the next: a new user needed a run per mistake.
func TestWorldAndCustomerMistakesTogether(t *testing.T) {
	src := "scenario: t\nstart: yesterday\nseed: abc\ncustomers:\n  tola: {institution: 58, name: [Tola], balance: true}\n" +
		"  bola: {accounts: {b1: {institution: \"999\"}, b2: {}}, mfa: sms}\n  cy: {world: 9, mfa: otp}\nsteps:\n  - advance: 1m\n"
	_, err := Parse("f.yaml", []byte(src))
	want := `f.yaml:2:8: start "yesterday" is not a time: write 2021-08-20T13:00:00+01:00 (or without the zone, in Lagos time, or as sandbank writes it, 20 Aug 2021 13:00:00 WAT)
f.yaml:3:7: seed is a whole number from 1 to 4611686018427387904; found "abc"
f.yaml:5:23: unknown bank "58" (did you mean "058"?); name a bank by its code or name: 011 First Bank of Nigeria (FirstBank), 032 Union Bank of Nigeria (Union), 033 United Bank for Africa (UBA), 035 Wema Bank (Wema), 044 Access Bank (Access), 050 Ecobank Nigeria (Ecobank), 057 Zenith Bank (Zenith), 058 GTBank, 070 Fidelity Bank (Fidelity), 101 Providus Bank (Providus), 214 First City Monument Bank (FCMB), 221 Stanbic IBTC Bank (Stanbic), 232 Sterling Bank (Sterling), 559 Coronation Merchant Bank (Coronation)
f.yaml:5:33: name is a single value; found a list
f.yaml:5:50: balance "true" is not an amount: write kobo as a number (500000) or naira with NGN (NGN 5,000.50)
f.yaml:6:39: unknown bank "999"; name a bank by its code or name: 011 First Bank of Nigeria (FirstBank), 032 Union Bank of Nigeria (Union), 033 United Bank for Africa (UBA), 035 Wema Bank (Wema), 044 Access Bank (Access), 050 Ecobank Nigeria (Ecobank), 057 Zenith Bank (Zenith), 058 GTBank, 070 Fidelity Bank (Fidelity), 101 Providus Bank (Providus), 214 First City Monument Bank (FCMB), 221 Stanbic IBTC Bank (Stanbic), 232 Sterling Bank (Sterling), 559 Coronation Merchant Bank (Coronation)
f.yaml:6:51: account b2 needs institution: the bank's CBN code, e.g. "058"
f.yaml:6:61: unknown mfa "sms"; use one of captcha, none, otp, security_question, token
f.yaml:7:15: world is a whole number from 0 to 5; found "9"
f.yaml:7:18: customer cy is the world's own customer 9: it takes no mfa (the world made it); drop world: to describe a new customer`
	if err == nil || err.Error() != want {
		t.Fatalf("refusals:\n%v\nwant:\n%s", err, want)
	}
}

// A customer with a mistake in a field is still defined: a step's misspelling of
// its name is told of it (it said "there is none to use"), and the steps that
// name it are checked for their own mistakes (they were skipped).
func TestRefusedCustomerStillDefined(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"scenario: t\ncustomers:\n  tola: {institution: \"058\", nmae: Tola}\nsteps:\n  - connect: tola\n  - sync: tolla\n",
			`f.yaml:3:30: unknown customer field "nmae" (did you mean "name"?); use one of account_type, accounts, auth_method, balance, institution, mfa, name, password, profile, username, world
f.yaml:6:11: unknown customer or account "tolla" (did you mean "tola"?); use one of tola`},
		{"scenario: t\ncustomers:\n  tola: {institution: \"058\", mfa: sms}\nsteps:\n  - connect: tola\n  - webhook: account_update\n    account: tola\n" +
			"  - bank: tola\n    debit: NGN -5\n  - sync: tola\n    expect: {status: {gtt: 3}}\n",
			`f.yaml:3:35: unknown mfa "sms"; use one of captcha, none, otp, security_question, token
f.yaml:6:14: unknown event type "account_update" (did you mean "account_updated"?); use one of account_connected, account_reauthorized, account_unlinked, account_updated, jobs.update, reauthorisation_required, sync_failed (mono.events. and mono.accounts. may be left out)
f.yaml:9:12: debit: "NGN -5" is not an amount: write naira with digits and optional thousands commas after NGN, such as NGN 5000 or NGN 5,000.50 (no k or m)
f.yaml:11:23: unknown matcher "gtt" (did you mean "gt"?); use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of`},
	} {
		if _, err := Parse("f.yaml", []byte(tc.src)); err == nil || err.Error() != tc.want {
			t.Errorf("%s\nrefusals:\n%v\nwant:\n%s", tc.src, err, tc.want)
		}
	}
}

// Every step and each of its fields is checked on its own: a new user's steps
// showed these mistakes over two runs (a step naming a customer refused above was
// skipped whole, and a step stopped at its first mistake).
func TestStepMistakesTogether(t *testing.T) {
	src := "scenario: t\ncustomers:\n  tola: {institution: \"058\", mfa: sms}\nsteps:\n  - connect: tola\n" +
		"  - webhook: account_update\n    account: tola\n  - bank: tola\n    debit: NGN -5\n  - bank: tola\n    debit: 0\n" +
		"  - sync: tola\n    expect: {status: {gtt: 3}}\n  - webhooks: [account_conected]\n  - receiver: sideways\n" +
		"  - outage: tola\n    for: forever\n  - settings: {auto_sync: 5h}\n" +
		"  - call: GET /accounts/{tola}\n    at: never\n    timeout: soon\n    key: [a]\n    expect: {code: {gtt: 1}, data: {len: x}}\n"
	_, err := Parse("f.yaml", []byte(src))
	want := `f.yaml:3:35: unknown mfa "sms"; use one of captcha, none, otp, security_question, token
f.yaml:6:14: unknown event type "account_update" (did you mean "account_updated"?); use one of account_connected, account_reauthorized, account_unlinked, account_updated, jobs.update, reauthorisation_required, sync_failed (mono.events. and mono.accounts. may be left out)
f.yaml:9:12: debit: "NGN -5" is not an amount: write naira with digits and optional thousands commas after NGN, such as NGN 5000 or NGN 5,000.50 (no k or m)
f.yaml:11:12: debit must be more than zero
f.yaml:13:23: unknown matcher "gtt" (did you mean "gt"?); use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of
f.yaml:14:16: unknown event type "account_conected" (did you mean "account_connected"?); use one of account_connected, account_reauthorized, account_unlinked, account_updated, jobs.update, reauthorisation_required, sync_failed (mono.events. and mono.accounts. may be left out)
f.yaml:15:15: receiver: is down, up, {status: 500} or {slow: 15s}; found "sideways"
f.yaml:17:10: for: "forever" is not a duration: ` + strings.Replace(durationMsg, "30m, 2h, 1d, 1d12h or 1y", "15m, 2h or 1d (at most 30d)", 1) + `
f.yaml:18:27: auto_sync "5h" is not offered; use off, 6h, 12h or 24h
f.yaml:20:9: at "never" is not a time: write 2021-08-20T13:00:00+01:00 (or without the zone, in Lagos time, or as sandbank writes it, 20 Aug 2021 13:00:00 WAT); or +16m, that long after the scenario's start
f.yaml:21:14: and 4 more mistakes from here on, not listed: fix the ones above and check again`
	if err == nil || err.Error() != want {
		t.Fatalf("refusals:\n%v\nwant:\n%s", err, want)
	}
	// The last step's other mistakes, past the ten said above, are each said too.
	_, err = Parse("f.yaml", []byte("scenario: t\nsteps:\n  - call: GET /sandbox/accounts\n    at: never\n    timeout: soon\n    key: [a]\n    expect: {code: {gtt: 1}, data: {len: x}}\n"))
	want = `f.yaml:4:9: at "never" is not a time: write 2021-08-20T13:00:00+01:00 (or without the zone, in Lagos time, or as sandbank writes it, 20 Aug 2021 13:00:00 WAT); or +16m, that long after the scenario's start
f.yaml:5:14: timeout: "soon" is not a duration: ` + durationMsg + `
f.yaml:6:10: key is a single value; found a list
f.yaml:7:21: unknown matcher "gtt" (did you mean "gt"?); use one of absent, any, contains, gt, gte, len, lt, lte, matches, not, one_of
f.yaml:7:42: len is a whole number from 0 to 2147483647; found "x"`
	if err == nil || err.Error() != want {
		t.Fatalf("refusals:\n%v\nwant:\n%s", err, want)
	}
}

// A mistake that makes later checks meaningless stops them, and only them: after a
// refused connect:, no step is refused for an account not connected; after a
// refused start:, none for moving the clock backwards.
func TestRefusalsDoNotCascade(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{head + "  - connect: [adam]\n  - sync: adam\n  - call: GET /accounts/{adam}\n  - advance: 5\n",
			"f.yaml:10:14: account is a single value; found a list\nf.yaml:13:14: advance: \"5\" has no unit (did you mean 5s or 5m?); " + durationMsg},
		{"scenario: t\nstart: yesterday\nsteps:\n  - at: 2021-08-20T13:00:00+01:00\n  - advance: 5\n",
			"f.yaml:2:8: start \"yesterday\" is not a time: write 2021-08-20T13:00:00+01:00 (or without the zone, in Lagos time, or as sandbank writes it, 20 Aug 2021 13:00:00 WAT)\nf.yaml:5:14: advance: \"5\" has no unit (did you mean 5s or 5m?); " + durationMsg},
		{"scenario: t\nstpes:\n  - advance: 1m\n", `f.yaml:2:1: unknown field "stpes" (did you mean "steps"?); use one of about, customers, keys, scenario, seed, settings, start, steps, world_customers`},
		// A misspelt connect: is a connect refused; its account is not then
		// said to be unconnected at each step after it.
		// Not for a step that only looks like connect: (disconnect: is no typo of it).
		{head + "  - disconnect: adam\n  - sync: adam\n",
			`f.yaml:10:5: unknown step "disconnect" (did you mean "connect"?); use one of advance, at, bank, call, connect, expect_call, latency, outage, pause, reauthorise, receiver, serve, settings, sync, unlink, webhook, webhooks` +
				"\nf.yaml:11:11: account adam is not connected at this step: a `connect: adam` step comes first"},
		// Another account still is.
		{head + "  - conect: adam\n  - sync: adam\n  - webhook: account_updated\n    account: adam\n  - sync: bola_a\n",
			`f.yaml:10:5: unknown step "conect" (did you mean "connect"?); use one of advance, at, bank, call, connect, expect_call, latency, outage, pause, reauthorise, receiver, serve, settings, sync, unlink, webhook, webhooks` +
				"\nf.yaml:14:11: account bola_a is not connected at this step: a `connect: bola_a` step comes first"},
	} {
		if _, err := Parse("f.yaml", []byte(tc.src)); err == nil || err.Error() != tc.want {
			t.Errorf("%s\nrefusals:\n%v\nwant:\n%s", tc.src, err, tc.want)
		}
	}
}

// A file whose point is the bank's refusal of a limit says so in expect:, and
// check leaves the refusal to the run, as for a route (the review: the limits
// check learnt refused such a file, which had passed).
func TestLimitsRefusedOnPurposePass(t *testing.T) {
	for _, src := range []string{
		head + "  - bank: adam\n    password: abc\n    expect: {http: 400}\n" +
			"  - outage: adam\n    for: 45d\n    expect: {http: 400}\n" +
			"  - bank: adam\n    credit: NGN 10\n    narration: " + strings.Repeat("x", 121) + "\n    expect: {http: 400}\n",
		"scenario: t\nsettings: {webhooks: capture}\nsteps:\n  - receiver: {slow: 2h}\n    expect: {http: 400}\n",
		head + "  - latency: adam\n    delay: 2m\n    expect: {http: {gte: 400}}\n",
		// Under a millisecond, as the API refuses it (a review).
		head + "  - outage: adam\n    for: 1ns\n    expect: {http: 400}\n  - latency: adam\n    delay: 500us\n    expect: {http: 400}\n",
		"scenario: t\nsettings: {webhooks: capture}\nsteps:\n  - receiver: {slow: 999us}\n    expect: {http: 400}\n",
	} {
		if _, err := Parse("f.yaml", []byte(src)); err != nil {
			t.Fatalf("a file refused on purpose: %v", err)
		}
	}
}

// The shortest durations and the longest webhook URL the API takes pass check:
// a millisecond, 0 where 0 means none or at once, and 2,048 characters.
func TestLimitsTheAPITakesPass(t *testing.T) {
	url := "http://127.0.0.1:9000/" + strings.Repeat("é", 2048-22) // characters, not bytes
	s, err := Parse("f.yaml", []byte(head+"  - outage: adam\n    for: 1ms\n"+
		"  - latency: \"044\"\n    delay: 1ms\n  - latency: \"044\"\n    delay: 0\n"+
		"  - receiver: {slow: 1ms}\n  - settings: {statement_build: 1ms}\n  - settings: {statement_build: 0}\n"+
		"  - settings: {webhooks: \""+url+"\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Steps; st[0].For != time.Millisecond || st[1].Delay != time.Millisecond || st[2].Delay != 0 || st[3].Delay != time.Millisecond ||
		*st[4].Settings.StatementBuild != time.Millisecond || *st[5].Settings.StatementBuild != 0 || *st[6].Settings.Webhooks != url {
		t.Fatalf("parsed %+v", st)
	}
}

// An http: status may be quoted, a matcher's numbers, or a saved {name}.
func TestStatusesRead(t *testing.T) {
	src := head + "  - connect: adam\n    expect: {http: \"200\"}\n  - sync: adam\n    expect: {http: {one_of: [200, 202]}}\n    save: {status: http}\n" +
		"  - sync: adam\n    expect: {http: \"{status}\", header.Retry-After: {not: \"120\"}}\n  - sync: adam\n    expect: {http: {gte: 400}, body: {matches: \"^2\"}}\n"
	if _, err := Parse("f.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

// auto_sync 00 is off, as 0 is: the hint for a number alone offered "00h", which
// was then refused (the review).
func TestAutoSyncZerosAreOff(t *testing.T) {
	for _, v := range []string{"0", "00", `"000"`, "off"} {
		s, err := Parse("f.yaml", []byte("scenario: t\nsettings: {auto_sync: "+v+"}\nsteps: [{advance: 1m}]\n"))
		if err != nil || s.Settings.AutoSync == nil || *s.Settings.AutoSync != 0 {
			t.Errorf("auto_sync %s: %v, %v; want off", v, s, err)
		}
	}
}

// A time as sandbank writes it in its messages and transcripts reads back, in a
// start: and an at: (it was refused: a QA engineer's trial).
func TestTimesAsSandbankWritesThem(t *testing.T) {
	s, err := Parse("f.yaml", []byte("scenario: t\nstart: 1 Mar 2023 09:16:00 WAT\nsteps:\n  - at: 1 Mar 2023 09:20 WAT\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2023, 3, 1, 8, 16, 0, 0, time.UTC); !s.Start.Equal(want) || !s.Steps[0].At.Equal(want.Add(4*time.Minute)) {
		t.Fatalf("start %s, at %s; want %s and 4 minutes later", s.Start, s.Steps[0].At, want)
	}
}

// A good file is read whole: names, clock, templates, expectations.
func TestParseGood(t *testing.T) {
	s, err := Parse("f.yaml", []byte(head+`  - connect: bola_a
  - advance: 1h30m
  - call: POST /sandbox/customers/{bola.customer}/transactions
    body: {type: debit, amount: 500, account: "{bola_a.number}"}
    expect: {http: 201, balance: {lt: NGN 1}}
  - at: +2h
  - sync: bola_a
    save: {code: code}
  - call: GET /accounts/{bola_a}?x={code}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 6 || s.Steps[1].Advance.Minutes() != 90 || !s.Steps[3].At.Equal(s.Start.Add(7200e9)) ||
		!s.Steps[4].Clock.Equal(s.Start.Add(7200e9)) || s.Steps[2].Expect[1].Matcher != "lt" {
		t.Fatalf("parsed %+v", s.Steps)
	}
	if got := s.Steps[0].Text; got != "connect: bola_a" {
		t.Fatalf("text %q", got)
	}
	if !strings.Contains(s.Steps[2].Text, "/sandbox/customers/{bola.customer}/transactions") {
		t.Fatalf("text %q", s.Steps[2].Text)
	}
}

// A webhooks URL takes its port from the environment, or the default given.
func TestWebhooksFromEnvironment(t *testing.T) {
	t.Setenv("SANDBANK_TEST_APP_PORT", "4567")
	for src, want := range map[string]string{
		"http://127.0.0.1:${SANDBANK_TEST_APP_PORT}/hooks":         "http://127.0.0.1:4567/hooks",
		"http://127.0.0.1:${SANDBANK_TEST_UNSET_PORT:-3000}/hooks": "http://127.0.0.1:3000/hooks",
		"http://127.0.0.1:${SANDBANK_TEST_APP_PORT:-3000}/hooks":   "http://127.0.0.1:4567/hooks",
	} {
		s, err := Parse("f.yaml", []byte("scenario: t\nsettings: {webhooks: \""+src+"\"}\nsteps: [{advance: 1m}]\n"))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := *s.Settings.Webhooks; got != want {
			t.Errorf("%s read as %s; want %s", src, got, want)
		}
	}
}

// Aliases that stand for too many values are refused where they go over, before
// anything writes them out: nine levels of nine aliases, 700 bytes, stood for 387
// million values and a run grew to 24 GB (a new user's trial).
func TestAliasesThatExpandTooFar(t *testing.T) {
	src := head + "  - call: POST /sandbox/clock\n    body:\n      a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
	for i := 1; i <= 9; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		src += fmt.Sprintf("      a%d: &a%d [%s]\n", i, i, strings.Repeat(p+", ", 8)+p)
	}
	_, err := Parse("f.yaml", []byte(src))
	want := `f.yaml:17:15: with its aliases written out, a list here stands for more than 100000 values: write it out, or use fewer aliases`
	if err == nil || err.Error() != want {
		t.Fatalf("refusal:\n%v\nwant:\n%s", err, want)
	}
	// A few aliases stay fine, also beside many values written out.
	ok := head + "  - call: POST /sandbox/clock\n    body: {a: &a {advance: 1m}, b: *a, c: [" + strings.Repeat("1, ", 150_000) + "1]}\n"
	if _, err := Parse("f.yaml", []byte(ok)); err != nil {
		t.Fatal(err)
	}
	// Nor may aliases of one long string stand for more text than a file holds:
	// 9,000 notes, each a 500 KB string's alias, passed, and a run wrote a
	// transcript until the disk was full (a bad-input trial). A few stay fine.
	long := strings.Repeat("x", 200_000)
	bomb := head + "  - {advance: 1m, note: &s \"" + long + "\"}\n" + strings.Repeat("  - {advance: 1m, note: *s}\n", 9)
	want = "with its aliases written out, a list here stands for more than 1048576 bytes of text: write it out, or use fewer aliases"
	if _, err := Parse("f.yaml", []byte(bomb)); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("aliases of a long string:\n%v\nwant one ending:\n%s", err, want)
	}
	few := head + "  - {advance: 1m, note: &s \"" + long + "\"}\n" + strings.Repeat("  - {advance: 1m, note: *s}\n", 3)
	if _, err := Parse("f.yaml", []byte(few)); err != nil {
		t.Fatal(err)
	}
}

// A file that is not UTF-8 text is said to be so, where it goes wrong; a BOM, as
// Windows editors save UTF-8, is read past (it read as an unknown field
// "\ufeffscenario", a Latin-1 file went through with � in its title, UTF-16 showed
// raw bytes: a new user's trial).
func TestFileEncodings(t *testing.T) {
	const ok = "scenario: Café\nsteps: [{advance: 1m}]\n"
	if s, err := Parse("f.yaml", []byte("\ufeff"+ok)); err != nil || s.Title != "Café" {
		t.Fatalf("with a BOM: %v", err)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"Latin-1", "scenario: Caf\xe9\nsteps: [{advance: 1m}]\n", "f.yaml:1:14: byte 0xe9 is not UTF-8: save the file as UTF-8 (your editor's encoding setting)"},
		{"UTF-16", "\xff\xfes\x00c\x00", "f.yaml:1:1: the file is UTF-16: save it as UTF-8 (your editor's encoding setting)"},
		{"binary", "scenario: t\nsteps:\x00\x01\x02", "f.yaml:2:7: a NUL byte: this is not a text file; a scenario file is YAML text"},
	} {
		if _, err := Parse("f.yaml", []byte(tc.src)); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// A call: whose expect: checks its answer needs the route as much as one without:
// a typo in its path passed check and failed only when run (a presenter's trial).
// An expect: of http: 404 or 405 (or a matcher on http) may mean the refusal.
func TestCallWithExpectNeedsItsRoute(t *testing.T) {
	src := func(expect string) string {
		return "scenario: t\ncustomers:\n  kunle: {institution: \"058\"}\nsteps:\n  - connect: kunle\n  - call: GET /account/{kunle}\n    expect: " + expect + "\n"
	}
	for expect, refused := range map[string]bool{
		"{account.balance: 100}":       true,
		"{http: 200}":                  true,
		"{http: 404}":                  false,
		"{http: 405}":                  false,
		"{http: {one_of: [404, 405]}}": false,
	} {
		_, err := Parse("f.yaml", []byte(src(expect)))
		if got := err != nil && strings.Contains(err.Error(), "no route of sandbank's API has that path"); got != refused {
			t.Errorf("expect: %s: refused %v, want %v (%v)", expect, got, refused, err)
		}
	}
	// Mono's v1 routes are served under /v1 as well: a call written so is one.
	v1 := strings.Replace(src("{http: 200}"), "GET /account/", "GET /v1/accounts/", 1)
	if _, err := Parse("f.yaml", []byte(v1)); err != nil {
		t.Errorf("a call under /v1: %v", err)
	}
}

// A webhooks URL takes only a port or a host from the environment: a scenario file
// in a pull request, run in CI, sent ${SANDBANK_SECRET_KEY} and a CI token to a host
// of its own in its URL (a security review). The values must be a port and a host.
func TestWebhooksTakeNoSecretFromTheEnvironment(t *testing.T) {
	t.Setenv("SANDBANK_TEST_SECRET", "ghp_not_for_you")
	t.Setenv("SANDBANK_TEST_BAD_PORT", "80/x?ghp_not_for_you")
	t.Setenv("SANDBANK_TEST_BAD_HOST", "evil.example/ghp_not_for_you")
	t.Setenv("SANDBANK_TEST_APP_HOST", "app.localhost")
	for src, want := range map[string]string{
		"http://evil.example/${SANDBANK_TEST_SECRET}":         "${SANDBANK_TEST_SECRET}: a webhooks URL takes only a port or a host",
		"http://evil.example/${SANDBANK_SECRET_KEY:-none}":    "${SANDBANK_SECRET_KEY}: a webhooks URL takes only a port or a host",
		"http://127.0.0.1:${SANDBANK_TEST_BAD_PORT}/hooks":    `${SANDBANK_TEST_BAD_PORT} is "80/x?ghp_not_for_you", not a port`,
		"http://127.0.0.1:${SANDBANK_TEST_UNSET_PORT:-0}/x":   `${SANDBANK_TEST_UNSET_PORT} is "0", not a port`,
		"http://${SANDBANK_TEST_BAD_HOST}:3000/hooks":         `${SANDBANK_TEST_BAD_HOST} is "evil.example/ghp_not_for_you", not a host`,
		"http://${SANDBANK_TEST_APP_HOST}:${PORT:-8080}/hook": "",
	} {
		s, err := Parse("f.yaml", []byte("scenario: t\nsettings: {webhooks: \""+src+"\"}\nsteps: [{advance: 1m}]\n"))
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", src, err)
		case want == "" && *s.Settings.Webhooks != "http://app.localhost:8080/hook":
			t.Errorf("%s read as %s", src, *s.Settings.Webhooks)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "ghp_not_for_you") && !strings.Contains(want, "ghp")):
			t.Errorf("%s: %v; want an error saying %q", src, err, want)
		}
	}
}

// Brackets nested deeper than the file may go are refused where they go too deep,
// before the YAML library's parser, whose memory is quadratic in the nesting: a
// file of 200 KB, 100,000 deep, took 15 GB and 54 s to be refused (a security
// review). 20,000 deep took 640 MB.
func TestDeepBracketsRefusedBeforeTheParser(t *testing.T) {
	n := 20000
	src := "scenario: x\nsteps:\n  - call: GET /\n    body: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse("f.yaml", []byte(src))
	runtime.ReadMemStats(&after)
	if err == nil || err.Error() != "f.yaml:4:75: nested more than 64 levels deep" {
		t.Errorf("brackets %d deep: %v; want f.yaml:4:75 (the 65th bracket): nested more than 64 levels deep", n, err)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 64 {
		t.Errorf("refusing brackets %d deep allocated %d MB; the parser's quadratic cost was not avoided", n, mb)
	}
}

// A call's key: that is one of secret, public or none mistyped is sent as the key
// itself, which a run answers 401: check notes it, as it notes a bare balance (a
// QA trial's "secert"). A literal key, or a template, is not noted.
func TestKeyTypoIsNoted(t *testing.T) {
	for key, want := range map[string]string{
		"secert":                        `9:10: key "secert" is sent as the key itself; write key: secret if the secret key was meant`,
		"pubilc":                        `9:10: key "pubilc" is sent as the key itself; write key: public if the public key was meant`,
		"nnoe":                          `9:10: key "nnoe" is sent as the key itself; write key: none if no key was meant`,
		"test_sk_not_this_worlds_key_1": "",
		"secret":                        "",
		"\"{token}\"":                   "",
	} {
		src := "scenario: k\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - call: POST /accounts/{adam}/reauthorise\n    save: {token: token}\n  - call: GET /accounts/{adam}\n    key: " + key + "\n"
		s, err := Parse("f.yaml", []byte(src))
		if err != nil {
			t.Fatalf("key %s: %v", key, err)
		}
		got := strings.Join(s.Notes, "\n")
		if got != want {
			t.Errorf("key %s: notes %q; want %q", key, got, want)
		}
	}
}

// A sync: or unlink: of an account an earlier step unlinked answers 404 and
// fails: check notes it (it said "ok", a QA engineer's trial). With expect: it
// is meant, and a connect: between connects the account again.
func TestUseAfterUnlinkIsNoted(t *testing.T) {
	head := "scenario: u\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - unlink: adam\n"
	for steps, want := range map[string]string{
		"  - sync: adam\n":                          "7:11: account adam was unlinked at step 2, so this sync: answers 404 and the step fails; a `connect: adam` step between connects it again, or expect: {http: 404} means it",
		"  - unlink: adam\n":                        "7:13: account adam was unlinked at step 2, so this unlink: answers 404 and the step fails; a `connect: adam` step between connects it again, or expect: {http: 404} means it",
		"  - sync: adam\n    expect: {http: 404}\n": "",
		// A review: a reauthorise: too, and an expect: not of http does not mean it.
		"  - reauthorise: adam\n":                            "7:18: account adam was unlinked at step 2, so this reauthorise: answers 404 and the step fails; a `connect: adam` step between connects it again, or expect: {http: 404} means it",
		"  - sync: adam\n    expect: {status: successful}\n": "7:11: account adam was unlinked at step 2, so this sync: answers 404 and the step fails; a `connect: adam` step between connects it again, or expect: {http: 404} means it",
		"  - connect: adam\n  - sync: adam\n":                "",
	} {
		s, err := Parse("f.yaml", []byte(head+steps))
		if err != nil {
			t.Fatalf("%q: %v", steps, err)
		}
		if got := strings.Join(s.Notes, "\n"); got != want {
			t.Errorf("%q: notes %q; want %q", steps, got, want)
		}
	}
}

// A mistake that repeats a very long word of the file — an unknown key of
// 100,000 characters — says its start and its length, not all of it: a line of
// 100 KB (a bad-input trial).
func TestALongWordInARefusalIsCut(t *testing.T) {
	key := strings.Repeat("k", 100_000)
	_, err := Parse("f.yaml", []byte("scenario: t\n"+key+": 1\nsteps: [{advance: 1m}]\n"))
	if err == nil || len(err.Error()) > 2000 || !strings.Contains(err.Error(), `…" (100000 characters)`) {
		t.Fatalf("refusal of a 100,000-character key (%d bytes): %.300s", len(fmt.Sprint(err)), err)
	}
}

// A bank is named as people name it — the README's "First Bank" and "UBA", the
// TUI's "FirstBank" — in any case: only its code or its full name was taken (a QA
// engineer's trial). The refusal says which code is which bank, and what is close.
func TestBanksByTheNamesPeopleUse(t *testing.T) {
	names := map[string]string{"First Bank": "011", "FirstBank": "011", "UBA": "033", "GTB": "058", "gtbank": "058",
		"Zenith": "057", "ACCESS": "044", "Providus": "101", "FCMB": "214", "Stanbic": "221", "Access Bank": "044", "058": "058",
		"Union Bank": "032", "UBA Bank": "033", "Zenith Bank PLC": "057", "Access Bank Plc": "044", "Ecobank": "050",
		"Zenith Bank Nigeria": "057", "First Bank of Nigeria": "011", "Guaranty Trust Bank": "058", "Stanbic IBTC": "221"}
	for name, code := range names {
		src := fmt.Sprintf("scenario: t\ncustomers:\n  adam: {institution: %q}\nsteps:\n  - outage: %q\n    for: 1h\n  - latency: %q\n    delay: 0\n", name, name, name)
		s, err := Parse("f.yaml", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := []string{s.Customers[0].Accounts[0].Institution, s.Steps[0].Institution, s.Steps[1].Institution}; got[0] != code || got[1] != code || got[2] != code {
			t.Errorf("%s: banks %v, want %s", name, got, code)
		}
	}
	src := "scenario: t\ncustomers:\n  adam: {institution: Zenit}\nsteps: [{advance: 1m}]\n"
	_, err := Parse("f.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), `unknown bank "Zenit" (did you mean "Zenith"?)`) || !strings.Contains(err.Error(), "057 Zenith Bank (Zenith)") {
		t.Errorf("Zenit: %v", err)
	}
	// A full name mistyped is suggested whole (a review: it was not, for a while).
	for got, want := range map[string]string{"Zenith Bnak": "Zenith Bank", "Union Bank of Nigera": "Union Bank of Nigeria",
		"First City Monumnet Bank": "First City Monument Bank", "Coronation Merchnt Bank": "Coronation Merchant Bank"} {
		src := fmt.Sprintf("scenario: t\ncustomers:\n  adam: {institution: %s}\nsteps: [{advance: 1m}]\n", got)
		if _, err := Parse("f.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("(did you mean %q?)", want)) {
			t.Errorf("%s: %v", got, err)
		}
	}
	// No suggestion of a bank that is not like it (a review: Citibank was told
	// GTBank, Kuda UBA).
	for _, name := range []string{"Citibank", "Kuda", "abc", "Opay", "Unity Bank", "Kuda Bank", "Citibank Nigeria"} {
		src := fmt.Sprintf("scenario: t\ncustomers:\n  adam: {institution: %s}\nsteps: [{advance: 1m}]\n", name)
		if _, err := Parse("f.yaml", []byte(src)); err == nil || strings.Contains(err.Error(), "did you mean") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Two letters swapped are one edit: "ysnc" suggested nothing once a short word
// that begins otherwise had to be one edit off (a review).
func TestDistanceCountsASwapAsOne(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"ysnc", "sync", 1}, {"acll", "call", 1}, {"nmae", "name", 1}, {"sync", "sync", 0}, {"abc", "uba", 2}, {"narative", "narration", 3}, {"", "ab", 2}, {"ca", "abc", 3}} {
		if got := distance(c.a, c.b); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if s := didYouMean("ysnc", []string{"sync", "call", "connect"}); s != "sync" {
		t.Errorf("ysnc: %q, want sync", s)
	}
}

// A body's {name: null}, null written, is JSON the file means; only {name}, a
// reference left unquoted, is refused. {adam.username: }, its colon written, a
// quoted key and a word in braces that names nothing a reference could are
// JSON keys too, sent as before: told to quote them, a file was then refused
// for an unknown name (a review).
func TestBodyKeyWithNullIsJSON(t *testing.T) {
	for _, body := range []string{"{type: debit, narration: {adam.username: null}}", "{type: debit, narration: {adam.username: ~}}",
		"{type: debit, narration: {adam.username: }}", "{type: debit, narration: {adam.username:}}", `{type: debit, narration: {"{adam}"}}`, `{"{adam}"}`,
		"{type: debit, narration: {'adam'}}", "{x: {$set}}", "{x: {a-b}}", "{x: [{nobody.id}]}"} {
		src := head + "  - connect: adam\n  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: " + body + "\n    expect: {http: 400}\n"
		if _, err := Parse("f.yaml", []byte(src)); err != nil {
			t.Errorf("body: %s: %v", body, err)
		}
	}
}

// The one-line form an action's fields written level with it are told to take
// reads back as the same fields indented under it (a review found a comma, a
// ": " and a ${…} cut it).
func TestIndentedTooLittleSuggestsYAML(t *testing.T) {
	for _, fields := range []string{"say: Now run your app, then press enter\n    clock: paused\n", "say: \"a: b\"\n", "say: \"#1 {x} [y] 'z' \\\"q\\\" %\\t\"\n",
		"say: |\n      two\n      lines\n", "say: \"007\"\n    clock: \"null\"\n"} {
		src := head + "  - serve:\n    " + fields
		_, err := Parse("f.yaml", []byte(src))
		if err == nil {
			t.Fatalf("%q: taken", src)
		}
		_, suggested, ok := strings.Cut(err.Error(), ", or write serve: ")
		suggested, _, _ = strings.Cut(suggested, "\n")
		if !ok {
			t.Fatalf("%q: no suggestion in %v", src, err)
		}
		got, err := parseYAML([]byte("serve: " + suggested + "\n"))
		if err != nil {
			t.Fatalf("%q: the suggestion %s is not YAML: %v", src, suggested, err)
		}
		want, err := parseYAML([]byte("serve:\n  " + strings.ReplaceAll(fields, "\n    ", "\n  ")))
		if err != nil {
			t.Fatal(err)
		}
		if g, w := sameYAML(got.get("serve")), sameYAML(want.get("serve")); g != w {
			t.Errorf("%q: the suggestion %s reads as %s; want %s", src, suggested, g, w)
		}
	}
}

// sameYAML writes out a value's kinds, tags and text, for comparing.
func sameYAML(n *node) string {
	switch n.kind {
	case kSeq:
		var b strings.Builder
		for _, it := range n.items {
			b.WriteString(sameYAML(it) + ",")
		}
		return "[" + b.String() + "]"
	case kMap:
		var b strings.Builder
		for i, k := range n.keys {
			b.WriteString(sameYAML(k) + ":" + sameYAML(n.vals[i]) + ",")
		}
		return "{" + b.String() + "}"
	}
	return fmt.Sprintf("%s(%q)", n.tag, n.value)
}

// The missing dash, put where the refusal says, makes the two steps meant.
func TestMissingDashWhereItIsSaid(t *testing.T) {
	src := head + "  - connect: adam\n  - webhooks: []\n    account: adam\n    advance: 1h\n"
	_, err := Parse("f.yaml", []byte(src))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse = %v", err)
	}
	var col int
	var step string
	if _, err := fmt.Sscanf(e.Msg[strings.Index(e.Msg, "at column "):], "at column %d, where this step's dash is: ", &col); err != nil {
		t.Fatalf("no column in %q: %v", e.Msg, err)
	}
	step = e.Msg[strings.LastIndex(e.Msg, ": - ")+2:]
	lines := strings.Split(src, "\n")
	lines[e.Line-1] = strings.Repeat(" ", col-1) + step
	fixed := strings.Join(lines, "\n")
	s, err := Parse("f.yaml", []byte(fixed))
	if err != nil || len(s.Steps) != 3 || s.Steps[2].Action != "advance" {
		t.Fatalf("fixed as said:\n%s\nParse = %v", fixed, err)
	}
}
