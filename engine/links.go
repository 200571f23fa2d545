package engine

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// v2's initiate links (POST /v2/accounts/initiate): instead of v1's widget code
// exchange and reauth token, the business asks for a link — to connect an account
// (scope auth) or to re-authorise one (scope reauth) — and sends the end user to it.
// The link opens the widget (OpenWidget with Link), which walks the same steps as
// v1's; at its end the user goes to the business's redirect URL with the result: a
// code to exchange (POST /v2/accounts/auth, as POST /account/auth) or the
// re-authorised account.

// Link scopes.
const (
	LinkAuth   = "auth"
	LinkReauth = "reauth"
)

// Link statuses.
const (
	LinkPending      = "pending"      // the user has not finished
	LinkLinked       = "linked"       // auth: the user connected; Code is the code to exchange
	LinkReauthorised = "reauthorised" // reauth: the user re-authorised AccountID
)

// LinkTTL is how long a link can be used.
const LinkTTL = 30 * time.Minute

// LinkCustomer is the business's customer a link is for: an ID, or a name and an
// email from which sandbank derives one (the same email, the same ID).
type LinkCustomer struct {
	ID    string
	Name  string
	Email string
}

// customerID is the ID of the business's customer named by an email, the same for
// every link and widget that names it (case and spaces aside).
func customerID(namespace, email string) string {
	return NewID(namespace, "customer/"+strings.ToLower(strings.TrimSpace(email)), 1)
}

// check checks a business's customer as given, each field named under prefix
// ("customer", or connect.js's "data.customer"): lengths, an ID without spaces, an
// email that is an address. Whether one is needed is the caller's to say.
func (c LinkCustomer) check(prefix string) error {
	for _, f := range []struct {
		field, v string
		most     int
	}{{prefix + ".id", c.ID, 100}, {prefix + ".name", c.Name, 100}, {prefix + ".email", c.Email, 254}} { // 254: an address's longest
		if n := utf8.RuneCountInString(f.v); n > f.most {
			return Invalid(f.field, "%s is %d characters long; keep it to %d", f.field, n, f.most)
		}
	}
	if id := strings.TrimSpace(c.ID); id != "" && strings.IndexFunc(id, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		return Invalid(prefix+".id", "%s.id %q is not an ID: your customer's id, in letters and digits, no spaces", prefix, c.ID)
	}
	if email := strings.TrimSpace(c.Email); email != "" && strings.TrimSpace(c.ID) == "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			return Invalid(prefix+".email", "%s.email %q is not an email address", prefix, c.Email)
		}
	}
	return nil
}

// LinkRequest asks for a link.
type LinkRequest struct {
	Scope       string // LinkAuth or LinkReauth
	Customer    LinkCustomer
	Ref         string // the business's reference (meta.ref)
	RedirectURL string
	Institution string // auth: a bank chosen ahead, by CBN code (optional)
	AuthMethod  string // auth: with Institution, how the user signs in (optional)
	Account     string // reauth: the account
}

// Validate checks what can be checked without the store.
func (r LinkRequest) Validate() error {
	switch r.Scope {
	case LinkAuth, LinkReauth:
	case "":
		return Invalid("scope", `scope is required: "auth" to connect an account, "reauth" to re-authorise one`)
	default:
		return Invalid("scope", `unknown scope %q; use "auth" to connect an account or "reauth" to re-authorise one`, r.Scope)
	}
	u, err := url.Parse(r.RedirectURL)
	switch {
	case r.RedirectURL == "":
		return Invalid("redirect_url", "redirect_url is required: where the user goes when the link is done, e.g. http://127.0.0.1:3000/linked")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return Invalid("redirect_url", "redirect_url %q is not an absolute http(s) URL; use e.g. http://127.0.0.1:3000/linked", r.RedirectURL)
	}
	if n := utf8.RuneCountInString(r.Ref); n > 200 {
		return Invalid("meta.ref", "meta.ref is %d characters long; keep it to 200", n)
	}
	// A field of the other scope is refused, not dropped: account with scope auth
	// answered a fresh connect link, on which the user linked a second copy of the
	// account under a new ID, and customer with scope reauth was dropped unsaid (a
	// v2 developer's trial). Fields sandbank does not know at all still pass
	// (parseInitiate): an official SDK may send some.
	c := r.Customer
	if r.Scope == LinkReauth {
		if strings.TrimSpace(r.Account) == "" {
			return Invalid("account", "account is required with scope reauth: the ID of the account to re-authorise")
		}
		// Its own customer's id passes (InitiateLink checks it is the account's):
		// an app that always sends its customer's was refused (the review).
		if strings.TrimSpace(c.Name) != "" || strings.TrimSpace(c.Email) != "" {
			return Invalid("customer", "customer's name and email belong to scope auth, where they name the customer of the account to connect; a re-authorisation (scope reauth) is of the account's own customer: leave customer out, or give only its {\"id\"}")
		}
		if err := c.check("customer"); err != nil {
			return err
		}
		return r.checkAuthMethod() // InitiateLink checks it is the account's
	}
	if account := strings.TrimSpace(r.Account); account != "" {
		return Invalid("account", "account belongs to scope reauth: with scope auth the user connects a new account, and account %s would be linked again under another ID; send \"scope\":\"reauth\" to re-authorise it, or leave account out to connect a new one", account)
	}
	if err := c.check("customer"); err != nil {
		return err
	}
	if c.ID == "" {
		name, email := strings.TrimSpace(c.Name) != "", strings.TrimSpace(c.Email) != ""
		switch {
		case !name && !email:
			return Invalid("customer", "customer is required with scope auth: your customer's {\"name\",\"email\"}, or its {\"id\"}")
		case !email:
			return Invalid("customer.email", "customer.email is required beside customer.name (or give {\"id\"} of your customer)")
		case !name:
			return Invalid("customer.name", "customer.name is required beside customer.email (or give {\"id\"} of your customer)")
		}
	}
	if err := r.checkAuthMethod(); err != nil {
		return err
	}
	return nil
}

