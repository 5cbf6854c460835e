package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"time"
)

// GateSession wraps foil_gate_session_t: one Gate signup. Use it from one goroutine
// at a time; Close frees it (the outputs and the private key are wiped then).
type GateSession struct {
	s *C.foil_gate_session_t
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
	return &GateSession{s: s}, nil
}

func (g *GateSession) ID() string     { return goString(C.foil_gate_session_id(g.s)) }
func (g *GateSession) Status() string { return goString(C.foil_gate_session_status(g.s)) }
func (g *GateSession) AccountName() string {
	return goString(C.foil_gate_session_account_name(g.s))
}
func (g *GateSession) ConsentURL() string { return goString(C.foil_gate_session_consent_url(g.s)) }

// PollData is the latest poll's data as the API sent it (GateSessionPollData); nil
// before the first poll.
func (g *GateSession) PollData() (json.RawMessage, error) {
	v := C.foil_gate_session_poll_data(g.s)
	if v == nil {
		return nil, nil
	}
	return jsonText(v)
}

// PollToken is a credential: never log it.
func (g *GateSession) PollToken() string { return goString(C.foil_gate_session_poll_token(g.s)) }

// err reads the handle's own error record (foil_gate_session_error): whichever OS
// thread this goroutine now runs on, it is the failure of the last call on g.
func (g *GateSession) err(st C.foil_status_t) error {
	if st == C.FOIL_OK {
		return nil
	}
	return errorFrom(st, C.foil_gate_session_error(g.s))
}

// Start begins a wait: timeout <= 0 means until the session expires, interval <= 0
// means 1 s between polls. Step starts one with the defaults when none is running.
func (g *GateSession) Start(timeout, interval time.Duration) error {
	return g.err(C.foil_gate_session_wait_start(g.s, C.long(timeout/time.Millisecond),
		C.long(interval/time.Millisecond)))
}

// Step polls once if a poll is due. (0, nil): approved, the outputs are ready.
// (d > 0, nil): still pending -- sleep d (in Go, however suits) and step again.
// Otherwise a terminal error: rejected, expired, timeout, cancelled, gone, ...
func (g *GateSession) Step() (time.Duration, error) {
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
	e := C.foil_gate_session_transient_error(g.s)
	if e == nil {
		return nil
	}
	return errorFrom(C.foil_error_status(e), e)
}

// Wait steps until the signup is approved (nil), or a terminal error: rejected,
// expired, timeout (the deadline), gone, or ctx's error when ctx ends first. Each
// foil_gate_session_step polls at most once and says how long to sleep; the sleeping
// happens here, in Go. No callback crosses from C into Go.
func (g *GateSession) Wait(ctx context.Context, timeout, interval time.Duration) error {
	if err := g.Start(timeout, interval); err != nil {
		return err
	}
	for {
		d, err := g.Step()
		if err != nil || d == 0 {
			return err // nil: approved, the outputs are ready
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Poll polls once.
func (g *GateSession) Poll() error {
	return g.err(C.foil_gate_session_poll(g.s))
}

// Outputs copies the approved outputs (secrets: handle them with care) from the
// foil_gate_session_outputs JSON view; nil before approval.
func (g *GateSession) Outputs() (map[string]string, error) {
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
	return g.err(C.foil_gate_session_ack(g.s))
}

// Cancel makes a step in progress, or the next one, return "cancelled"; safe from any
// goroutine.
func (g *GateSession) Cancel() { C.foil_gate_session_cancel(g.s) }

func (g *GateSession) Close() {
	if g.s != nil {
		C.foil_gate_session_free(g.s)
		g.s = nil
	}
}
