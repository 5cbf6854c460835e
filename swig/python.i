/* python.i: the Python spelling of foil.i's conventions (included by foil.i).
 *
 * Built with `swig -python -threads`: every C call runs with the GIL released; the
 * helpers below that touch the Python C API are marked %nothread (SWIG-NOTES P2).
 * Typemaps run with the GIL held.
 */
%begin %{
#define PY_SSIZE_T_CLEAN
%}

%{
#include <math.h>
#include <string.h>
/* foil_json_t views are cJSON nodes (core/src/internal.h: FOIL_NODE). Walking them
 * directly turns a whole page into Python objects in one pass, without the O(n)
 * indexed access of foil_json_at(). The extension is built in-tree against the same
 * cJSON as the core. */
#include <cjson/cJSON.h>
#include <structmember.h>

static PyObject *foil_py_error_hook = NULL;

static PyObject *foil_py_text(const char *s) {
    if (!s) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* One JSON node -> a new Python object (None for an absent node). */
static PyObject *foil_py_json_node(const cJSON *n) {
    if (!n || cJSON_IsNull(n)) Py_RETURN_NONE;
    if (cJSON_IsTrue(n)) Py_RETURN_TRUE;
    if (cJSON_IsFalse(n)) Py_RETURN_FALSE;
    if (cJSON_IsNumber(n)) {
        double d = n->valuedouble;
        /* JSON has one number type: integral values become int, like json.loads. */
        if (d == floor(d) && fabs(d) < 9007199254740992.0) return PyLong_FromLongLong((long long)d);
        return PyFloat_FromDouble(d);
    }
    if (cJSON_IsString(n)) return foil_py_text(n->valuestring);
    if (cJSON_IsArray(n)) {
        Py_ssize_t count = 0, i = 0;
        for (const cJSON *c = n->child; c; c = c->next) count++;
        PyObject *list = PyList_New(count);
        if (!list) return NULL;
        for (const cJSON *c = n->child; c; c = c->next) {
            PyObject *item = foil_py_json_node(c);
            if (!item) {
                Py_DECREF(list);
                return NULL;
            }
            PyList_SET_ITEM(list, i++, item);
        }
        return list;
    }
    if (cJSON_IsObject(n)) {
        PyObject *dict = PyDict_New();
        if (!dict) return NULL;
        for (const cJSON *c = n->child; c; c = c->next) {
            PyObject *key = PyUnicode_InternFromString(c->string ? c->string : "");
            PyObject *value = key ? foil_py_json_node(c) : NULL;
            int bad = !value || PyDict_SetItem(dict, key, value) != 0;
            Py_XDECREF(key);
            Py_XDECREF(value);
            if (bad) {
                Py_DECREF(dict);
                return NULL;
            }
        }
        return dict;
    }
    Py_RETURN_NONE;
}

static PyObject *foil_py_json(const foil_json_t *v) {
    return foil_py_json_node((const cJSON *)(const void *)v);
}

static int foil_py_set(PyObject *dict, const char *key, PyObject *value) {
    if (!value) return -1;
    int rc = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return rc;
}

/* ---- Lazy views: a result object reads its fields from the C-owned JSON on demand.
 *
 * A JsonView is a borrowed cJSON object node plus a reference to the Python object that
 * owns the C handle (a page or result proxy), so the handle lives exactly as long as some
 * view of it does. The JSON is never modified after parsing, so views may be read from
 * any thread. Nothing here releases the GIL. */
typedef struct {
    PyObject_HEAD
    PyObject *owner;
    const cJSON *node;
} foil_py_view_t;

static PyTypeObject foil_py_view_type;

static PyObject *foil_py_view_new(PyObject *owner, const cJSON *node) {
    foil_py_view_t *v = PyObject_New(foil_py_view_t, &foil_py_view_type);
    if (!v) return NULL;
    Py_INCREF(owner);
    v->owner = owner;
    v->node = node;
    return (PyObject *)v;
}

static void foil_py_view_dealloc(PyObject *self) {
    Py_DECREF(((foil_py_view_t *)self)->owner);
    PyObject_Free(self);
}

/* Objects stay lazy; everything else (scalars, arrays) is converted now. */
static PyObject *foil_py_lazy(PyObject *owner, const cJSON *n) {
    if (cJSON_IsObject(n)) return foil_py_view_new(owner, n);
    return foil_py_json_node(n);
}

/* Top-level data: an object, or an array whose objects each become a view. */
static PyObject *foil_py_lazy_data(PyObject *owner, const cJSON *n) {
    if (!cJSON_IsArray(n)) return foil_py_lazy(owner, n);
    Py_ssize_t count = 0, i = 0;
    for (const cJSON *c = n->child; c; c = c->next) count++;
    PyObject *list = PyList_New(count);
    if (!list) return NULL;
    for (const cJSON *c = n->child; c; c = c->next) {
        PyObject *item = foil_py_lazy(owner, c);
        if (!item) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i++, item);
    }
    return list;
}

/* The member named by a str key; *found = 0 when absent (NULL and no error). */
static const cJSON *foil_py_view_member(PyObject *self, PyObject *key, int *found) {
    *found = 0;
    if (!PyUnicode_Check(key)) return NULL;
    Py_ssize_t len = 0;
    const char *k = PyUnicode_AsUTF8AndSize(key, &len);
    if (!k) {
        PyErr_Clear();
        return NULL;
    }
    for (const cJSON *c = ((foil_py_view_t *)self)->node->child; c; c = c->next) {
        if (c->string && strncmp(c->string, k, (size_t)len) == 0 && c->string[len] == '\0') {
            *found = 1;
            return c;
        }
    }
    return NULL;
}

/* view.field(key): the member for an attribute: None when absent or null, a view for an
 * object, a Python value otherwise. */
static PyObject *foil_py_view_field(PyObject *self, PyObject *key) {
    int found;
    const cJSON *n = foil_py_view_member(self, key, &found);
    return foil_py_lazy(((foil_py_view_t *)self)->owner, n);
}

/* view.get(key, default=None): the member as plain Python data. */
static PyObject *foil_py_view_get(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get() takes a key and an optional default");
        return NULL;
    }
    int found;
    const cJSON *n = foil_py_view_member(self, args[0], &found);
    if (!found) {
        PyObject *def = nargs == 2 ? args[1] : Py_None;
        Py_INCREF(def);
        return def;
    }
    return foil_py_json_node(n);
}

