// The libfoil C ABI from Go (cgo, standard library only), checked against a running
// emulator: FOIL_BASE_URL and FOIL_SECRET_KEY name it (see README.md). Prints one
// "ok - ...", "not ok - ..." or "skip - ..." line per check; exits 1 if any failed.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"foilffi/foil"
)

type skipped string

func (s skipped) Error() string { return string(s) }

func must(cond bool, format string, args ...interface{}) {
	if !cond {
		panic(fmt.Errorf(format, args...))
	}
}

func check(err error, what string) {
	if err != nil {
		panic(fmt.Errorf("%s: %w", what, err))
	}
}

// isKind: err is a *foil.Error of that kind.
func isKind(err error, kind string) bool {
	var fe *foil.Error
	return errors.As(err, &fe) && fe.Kind == kind
}

// firstError collects n results and returns the first failure.
func firstError(results <-chan error, n int) error {
	var first error
	for i := 0; i < n; i++ {
		if err := <-results; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func newClient() *foil.Client {
	return newClientWith(nil)
}

func newClientWith(prefetch *bool) *foil.Client {
	cl, err := foil.NewClient(foil.Options{BaseURL: os.Getenv("FOIL_BASE_URL"),
		SecretKey: os.Getenv("FOIL_SECRET_KEY"), TimeoutMS: 10000, Prefetch: prefetch})
	check(err, "client")
	return cl
}

// (1) one page of 5 sessions, then an iterator across pages of 20.
func listAndIterate() {
	// Prefetch off: the fault injected below must meet page 4's own request, which a walk
	// that prefetches has already sent by then.
	off := false
	cl := newClientWith(&off)
	defer cl.Close()
	page, err := cl.ListSessions(5)
	check(err, "list")
	must(len(page) == 5, "list returned %d sessions, want 5", len(page))
	it, err := cl.Iterate("sessions.list", map[string]int{"limit": 20})
	check(err, "iter")
	defer it.Close()
	seen := map[string]bool{}
	n := 0
	for n < 45 && it.Next() {
		var s foil.Session
		check(it.Decode(&s), "decode")
		must(strings.HasPrefix(s.ID, "sid_"), "bad session id %q", s.ID)
		must(!seen[s.ID], "session %s returned twice", s.ID)
		seen[s.ID] = true
		if n < 5 {
			must(s.ID == page[n].ID, "iterator item %d is %s, list had %s", n, s.ID, page[n].ID)
		}
		n++
	}
	check(it.Err(), "iter next")
	must(n == 45, "iterator stopped after %d sessions", n)
	must(it.Pages() == 3, "45 sessions in pages of 20 took %d pages, want 3", it.Pages())

	// The next page fetch fails (a 503 injected in the emulator): the iterator keeps the
	// error (foil_iter_error), and calling Next again retries the same page.
	emulatorPost("/_emulator/faults", `{"method":"GET","path_prefix":"/v1/sessions","count":1,"kind":"status","status":503}`)
	for n < 60 && it.Next() {
		n++
	}
	must(n == 60, "page 3 ended after %d sessions, want 60", n)
	must(!it.Next(), "the faulted page 4 was fetched")
	var fe *foil.Error
	must(errors.As(it.Err(), &fe) && fe.Kind == "server" && fe.HTTPStatus == 503 && fe.Retryable,
		"iterator error: %v", it.Err())
	must(it.Next(), "retrying page 4: %v", it.Err())
	must(it.Pages() == 4, "pages %d after the retry, want 4", it.Pages())

	// Close racing goroutines walking one iterator: each Next hands out an item or ends
	// (invalid_argument once closed), and never runs under the free.
	for round := 0; round < 5; round++ {
		it, err := cl.Iterate("sessions.list", map[string]int{"limit": 10})
		check(err, "iter")
		const walkers = 4
		results := make(chan error, walkers)
		for w := 0; w < walkers; w++ {
			go func() {
				for it.Next() {
					var s foil.Session
					if err := it.Decode(&s); err != nil || !strings.HasPrefix(s.ID, "sid_") {
						results <- fmt.Errorf("item %q: %v", s.ID, err)
						return
					}
				}
				if err := it.Err(); err != nil && !isKind(err, "invalid_argument") {
					results <- fmt.Errorf("a walk racing Close: %v", err)
					return
				}
				results <- nil
			}()
		}
		time.Sleep(time.Duration(round*2) * time.Millisecond)
		it.Close()
		check(firstError(results, walkers), "walkers racing Close")
		must(!it.Next() && isKind(it.Err(), "invalid_argument"), "Next after Close: %v", it.Err())
		must(it.Pages() == 0, "pages after Close: %d", it.Pages())
		it.Close() // twice: a no-op
	}
}

// emulatorPost calls one of the emulator's own /_emulator routes (test tooling).
func emulatorPost(path, body string) {
	resp, err := http.Post(os.Getenv("FOIL_BASE_URL")+path, "application/json", strings.NewReader(body))
	check(err, path)
	resp.Body.Close()
	must(resp.StatusCode/100 == 2, "%s: HTTP %d", path, resp.StatusCode)
}

// (2) a 404 read as a typed error; then many goroutines failing differently at once,
// each of which must read its own error (goroutines move between OS threads).
func notFound() {
	_, err := foil.NewClient(foil.Options{BaseURL: "ftp://example.com"})
	var ce *foil.Error
	must(errors.As(err, &ce) && ce.Kind == "configuration" && len(ce.FieldErrors) == 1 &&
		ce.FieldErrors[0].Field == "base_url", "a bad base URL: %v", err)
	cl := newClient()
	defer cl.Close()
	_, err = cl.GetSession("sid_0123456789abcdefghjkmnpqrs")
	var fe *foil.Error
	must(errors.As(err, &fe), "want a *foil.Error, got %v", err)
	must(fe.Kind == "not_found" && fe.Status == 11, "kind %q status %d", fe.Kind, fe.Status)
	must(fe.HTTPStatus == 404, "HTTP status %d", fe.HTTPStatus)
	must(fe.Code == "request.not_found", "code %q", fe.Code)
	must(strings.HasPrefix(fe.RequestID, "req_"), "request id %q", fe.RequestID)
	must(!fe.Retryable, "a 404 is not retryable")

	const n = 64
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			var err error
			if i%2 == 0 {
				_, err = cl.GetSession("sid_0123456789abcdefghjkmnpqrs")
			} else {
				_, err = cl.ListSessions(1000) // limit is 1..200: a client-side validation error
			}
			var fe *foil.Error
			switch {
			case !errors.As(err, &fe):
				errs <- fmt.Errorf("goroutine %d: %v", i, err)
			case i%2 == 0 && (fe.Kind != "not_found" || fe.HTTPStatus != 404):
				errs <- fmt.Errorf("goroutine %d read another call's error: %v", i, fe)
			case i%2 == 1 && (fe.Kind != "invalid_argument" || fe.HTTPStatus != 0 ||
				len(fe.FieldErrors) != 1 || fe.FieldErrors[0].Field != "limit"):
				errs <- fmt.Errorf("goroutine %d read another call's error: %v %+v", i, fe, fe.FieldErrors)
			default:
				errs <- nil
			}
		}(i)
	}
	var first error
	for i := 0; i < n; i++ { // wait for every goroutine before the client is closed
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	check(first, "concurrent errors")

	// Close racing calls on another client: each call succeeds or is an *Error (after
	// the Close, invalid_argument), never a crash or a use after free.
	racing := newClient()
	done := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := racing.ListSessions(1)
			var fe *foil.Error
			if err != nil && (!errors.As(err, &fe) || fe.Kind != "invalid_argument") {
				done <- fmt.Errorf("a call racing Close: %v", err)
				return
			}
			done <- nil
		}()
	}
	racing.Close()
	for i := 0; i < n; i++ {
		if err := <-done; err != nil && first == nil {
			first = err
		}
	}
	_, err = racing.ListSessions(1)
	must(errors.As(err, &fe) && fe.Kind == "invalid_argument", "a call after Close: %v", err)
	check(first, "calls racing Close")
}

