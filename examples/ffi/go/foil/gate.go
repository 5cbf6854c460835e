package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import "time"

// GateSession wraps foil_gate_session_t: one Gate signup. Use it from one goroutine
// at a time; Close frees it (outputs are wiped then).
type GateSession struct {
	s *C.foil_gate_session_t
}

// CreateGateSession starts a signup for serviceID with a fresh X25519 key pair.
func (cl *Client) CreateGateSession(serviceID, accountName string) (*GateSession, error) {
	cs, ca := cstr(serviceID), cstr(accountName)
	defer free(cs)
	defer free(ca)
	var s *C.foil_gate_session_t
	if err := lockedCall(func() C.foil_status_t { return C.foil_gate_session_create(cl.c, cs, ca, nil, &s) }); err != nil {
		return nil, err
	}
	return &GateSession{s: s}, nil
}

func (g *GateSession) ID() string         { return goString(C.foil_gate_session_id(g.s)) }
func (g *GateSession) Status() string     { return goString(C.foil_gate_session_status(g.s)) }
func (g *GateSession) ConsentURL() string { return goString(C.foil_gate_session_consent_url(g.s)) }

// Wait polls until the signup is approved (nil), or fails with a terminal error
// (rejected, expired, timeout, ...). No callback crosses from C into Go.
func (g *GateSession) Wait(timeout, interval time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := lockedCall(func() C.foil_status_t { return C.foil_gate_session_poll(g.s) })
		if err != nil {
			return err
		}
		if g.Status() == "approved" {
			return nil
		}
		if time.Now().After(deadline) {
			return &Error{Status: int(C.FOIL_E_TIMEOUT), Kind: "timeout", Message: "signup not approved in time"}
		}
		time.Sleep(interval)
	}
}

// Poll polls once.
func (g *GateSession) Poll() error {
	return lockedCall(func() C.foil_status_t { return C.foil_gate_session_poll(g.s) })
}

// Outputs copies the approved outputs (secrets: handle them with care).
func (g *GateSession) Outputs() map[string]string {
	n := int(C.foil_gate_session_output_count(g.s))
	out := make(map[string]string, n)
	for i := 0; i < n; i++ {
		out[goString(C.foil_gate_session_output_key(g.s, C.size_t(i)))] =
			goString(C.foil_gate_session_output_value(g.s, C.size_t(i)))
	}
	return out
}

// Refused maps each output key the env-var policy refused to the reason.
func (g *GateSession) Refused() map[string]string {
	n := int(C.foil_gate_session_refused_count(g.s))
	out := make(map[string]string, n)
	for i := 0; i < n; i++ {
		out[goString(C.foil_gate_session_refused_key(g.s, C.size_t(i)))] =
			goString(C.foil_gate_session_refused_reason(g.s, C.size_t(i)))
	}
	return out
}

// Ack acknowledges the delivery: call it only after the outputs are stored.
func (g *GateSession) Ack() error {
	return lockedCall(func() C.foil_status_t { return C.foil_gate_session_ack(g.s) })
}

func (g *GateSession) Close() {
	if g.s != nil {
		C.foil_gate_session_free(g.s)
		g.s = nil
	}
}
