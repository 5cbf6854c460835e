/* python.i: the Python spelling of foil.i's conventions (included by foil.i).
 *
 * Only typemaps and the two hooks every language has: convert (a JSON view -> Python data,
 * through the public walk of foil/json.h) and raise (a failed status -> the exception that
 * foil._errors builds from the status table). Python-only speed-ups (lazy views, the
 * attribute descriptor, the request-body serialiser) are in python_views.i.
 *
 * Built with `swig -python -threads`: every C call runs with the GIL released; helpers
 * that touch the Python C API are marked %nothread (SWIG-NOTES P2). Typemaps run with the
 * GIL held.
 */
%begin %{
#define PY_SSIZE_T_CLEAN
%}

%{
#include <string.h>

static PyObject *foil_py_error_hook = NULL;

static PyObject *foil_py_text(const char *s) {
    if (!s) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* ---- Convert: one JSON view -> a new Python object (None for an absent view). JSON has
 * one number type: integral values become int, like json.loads. The parser bounds nesting,
 * and Py_EnterRecursiveCall keeps a deep value within Python's own limit. */
static PyObject *foil_py_json(const foil_json_t *v) {
    switch (foil_json_type(v)) {
    case FOIL_JSON_BOOL: {
        int b = 0;
        foil_json_bool(v, &b);
        return PyBool_FromLong(b);
    }
    case FOIL_JSON_NUMBER: {
        int64_t i;
        double d = 0;
        if (foil_json_int(v, &i)) return PyLong_FromLongLong((long long)i);
        foil_json_number(v, &d);
        return PyFloat_FromDouble(d);
    }
    case FOIL_JSON_STRING:
        return foil_py_text(foil_json_string(v));
    case FOIL_JSON_ARRAY: {
        PyObject *list = PyList_New((Py_ssize_t)foil_json_size(v));
        Py_ssize_t i = 0;
        if (!list) return NULL;
        if (Py_EnterRecursiveCall(" while converting a JSON array")) {
            Py_DECREF(list);
            return NULL;
        }
        for (const foil_json_t *e = foil_json_at(v, 0); e; e = foil_json_next(e)) {
            PyObject *item = foil_py_json(e);
            if (!item) {
                Py_DECREF(list);
                list = NULL;
                break;
            }
            PyList_SET_ITEM(list, i++, item);
        }
        Py_LeaveRecursiveCall();
        return list;
    }
    case FOIL_JSON_OBJECT: {
        PyObject *dict = PyDict_New();
        if (!dict) return NULL;
        if (Py_EnterRecursiveCall(" while converting a JSON object")) {
            Py_DECREF(dict);
            return NULL;
        }
        for (const foil_json_t *m = foil_json_at(v, 0); m; m = foil_json_next(m)) {
            const char *k = foil_json_key(m);
            PyObject *key = PyUnicode_InternFromString(k ? k : "");
            PyObject *value = key ? foil_py_json(m) : NULL;
            int bad = !value || PyDict_SetItem(dict, key, value) != 0;
            Py_XDECREF(key);
            Py_XDECREF(value);
            if (bad) {
                Py_CLEAR(dict);
                break;
            }
        }
        Py_LeaveRecursiveCall();
        return dict;
    }
    default: /* absent or null */
        Py_RETURN_NONE;
    }
}

static int foil_py_set(PyObject *dict, const char *key, PyObject *value) {
    if (!value) return -1;
    int rc = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return rc;
}

/* Describe the calling thread's last error as a dict for the Python error hook. */
static PyObject *foil_py_error_info(foil_status_t st) {
    const foil_error_t *e = foil_last_error();
    PyObject *info = PyDict_New();
    if (!info) return NULL;
    double retry_after = foil_error_retry_after(e);
    size_t nfields = foil_error_field_count(e), nallowed = foil_error_allowed_value_count(e);
    PyObject *fields = PyList_New(0), *allowed = PyList_New(0);
    int bad = !fields || !allowed;
    for (size_t i = 0; !bad && i < nfields; i++) {
        PyObject *f = PyDict_New();
        bad = !f || foil_py_set(f, "name", foil_py_text(foil_error_field_name(e, i))) ||
              foil_py_set(f, "issue", foil_py_text(foil_error_field_issue(e, i)));
        if (!bad && foil_error_field_expected(e, i))
            bad = foil_py_set(f, "expected", foil_py_text(foil_error_field_expected(e, i)));
        if (!bad && foil_error_field_received(e, i))
            bad = foil_py_set(f, "received", foil_py_text(foil_error_field_received(e, i)));
        if (!bad) bad = PyList_Append(fields, f) != 0;
        Py_XDECREF(f);
    }
    for (size_t i = 0; !bad && i < nallowed; i++) {
        PyObject *s = foil_py_text(foil_error_allowed_value(e, i));
        bad = !s || PyList_Append(allowed, s) != 0;
        Py_XDECREF(s);
    }
    if (bad || foil_py_set(info, "status", PyLong_FromLong((long)st)) ||
        foil_py_set(info, "kind", foil_py_text(foil_status_kind(st))) ||
        foil_py_set(info, "http_status", PyLong_FromLong(foil_error_http_status(e))) ||
        foil_py_set(info, "code", foil_py_text(foil_error_code(e))) ||
        foil_py_set(info, "message", foil_py_text(foil_error_message(e))) ||
        foil_py_set(info, "retryable", PyBool_FromLong(foil_error_retryable(e))) ||
        foil_py_set(info, "request_id", foil_py_text(foil_error_request_id(e))) ||
        foil_py_set(info, "docs_url", foil_py_text(foil_error_docs_url(e))) ||
        foil_py_set(info, "next_action", foil_py_text(foil_error_next_action(e))) ||
        foil_py_set(info, "retry_after",
                    retry_after < 0 ? (Py_INCREF(Py_None), Py_None) : PyFloat_FromDouble(retry_after)) ||
        foil_py_set(info, "body", foil_py_text(foil_error_body(e))) ||
        foil_py_set(info, "details", foil_py_json(foil_error_details(e))) ||
        PyDict_SetItemString(info, "fields", fields) ||
        PyDict_SetItemString(info, "allowed_values", allowed)) {
        Py_XDECREF(fields);
        Py_XDECREF(allowed);
        Py_DECREF(info);
        return NULL;
    }
    Py_DECREF(fields);
    Py_DECREF(allowed);
    return info;
}

/* ---- Raise: the exception for a failed call (GIL held). The hook (foil._errors) turns
 * the error record into the class for its kind; a failure while building it (memory)
 * propagates as is. */
static void foil_py_raise(foil_status_t st) {
    PyObject *info = foil_py_error_info(st);
    if (!info) return;
    if (!foil_py_error_hook) {
        PyErr_SetString(PyExc_RuntimeError, foil_error_message(foil_last_error()));
        Py_DECREF(info);
        return;
    }
    PyObject *exc = PyObject_CallFunctionObjArgs(foil_py_error_hook, info, NULL);
    Py_DECREF(info);
    if (!exc) return;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
}

static PyObject *foil_py_append(PyObject *result, PyObject *obj) {
    if (!obj) {
        Py_XDECREF(result);
        return NULL;
    }
    return SWIG_Python_AppendOutput(result, obj, 1);
}
%}

/* ---- foil_status_t: raise on failure, else None (outputs are appended after it). */
%typemap(out) foil_status_t {
    if ($1 != FOIL_OK) {
        foil_py_raise($1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}

%define FOIL_OUT_HANDLE(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *temp = NULL) "$1 = &temp;";
%typemap(argout) TYPE **out {
    $result = foil_py_append($result, SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, SWIG_POINTER_OWN));
    *$1 = NULL;
    if (!$result) SWIG_fail;
}
%enddef

%define FOIL_OUT_STRING(NAME, FREE)
%typemap(in, numinputs=0) char **NAME (char *temp = NULL) "$1 = &temp;";
%typemap(argout) char **NAME {
    $result = foil_py_append($result, foil_py_text(*$1));
    if (!$result) SWIG_fail;
}
%typemap(freearg) char **NAME "FREE(*$1);";
%enddef

/* ---- JSON views become dicts, lists and scalars. */
%typemap(out) const foil_json_t * {
    $result = foil_py_json($1);
    if (!$result) SWIG_fail;
}
%typemap(in, numinputs=0) const foil_json_t **item (const foil_json_t *temp = NULL) "$1 = ($1_ltype)&temp;";
%typemap(argout) const foil_json_t **item {
    $result = foil_py_append($result, foil_py_json(*$1));
    if (!$result) SWIG_fail;
}

/* ---- Small outputs: safe verify's (ok, error_code); a step's wait in milliseconds. */
%typemap(in, numinputs=0) int *ok (int temp = 0) "$1 = &temp;";
%typemap(argout) int *ok {
    $result = foil_py_append($result, PyBool_FromLong(*$1));
    if (!$result) SWIG_fail;
}
%typemap(in, numinputs=0) const char **error_code (const char *temp = NULL) "$1 = ($1_ltype)&temp;";
%typemap(argout) const char **error_code {
    $result = foil_py_append($result, foil_py_text(*$1));
    if (!$result) SWIG_fail;
}
%typemap(in, numinputs=0) long *wait_ms (long temp = 0) "$1 = &temp;";
%typemap(argout) long *wait_ms {
    $result = foil_py_append($result, PyLong_FromLong(*$1));
    if (!$result) SWIG_fail;
}

/* ---- Bodies: str (sent as UTF-8) or any bytes-like object, embedded NULs included. */
%typemap(in) (const char *body, size_t body_len) (Py_buffer view),
             (const char *text, size_t len) (Py_buffer view) {
    if (PyUnicode_Check($input)) {
        Py_ssize_t n = 0;
        const char *s = PyUnicode_AsUTF8AndSize($input, &n);
        if (!s) SWIG_fail;
        $1 = ($1_ltype)s;
        $2 = (size_t)n;
    } else {
        if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0) SWIG_fail;
        $1 = ($1_ltype)view.buf;
        $2 = (size_t)view.len;
    }
}
%typemap(arginit) (const char *body, size_t body_len), (const char *text, size_t len)
    "view$argnum.obj = NULL;";
%typemap(freearg) (const char *body, size_t body_len), (const char *text, size_t len) {
    if (view$argnum.obj) PyBuffer_Release(&view$argnum);
}
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) (const char *body, size_t body_len),
    (const char *text, size_t len) "$1 = PyUnicode_Check($input) || PyObject_CheckBuffer($input);";

