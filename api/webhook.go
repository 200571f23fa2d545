package api

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"sandbank/engine"
)

// WebhookSender delivers webhooks over real HTTP — or in process, to a Server's
// built-in receiver registered with DeliverLocally; it implements engine.Sender.
type WebhookSender struct {
	Client *http.Client

	mu    sync.Mutex
	local map[string]*Server // URL → the server whose receiver it addresses
}

// NewWebhookSender returns a sender with its own client (no shared transport state
// with the API server).
func NewWebhookSender() *WebhookSender {
	return &WebhookSender{Client: &http.Client{
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 8, IdleConnTimeout: 30 * time.Second},
		// A webhook receiver's redirect is an answer, not a place to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// InProcess reports whether webhooks to url go to a built-in receiver in process.
func (s *WebhookSender) InProcess(url string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.local[url] != nil
}

// Send POSTs body to url; the context carries the attempt's timeout.
func (s *WebhookSender) Send(ctx context.Context, url string, headers map[string]string, body []byte) (engine.Delivery, error) {
	s.mu.Lock()
	local := s.local[url]
	s.mu.Unlock()
	if local != nil {
		return local.deliver(ctx, headers, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return engine.Delivery{}, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	start := time.Now()
	limit := time.Duration(0)
	if d, ok := ctx.Deadline(); ok {
		limit = d.Sub(start).Round(time.Second)
	}
	resp, err := s.Client.Do(req)
	latency := time.Since(start)
	if err != nil {
		return engine.Delivery{Latency: latency}, plainSendError(redactURL(err), limit)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	_ = resp.Body.Close()
	return engine.Delivery{StatusCode: resp.StatusCode, Latency: latency}, nil
}

// redactURL hides the user info, the query string and path segments that look like
// tokens of the URL in a client error:
// the error becomes the attempt's recorded error and a log line, and webhook URLs
// often carry a token (?token=…) or a password. net/http masks only the password.
func redactURL(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		if u.User != nil {
			u.User = url.User("redacted")
		}
		if u.RawQuery != "" {
			u.RawQuery = "redacted"
		}
		u.Fragment, u.RawFragment = "", ""
		segs := strings.Split(u.Path, "/")
		for i, seg := range segs {
			if tokenLike(seg) { // Slack's and Discord's hooks carry theirs in the path
				segs[i] = "redacted"
			}
		}
		u.Path, u.RawPath = strings.Join(segs, "/"), ""
		ue.URL = u.String()
	} else {
		ue.URL = "(the webhook URL)"
	}
	return err
}

// tokenLike reports whether a URL path segment looks like a credential: long,
// with letters and digits — not "hooks" or "mono-webhook".
func tokenLike(seg string) bool {
	if len(seg) >= 24 { // Slack's are 24 letters, digits or not
		return true
	}
	return len(seg) >= 16 && strings.ContainsAny(seg, "0123456789") &&
		strings.IndexFunc(seg, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0
}

// plainSendError says why an attempt had no answer in the words a developer acts
// on, naming where it went (redactURL hid its secrets): the recorded attempt read
// `Post "http://127.0.0.1:9/hooks": dial tcp 127.0.0.1:9: connect: connection refused`.
func plainSendError(err error, limit time.Duration) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var why string
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		why = "nothing is listening there (connection refused): is the receiver running, on that port?"
	case ue.Timeout() && errors.As(err, &op) && op.Op == "dial":
		why = "could not connect in time (timed out): is the host up and reachable from here?"
	case ue.Timeout():
		why = "no answer in time (timed out): the receiver must answer within the attempt's timeout"
		if limit > 0 {
			why = "no answer in " + engine.DurationText(limit) + " (timed out): the receiver must answer a delivery within that"
		}
	case errors.As(err, &dns) && dns.IsNotFound:
		why = "no such host " + dns.Name + " (DNS lookup failed): check the webhook URL's host"
	case errors.As(err, &dns):
		why = "could not look up " + dns.Name + " (DNS: " + dns.Err + "): try again, or check the machine's DNS"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		why = "the receiver closed the connection without answering"
	case errors.As(err, &unknownCA):
		// A receiver's own certificate: Go's words alone did not say what to do (a
		// webhook developer's trial).
		why = "its certificate is signed by no authority this machine trusts (" + ue.Err.Error() + "): start sandbank with SSL_CERT_FILE=the-ca.pem to trust it, or use http on this machine"
	case errors.As(err, &badHost):
		// Go checks the name before the signer: a certificate of one's own for
		// another name needs both said, or the next attempt fails on trust (the review).
		why = "its certificate is not for this host (" + ue.Err.Error() + "): use the name the certificate holds in the webhook URL; a certificate of your own must also be trusted: start sandbank with SSL_CERT_FILE=the-ca.pem"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		why = "its certificate has expired, or is not valid yet (" + ue.Err.Error() + "): renew it, or check this machine's clock; a certificate of your own must also be trusted: start sandbank with SSL_CERT_FILE=the-ca.pem"
	default:
		why = ue.Err.Error()
	}
	return &sendError{msg: "POST " + ue.URL + ": " + why, err: err}
}

type sendError struct {
	msg string
	err error
}

func (e *sendError) Error() string { return e.msg }
func (e *sendError) Unwrap() error { return e.err }