func approve(id string) {
	emulatorPost("/_emulator/gate/sessions/"+id+"/approve", "")
}

// (3) a whole Gate signup: create, approve (emulator), wait, outputs, ack.
func gateSignup() {
	cl := newClient()
	defer cl.Close()
	g, err := cl.CreateGateSession("acme", "ffi-go projet été ✓") // UTF-8 in, UTF-8 back
	check(err, "create")
	defer g.Close()
	_, err = cl.CreateGateSession("no-such-service", "ffi-go")
	var fe *foil.Error
	must(errors.As(err, &fe) && fe.Kind == "not_found" && fe.HTTPStatus == 404,
		"signup for an unknown service: %v", err)
	must(g.Status() == "pending", "status %q", g.Status())
	must(g.AccountName() == "ffi-go projet été ✓", "account name %q", g.AccountName())
	must(strings.HasPrefix(g.ID(), "gate_"), "id %q", g.ID())
	// The first poll meets a 503: the step absorbs it (still waiting) and the handle
	// keeps it for a progress line; after the approval the next steps finish the wait.
	emulatorPost("/_emulator/faults", `{"method":"GET","path_prefix":"/v1/gate/sessions/","count":1,"kind":"status","status":503}`)
	check(g.Start(10*time.Second, 20*time.Millisecond), "wait start")
	d, err := g.Step()
	check(err, "step")
	must(d > 0, "a step that met a 503 must ask to wait")
	r := g.Retrying()
	must(r != nil && r.Kind == "server" && r.HTTPStatus == 503, "retrying: %v", r)
	approve(g.ID())
	for d > 0 && err == nil {
		time.Sleep(d)
		d, err = g.Step()
	}
	check(err, "wait")
	must(g.Retrying() == nil, "a good poll clears the retry detail")
	var polled struct {
		AccountName string `json:"account_name"`
	}
	pd, err := g.PollData()
	check(err, "poll data")
	check(json.Unmarshal(pd, &polled), "poll data")
	must(polled.AccountName == "ffi-go projet été ✓", "account name from the API %q", polled.AccountName)
	_, err = cl.CreateGateSession("acme", "cut\x00here") // C.CString would cut it: refused
	must(errors.As(err, &fe) && fe.Kind == "invalid_argument", "a NUL in a name: %v", err)
	out, err := g.Outputs()
	check(err, "outputs")
	must(out["ACME_API_KEY"] == "ak_test_123", "ACME_API_KEY = %q", out["ACME_API_KEY"])
	must(out["ACME_NOTE"] == "naïve café ✓", "ACME_NOTE = %q (UTF-8 must survive)", out["ACME_NOTE"])
	must(len(out) == 2, "outputs %d, want 2 (PATH is refused by the env policy)", len(out))
	ref, err := g.Refused()
	check(err, "refused")
	must(len(ref) == 1 && ref["PATH"] == "blocked", "refused %v, want PATH blocked", ref)
	check(g.Ack(), "ack")
	must(g.Status() == "acknowledged", "status after ack %q", g.Status())
	err = g.Poll() // the handle refuses to poll an acknowledged signup...
	must(errors.As(err, &fe) && fe.Kind == "state", "poll after ack: %v", err)
	// ...and the API has let the delivery go: exactly once.
	_, err = cl.Call("gate.sessions.poll", map[string]string{"gate_session_id": g.ID(), "poll_token": g.PollToken()})
	must(errors.As(err, &fe) && fe.Kind == "gone" && fe.HTTPStatus == 410, "API poll after ack: %v", err)

	// A wait ended from Go (a context), not from a C callback.
	g2, err := cl.CreateGateSession("acme", "ffi-go-cancelled")
	check(err, "create")
	defer g2.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = g2.Wait(ctx, 10*time.Second, 20*time.Millisecond)
	must(errors.Is(err, context.DeadlineExceeded), "wait with a 100 ms context: %v", err)
	g2.Cancel() // and a cancel from any goroutine ends the next step
	err = g2.Wait(context.Background(), 10*time.Second, 20*time.Millisecond)
	must(errors.As(err, &fe) && fe.Kind == "cancelled", "wait after Cancel: %v", err)

	// Close from another goroutine ends a Wait at once: one asleep for a 20 s interval,
	// one whose poll the emulator holds for 5 s, then Waits closed at once or between
	// quick steps; readers race them all.
	closeDuringWait(cl, 20*time.Second, 300*time.Millisecond)
	emulatorPost("/_emulator/faults", `{"method":"GET","path_prefix":"/v1/gate/sessions/","count":1,"kind":"delay","delay_ms":5000}`)
	closeDuringWait(cl, 20*time.Millisecond, 300*time.Millisecond)
	for round := 0; round < 5; round++ {
		closeDuringWait(cl, 20*time.Millisecond, time.Duration(round*5)*time.Millisecond)
	}
}