/* ---- Input strings: str or None; an embedded NUL would silently truncate an id or a key. */
%typemap(in, fragment="SWIG_AsCharPtrAndSize") const char * (char *buf = 0, size_t size = 0, int alloc = 0) {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        int res = PyUnicode_Check($input) ? SWIG_AsCharPtrAndSize($input, &buf, &size, &alloc)
                                          : SWIG_TypeError;
        if (!SWIG_IsOK(res)) {
            if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, "%s: argument %d must be str, not %.100s", "$symname",
                             $argnum, Py_TYPE($input)->tp_name);
            }
            SWIG_fail;
        }
        if (size && strlen(buf) != size - 1) {
            PyErr_Format(PyExc_ValueError, "%s: argument %d contains a NUL character", "$symname",
                         $argnum);
            SWIG_fail;
        }
        $1 = ($1_ltype)buf;
    }
}
%typemap(freearg) const char * "if (alloc$argnum == SWIG_NEWOBJ) free(buf$argnum);";

/* ---- The raise hook's Python half: the callable that turns an error-info dict into the
 * exception instance to raise (foil._errors). */
%nothread foil_py_set_error_hook;
%inline %{
void foil_py_set_error_hook(PyObject *hook) {
    Py_XINCREF(hook);
    Py_XDECREF(foil_py_error_hook);
    foil_py_error_hook = hook;
}
%}

%include "python_views.i"

/* ---- Status rows: temporary, until foil_status_count/at/name/parent land in the core. */
%{
#define FOIL_PY_STATUS_ROW(name, value, kind, text) {value, #name},
static const struct {
    int value;
    const char *name;
} foil_py_status_rows[] = {FOIL_STATUS_TABLE(FOIL_PY_STATUS_ROW)};
#undef FOIL_PY_STATUS_ROW
%}
%inline %{
size_t foil_binding_status_count(void) {
    return sizeof foil_py_status_rows / sizeof foil_py_status_rows[0];
}
int foil_binding_status_value(size_t i) {
    return i < foil_binding_status_count() ? foil_py_status_rows[i].value : -1;
}
const char *foil_binding_status_name(size_t i) {
    return i < foil_binding_status_count() ? foil_py_status_rows[i].name : NULL;
}
%}
