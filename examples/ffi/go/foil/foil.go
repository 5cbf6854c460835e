// Package foil is a small cgo wrapper over libfoil's C ABI (standard library only).
//
// Every C handle is owned by exactly one Go value and released by its Close method.
// Strings borrowed from a handle (const char *) are copied into Go strings before the
// handle can be freed. A failed call's error is read without runtime.LockOSThread:
// see callErr.
package foil

/*
#cgo LDFLAGS: -lfoil
#include <foil/foil.h>
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Error is a failed libfoil call: the status kind ("not_found"), the HTTP status
// (0 when no response arrived), the API error code and the request id.
type Error struct {
	Status     int
	Kind       string
	HTTPStatus int
	Code       string
	Message    string
	RequestID  string
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

// errorFrom copies an error record into Go memory.
func errorFrom(st C.foil_status_t, e *C.foil_error_t) *Error {
	if e == nil {
		return &Error{Status: int(st), Kind: goString(C.foil_status_kind(st)),
			Message: goString(C.foil_status_str(st))}
	}
	return &Error{
		Status:     int(C.foil_error_status(e)),
		Kind:       goString(C.foil_status_kind(C.foil_error_status(e))),
		HTTPStatus: int(C.foil_error_http_status(e)),
		Code:       goString(C.foil_error_code(e)),
		Message:    goString(C.foil_error_message(e)),
		RequestID:  goString(C.foil_error_request_id(e)),
	}
}

// lockedCall runs a typed-API call and reads the thread-local foil_last_error() on the
// same OS thread. Only for calls that have no thread-independent error path yet.
func lockedCall(f func() C.foil_status_t) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	st := f()
	if st == C.FOIL_OK {
		return nil
	}
	return errorFrom(st, C.foil_last_error())
}

func cstr(s string) *C.char { return C.CString(s) }
func free(p *C.char)        { C.free(unsafe.Pointer(p)) }
