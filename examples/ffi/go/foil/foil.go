// Package foil is a small cgo wrapper over libfoil's C ABI (standard library only).
//
// Every C handle is owned by exactly one Go value and released by its Close method.
// Strings borrowed from a handle (const char *) are copied into Go strings before the
// handle can be freed. A failed call's error is read without runtime.LockOSThread and
// without foil_last_error(): either the call hands back an owned copy (error_out: see
// takeError) or the handle keeps it (foil_iter_error, foil_gate_session_error).
//
// Goroutines: every value may be shared, Close included. The C ABI forbids freeing a
// handle while another thread is inside a call on it, so each call holds its value's lock
// for the C call (never while Go sleeps), and Close takes it exclusively: it waits for
// the calls in flight, then frees. GateSession.Close first cancels, so a Wait in progress
// ends at once with a "cancelled" *Error. A call after Close gets a NULL handle: an
// invalid_argument *Error, or a zero value from an accessor. Close twice is a no-op.
package foil

/*
#cgo LDFLAGS: -lfoil
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"strings"
	"unsafe"
)

// Error is a failed libfoil call, decoded from the error record's JSON view
// (foil_error_json): the status kind ("not_found"), the HTTP status (0 when no response
// arrived), the API error code, the request id and the rest of the record.
type Error struct {
	Status      int          `json:"-"` // foil_status_t
	Kind        string       `json:"kind"`
	HTTPStatus  int          `json:"status"`
	Code        string       `json:"code"`
	Message     string       `json:"message"`
	RequestID   string       `json:"request_id"`
	Retryable   bool         `json:"retryable"`
	RetryAfter  *float64     `json:"retry_after"`
	DocsURL     string       `json:"docs_url"`
	NextAction  string       `json:"next_action"`
	FieldErrors []FieldError `json:"field_errors"`
}

// FieldError is one entry of field_errors (the official SDKs' shape).
type FieldError struct {
	Field    string      `json:"name"`
	Issue    string      `json:"issue"`
	Expected interface{} `json:"expected"`
	Received interface{} `json:"received"`
}

func (e *Error) Error() string {
	rid := e.RequestID
	if rid == "" {
		rid = "-"
	}
	return fmt.Sprintf("foil: %s (%s, HTTP %d, code %s, request %s)", e.Message, e.Kind,
		e.HTTPStatus, e.Code, rid)
}

func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// statusError is the error for a status alone (no record: out of memory, a bad argument
// caught before any record was made).
func statusError(st C.foil_status_t) *Error {
	return &Error{Status: int(st), Kind: goString(C.foil_status_kind(st)),
		Message: goString(C.foil_status_str(st))}
}

// errorFrom decodes an error record (an owned copy or a handle's error) into Go memory.
// It only reads e, so it is correct on whatever OS thread the goroutine runs now.
func errorFrom(st C.foil_status_t, e *C.foil_error_t) *Error {
	if e == nil {
		return statusError(st)
	}
	out := &Error{}
	text, err := jsonText(C.foil_error_json(e))
	if err != nil || json.Unmarshal(text, out) != nil {
		return statusError(st)
	}
	out.Status = int(C.foil_error_status(e))
	return out
}

// takeError decodes and frees an owned copy handed back through error_out.
func takeError(st C.foil_status_t, e *C.foil_error_t) error {
	if st == C.FOIL_OK {
		return nil
	}
	defer C.foil_error_free(e)
	return errorFrom(st, e)
}

// jsonText serialises a borrowed JSON view into Go-owned bytes. Only out of memory can
// fail here, so the status is all the error needs.
func jsonText(v *C.foil_json_t) ([]byte, error) {
	var out *C.char
	if st := C.foil_json_serialize(v, &out); st != C.FOIL_OK {
		return nil, statusError(st)
	}
	defer C.foil_string_free(out)
	return []byte(C.GoString(out)), nil
}

func cstr(s string) *C.char { return C.CString(s) }

// checkText refuses a string C cannot receive whole: C.CString would cut it at a NUL.
// (JSON text cannot hold one: json.Marshal writes \u0000, which foil_call refuses.)
func checkText(field string, values ...string) error {
	for _, v := range values {
		if strings.IndexByte(v, 0) >= 0 {
			return &Error{Status: int(C.FOIL_E_INVALID_ARGUMENT), Kind: "invalid_argument",
				Code: "client.invalid_argument", Message: field + " contains a NUL byte",
				FieldErrors: []FieldError{{Field: field, Issue: "must not contain NUL bytes"}}}
		}
	}
	return nil
}
func free(p *C.char) { C.free(unsafe.Pointer(p)) }

// operationArgs is what every call by SDK name passes to C: the operation and params
// marshalled to JSON, both as C strings the caller frees.
func operationArgs(operation string, params interface{}) (op, cp *C.char, err error) {
	p, err := json.Marshal(params)
	if err != nil {
		return nil, nil, err
	}
	if err := checkText("operation", operation); err != nil {
		return nil, nil, err
	}
	return cstr(operation), cstr(string(p)), nil
}
