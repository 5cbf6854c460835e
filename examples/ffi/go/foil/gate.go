package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// GateSession wraps foil_gate_session_t: one Gate signup, safe from any goroutine.
// Close frees it (the outputs and the private key are wiped then); a Wait in progress
// then ends with a "cancelled" *Error.
type GateSession struct {
	live sync.RWMutex // read side: a call using s; write side: Close freeing it
	// turn makes calls take turns: a view a poll replaces (poll data, errors) is copied
	// before another goroutine's poll frees it. Cancel takes live only, never turn.
	turn sync.Mutex
	s    *C.foil_gate_session_t // nil once closed: a C call then fails invalid_argument
	wake chan struct{}          // Cancel and Close wake a Wait asleep between steps
}

// lock holds g's handle for one call; defer g.lock()().
func (g *GateSession) lock() (unlock func()) {
	g.live.RLock()
	g.turn.Lock()
	return func() {
		g.turn.Unlock()
		g.live.RUnlock()
	}
}

// CreateGateSession starts a signup for serviceID with a fresh X25519 key pair. A
// failure comes back from foil_gate_session_create_ex itself (error_out).
func (cl *Client) CreateGateSession(serviceID, accountName string) (*GateSession, error) {
	if err := checkText("service_id", serviceID); err != nil {
		return nil, err
	}
	if err := checkText("account_name", accountName); err != nil {
		return nil, err
	}
	cs, ca := cstr(serviceID), cstr(accountName)
	defer free(cs)
	defer free(ca)
	cl.mu.RLock()
	defer cl.mu.RUnlock()
	var s *C.foil_gate_session_t
	var e *C.foil_error_t
	if err := takeError(C.foil_gate_session_create_ex(cl.c, cs, ca, nil, &s, &e), e); err != nil {
		return nil, err
	}
	return &GateSession{s: s, wake: make(chan struct{}, 1)}, nil
}

// ID, Status, AccountName, ConsentURL and PollToken are "" once closed.
func (g *GateSession) ID() string {
	defer g.lock()()
	return goString(C.foil_gate_session_id(g.s))
}
func (g *GateSession) Status() string {
	defer g.lock()()
	return goString(C.foil_gate_session_status(g.s))
}
func (g *GateSession) AccountName() string {
	defer g.lock()()
	return goString(C.foil_gate_session_account_name(g.s))
}
func (g *GateSession) ConsentURL() string {
	defer g.lock()()
	return goString(C.foil_gate_session_consent_url(g.s))
}

// PollData is the latest poll's data as the API sent it (GateSessionPollData); nil
// before the first poll.
func (g *GateSession) PollData() (json.RawMessage, error) {
	defer g.lock()()
	v := C.foil_gate_session_poll_data(g.s)
	if v == nil {
		return nil, nil
	}
	return jsonText(v)
}

// PollToken is a credential: never log it.
func (g *GateSession) PollToken() string {
	defer g.lock()()
	return goString(C.foil_gate_session_poll_token(g.s))
}

// err reads the handle's own error record (foil_gate_session_error): whichever OS
// thread this goroutine now runs on, it is the failure of the last call on g (the
// caller holds g.lock, so no other goroutine's call came between).
func (g *GateSession) err(st C.foil_status_t) error {
	if st == C.FOIL_OK {
		return nil
	}
	return errorFrom(st, C.foil_gate_session_error(g.s))
}

// Start begins a wait: timeout <= 0 means until the session expires, interval <= 0
// means 1 s between polls. Step starts one with the defaults when none is running.
func (g *GateSession) Start(timeout, interval time.Duration) error {
	defer g.lock()()
	return g.start(timeout, interval)
}

func (g *GateSession) start(timeout, interval time.Duration) error {
	return g.err(C.foil_gate_session_wait_start(g.s, C.long(timeout/time.Millisecond),
		C.long(interval/time.Millisecond)))
}