// closeDuringWait closes a signup after a while from this goroutine while another one
// waits on it and two more read it: the Wait ends "cancelled" and Close returns without
// waiting for the wait's deadline or its poll (cancelled within ~0.1 s).
func closeDuringWait(cl *foil.Client, interval, after time.Duration) {
	g, err := cl.CreateGateSession("acme", "ffi-go-closed")
	check(err, "create")
	waited := make(chan error, 1)
	go func() { waited <- g.Wait(context.Background(), 30*time.Second, interval) }()
	stop := make(chan struct{})
	const readers = 2
	results := make(chan error, readers)
	for r := 0; r < readers; r++ {
		go func() {
			for {
				select {
				case <-stop:
					results <- nil
					return
				default:
				}
				if _, err := g.PollData(); err != nil {
					results <- fmt.Errorf("a reader racing Close: %v", err)
					return
				}
				_, _ = g.Status()+g.ID(), g.Retrying()
			}
		}()
	}
	time.Sleep(after)
	start := time.Now()
	g.Close()
	took := time.Since(start)
	select {
	case err := <-waited:
		must(isKind(err, "cancelled"), "a Wait racing Close: %v", err)
	case <-time.After(5 * time.Second):
		panic(fmt.Errorf("a Wait (interval %v) went on after Close", interval))
	}
	close(stop)
	check(firstError(results, readers), "readers racing Close")
	must(took < 2500*time.Millisecond, "Close took %v behind a Wait (interval %v)", took, interval)
	must(g.Status() == "" && isKind(g.Poll(), "invalid_argument"), "calls after Close")
	must(isKind(g.Wait(context.Background(), 0, 0), "cancelled"), "a Wait after Close")
	g.Cancel() // after Close: no-ops
	g.Close()
}