// Link is an initiate link and what became of it.
type Link struct {
	ID          string
	Scope       string
	Customer    LinkCustomer
	Ref         string
	RedirectURL string
	Institution string // auth: the bank chosen ahead, if any; reauth: the account's
	AuthMethod  string
	AccountID   string // reauth: the account
	CreatedAt   time.Time
	ExpiresAt   time.Time
	Status      string // LinkPending, LinkLinked or LinkReauthorised
	Code        string // LinkLinked: the code to exchange
	CompletedAt time.Time
}

// checkAuthMethod refuses an auth_method sandbank does not know.
func (r LinkRequest) checkAuthMethod() error {
	switch r.AuthMethod {
	case "", AuthInternetBanking, AuthMobileBanking:
		return nil
	}
	return Invalid("institution.auth_method", "unknown auth_method %q; use %s or %s", r.AuthMethod, AuthInternetBanking, AuthMobileBanking)
}

// InitiateLink makes a link.
func (e *Engine) InitiateLink(ctx context.Context, req LinkRequest) (Link, error) {
	req.Customer.Email = strings.TrimSpace(req.Customer.Email)
	if err := req.Validate(); err != nil {
		return Link{}, err
	}
	s := e.Settings()
	now := e.clock.Now()
	l := Link{Scope: req.Scope, Customer: req.Customer, Ref: req.Ref, RedirectURL: req.RedirectURL,
		Institution: req.Institution, AuthMethod: req.AuthMethod, CreatedAt: now, ExpiresAt: now.Add(LinkTTL), Status: LinkPending}
	if l.Scope == LinkAuth && l.Institution != "" {
		inst, err := e.institution(l.Institution)
		if err != nil {
			if de, ok := AsError(err); ok {
				de.Field = "institution.id"
			}
			return Link{}, err
		}
		l.Institution = inst.Code
	}
	if l.Scope == LinkAuth && l.Customer.ID == "" {
		l.Customer.ID = customerID(s.IDNamespace, l.Customer.Email)
	}
	err := e.store.Update(ctx, func(tx Tx) error {
		if l.Scope == LinkReauth {
			a, err := linkedAccount(tx, req.Account)
			if err != nil {
				return err
			}
			l.AccountID, l.Institution, l.AuthMethod = a.ID, a.Institution.Code, a.AuthMethod
			l.Customer = LinkCustomer{ID: a.Customer}
			if l.Customer.ID == "" {
				l.Customer.ID = a.CustomerID
			}
			// What the app says of the account must be so, not dropped unsaid: a
			// reauth is of the account's own customer and bank (the review).
			if id := strings.TrimSpace(req.Customer.ID); id != "" && id != l.Customer.ID {
				return Invalid("customer.id", "customer.id %q is not the customer of account %s, which is %q: a re-authorisation is of the account's own customer; leave customer out, or give its id", id, a.ID, l.Customer.ID)
			}
			if req.AuthMethod != "" && req.AuthMethod != a.AuthMethod {
				return Invalid("institution.auth_method", "auth_method %q is not how account %s signs in, which is %s: a re-authorisation signs in the account's own way; leave auth_method out", req.AuthMethod, a.ID, a.AuthMethod)
			}
			if req.Institution != "" {
				if inst, err := e.institution(req.Institution); err != nil || inst.Code != a.Institution.Code {
					return Invalid("institution.id", "institution %q is not the bank of account %s, which is %s (%s): a re-authorisation is at the account's own bank; leave institution out", req.Institution, a.ID, a.Institution.Name, a.Institution.Code)
				}
			}
		}
		seq, err := tx.NextSequence("link")
		if err != nil {
			return err
		}
		l.ID = NewToken(s.SecretKey, s.IDNamespace, "link", seq)
		return tx.PutLink(l)
	})
	return l, err
}

