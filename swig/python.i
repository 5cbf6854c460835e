/* python.i: the Python spelling of foil.i's conventions (included by foil.i).
 *
 * Only typemaps and the two hooks every language has: convert (a JSON view -> Python data,
 * through the public walk of foil/json.h) and raise (a failed status -> the exception that
 * foil._errors builds from the status table). Python-only speed-ups (lazy views, the
 * attribute descriptor, the request-body serialiser) are in python_views.i.
 *
 * Built against the limited API of Python 3.10 (Py_LIMITED_API, set by python/CMakeLists.txt:
 * one abi3 module for every CPython >= 3.10): no CPython struct fields, no internal macros.
 *
 * Built with `swig -python -threads`: C calls that wait release the GIL, short ones keep
 * it, and Ctrl-C ends a main-thread call that waits (python_gil.i); helpers that touch the
 * Python C API are marked %nothread (SWIG-NOTES P2). Typemaps run with the GIL held.
 */
%begin %{
#define PY_SSIZE_T_CLEAN
%}

%include "python_gil.i"

%{
#include <string.h>

static PyObject *foil_py_error_hook = NULL;

static PyObject *foil_py_text(const char *s) {
    if (!s) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* ---- Convert: one JSON view -> a new Python object (None for an absent view). Numbers as
 * json.loads reads them: written as an integer -> int, exact at any size; with a fraction
 * or exponent -> float. The parser bounds nesting, and Py_EnterRecursiveCall keeps a deep
 * value within Python's own limit. */
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
        if (foil_json_is_integer(v)) {
            const char *digits = foil_json_integer_text(v);
            if (digits) return PyLong_FromString(digits, NULL, 10);
            if (foil_json_int(v, &i)) return PyLong_FromLongLong((long long)i);
        }
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
            PyList_SetItem(list, i++, item); /* steals item; i is in range */
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

/* ---- Raise: the exception for a failed call (GIL held). The failure's error record
 * (foil_error_json: kind, HTTP status, code, message, ...) is converted like any view, and
 * the hook (foil._errors) turns it into the instance of the class for its kind; a failure
 * while building it (memory) propagates as is. A status without a record of its own (NULL,
 * or an older failure's): the core makes one for it. */
/* The exception instance for a failure (new reference), or NULL with the failure to build
 * it set. */
static PyObject *foil_py_exception(foil_status_t st, const foil_error_t *e) {
    foil_error_t *own = NULL;
    if (foil_error_status(e) != st && foil_error_new(st, NULL, &own) == FOIL_OK) e = own;
    const foil_json_t *record = foil_error_json(e);
    if (!foil_py_error_hook || !record) {
        /* No hook yet (module import), or no memory left for the record. */
        PyErr_Format(st == FOIL_E_NOMEM ? PyExc_MemoryError : PyExc_RuntimeError, "%s: %s",
                     foil_status_kind(st), foil_error_message(e));
        foil_error_free(own);
        return NULL;
    }
    PyObject *info = foil_py_json(record);
    foil_error_free(own);
    if (!info) return NULL;
    PyObject *exc = PyObject_CallFunctionObjArgs(foil_py_error_hook, info, NULL);
    Py_DECREF(info);
    return exc;
}

static void foil_py_raise_record(foil_status_t st, const foil_error_t *e) {
    PyObject *exc = foil_py_exception(st, e);
    if (!exc) return;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
}

/* A call without error_out: the calling thread's record, set by that same C call. */
static void foil_py_raise(foil_status_t st) {
    foil_py_raise_record(st, foil_last_error());
}

static PyObject *foil_py_append(PyObject *result, PyObject *obj) {
    if (!obj) {
        Py_XDECREF(result);
        return NULL;
    }
    return SWIG_Python_AppendOutput(result, obj, 1);
}
%}

/* ---- foil_status_t: raise on failure, else None (outputs are appended after it). A call
 * a signal handler interrupted (python_gil.i) raises the handler's exception instead, and
 * drops its outputs if it had completed. */
%typemap(out) foil_status_t {
    if ($1 != FOIL_OK) {
        if (!foil_py_take_interrupt()) foil_py_raise($1);
        SWIG_fail;
    }
    $result = SWIG_Py_Void();
}
%typemap(ret) foil_status_t {
    if (foil_py_take_interrupt()) Py_CLEAR($result);
}

/* Handles are plain SwigPyObjects, not instances of native.py's proxy classes (the package
 * calls module functions only): SWIG converts a proxy back to its pointer through a
 * `this` attribute after a type-name check that costs ~1 us per argument. The object still
 * frees the handle with the type's destructor when it is collected. */
%{
/* SwigPyObject takes weak references (a walk's test watches its pages with them) but SWIG's
 * dealloc never clears them: a weakref read after the object died would read freed memory.
 * Owned handles are therefore instances of a subclass whose dealloc clears them first (the
 * limited API cannot patch SWIG's type). It keeps SWIG's type name, which is how SWIG
 * recognises a SwigPyObject of a type other than its own (SwigPyObject_Check). */
static PyTypeObject *foil_py_handle_type;

static void foil_py_handle_dealloc(PyObject *v) {
    PyTypeObject *type = Py_TYPE(v);
    if (((SwigPyObject *)v)->weakreflist) PyObject_ClearWeakRefs(v);
    ((destructor)PyType_GetSlot(SwigPyObject_Type(), Py_tp_dealloc))(v);
    Py_DECREF(type); /* a heap type's instance holds a reference to it */
}

static int foil_py_handle_init(void) {
    PyType_Slot slots[] = {{Py_tp_dealloc, (void *)foil_py_handle_dealloc}, {0, NULL}};
    PyType_Spec spec = {SWIG_RUNTIME_MODULE ".SwigPyObject", sizeof(SwigPyObject), 0,
                        Py_TPFLAGS_DEFAULT, slots};
    PyObject *bases = PyTuple_Pack(1, (PyObject *)SwigPyObject_Type());
    foil_py_handle_type = bases ? (PyTypeObject *)PyType_FromSpecWithBases(&spec, bases) : NULL;
    Py_XDECREF(bases);
    return foil_py_handle_type ? 0 : -1;
}

/* SWIG_NewPointerObj(ptr, ty, FOIL_PY_OWNED_HANDLE) as a foil_py_handle_type: None for NULL. */
static PyObject *foil_py_handle_new(void *ptr, swig_type_info *ty) {
    if (!ptr) Py_RETURN_NONE;
    SwigPyObject *h = PyObject_New(SwigPyObject, foil_py_handle_type);
    if (!h) return NULL;
    h->ptr = ptr;
    h->ty = ty;
    h->own = SWIG_POINTER_OWN;
    h->next = NULL;
    h->swigdict = NULL;
    h->weakreflist = NULL;
    Py_XINCREF(Swig_Capsule_global); /* as SwigPyObject_New: SWIG's dealloc releases it */
    return (PyObject *)h;
}

/* Handle arguments. SWIG's conversion first asks whether the object is a SwigPyObject; a
 * foil_py_handle_type is a subclass, so the exact-type check fails and SWIG builds the
 * type's qualified name and compares it as a string (~3,000 instructions, a fifth of a Gate
 * cycle's Python glue). Our own handle of the asked type needs none of that: its pointer is
 * read at once. Anything else (None, another type, flags) takes SWIG's path unchanged. */
static int foil_py_convert_ptr(PyObject *obj, void **ptr, swig_type_info *ty, int flags) {
    if (obj && Py_TYPE(obj) == foil_py_handle_type && ((SwigPyObject *)obj)->ty == ty && !flags) {
        if (ptr) *ptr = ((SwigPyObject *)obj)->ptr;
        return SWIG_OK;
    }
    return SWIG_Python_ConvertPtr(obj, ptr, ty, flags);
}
#undef SWIG_ConvertPtr
#define SWIG_ConvertPtr(obj, pptr, type, flags) foil_py_convert_ptr(obj, pptr, type, flags)
%}
%init %{
    if (foil_py_handle_init() < 0) return -1; /* SWIG >= 4.4 runs this in Py_mod_exec */
%}

/* ---- foil.i's hooks for calls with error_out: None, then the raise after the outputs, from
 * the call's own record (Python code may run on the thread during a call, a signal handler
 * for one, and its calls would replace the thread's record); the macro takes the record.
 * The GIL: -threads releases it around every call, so FOIL_BLOCKING adds nothing;
 * foil_call's outputs are handles. */
%typemap(out) foil_status_t FOIL_STATUS_FROM_ERROR_OUT "$result = SWIG_Py_Void();";
%typemap(ret) foil_status_t FOIL_STATUS_FROM_ERROR_OUT {
    if (foil_py_take_interrupt()) Py_CLEAR($result);
}
%{
/* A call a signal handler interrupted raises the handler's exception (python_gil.i). */
#define FOIL_RAISE_OWNED(status, error_ptr)                                                        \
    do {                                                                                           \
        if (!foil_py_take_interrupt()) foil_py_raise_record(status, *(error_ptr));                \
        foil_error_free(*(error_ptr));                                                             \
        *(error_ptr) = NULL;                                                                       \
        SWIG_fail;                                                                                 \
    } while (0)
%}
%define FOIL_BLOCKING(NAME) %enddef

%define FOIL_OUT_HANDLE(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *temp = NULL) "$1 = &temp;";
%typemap(argout) TYPE **out {
    $result = foil_py_append($result, foil_py_handle_new(SWIG_as_voidptr(*$1), $*1_descriptor));
    *$1 = NULL;
    if (!$result) SWIG_fail;
}
%enddef

/* ---- foil_iter_next_page's `foil_page_t **page`: the next whole page, owned by its object (freed
 * by foil_page_free when collected, like any FOIL_OUT_HANDLE), None after the last one. The
 * call itself runs with the GIL released (-threads); a failed fetch raises from the thread's
 * error record, set in that same call. */
%typemap(in, numinputs=0) foil_page_t **page (foil_page_t *temp = NULL) "$1 = &temp;";
%typemap(argout) foil_page_t **page {
    PyObject *page_obj = foil_py_handle_new(SWIG_as_voidptr(*$1), $*1_descriptor);
    if (page_obj) *$1 = NULL; /* the proxy owns it now */
    $result = foil_py_append($result, page_obj);
    if (!$result) SWIG_fail;
}
%typemap(freearg) foil_page_t **page "foil_page_free(*$1);"; /* a page no proxy took */

%define FOIL_CALL_RESULT FOIL_OUT_HANDLE(foil_result_t) %enddef
%define FOIL_CALL_ITER FOIL_OUT_HANDLE(foil_iter_t) %enddef

/* ---- A prepared request's body: bytes (None when it has none). */
%define FOIL_OUT_BODY_LEN
%typemap(out) const char *foil_http_request_body "$result = SWIG_Py_Void();";
%typemap(in, numinputs=0) size_t *body_len (size_t temp = 0) "$1 = &temp;";
%typemap(argout) size_t *body_len {
    $result = foil_py_append($result, result ? PyBytes_FromStringAndSize(result, (Py_ssize_t)*$1)
                                             : SWIG_Py_Void());
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
%typemap(in, numinputs=0) long *wait_ms (long temp = 0), long *ms_out (long temp = 0) "$1 = &temp;";
%typemap(argout) long *wait_ms, long *ms_out {
    $result = foil_py_append($result, PyLong_FromLong(*$1));
    if (!$result) SWIG_fail;
}

/* ---- Text Python cannot encode as UTF-8 (a lone surrogate). Python's UnicodeEncodeError
 * carries the whole string, and an argument may be a secret (a key, a token, an exported
 * signup): the error is raised again with the string's characters hidden, its length,
 * positions and reason kept. */
%{
static void foil_py_hide_encode_error(void) {
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return;
    PyObject *type = NULL, *value = NULL, *tb = NULL;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *object = value ? PyUnicodeEncodeError_GetObject(value) : NULL;
    PyObject *reason = value ? PyUnicodeEncodeError_GetReason(value) : NULL;
    Py_ssize_t start = 0, end = 0, len = object ? PyUnicode_GetLength(object) : -1;
    PyObject *star = PyUnicode_FromString("*");
    PyObject *hidden = star && len >= 0 ? PySequence_Repeat(star, len) : NULL;
    PyObject *replacement = NULL;
    if (hidden && reason && PyUnicodeEncodeError_GetStart(value, &start) == 0 &&
        PyUnicodeEncodeError_GetEnd(value, &end) == 0)
        replacement = PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnnO", "utf-8", hidden,
                                            start, end, reason);
    if (replacement) {
        PyErr_SetObject(PyExc_UnicodeEncodeError, replacement);
    } else {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "text is not valid UTF-8 (a lone surrogate)");
    }
    Py_XDECREF(replacement);
    Py_XDECREF(hidden);
    Py_XDECREF(star);
    Py_XDECREF(reason);
    Py_XDECREF(object);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
}
%}