func specDir() string {
	if d := os.Getenv("FOIL_SPEC_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "shared", "foil-spec")
}

func readFixture(name string, v interface{}) {
	b, err := os.ReadFile(filepath.Join(specDir(), "fixtures", "sealed-token", name))
	check(err, name)
	check(json.Unmarshal(b, v), name)
}

func sameJSON(a, b []byte) bool {
	var x, y interface{}
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// (4) sealed tokens from the official fixtures, read in place.
func sealedToken() {
	if _, err := os.Stat(filepath.Join(specDir(), "fixtures", "sealed-token")); err != nil {
		panic(skipped("no foil-spec fixtures at " + specDir() + " (set FOIL_SPEC_DIR)"))
	}
	var v1 struct {
		SecretKey, SecretHash, Token string
		Payload                      json.RawMessage
	}
	readFixture("vector.v1.json", &v1)
	for _, secret := range []string{v1.SecretKey, v1.SecretHash} {
		payload, err := foil.VerifyToken(v1.Token, secret)
		check(err, "verify v1")
		must(sameJSON(payload, v1.Payload), "v1 payload differs from the fixture")
	}
	var v2 struct {
		SecretKeys []string
		Token      string
		Payload    json.RawMessage
	}
	readFixture("vector.v2.json", &v2)
	must(len(v2.SecretKeys) > 0, "v2 fixture without secretKeys")
	for _, secret := range v2.SecretKeys {
		payload, err := foil.VerifyToken(v2.Token, secret)
		check(err, "verify v2")
		must(sameJSON(payload, v2.Payload), "v2 payload differs from the fixture")
	}
	var bad struct{ Token, Reason string }
	readFixture("invalid.json", &bad)
	_, err := foil.VerifyToken(bad.Token, v1.SecretKey)
	var fe *foil.Error
	must(errors.As(err, &fe), "invalid token verified: %v", err)
	must(fe.Kind == "token_verification" && fe.Code == "token."+bad.Reason,
		"invalid token: kind %q code %q, want token.%s", fe.Kind, fe.Code, bad.Reason)
}

// send sends a prepared request with net/http and completes it: what cl.Call gives,
// without libfoil doing any I/O (foil/sansio.h).
func send(req *foil.Request) (json.RawMessage, error) {
	hreq, err := http.NewRequest(req.Method(), req.URL(), bytes.NewReader(req.Body()))
	if err != nil {
		return nil, err
	}
	for _, h := range req.Headers() {
		hreq.Header.Add(h[0], h[1])
	}
	hc := &http.Client{Timeout: time.Duration(req.TimeoutMS()) * time.Millisecond}
	resp, err := hc.Do(hreq)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, req.CompleteFailure(foil.FailureTimeout, err.Error())
		}
		return nil, req.CompleteFailure(foil.FailureConnection, err.Error())
	}
	defer resp.Body.Close()
	// One byte past the cap is enough for Complete to refuse it as Call does.
	body, err := io.ReadAll(io.LimitReader(resp.Body, req.MaxResponseBytes()+1))
	if err != nil {
		return nil, req.CompleteFailure(foil.FailureConnection, err.Error())
	}
	return req.Complete(resp.StatusCode, resp.Header, body)
}

