/* foil_ruby_api.h: the functions of the Ruby runtime that Ruby code calls (wrapped by
 * swig/ruby.i as Foil::Native.rb_*). */
#ifndef FOIL_RUBY_API_H
#define FOIL_RUBY_API_H

#include "foil/foil.h"
#include "foil_emulator.h"

/* The next page of a walk (Native.call_iter, the SWIG-wrapped foil_call_iter) as an Array
 * of lazy Foil::Records, nil after the last page. GVL-free and interruptible; the core
 * requests the following page meanwhile. A failed fetch raises the iterator's own error
 * record (foil_iter_error). */
VALUE foil_rb_next_page(foil_iter_t *walk);

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

/* Calls under a Fiber scheduler (foil_ruby_fiber.c, driven by lib/foil/fiber_transport.rb):
 * a Foil::Native::FiberLoop is an event loop (loop.h) over the client's options that
 * carries one call at a time. None of these blocks.
 *   rb_loop_start / rb_loop_walk_start   start a call / a walk's first page (bad parameters
 *                                        raise here, as Native.call does)
 *   rb_loop_advance                      run what is ready; true once the call is done, else
 *                                        [fd, events, timeout]: wait until fd is ready for
 *                                        events (IO::READABLE | IO::WRITABLE; fd -1: none)
 *                                        or timeout seconds pass (nil: no timeout)
 *   rb_loop_result                       the done call's result, as Native.call gives it,
 *                                        or its Foil::Error raised
 *   rb_loop_walk_page                    the done page's items (Array of records), or the
 *                                        error raised; rb_loop_walk_continue starts the next
 *                                        page (false after the last)
 *   rb_loop_cancel                       end the call in flight (foil_loop_cancel); never
 *                                        raises, the loop is free again
 *   rb_loop_interrupt                    end the call in flight now, keeping its outcome
 *                                        (FOIL_E_CANCELLED) for whoever collects it
 * A Gate signup's steps (gate_session.h without I/O), each request sent as it is
 * (foil_loop_start_exchange), its answer fed back to the session once done:
 *   rb_loop_gate_create                  prepare the session and start its create
 *   rb_loop_gate_next                    the wait's next step: true when a poll was
 *                                        started, else the milliseconds to pause (0:
 *                                        approved); terminal states raise
 *   rb_loop_gate_poll                    start one poll (gate_session_prepare_poll): true,
 *                                        or false when none is due (delivered already)
 *   rb_loop_gate_ack                     start the acknowledgement
 *   rb_loop_gate_feed                    feed the done step's answer (or the transport's
 *                                        failure) to the session: as rb_gate_session_step
 *                                        (the pause, 0 after a create / an ack), or raise */
VALUE foil_rb_loop_new(foil_client_t *client);
VALUE foil_rb_loop_start(VALUE loop, const char *operation, const char *params_json);
VALUE foil_rb_loop_walk_start(VALUE loop, foil_client_t *client, const char *operation,
                              const char *params_json);
VALUE foil_rb_loop_advance(VALUE loop);
VALUE foil_rb_loop_result(VALUE loop);
VALUE foil_rb_loop_walk_page(VALUE loop);
VALUE foil_rb_loop_walk_continue(VALUE loop);
VALUE foil_rb_loop_cancel(VALUE loop);
VALUE foil_rb_loop_interrupt(VALUE loop);
foil_status_t foil_rb_loop_gate_create(VALUE loop, foil_client_t *client, const char *service_id,
                                       const char *account_name, const char *metadata_json,
                                       foil_gate_session_t **out);
VALUE foil_rb_loop_gate_next(VALUE loop, foil_gate_session_t *s);
VALUE foil_rb_loop_gate_poll(VALUE loop, foil_gate_session_t *s);
foil_status_t foil_rb_loop_gate_ack(VALUE loop, foil_gate_session_t *s);
VALUE foil_rb_loop_gate_feed(VALUE loop, foil_gate_session_t *s);

/* Parse JSON text into a lazy record (for tests and the webhook helpers). */
VALUE foil_rb_parse(VALUE text);
/* A deep real Hash from a lazy record (Record#to_h). */
VALUE foil_rb_deep(VALUE value);

#endif