/* ---- Bodies: str (sent as UTF-8) or any bytes-like object, embedded NULs included. bytes
 * are read in place; another bytes-like object (bytearray, memoryview, array) is copied to
 * bytes first: the buffer protocol is not in the limited API of 3.10. */
%{
/* The bytes of a body argument; *copy is set to a new bytes object to release afterwards. */
static int foil_py_body(PyObject *input, char **data, Py_ssize_t *len, PyObject **copy) {
    if (PyUnicode_Check(input)) {
        const char *s = PyUnicode_AsUTF8AndSize(input, len);
        *data = (char *)s;
        if (!s) foil_py_hide_encode_error();
        return s ? 0 : -1;
    }
    if (!PyBytes_Check(input)) {
        if (!(*copy = PyBytes_FromObject(input))) return -1;
        input = *copy;
    }
    return PyBytes_AsStringAndSize(input, data, len);
}
%}
%typemap(in) (const char *body, size_t body_len) (PyObject *copy = NULL),
             (const char *text, size_t len) (PyObject *copy = NULL) {
    char *data = NULL;
    Py_ssize_t n = 0;
    if (foil_py_body($input, &data, &n, &copy) != 0) SWIG_fail;
    $1 = ($1_ltype)data;
    $2 = (size_t)n;
}
%typemap(freearg) (const char *body, size_t body_len), (const char *text, size_t len)
    "Py_XDECREF(copy$argnum);";
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) (const char *body, size_t body_len),
    (const char *text, size_t len) {
    $1 = PyUnicode_Check($input) || PyBytes_Check($input) || PyByteArray_Check($input) ||
         PyMemoryView_Check($input);
}

/* ---- Input strings: str or None; an embedded NUL would silently truncate an id or a key. */
%{
static void foil_py_type_error(const char *function, int argnum, PyObject *obj) {
    PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(obj), "__name__");
    if (name)
        PyErr_Format(PyExc_TypeError, "%s: argument %d must be str, not %.100S", function, argnum, name);
    Py_XDECREF(name);
}
%}
%typemap(in, fragment="SWIG_AsCharPtrAndSize") const char * (char *buf = 0, size_t size = 0, int alloc = 0) {
    if ($input == Py_None) {
        $1 = NULL;
    } else {
        int res = PyUnicode_Check($input) ? SWIG_AsCharPtrAndSize($input, &buf, &size, &alloc)
                                          : SWIG_TypeError;
        if (!SWIG_IsOK(res)) {
            if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                foil_py_type_error("$symname", $argnum, $input);
            }
            foil_py_hide_encode_error();
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
%include "python_loop.i"
