package foil

/*
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"
	"sync"
	"unsafe"
)

// Request is an operation's HTTP request prepared by libfoil (foil/sansio.h), for a
// caller that sends it with its own HTTP client and hands the answer back to Complete:
// the result or the *Error is the one Call gives. Close wipes its secrets (the
// Authorization header) and frees it. Immutable, so goroutines read and complete it at
// once (holding the read side of mu); Close, the write side, waits for them, and a call
// after Close is "" / nil / an invalid_argument *Error.
type Request struct {
	mu sync.RWMutex
	r  *C.foil_http_request_t
}

// hold keeps q.r alive for one call; defer q.hold()().
func (q *Request) hold() (release func()) {
	q.mu.RLock()
	return q.mu.RUnlock
}

// Failures without an answer, for CompleteFailure.
const (
	FailureConnection = int(C.FOIL_E_CONNECTION)
	FailureTimeout    = int(C.FOIL_E_TIMEOUT)
	FailureCancelled  = int(C.FOIL_E_CANCELLED)
)

// Prepare builds the request for operation with params, making every check Call makes
// before sending (a bad parameter is the same *Error, and nothing is sent).
func (cl *Client) Prepare(operation string, params interface{}) (*Request, error) {
	op, cp, err := operationArgs(operation, params)
	if err != nil {
		return nil, err
	}
	defer free(op)
	defer free(cp)
	cl.mu.RLock()
	defer cl.mu.RUnlock()
	var r *C.foil_http_request_t
	var e *C.foil_error_t
	if err := takeError(C.foil_prepare(cl.c, op, cp, &r, &e), e); err != nil {
		return nil, err
	}
	return &Request{r: r}, nil
}

func (q *Request) Method() string {
	defer q.hold()()
	return goString(C.foil_http_request_method(q.r))
}
func (q *Request) URL() string {
	defer q.hold()()
	return goString(C.foil_http_request_url(q.r))
}

// Headers are every header to send, in order (Host, Content-Length and Accept-Encoding
// are the HTTP client's). The Authorization value is a secret: never log it.
func (q *Request) Headers() [][2]string {
	defer q.hold()()
	n := int(C.foil_http_request_header_count(q.r))
	h := make([][2]string, n)
	for i := range h {
		h[i] = [2]string{goString(C.foil_http_request_header_name(q.r, C.size_t(i))),
			goString(C.foil_http_request_header_value(q.r, C.size_t(i)))}
	}
	return h
}

// Body is the JSON body to send, nil when the request has none.
func (q *Request) Body() []byte {
	defer q.hold()()
	var n C.size_t
	p := C.foil_http_request_body(q.r, &n)
	if p == nil {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// TimeoutMS is the whole request's time limit; MaxResponseBytes the largest body
// accepted (read at most one byte more: Complete then fails as Call does).
func (q *Request) TimeoutMS() int64 {
	defer q.hold()()
	return int64(C.foil_http_request_timeout_ms(q.r))
}
func (q *Request) MaxResponseBytes() int64 {
	defer q.hold()()
	return int64(C.foil_http_request_max_response_bytes(q.r))
}

// Complete turns an answer (its status, its headers, its decoded body) into the whole
// response body as Call returns it (nil for 204), or Call's *Error for it.
func (q *Request) Complete(status int, headers map[string][]string, body []byte) (json.RawMessage, error) {
	var resp *C.foil_http_response_t
	if st := C.foil_http_response_new(C.int(status), &resp); st != C.FOIL_OK {
		return nil, statusError(st)
	}
	defer C.foil_http_response_free(resp) // wipes the body
	for name, values := range headers {
		for _, v := range values {
			if checkText("header", name, v) != nil {
				continue // no header of the ones that count holds a NUL
			}
			n, cv := cstr(name), cstr(v)
			st := C.foil_http_response_add_header(resp, n, cv)
			free(n)
			free(cv)
			if st != C.FOIL_OK {
				return nil, statusError(st)
			}
		}
	}
	if len(body) > 0 {
		// A Go []byte holds no Go pointer: cgo lets C read it during the call.
		st := C.foil_http_response_append_body(resp, unsafe.Pointer(&body[0]), C.size_t(len(body)))
		if st != C.FOIL_OK {
			return nil, statusError(st)
		}
	}
	var r *C.foil_result_t
	var e *C.foil_error_t
	release := q.hold()
	st := C.foil_complete(q.r, resp, &r, &e)
	release()
	if err := takeError(st, e); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, nil
	}
	defer C.foil_result_free(r)
	return jsonText(C.foil_result_json(r))
}

// CompleteFailure is the *Error Call gives when no answer came: failure is one of
// FailureConnection, FailureTimeout, FailureCancelled; detail says why.
func (q *Request) CompleteFailure(failure int, detail string) error {
	if checkText("detail", detail) != nil {
		detail = ""
	}
	d := cstr(detail)
	defer free(d)
	defer q.hold()()
	var e *C.foil_error_t
	st := C.foil_complete_failure(q.r, C.foil_status_t(failure), d, &e)
	return takeError(st, e)
}

// Close waits for the calls in flight, then wipes and frees the request. Closing twice
// is a no-op.
func (q *Request) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.r != nil {
		C.foil_http_request_free(q.r)
		q.r = nil
	}
}
