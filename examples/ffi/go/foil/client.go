package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"
)

// Client wraps foil_client_t. It may be shared by goroutines (the C client is
// thread-safe); Close it once, after every other use.
type Client struct {
	c *C.foil_client_t
}

// NewClient configures a client for baseURL with secretKey (either may be empty:
// then FOIL_BASE_URL / FOIL_SECRET_KEY from the environment apply).
func NewClient(baseURL, secretKey string) (*Client, error) {
	var c *C.foil_client_t
	if err := lockedCall(func() C.foil_status_t { return C.foil_client_new(&c) }); err != nil {
		return nil, err
	}
	cl := &Client{c: c}
	if baseURL != "" {
		s := cstr(baseURL)
		defer free(s)
		if err := lockedCall(func() C.foil_status_t { return C.foil_client_set_base_url(c, s) }); err != nil {
			cl.Close()
			return nil, err
		}
	}
	if secretKey != "" {
		s := cstr(secretKey)
		defer free(s)
		if err := lockedCall(func() C.foil_status_t { return C.foil_client_set_secret_key(c, s) }); err != nil {
			cl.Close()
			return nil, err
		}
	}
	return cl, nil
}

// Close releases the client (children such as iterators keep their own reference).
func (cl *Client) Close() {
	if cl.c != nil {
		C.foil_client_free(cl.c)
		cl.c = nil
	}
}

// jsonText serialises a borrowed JSON view into Go-owned bytes.
func jsonText(v *C.foil_json_t) ([]byte, error) {
	var out *C.char
	if err := lockedCall(func() C.foil_status_t { return C.foil_json_serialize(v, &out) }); err != nil {
		return nil, err
	}
	defer C.foil_string_free(out)
	return []byte(C.GoString(out)), nil
}

// Session is the part of a SessionSummary the examples read.
type Session struct {
	ID      string
	Verdict string
}

func sessionFrom(item *C.foil_json_t) Session {
	id := cstr("id")
	defer free(id)
	path := cstr("latest_decision.verdict")
	defer free(path)
	return Session{
		ID:      goString(C.foil_json_get_string(item, id)),
		Verdict: goString(C.foil_json_string(C.foil_json_path(item, path))),
	}
}

// ListSessions returns one page of at most limit sessions.
func (cl *Client) ListSessions(limit int) ([]Session, error) {
	var page *C.foil_page_t
	err := lockedCall(func() C.foil_status_t {
		return C.foil_sessions_list(cl.c, C.int(limit), nil, nil, nil, &page)
	})
	if err != nil {
		return nil, err
	}
	defer C.foil_page_free(page)
	n := int(C.foil_page_count(page))
	out := make([]Session, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, sessionFrom(C.foil_page_item(page, C.size_t(i))))
	}
	return out, nil
}

// GetSession fetches one SessionDetail as raw JSON.
func (cl *Client) GetSession(id string) (json.RawMessage, error) {
	cid := cstr(id)
	defer free(cid)
	var r *C.foil_result_t
	if err := lockedCall(func() C.foil_status_t { return C.foil_sessions_get(cl.c, cid, &r) }); err != nil {
		return nil, err
	}
	defer C.foil_result_free(r)
	return jsonText(C.foil_result_data(r))
}

// SessionIter walks every session, fetching pages of pageSize as needed.
type SessionIter struct {
	it  *C.foil_iter_t
	cur Session
	err error
}

func (cl *Client) IterSessions(pageSize int) (*SessionIter, error) {
	var it *C.foil_iter_t
	err := lockedCall(func() C.foil_status_t {
		return C.foil_sessions_iter(cl.c, C.int(pageSize), nil, nil, &it)
	})
	if err != nil {
		return nil, err
	}
	return &SessionIter{it: it}, nil
}

// Next advances; false at the end or on error (see Err).
func (s *SessionIter) Next() bool {
	var item *C.foil_json_t
	s.err = lockedCall(func() C.foil_status_t { return C.foil_iter_next(s.it, &item) })
	if s.err != nil || item == nil {
		return false
	}
	s.cur = sessionFrom(item)
	return true
}

func (s *SessionIter) Session() Session { return s.cur }
func (s *SessionIter) Err() error       { return s.err }
func (s *SessionIter) Pages() int       { return int(C.foil_iter_pages(s.it)) }
func (s *SessionIter) Close() {
	if s.it != nil {
		C.foil_iter_free(s.it)
		s.it = nil
	}
}
