package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"
	"sync"
)

// Client wraps foil_client_t. It may be shared by goroutines (the C client is
// thread-safe), Close included: calls hold the read side of mu and Close the write side,
// so the C free never runs under a call in flight (the C ABI forbids that), and a call
// after Close is an *Error (invalid_argument: the C call gets a NULL client).
type Client struct {
	mu sync.RWMutex
	c  *C.foil_client_t
}

// Options are client settings, sent to foil_client_configure as one JSON object.
// Zero values are left out.
type Options struct {
	BaseURL    string `json:"base_url,omitempty"`
	SecretKey  string `json:"secret_key,omitempty"`
	TimeoutMS  int64  `json:"timeout_ms,omitempty"`
	MaxRetries int    `json:"max_retries,omitempty"`
	UserAgent  string `json:"user_agent,omitempty"`
	Prefetch   *bool  `json:"prefetch,omitempty"` // nil: the default (on)
}

// NewClient creates a client and configures it. An empty BaseURL / SecretKey leaves
// FOIL_BASE_URL / FOIL_SECRET_KEY from the environment in charge. A bad option is an
// *Error naming it (FieldErrors), handed back by foil_client_configure itself.
func NewClient(opts Options) (*Client, error) {
	var c *C.foil_client_t
	if st := C.foil_client_new(&c); st != C.FOIL_OK {
		return nil, statusError(st) // out of memory, or libcurl / libsodium failed to start
	}
	cl := &Client{c: c}
	text, err := json.Marshal(opts)
	if err != nil {
		cl.Close()
		return nil, err
	}
	ct := cstr(string(text))
	defer free(ct)
	var e *C.foil_error_t
	if err := takeError(C.foil_client_configure(c, ct, &e), e); err != nil {
		cl.Close()
		return nil, err
	}
	return cl, nil
}

// Close releases the client (children such as iterators keep their own reference).
func (cl *Client) Close() {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.c != nil {
		C.foil_client_free(cl.c)
		cl.c = nil
	}
}

// Call runs one API operation by its SDK name ("sessions.get") with params marshalled
// to a JSON object, and returns the whole response body ({"data": ..., "meta": ...}).
// A failure is an *Error read from the copy foil_call hands back (error_out): no
// thread-local state is involved, so no runtime.LockOSThread.
func (cl *Client) Call(operation string, params interface{}) (json.RawMessage, error) {
	op, cp, err := operationArgs(operation, params)
	if err != nil {
		return nil, err
	}
	defer free(op)
	defer free(cp)
	cl.mu.RLock()
	defer cl.mu.RUnlock()
	var r *C.foil_result_t
	var e *C.foil_error_t
	if err := takeError(C.foil_call(cl.c, op, cp, &r, &e), e); err != nil {
		return nil, err
	}
	if r == nil { // an operation without content (204)
		return nil, nil
	}
	defer C.foil_result_free(r)
	return jsonText(C.foil_result_json(r))
}

// Session is the part of a SessionSummary the examples read.
type Session struct {
	ID             string `json:"id"`
	LatestDecision struct {
		Verdict string `json:"verdict"`
	} `json:"latest_decision"`
}

// ListSessions returns one page of at most limit sessions.
func (cl *Client) ListSessions(limit int) ([]Session, error) {
	body, err := cl.Call("sessions.list", map[string]interface{}{"limit": limit})
	if err != nil {
		return nil, err
	}
	var page struct {
		Data []Session `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, err
	}
	return page.Data, nil
}

// GetSession fetches one SessionDetail (the response's data) as raw JSON.
func (cl *Client) GetSession(id string) (json.RawMessage, error) {
	body, err := cl.Call("sessions.get", map[string]string{"session_id": id})
	if err != nil {
		return nil, err
	}
	var r struct {
		Data json.RawMessage `json:"data"`
	}
	err = json.Unmarshal(body, &r)
	return r.Data, err
}

// Iter walks every item of a paginated list, fetching pages as needed. Safe from any
// goroutine: calls take turns (Next copies the item foil_iter_next lends until the next
// Next), and Close waits for the one in flight (foil_iter_free must not race any call).
// Item and Err belong to the walk, not to a goroutine: another goroutine's Next moves them.
type Iter struct {
	mu   sync.Mutex
	it   *C.foil_iter_t // nil once closed: Next is then false with an invalid_argument Err
	item json.RawMessage
	err  error
}

// Iterate starts an iterator over a list operation ("sessions.list"); params as for
// Call without "cursor" ("limit" is the page size).
func (cl *Client) Iterate(operation string, params interface{}) (*Iter, error) {
	op, cp, err := operationArgs(operation, params)
	if err != nil {
		return nil, err
	}
	defer free(op)
	defer free(cp)
	cl.mu.RLock()
	defer cl.mu.RUnlock()
	var it *C.foil_iter_t
	var e *C.foil_error_t
	if err := takeError(C.foil_call_iter(cl.c, op, cp, &it, &e), e); err != nil {
		return nil, err
	}
	return &Iter{it: it}, nil
}

// Next advances; false at the end or on error (see Err). A failed page fetch is read
// from the iterator itself (foil_iter_error), whichever OS thread this goroutine is on
// now; calling Next again retries the same page.
func (s *Iter) Next() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var item *C.foil_json_t
	if st := C.foil_iter_next(s.it, &item); st != C.FOIL_OK {
		s.err = errorFrom(st, C.foil_iter_error(s.it))
		return false
	}
	s.err = nil
	if item == nil {
		return false
	}
	s.item, s.err = jsonText(item)
	return s.err == nil
}

// Item is the current item's JSON (copied; valid after Next moves on).
func (s *Iter) Item() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.item
}

// Decode unmarshals the current item.
func (s *Iter) Decode(v interface{}) error { return json.Unmarshal(s.Item(), v) }

func (s *Iter) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Pages is how many pages were fetched (0 once closed).
func (s *Iter) Pages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(C.foil_iter_pages(s.it))
}

// Close frees the iterator once a Next in flight has returned. Closing twice is a no-op.
func (s *Iter) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.it != nil {
		C.foil_iter_free(s.it)
		s.it = nil
	}
}
