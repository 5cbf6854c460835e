/* foil_ruby_api.h: the functions of the Ruby runtime that Ruby code calls (wrapped by
 * swig/ruby.i as Foil::Native.rb_*). */
#ifndef FOIL_RUBY_API_H
#define FOIL_RUBY_API_H

#include "foil/foil.h"
#include "foil_emulator.h"

/* One API operation by its SDK name ("sessions.list") with its parameters as one JSON
 * object; the whole response body as a lazy Foil::Record. The GVL is released during the
 * request; an interrupt (Thread#kill, Timeout, Ctrl-C) cancels it. Raises Foil::Error. */
VALUE foil_rb_call(foil_client_t *client, const char *operation, const char *params_json);
/* A walk of a paginated list operation (foil_call_iter; params_json without "cursor"), and
 * its next page's items (an Array of lazy Foil::Records), nil after the last page. Each
 * step is GVL-free and interruptible; the core requests the following page meanwhile. */
VALUE foil_rb_pages(foil_client_t *client, const char *operation, const char *params_json);
VALUE foil_rb_next_page(VALUE pages);
/* The core's operation table: [[sdk_name, method, params_json, paginated], ...]. */
VALUE foil_rb_operations(void);

/* Gate signup steps, GVL released, interruptible (the unblocking function cancels). */
foil_status_t foil_rb_gate_session_create(foil_client_t *client, const char *service_id,
                                          const char *account_name, const char *metadata_json,
                                          foil_gate_session_t **out);
/* One poll (decrypts the delivery once approved); the status is then gate_session_status. */
foil_status_t foil_rb_gate_session_poll(foil_client_t *client, foil_gate_session_t *s);
/* One step of a wait (foil_gate_session_step; start it with gate_session_wait_start): the
 * milliseconds to sleep before the next step, 0 once approved. Terminal states raise
 * (Foil::RejectedError, ExpiredError, TimeoutError, CancelledError, GoneError, ...). */
VALUE foil_rb_gate_session_step(foil_client_t *client, foil_gate_session_t *s);
foil_status_t foil_rb_gate_session_ack(foil_client_t *client, foil_gate_session_t *s);
/* foil_webhook_signature_verify over Strings. A body of FOIL_RB_NOGVL_MIN_BYTES or more is
 * checked with the GVL released (other threads run meanwhile; the call is bounded, so it is
 * not interruptible); a shorter one with the GVL held: handing the GVL over and taking it
 * back would cost more than the check. Raises Foil::SignatureError on a mismatch. */
foil_status_t foil_rb_webhook_signature_verify(VALUE secret, VALUE timestamp, VALUE body,
                                               VALUE signature, int64_t tolerance_seconds,
                                               int64_t now);
/* Approve a pending signup on the embedded emulator with the GVL released: for a service
 * with a webhook_url the emulator calls that webhook, which may be served by Ruby code in
 * this very process. */
foil_status_t foil_rb_emulator_approve(foil_emulator_t *emu, const char *gate_session_id);

/* The outputs / refused keys of an approved session as Hashes (String keys). */
VALUE foil_rb_gate_session_outputs(const foil_gate_session_t *s);
VALUE foil_rb_gate_session_refused(const foil_gate_session_t *s);

/* The core's status table: [[value, "FOIL_E_NOT_FOUND", "not_found", parent kind or nil,
 * text], ...]. */
VALUE foil_rb_status_rows(void);
/* Parse JSON text into a lazy record (for tests and the webhook helpers). */
VALUE foil_rb_parse(VALUE text);
/* A deep real Hash from a lazy record (Record#to_h). */
VALUE foil_rb_deep(VALUE value);

#endif