// Link returns a link.
func (e *Engine) Link(ctx context.Context, id string) (Link, error) {
	var l Link
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		l, err = tx.Link(id)
		if ErrorCode(err) == ENOTFOUND {
			return Errorf(ENOTFOUND, "no link %q: it was never made here; make one with POST /v2/accounts/initiate", id).WithReason("LINK_NOT_FOUND")
		}
		return err
	})
	return l, err
}

// LinkCodeOpen reports whether the connect code a link ended with can still be
// exchanged (not yet exchanged, not expired): only then does the link's state show
// it, since whoever holds the link's URL is not necessarily the user.
func (e *Engine) LinkCodeOpen(ctx context.Context, l Link) bool {
	return e.CodeOpen(ctx, l.Code)
}

// LinkUsable says why a link can no longer be walked (LINK_USED, LINK_EXPIRED),
// or nil: a session's page asks it of the link as it stands now, since another
// tab may have finished it.
func (e *Engine) LinkUsable(l Link) error {
	return usableLink(l, e.clock.Now())
}

// usableLink checks that a link can still be walked.
func usableLink(l Link, now time.Time) error {
	switch {
	case l.Status != LinkPending:
		return Errorf(ECONFLICT, "this link was used already: it ended %s at %s; make a new one with POST /v2/accounts/initiate", l.Status, TimeText(l.CompletedAt)).WithReason("LINK_USED")
	case !l.ExpiresAt.After(now):
		return Errorf(EEXPIRED, "this link expired at %s, %s after it was made; make a new one with POST /v2/accounts/initiate", TimeText(l.ExpiresAt), DurationText(LinkTTL)).WithReason("LINK_EXPIRED")
	}
	return nil
}

// openLink opens a widget session on a link: connect (at the bank the request or
// the link names, else at the list of banks) or re-authorise its account. The
// link's reference is the session's.
func (e *Engine) openLink(ctx context.Context, req WidgetRequest) (WidgetState, error) {
	l, err := e.Link(ctx, req.Link)
	if err != nil {
		return WidgetState{}, err
	}
	now := e.clock.Now()
	if err := usableLink(l, now); err != nil {
		return WidgetState{}, err
	}
	expires := now.Add(WidgetSessionTTL)
	if l.ExpiresAt.Before(expires) {
		expires = l.ExpiresAt
	}
	if l.Scope == LinkReauth {
		var a Account
		err := e.store.View(ctx, func(tx Tx) error {
			var err error
			a, err = reauthLinkAccount(tx, l)
			return err
		})
		if err != nil {
			return WidgetState{}, err
		}
		if err := e.reauthFits(a, req, ""); err != nil { // as by a token or the account's ID (a review)
			return WidgetState{}, err
		}
		return e.openReauthFor(ctx, a, expires, &l, l.Ref, false)
	}
	if l.Institution != "" {
		// The bank the business picked for the link is the link's: a widget that
		// names another is refused (it connected an account at the bank the user
		// chose instead), and one that names the same keeps the link's auth method
		// (it was dropped).
		if req.Institution != "" && req.Institution != l.Institution {
			name := req.Institution
			if inst, err := e.institution(req.Institution); err == nil {
				name = inst.Code + " (" + inst.Name + ")"
			}
			return WidgetState{}, Errorf(ECONFLICT, "this link is for the bank with code %s, not %s: open it without an institution, or initiate a link for that bank",
				l.Institution, name)
		}
		req.Institution = l.Institution
		if l.AuthMethod != "" {
			req.AuthMethod = l.AuthMethod
		}
	}
	req.Reference = l.Ref
	return e.openConnect(ctx, req, expires, &l)
}

// reauthLinkAccount is the account a re-authorisation link re-authorises, or why
// there is none: it was there when the link was made (InitiateLink checks), and a
// link that outlived it said only "no connected account has ID …" — or, in a
// browser, showed the Continue of a re-authorisation that could not be (a v2
// developer's trial, and its review).
func reauthLinkAccount(tx Tx, l Link) (Account, error) {
	a, err := tx.Account(l.AccountID)
	if err == nil && !a.Linked() {
		return Account{}, Errorf(ENOTFOUND, "this link re-authorises account %s, which was unlinked at %s: it can no longer be re-authorised; to connect the bank account again, as a new account, make a link of scope auth with POST /v2/accounts/initiate",
			l.AccountID, TimeText(a.UnlinkedAt)).WithReason("ACCOUNT_NOT_FOUND")
	}
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

// completeLink records, inside tx, how a widget session ended its link.
func completeLink(tx Tx, id, status, code string, now time.Time) (Link, error) {
	l, err := tx.Link(id)
	if err != nil {
		return Link{}, err
	}
	if err := usableLink(l, now); err != nil {
		return Link{}, err
	}
	l.Status, l.Code, l.CompletedAt = status, code, now
	return l, tx.PutLink(l)
}
