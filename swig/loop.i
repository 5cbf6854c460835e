/* loop.i: foil/loop.h in every language (included by foil.i after sansio.h).
 *
 *   loop = loop_new(client)                       a handle, freed when collected
 *   call_id = loop_start(loop, operation, params_json)     raises as foil_call does
 *   call_id = loop_start_request(loop, request)   the request is borrowed: keep it
 *   loop_next_change(loop) -> (fd, events) or None / nil   (Lua: fd, events or nil)
 *   loop_timeout_ms(loop) -> int (-1: no timer)
 *   loop_ready(loop, fd, events)                  fd FOIL_LOOP_TIMER when the timer fired
 *   loop_next_done(loop) -> (call_id, status, result, error) or None / nil
 *       result: a `result` handle (None for a 204 or a failure), error: an `error` handle
 *       (None on success), both owned by the caller's object
 *   loop_cancel(loop, call_id), loop_pending(loop)
 * Call ids are integers (uint64, from 1). Every call here returns at once (nothing waits on
 * the network), so Python keeps the GIL across them. */

FOIL_HANDLE(foil_loop, foil_loop_free)

%apply foil_status_t FOIL_STATUS_FROM_ERROR_OUT {
    foil_status_t foil_loop_start, foil_status_t foil_loop_start_request
};

%typemap(in, numinputs=0) uint64_t *call_id (uint64_t temp = 0) "$1 = &temp;";
%typemap(in, numinputs=0) (int *fd, int *events) (int fd_temp = 0, int events_temp = 0)
    "$1 = &fd_temp; $2 = &events_temp;";
%typemap(in, numinputs=0) (uint64_t *call_id, foil_status_t *status, foil_result_t **result,
                           foil_error_t **error)
    (uint64_t id_temp = 0, foil_status_t status_temp = FOIL_OK, foil_result_t *result_temp = NULL,
     foil_error_t *error_temp = NULL)
    "$1 = &id_temp; $2 = &status_temp; $3 = &result_temp; $4 = &error_temp;";
/* Outcomes no native object took (a conversion failed). */
%typemap(freearg) (uint64_t *call_id, foil_status_t *status, foil_result_t **result,
                   foil_error_t **error)
    "foil_result_free(*$3); foil_error_free(*$4);";
/* The 1 / 0 of next_change and next_done becomes the outputs or nothing (argout). */
%typemap(out) int foil_loop_next_change, int foil_loop_next_done "";

#if defined(SWIGPYTHON)
%nothread foil_loop_new;
%nothread foil_loop_start;
%nothread foil_loop_start_request;
%nothread foil_loop_next_change;
%nothread foil_loop_timeout_ms;
%nothread foil_loop_ready;
%nothread foil_loop_next_done;
%nothread foil_loop_cancel;
%nothread foil_loop_pending;
%typemap(argout) uint64_t *call_id {
    if (result == FOIL_OK) {
        $result = foil_py_append($result, PyLong_FromUnsignedLongLong((unsigned long long)*$1));
        if (!$result) SWIG_fail;
    }
}
%typemap(argout) (int *fd, int *events) {
    $result = result ? Py_BuildValue("(ii)", *$1, *$2) : SWIG_Py_Void();
    if (!$result) SWIG_fail;
}
%typemap(argout) (uint64_t *call_id, foil_status_t *status, foil_result_t **result,
                  foil_error_t **error) {
    if (!result) {
        $result = SWIG_Py_Void();
    } else {
        PyObject *tuple = PyTuple_New(4);
        PyObject *items[4] = {PyLong_FromUnsignedLongLong((unsigned long long)*$1),
                              PyLong_FromLong((long)*$2),
                              foil_py_handle_new(*$3, $descriptor(foil_result_t *)), NULL};
        if (items[2] && *$3) *$3 = NULL; /* the object owns it now */
        items[3] = foil_py_handle_new(*$4, $descriptor(foil_error_t *));
        if (items[3] && *$4) *$4 = NULL;
        for (int i = 0; i < 4; i++) {
            if (tuple && items[i])
                PyTuple_SetItem(tuple, i, items[i]); /* steals it */
            else
                Py_XDECREF(items[i]);
            if (!items[i]) Py_CLEAR(tuple);
        }
        if (!tuple) SWIG_fail;
        $result = tuple;
    }
}
#elif defined(SWIGRUBY)
%typemap(argout) uint64_t *call_id {
    if (result == FOIL_OK) $result = SWIG_Ruby_AppendOutput($result, ULL2NUM(*$1));
}
%typemap(argout) (int *fd, int *events) {
    $result = result ? rb_ary_new_from_args(2, INT2NUM(*$1), INT2NUM(*$2)) : Qnil;
}
%typemap(argout) (uint64_t *call_id, foil_status_t *status, foil_result_t **result,
                  foil_error_t **error) {
    if (result) {
        VALUE result_obj = SWIG_NewPointerObj(*$3, $descriptor(foil_result_t *), SWIG_POINTER_OWN);
        *$3 = NULL;
        VALUE error_obj = SWIG_NewPointerObj(*$4, $descriptor(foil_error_t *), SWIG_POINTER_OWN);
        *$4 = NULL;
        $result = rb_ary_new_from_args(4, ULL2NUM(*$1), INT2NUM((int)*$2), result_obj, error_obj);
    } else {
        $result = Qnil;
    }
}
#elif defined(SWIGLUA)
%typemap(argout) uint64_t *call_id {
    if (result == FOIL_OK) {
        lua_pushinteger(L, (lua_Integer)*$1);
        SWIG_arg++;
    }
}
%typemap(argout) (int *fd, int *events) {
    if (result) {
        lua_pushinteger(L, *$1);
        lua_pushinteger(L, *$2);
        SWIG_arg += 2;
    } else {
        lua_pushnil(L);
        SWIG_arg++;
    }
}
%typemap(argout) (uint64_t *call_id, foil_status_t *status, foil_result_t **result,
                  foil_error_t **error) {
    if (result) {
        lua_pushinteger(L, (lua_Integer)*$1);
        lua_pushinteger(L, (lua_Integer)*$2);
        SWIG_NewPointerObj(L, *$3, $descriptor(foil_result_t *), 1);
        *$3 = NULL;
        SWIG_NewPointerObj(L, *$4, $descriptor(foil_error_t *), 1);
        *$4 = NULL;
        SWIG_arg += 4;
    } else {
        lua_pushnil(L);
        SWIG_arg++;
    }
}
#endif

%include "foil/loop.h"
