/* python_loop.i: foil/loop.h for asyncio (foil.AsyncFoil's transport, foil/_aio.py), beside
 * loop.i's spelling of each loop call.
 *
 * One event costs one C call: py_loop_turn reports a readiness (or none), then hands back
 * everything the host must act on -- the fds to (un)watch, the timer, the finished calls
 * with their result handles or exception instances -- instead of a Python call per item.
 * Nothing here waits: a loop call runs transfers only as far as they go without blocking,
 * so every function keeps the GIL (%nothread), as the event loop's thread holds it anyway.
 * A loop is driven by one thread: foil._aio keeps each on its own event loop.
 */

/* The loop's own calls are spelled by loop.i (shared by every language). */
%nothread foil_loop::~foil_loop;
%nothread foil_py_loop_turn;

/* A turn that reports no readiness (after a start or a cancel): only collects. */
%constant int FOIL_PY_LOOP_NOTHING = -2;

%{
#include "foil/loop.h"
%}

%inline %{
/* Report fd ready for events (FOIL_LOOP_TIMER: the timer fired; FOIL_PY_LOOP_NOTHING:
 * nothing happened), then (changes, timeout_ms, done): changes a list of (fd, events) to
 * watch (events 0: stop), timeout_ms as foil_loop_timeout_ms, done a list of
 * (call_id, value, exception, status, message): value the result handle (None for a 204 or
 * a failure) or an exchange's response handle; exception the instance foil._errors builds
 * from the call's error record (None on success), status and message that record's (the
 * status and detail a Gate session's feed_failure takes). */
PyObject *foil_py_loop_turn(PyObject *loop_obj, int fd, int events) {
    void *ptr = NULL;
    if (!SWIG_IsOK(SWIG_ConvertPtr(loop_obj, &ptr, SWIGTYPE_p_foil_loop, 0)) || !ptr) {
        PyErr_SetString(PyExc_TypeError, "py_loop_turn: expected a foil_loop");
        return NULL;
    }
    foil_loop_t *loop = (foil_loop_t *)ptr;
    if (fd != -2) {
        foil_status_t st = foil_loop_ready(loop, fd, events);
        if (st != FOIL_OK) {
            foil_py_raise(st);
            return NULL;
        }
    }
    PyObject *changes = PyList_New(0), *done = PyList_New(0);
    int cfd = 0, cevents = 0;
    while (changes && foil_loop_next_change(loop, &cfd, &cevents)) {
        PyObject *pair = Py_BuildValue("(ii)", cfd, cevents);
        if (!pair || PyList_Append(changes, pair) != 0) Py_CLEAR(changes);
        Py_XDECREF(pair);
    }
    uint64_t id = 0;
    foil_status_t status = FOIL_OK;
    foil_result_t *result = NULL;
    foil_http_response_t *response = NULL;
    foil_error_t *error = NULL;
    /* Every finished call is collected, even after a failure to convert one: an outcome
     * left in the loop would be reported to nobody. */
    while (foil_loop_next_done_response(loop, &id, &status, &result, &response, &error)) {
        PyObject *value = NULL, *exc = NULL;
        if (status != FOIL_OK) {
            value = Py_NewRef(Py_None);
            exc = foil_py_exception(status, error);
        } else {
            exc = Py_NewRef(Py_None);
            if (response) {
                value = foil_py_handle_new(response, SWIGTYPE_p_foil_http_response);
                if (!value) foil_http_response_free(response);
            } else {
                value = result ? foil_py_handle_new(result, SWIGTYPE_p_foil_result) : Py_NewRef(Py_None);
                if (!value) foil_result_free(result);
            }
        }
        PyObject *entry = value && exc ? Py_BuildValue("(KOOiN)", (unsigned long long)id, value, exc, (int)status,
                                                       foil_py_text(error ? foil_error_message(error) : NULL))
                                       : NULL;
        foil_error_free(error);
        result = NULL;
        response = NULL;
        error = NULL;
        if (!entry || !done || PyList_Append(done, entry) != 0) Py_CLEAR(done);
        Py_XDECREF(entry);
        Py_XDECREF(value);
        Py_XDECREF(exc);
    }
    if (!changes || !done) {
        Py_XDECREF(changes);
        Py_XDECREF(done);
        return NULL;
    }
    return Py_BuildValue("(NlN)", changes, foil_loop_timeout_ms(loop), done);
}
%}
