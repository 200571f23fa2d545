// Package simulator is sandbank's simulated bank and its virtual clock.
//
// # The virtual clock
//
// Clock implements engine.Clock. It runs at real time from a start instant by
// default; it can be paused, sped up from 1× to 10,000× (SetSpeed), and advanced
// (Advance, at most ten years at a time). It only moves forward: a zero or
// negative advance, or a speed outside 1..10,000, is refused with EINVALID and
// changes nothing. Advance fires the timers it passes one by one in deadline order
// (ties in registration order) with Now() equal to each deadline; a callback may
// register new timers, which fire in the same Advance if they fall before its
// target. While the clock runs, a goroutine sleeps in real time until the next
// deadline. RestoreClock rebuilds a saved clock: one that ran at 1× keeps its
// offset from wall-clock time, a paused or sped-up one resumes exactly where it
// was. ParseDuration reads what users type: "30m", "1d", "1d12h", "2w", "+2m".
//
// # The world
//
// A world is a pure function of Config (seed, start, number of customers) and the
// explicit events applied to it: the same seed gives the same customers, account
// numbers, transaction IDs, amounts and narrations on every run, and observing the
// bank at any moments never changes it. Customers have Nigerian names, Lagos,
// Abuja, Port Harcourt, Ibadan or Enugu addresses, 080x/070x/090x phone numbers,
// 11-digit BVNs starting with 22, and one or two accounts (at two banks; OpenAccount
// may add more, at any bank, a second one at the same bank included):
// 10-digit NUBANs with a valid CBN check digit (ValidNUBAN), savings or current,
// in kobo. Fourteen banks with their CBN codes are in the world, two of them
// business banking (Providus 101, Coronation 559).
//
// The first customers are a tour of the sign-in kinds, whatever the seed:
//
//	#  MFA                bank               profile
//	0  none               Access Bank 044    salary earner — always "Adam Okafor" (the seed's Mr Adam)
//	1  otp                GTBank 058         trader
//	2  security_question  Zenith Bank 057    student
//	3  token              First Bank 011     freelancer
//	4  captcha            UBA 033            pensioner
//	5  none               Providus Bank 101  business (a current account in the business's name)
//
// Later customers have a seeded mix: 40% none, 25% otp, 15% security question,
// 10% token, 10% captcha.
//
// # Activity
//
// History starts at midnight (WAT) 13 months before Config.Start, so 12-month
// statements are full, and runs on as the clock moves. Each spending profile
// (salary earner, trader, student, business, pensioner, freelancer) receives and
// spends money the Nigerian way: salaries on the last working day on or before
// payday ("SALARY NOV 2026 - DANGOTE CEMENT PLC"), pensions, a student's upkeep,
// NIP transfers in and out ("NIP TRF FROM CHIOMA OKAFOR/GTB", "TRF TO …"), POS and
// web purchases, airtime and data for the customer's own number, DStv/GOtv,
// prepaid electricity, LAWMA, ATM withdrawals, and the bank's charges: the NGN 50
// electronic money transfer levy on credits of NGN 10,000 or more, the NIP fee
// plus 7.5% VAT on transfers out (none to the same bank, from version 4), NGN 100
// per NGN 20,000 withdrawn at another bank's ATM from March 2025 (version 5),
// monthly SMS alert charges, and interest (less 10% WHT) on savings. Every transaction carries the balance after it; a debit an
// account cannot cover is shrunk or skipped, so accounts without an overdraft
// never go below zero. Profile "dormant" has no activity of its own.
//
// # Bank-side events
//
// The controls on *Bank — PostTransaction, ChangePassword, SetMFA, StartOutage,
// EndOutage, SetLatency, AddCustomer — validate their input and change nothing on
// error. Each accepted one is written to the Journal with its virtual time, so
// Open rebuilds the same bank after a restart. Explicit postings pay no fees. A
// customer added with AddCustomer has one account opened now with the given
// balance and, unless a profile is given, no activity of its own, so a scenario
// controls its balance exactly. Random events (Config.Random: password changes,
// MFA changes, outages) are off by default; when on, they too are a pure function
// of the seed and the day.
//
// # Signing in
//
// Login answers a session or a challenge. Sessions last 15 minutes of virtual
// time (SessionTTL); a challenge, and its OTP, 5 minutes (ChallengeTTL). A wrong
// username, a wrong password and a password that was changed all fail alike:
// EUNAUTHORIZED "wrong username or password". Wrong passwords and wrong answers
// count together per bank and username; the third in a row locks the login for 30
// minutes (ELOCKED with RetryAfter). A password change or an MFA change ends the
// customer's open sessions (fetches answer EEXPIRED), and after a password change
// the next sign-in also asks for an OTP, even without MFA; a customer with MFA
// then gets their own challenge too. During an outage sign-ins and fetches fail
// with EUNAVAILABLE (RetryAfter: the time left). SetLatency delays every answer of
// a bank in real time; a caller's context that ends first gets EUNAVAILABLE.
//
// # How a tester answers each MFA kind
//
// Find the customer with GET /sandbox/customers (or the TUI's customer page): it
// shows the username, the password, the MFA kind, the security question and its
// answer, and the phone number. Then:
//
//   - none: the username and password are enough.
//   - otp: the bank sends a 6-digit code to the customer's phone; read it in the
//     customer's inbox (GET /sandbox/customers/{id}/inbox, or the TUI), newest
//     first. It works for 5 minutes. A password change makes the next sign-in ask
//     for an OTP whatever the MFA kind.
//   - security_question: the prompt is the question; the answer is the customer's
//     SecurityAnswer. Case and spaces do not matter ("jollof rice" = "Jollof Rice").
//   - token: the customer's hardware token shows a 6-digit code that changes every
//     60 seconds of virtual time; the inbox shows the current one. The code of the
//     previous minute is accepted too.
//   - captcha: the prompt shows the characters, e.g. "Type the characters: 7 K 3 P X";
//     type them, with or without spaces, in any case ("7k3px").
//
// Three wrong answers (or passwords) in a row lock the login for 30 minutes:
// advance the clock to get past it. An answer to an OTP or a token that cannot be
// its code (letters, not CodeDigits digits once spaces are left out) is refused
// as EINVALID and counts nothing, as a bank's code field refuses it; a wrong code
// of the right form counts.
package simulator