static PyObject *foil_py_view_subscript(PyObject *self, PyObject *key) {
    int found;
    const cJSON *n = foil_py_view_member(self, key, &found);
    if (!found) {
        PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    return foil_py_json_node(n);
}

static int foil_py_view_contains(PyObject *self, PyObject *key) {
    int found;
    foil_py_view_member(self, key, &found);
    return found;
}

static Py_ssize_t foil_py_view_length(PyObject *self) {
    return (Py_ssize_t)cJSON_GetArraySize(((foil_py_view_t *)self)->node);
}

/* view.to_dict(): the whole object as new dicts, lists and scalars, in one pass. */
static PyObject *foil_py_view_to_dict(PyObject *self, PyObject *unused) {
    (void)unused;
    return foil_py_json_node(((foil_py_view_t *)self)->node);
}

static PyObject *foil_py_view_repr(PyObject *self) {
    return PyUnicode_FromFormat("<foil JsonView of %zd fields>", foil_py_view_length(self));
}

static PyObject *foil_py_view_reduce(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    PyErr_SetString(PyExc_TypeError, "JsonView cannot be pickled; pickle view.to_dict()");
    return NULL;
}

static PyMethodDef foil_py_view_methods[] = {
    {"field", (PyCFunction)foil_py_view_field, METH_O,
     "Member for an attribute: None if absent or null, a JsonView for an object."},
    {"get", (PyCFunction)(void (*)(void))foil_py_view_get, METH_FASTCALL,
     "Member as plain Python data, default when absent."},
    {"to_dict", (PyCFunction)foil_py_view_to_dict, METH_NOARGS, "The object as a new dict."},
    {"__reduce__", (PyCFunction)foil_py_view_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

static PyMappingMethods foil_py_view_mapping = {foil_py_view_length, foil_py_view_subscript, NULL};
static PySequenceMethods foil_py_view_sequence = {
    .sq_contains = foil_py_view_contains,
};

static PyTypeObject foil_py_view_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "foil.native.JsonView",
    .tp_basicsize = sizeof(foil_py_view_t),
    .tp_dealloc = foil_py_view_dealloc,
    .tp_repr = foil_py_view_repr,
    .tp_as_sequence = &foil_py_view_sequence,
    .tp_as_mapping = &foil_py_view_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A read-only view of a JSON object owned by a C page or result.",
    .tp_methods = foil_py_view_methods,
};

/* Readied on first use: SWIG's module init differs between versions (single/multi-phase). */
static int foil_py_view_ready(void) {
    return (foil_py_view_type.tp_flags & Py_TPFLAGS_READY) ? 0 : PyType_Ready(&foil_py_view_type);
}

/* ---- Field: the attribute descriptor of the result classes (foil._model.Field's base).
 *
 * Reading an attribute is the hot path of a walk, so it runs here: look the key up in the
 * instance's `_d` (a JsonView, or a dict for results built from Python data), hand
 * nested objects to lazy converters as views, and skip the Python converter when the
 * value already has a type the converter returns unchanged. */
typedef struct {
    PyObject_HEAD
    PyObject *key;     /* str: the JSON member name */
    PyObject *convert; /* callable: raw value -> attribute value */
    PyObject *exact;   /* tuple of types `convert` returns unchanged */
    int lazy;          /* convert takes a JsonView for an object member */
} foil_py_field_t;

static PyObject *foil_py_field_data_name = NULL;

static int foil_py_field_init(PyObject *self, PyObject *args, PyObject *kwargs) {
    foil_py_field_t *f = (foil_py_field_t *)self;
    PyObject *key, *convert, *exact;
    int lazy;
    static char *names[] = {"key", "convert", "exact", "lazy", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UOO!p", names, &key, &convert, &PyTuple_Type,
                                     &exact, &lazy))
        return -1;
    Py_INCREF(key);
    Py_INCREF(convert);
    Py_INCREF(exact);
    Py_XSETREF(f->key, key);
    Py_XSETREF(f->convert, convert);
    Py_XSETREF(f->exact, exact);
    f->lazy = lazy;
    return 0;
}

static void foil_py_field_dealloc(PyObject *self) {
    foil_py_field_t *f = (foil_py_field_t *)self;
    Py_CLEAR(f->key);
    Py_CLEAR(f->convert);
    Py_CLEAR(f->exact);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *foil_py_field_get(PyObject *self, PyObject *obj, PyObject *type) {
    foil_py_field_t *f = (foil_py_field_t *)self;
    (void)type;
    if (!obj || obj == Py_None) return Py_NewRef(self);
    if (!f->key) {
        PyErr_SetString(PyExc_TypeError, "Field was not initialised");
        return NULL;
    }
    PyObject *d = PyObject_GetAttr(obj, foil_py_field_data_name), *value;
    if (!d) return NULL;
    if (Py_TYPE(d) == &foil_py_view_type) {
        int found;
        const cJSON *n = foil_py_view_member(d, f->key, &found);
        value = f->lazy ? foil_py_lazy(((foil_py_view_t *)d)->owner, n) : foil_py_json_node(n);
    } else if (PyDict_CheckExact(d)) {
        value = PyDict_GetItemWithError(d, f->key);
        value = value ? Py_NewRef(value) : PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    } else {
        value = PyObject_CallMethod(d, "get", "O", f->key);
    }
    Py_DECREF(d);
    if (!value) return NULL;
    for (Py_ssize_t i = 0, n = PyTuple_GET_SIZE(f->exact); i < n; i++)
        if ((PyObject *)Py_TYPE(value) == PyTuple_GET_ITEM(f->exact, i)) return value;
    PyObject *r = PyObject_CallOneArg(f->convert, value);
    Py_DECREF(value);
    return r;
}

static PyMemberDef foil_py_field_members[] = {
    {"key", T_OBJECT, offsetof(foil_py_field_t, key), READONLY, "The JSON member name."},
    {"convert", T_OBJECT, offsetof(foil_py_field_t, convert), READONLY, "The converter."},
    {"lazy", T_INT, offsetof(foil_py_field_t, lazy), READONLY, "Converter takes a JsonView."},
    {NULL, 0, 0, 0, NULL}};

static PyTypeObject foil_py_field_base = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "foil.native.FieldBase",
    .tp_basicsize = sizeof(foil_py_field_t),
    .tp_dealloc = foil_py_field_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "FieldBase(key, convert, exact, lazy): a read-only attribute of a result class.",
    .tp_members = foil_py_field_members,
    .tp_descr_get = foil_py_field_get,
    .tp_init = foil_py_field_init,
    .tp_new = PyType_GenericNew,
};

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

/* Raise the Python exception for a failed call (GIL held). */
static void foil_py_raise(foil_status_t st) {
    if (st == FOIL_E_NOMEM) {
        PyErr_NoMemory();
        return;
    }
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

/* ---- safe verify: (ok, error_code) come back as extra outputs. */
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
            PyErr_Format(PyExc_TypeError, "%s: argument %d must be str, not %.100s", "$symname",
                         $argnum, Py_TYPE($input)->tp_name);
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

/* ---- Python-only helpers: they build Python objects, so they keep the GIL. */
%nothread foil_py_set_error_hook;
%nothread foil_py_page_views;
%nothread foil_py_result_views;
%nothread foil_py_json_view_type;
%nothread foil_py_field_type;
%nothread foil_py_gate_session_outputs;
%nothread foil_py_gate_session_refused;
%nothread foil_py_delivery_payload_outputs;
%nothread foil_py_gate_session_wait;
%nothread foil_py_json_roundtrip;
%nothread foil_py_json_text;

%{
struct foil_py_wait_ctx {
    PyObject *on_status;
    int failed;
};

/* Called by foil_gate_session_wait about every 100 ms, without the GIL. */
static int foil_py_wait_progress(void *user_data, const char *status, double seconds_left) {
    struct foil_py_wait_ctx *ctx = (struct foil_py_wait_ctx *)user_data;
    PyGILState_STATE gil = PyGILState_Ensure();
    if (PyErr_CheckSignals() != 0) {
        ctx->failed = 1;
    } else if (ctx->on_status && ctx->on_status != Py_None) {
        PyObject *r = PyObject_CallFunction(ctx->on_status, "sd", status ? status : "", seconds_left);
        if (!r) ctx->failed = 1;
        Py_XDECREF(r);
    }
    PyGILState_Release(gil);
    return ctx->failed;
}

static PyObject *foil_py_pairs(size_t n, const char *(*key)(const void *, size_t),
                               const char *(*value)(const void *, size_t), const void *h) {
    PyObject *dict = PyDict_New();
    for (size_t i = 0; dict && i < n; i++) {
        PyObject *k = foil_py_text(key(h, i)), *v = k ? foil_py_text(value(h, i)) : NULL;
        if (!v || PyDict_SetItem(dict, k, v) != 0) Py_CLEAR(dict);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    return dict;
}
/* Python data as a cJSON tree, for the compact JSON text the C calls take. Returns NULL with
 * *unsupported set for anything json.dumps would write in another way (non-str keys, NaN,
 * NUL characters, subclasses, deep or circular nesting), NULL with a Python error on failure. */
static cJSON *foil_py_to_cjson(PyObject *o, int depth, int *unsupported) {
    if (o == Py_None) return cJSON_CreateNull();
    if (o == Py_True) return cJSON_CreateTrue();
    if (o == Py_False) return cJSON_CreateFalse();
    if (PyUnicode_CheckExact(o)) {
        Py_ssize_t n = 0;
        const char *s = PyUnicode_AsUTF8AndSize(o, &n);
        if (!s) PyErr_Clear(); /* a lone surrogate: json.dumps escapes it */
        if (!s || strlen(s) != (size_t)n) goto unsupported;
        return cJSON_CreateString(s);
    }
    if (PyLong_CheckExact(o) || (PyFloat_CheckExact(o) && isfinite(PyFloat_AS_DOUBLE(o)))) {
        PyObject *text = PyObject_Repr(o); /* what json.dumps writes for exact int and float */
        const char *s = text ? PyUnicode_AsUTF8(text) : NULL;
        cJSON *raw = s ? cJSON_CreateRaw(s) : NULL;
        Py_XDECREF(text);
        return raw;
    }
    if (depth >= 64) goto unsupported;
    if (PyDict_CheckExact(o)) {
        cJSON *obj = cJSON_CreateObject();
        PyObject *key, *value;
        Py_ssize_t pos = 0, n = 0;
        while (obj && PyDict_Next(o, &pos, &key, &value)) {
            const char *k = PyUnicode_CheckExact(key) ? PyUnicode_AsUTF8AndSize(key, &n) : NULL;
            cJSON *item = NULL;
            if (k && strlen(k) == (size_t)n) item = foil_py_to_cjson(value, depth + 1, unsupported);
            else {
                PyErr_Clear();
                *unsupported = 1;
            }
            if (!item || !cJSON_AddItemToObject(obj, k, item)) {
                cJSON_Delete(item);
                cJSON_Delete(obj);
                return NULL;
            }
        }
        return obj;
    }
    if (PyList_CheckExact(o) || PyTuple_CheckExact(o)) {
        cJSON *arr = cJSON_CreateArray();
        for (Py_ssize_t i = 0; arr && i < PySequence_Fast_GET_SIZE(o); i++) {
            cJSON *item = foil_py_to_cjson(PySequence_Fast_GET_ITEM(o, i), depth + 1, unsupported);
            if (!item || !cJSON_AddItemToArray(arr, item)) {
                cJSON_Delete(item);
                cJSON_Delete(arr);
                return NULL;
            }
        }
        return arr;
    }
unsupported:
    *unsupported = 1;
    return NULL;
}

static const char *foil_py_out_key(const void *h, size_t i) {
    return foil_gate_session_output_key((const foil_gate_session_t *)h, i);
}
static const char *foil_py_out_value(const void *h, size_t i) {
    return foil_gate_session_output_value((const foil_gate_session_t *)h, i);
}
static const char *foil_py_refused_key(const void *h, size_t i) {
    return foil_gate_session_refused_key((const foil_gate_session_t *)h, i);
}
static const char *foil_py_refused_reason(const void *h, size_t i) {
    return foil_gate_session_refused_reason((const foil_gate_session_t *)h, i);
}
static const char *foil_py_payload_key(const void *h, size_t i) {
    return foil_delivery_payload_output_key((const foil_delivery_payload_t *)h, i);
}
static const char *foil_py_payload_value(const void *h, size_t i) {
    return foil_delivery_payload_output_value((const foil_delivery_payload_t *)h, i);
}
%}

%inline %{
/* The callable that turns an error-info dict into the exception instance to raise. */
void foil_py_set_error_hook(PyObject *hook) {
    Py_XINCREF(hook);
    Py_XDECREF(foil_py_error_hook);
    foil_py_error_hook = hook;
}

/* A whole page in one call: (items, limit, has_more, next_cursor, request_id), each item a
 * JsonView that keeps `page` (the foil_page proxy) alive. */
PyObject *foil_py_page_views(PyObject *page) {
    void *ptr = NULL;
    if (foil_py_view_ready() < 0) return NULL;
    if (!SWIG_IsOK(SWIG_ConvertPtr(page, &ptr, SWIGTYPE_p_foil_page, 0)) || !ptr) {
        PyErr_SetString(PyExc_TypeError, "py_page_views: expected a foil_page");
        return NULL;
    }
    const foil_page_t *p = (const foil_page_t *)ptr;
    const cJSON *data = (const cJSON *)(const void *)foil_page_items(p);
    PyObject *items = data ? foil_py_lazy_data(page, data) : PyList_New(0);
    if (!items) return NULL;
    return Py_BuildValue("(NiNNN)", items, foil_page_limit(p), PyBool_FromLong(foil_page_has_more(p)),
                         foil_py_text(foil_page_next_cursor(p)), foil_py_text(foil_page_request_id(p)));
}

/* A whole result in one call: (data, request_id, http_status); object data (or each object
 * of array data) is a JsonView that keeps `result` (the foil_result proxy) alive. */
PyObject *foil_py_result_views(PyObject *result) {
    void *ptr = NULL;
    if (foil_py_view_ready() < 0) return NULL;
    if (!SWIG_IsOK(SWIG_ConvertPtr(result, &ptr, SWIGTYPE_p_foil_result, 0)) || !ptr) {
        PyErr_SetString(PyExc_TypeError, "py_result_views: expected a foil_result");
        return NULL;
    }
    const foil_result_t *r = (const foil_result_t *)ptr;
    return Py_BuildValue("(NNi)", foil_py_lazy_data(result, (const cJSON *)(const void *)foil_result_data(r)),
                         foil_py_text(foil_result_request_id(r)), foil_result_http_status(r));
}

/* The Field descriptor's C base, for foil._model.Field. */
PyObject *foil_py_field_type(void) {
    if (!foil_py_field_data_name && !(foil_py_field_data_name = PyUnicode_InternFromString("_d")))
        return NULL;
    if (!(foil_py_field_base.tp_flags & Py_TPFLAGS_READY) && PyType_Ready(&foil_py_field_base) < 0)
        return NULL;
    Py_INCREF(&foil_py_field_base);
    return (PyObject *)&foil_py_field_base;
}

/* The JsonView type, for isinstance checks in the result classes. */
PyObject *foil_py_json_view_type(void) {
    if (foil_py_view_ready() < 0) return NULL;
    Py_INCREF(&foil_py_view_type);
    return (PyObject *)&foil_py_view_type;
}

/* The merged, policy-checked outputs after approval, as a dict. */
PyObject *foil_py_gate_session_outputs(const foil_gate_session_t *s) {
    return foil_py_pairs(foil_gate_session_output_count(s), foil_py_out_key, foil_py_out_value, s);
}

/* Keys the env-var policy refused, with the reason. */
PyObject *foil_py_gate_session_refused(const foil_gate_session_t *s) {
    return foil_py_pairs(foil_gate_session_refused_count(s), foil_py_refused_key,
                         foil_py_refused_reason, s);
}

/* A decrypted payload's outputs as a dict. */
PyObject *foil_py_delivery_payload_outputs(const foil_delivery_payload_t *p) {
    return foil_py_pairs(foil_delivery_payload_output_count(p), foil_py_payload_key,
                         foil_py_payload_value, p);
}

/* foil_gate_session_wait with the GIL released; on_status(status, seconds_left) is
 * called with the GIL, and Ctrl-C (or an exception in on_status) cancels promptly. */
PyObject *foil_py_gate_session_wait(foil_gate_session_t *s, long timeout_ms, long interval_ms,
                                    PyObject *on_status) {
    struct foil_py_wait_ctx ctx = {on_status, 0};
    foil_status_t st;
    Py_BEGIN_ALLOW_THREADS
    st = foil_gate_session_wait(s, timeout_ms, interval_ms, foil_py_wait_progress, &ctx);
    Py_END_ALLOW_THREADS
    if (ctx.failed) return NULL;
    if (st != FOIL_OK) {
        foil_py_raise(st);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Plain JSON data (exact dict, list, tuple, str, int, float, bool, None) as compact JSON
 * text, in one C pass; None when json.dumps must handle the value instead. */
PyObject *foil_py_json_text(PyObject *obj) {
    int unsupported = 0;
    cJSON *tree = foil_py_to_cjson(obj, 0, &unsupported);
    if (!tree) {
        if (unsupported) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    }
    char *text = cJSON_PrintUnformatted(tree);
    cJSON_Delete(tree);
    if (!text) return PyErr_NoMemory();
    PyObject *r = PyUnicode_FromString(text);
    cJSON_free(text);
    return r;
}

/* Parse JSON text with the core's parser and convert it (the converter's test hook). */
PyObject *foil_py_json_roundtrip(const char *text, size_t len) {
    foil_document_t *doc = NULL;
    foil_status_t st = foil_document_parse(text, len, &doc);
    if (st != FOIL_OK) {
        foil_py_raise(st);
        return NULL;
    }
    PyObject *r = foil_py_json(foil_document_root(doc));
    foil_document_free(doc);
    return r;
}
%}

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