// Step polls once if a poll is due. (0, nil): approved, the outputs are ready.
// (d > 0, nil): still pending -- sleep d (in Go, however suits) and step again.
// Otherwise a terminal error: rejected, expired, timeout, cancelled, gone, ...
func (g *GateSession) Step() (time.Duration, error) {
	defer g.lock()()
	return g.step()
}

func (g *GateSession) step() (time.Duration, error) {
	var waitMS C.long
	if err := g.err(C.foil_gate_session_step(g.s, &waitMS)); err != nil {
		return 0, err
	}
	return time.Duration(waitMS) * time.Millisecond, nil
}

// Retrying is the transient failure (network, 429, 5xx, ...) the latest step absorbed,
// nil when its poll worked: what a progress line shows as "retrying: ...". It is kept
// on the handle (foil_gate_session_transient_error), so it is right on any OS thread.
func (g *GateSession) Retrying() *Error {
	defer g.lock()()
	e := C.foil_gate_session_transient_error(g.s)
	if e == nil {
		return nil
	}
	return errorFrom(C.foil_error_status(e), e)
}

// Wait steps until the signup is approved (nil), or a terminal error: rejected,
// expired, timeout (the deadline), gone, or ctx's error when ctx ends first. Each
// foil_gate_session_step polls at most once and says how long to sleep; the sleeping
// happens here, in Go, holding no lock. No callback crosses from C into Go. Cancel
// wakes the sleep; after Close (from any goroutine) the wait is "cancelled".
func (g *GateSession) Wait(ctx context.Context, timeout, interval time.Duration) error {
	if err := g.waitCall(func() error { return g.start(timeout, interval) }); err != nil {
		return err
	}
	for {
		var d time.Duration
		err := g.waitCall(func() (err error) { d, err = g.step(); return err })
		if err != nil || d == 0 {
			return err // nil: approved, the outputs are ready
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-g.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// waitCall runs one call of Wait: "cancelled" once Close has freed the session.
func (g *GateSession) waitCall(f func() error) error {
	defer g.lock()()
	if g.s == nil {
		return statusError(C.FOIL_E_CANCELLED)
	}
	return f()
}

// Poll polls once.
func (g *GateSession) Poll() error {
	defer g.lock()()
	return g.err(C.foil_gate_session_poll(g.s))
}

// Outputs copies the approved outputs (secrets: handle them with care) from the
// foil_gate_session_outputs JSON view; nil before approval.
func (g *GateSession) Outputs() (map[string]string, error) {
	defer g.lock()()
	v := C.foil_gate_session_outputs(g.s)
	if v == nil {
		return nil, nil
	}
	text, err := jsonText(v)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	err = json.Unmarshal(text, &out)
	return out, err
}

// Refused maps each key the env-var policy refused to its reason
// (foil_gate_session_refused: {"KEY": "reason"}).
func (g *GateSession) Refused() (map[string]string, error) {
	defer g.lock()()
	v := C.foil_gate_session_refused(g.s)
	if v == nil {
		return nil, nil
	}
	text, err := jsonText(v)
	if err != nil {
		return nil, err
	}
	var out map[string]string
	err = json.Unmarshal(text, &out)
	return out, err
}

// Ack acknowledges the delivery: call it only after the outputs are stored.
func (g *GateSession) Ack() error {
	defer g.lock()()
	return g.err(C.foil_gate_session_ack(g.s))
}

// Cancel makes a step in progress, or the next one, return "cancelled", and wakes a
// Wait asleep between steps. It does not wait for a call in progress (only for a Close
// already freeing the session): foil_gate_session_cancel is atomic, safe from any thread.
func (g *GateSession) Cancel() {
	g.live.RLock()
	C.foil_gate_session_cancel(g.s) // NULL once closed: a no-op
	g.live.RUnlock()
	select {
	case g.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Close cancels a Wait in progress, then frees the session once every call on it has
// returned (a poll in flight ends within ~0.1 s). Closing twice is a no-op.
func (g *GateSession) Close() {
	g.Cancel()
	g.live.Lock()
	defer g.live.Unlock()
	if g.s != nil {
		C.foil_gate_session_free(g.s)
		g.s = nil
	}
}