// sansIOCall is cl.Call by prepare + net/http + complete.
func sansIOCall(cl *foil.Client, operation string, params interface{}) (json.RawMessage, error) {
	req, err := cl.Prepare(operation, params)
	if err != nil {
		return nil, err
	}
	defer req.Close() // wipes the Authorization header
	return send(req)
}

// withoutRequestID is a response body with meta.request_id blanked (two requests, two ids).
func withoutRequestID(body json.RawMessage) interface{} {
	var v map[string]interface{}
	check(json.Unmarshal(body, &v), "response body")
	meta, _ := v["meta"].(map[string]interface{})
	must(meta != nil && strings.HasPrefix(fmt.Sprint(meta["request_id"]), "req_"), "no request id in %s", body)
	delete(meta, "request_id")
	return v
}

// (5) sans-IO: prepare, send with net/http, complete: foil_call's results and errors.
func sansIO() {
	cl := newClient()
	defer cl.Close()
	sessions, err := cl.ListSessions(5)
	check(err, "list")
	for _, c := range []struct {
		op     string
		params interface{}
	}{
		{"sessions.get", map[string]string{"session_id": sessions[0].ID}},
		{"sessions.list", map[string]int{"limit": 5}},
	} {
		want, err := cl.Call(c.op, c.params)
		check(err, c.op)
		got, err := sansIOCall(cl, c.op, c.params)
		check(err, c.op+" without I/O")
		must(reflect.DeepEqual(withoutRequestID(got), withoutRequestID(want)), "%s: %s, want %s", c.op, got, want)
	}
	missing := map[string]string{"session_id": "sid_0123456789abcdefghjkmnpqrs"}
	for _, c := range []struct {
		op     string
		params interface{}
	}{
		{"sessions.get", missing},                        // a 404 from the API
		{"sessions.list", map[string]int{"limit": 1000}}, // refused by prepare: nothing sent
	} {
		_, want := cl.Call(c.op, c.params)
		_, got := sansIOCall(cl, c.op, c.params)
		var we, ge *foil.Error
		must(errors.As(want, &we) && errors.As(got, &ge), "%s: errors %v and %v", c.op, want, got)
		must(ge.Status == we.Status && ge.Kind == we.Kind && ge.HTTPStatus == we.HTTPStatus &&
			ge.Code == we.Code && ge.Message == we.Message && ge.Retryable == we.Retryable &&
			reflect.DeepEqual(ge.FieldErrors, we.FieldErrors), "%s: %v, want %v", c.op, ge, we)
		must(we.HTTPStatus == 0 || strings.HasPrefix(ge.RequestID, "req_"), "request id %q", ge.RequestID)
	}
	down, err := foil.NewClient(foil.Options{BaseURL: "http://127.0.0.1:9", SecretKey: "sk_test_x"})
	check(err, "client")
	defer down.Close()
	_, err = sansIOCall(down, "sessions.get", missing)
	var fe *foil.Error
	must(errors.As(err, &fe) && fe.Kind == "connection", "nothing listening: %v", err)

	// Close racing goroutines sending and completing one prepared request: each gets the
	// page or invalid_argument (closed), and no C call runs under the free.
	for round := 0; round < 5; round++ {
		req, err := cl.Prepare("sessions.list", map[string]int{"limit": 5})
		check(err, "prepare")
		const senders = 4
		results := make(chan error, senders)
		for i := 0; i < senders; i++ {
			go func() {
				for {
					body, err := send(req)
					switch {
					case isKind(err, "invalid_argument"):
						results <- nil
						return
					case err != nil || !bytes.Contains(body, []byte(`"sid_`)):
						results <- fmt.Errorf("a completion racing Close: %v %.80s", err, body)
						return
					}
				}
			}()
		}
		time.Sleep(time.Duration(round*3) * time.Millisecond)
		req.Close()
		check(firstError(results, senders), "completions racing Close")
		_, err = req.Complete(200, nil, []byte(`{"data":[]}`))
		must(isKind(err, "invalid_argument") && req.URL() == "" && len(req.Headers()) == 0,
			"a request after Close: %v", err)
		req.Close() // twice: a no-op
	}
}

func run(name string, f func()) (ok bool) {
	defer func() {
		r := recover()
		var s skipped
		switch {
		case r == nil:
			fmt.Printf("ok - %s\n", name)
			ok = true
		case errors.As(asError(r), &s):
			fmt.Printf("skip - %s: %s\n", name, s)
			ok = true
		default:
			fmt.Printf("not ok - %s: %v\n", name, r)
		}
	}()
	f()
	return
}

func asError(r interface{}) error {
	if e, ok := r.(error); ok {
		return e
	}
	return fmt.Errorf("%v", r)
}

func main() {
	if os.Getenv("FOIL_BASE_URL") == "" || os.Getenv("FOIL_SECRET_KEY") == "" {
		fmt.Fprintln(os.Stderr, "set FOIL_BASE_URL and FOIL_SECRET_KEY to a running emulator (see README.md)")
		os.Exit(2)
	}
	failed := 0
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"go: list 5 sessions and iterate across pages", listAndIterate},
		{"go: 404 as a typed error", notFound},
		{"go: Gate signup (create, approve, wait, outputs, ack)", gateSignup},
		{"go: sealed tokens from the official fixtures", sealedToken},
		{"go: sans-IO (foil_prepare, net/http, foil_complete) as foil_call", sansIO},
	} {
		if !run(c.name, c.f) {
			failed++
		}
	}
	if failed > 0 {
		os.Exit(1)
	}
}
