/* python_views.i: Python-only speed-ups (included by python.i).
 *
 * - JsonView: a lazy, read-only view of a JSON object inside a C page or result; result
 *   objects read their fields from it on demand, so a walk converts only what it reads.
 * - FieldBase: the attribute descriptor of the result classes (foil._model.Field), in C
 *   because reading an attribute is the hot path of a walk.
 * - py_page_views / py_result_views: a whole page or result in one call; py_page_models /
 *   py_result_models: a page's (a list result's) result objects (foil._model.Model
 *   subclasses) built in C, for iter() of Foil (AsyncFoil).
 * - py_json_text: plain Python data as compact JSON text for request bodies, in one pass.
 * Everything reads JSON through the public walk of foil/json.h (foil_json_at/next/key and
 * the scalar readers); nothing here includes cJSON or a core header. Nothing here releases
 * the GIL: every function is %nothread. Limited API only (python.i): the types are heap types
 * made from specs, and Model's `_d` slot is found by probing an instance.
 */

%{
#include <math.h>
#include <structmember.h>

/* ---- JsonView: a borrowed object view plus a reference to the Python object that owns
 * the C handle (a page or result proxy), so the handle lives exactly as long as some view
 * of it does. The JSON is never modified after parsing, so views may be read from any
 * thread. */
typedef struct {
    PyObject_HEAD
    PyObject *owner;
    const foil_json_t *node;
} foil_py_view_t;

static PyTypeObject *foil_py_view_type;

static PyObject *foil_py_view_new(PyObject *owner, const foil_json_t *node) {
    foil_py_view_t *v = PyObject_New(foil_py_view_t, foil_py_view_type);
    if (!v) return NULL;
    Py_INCREF(owner);
    v->owner = owner;
    v->node = node;
    return (PyObject *)v;
}

static void foil_py_view_dealloc(PyObject *self) {
    PyTypeObject *type = Py_TYPE(self);
    Py_DECREF(((foil_py_view_t *)self)->owner);
    PyObject_Free(self);
    Py_DECREF(type); /* a heap type's instance holds a reference to it */
}

/* Objects stay lazy; everything else (scalars, arrays) is converted now. */
static PyObject *foil_py_lazy(PyObject *owner, const foil_json_t *n) {
    if (foil_json_type(n) == FOIL_JSON_OBJECT) return foil_py_view_new(owner, n);
    return foil_py_json(n);
}

/* Top-level data: an object, or an array whose objects each become a view. */
static PyObject *foil_py_lazy_data(PyObject *owner, const foil_json_t *n) {
    if (foil_json_type(n) != FOIL_JSON_ARRAY) return foil_py_lazy(owner, n);
    PyObject *list = PyList_New((Py_ssize_t)foil_json_size(n));
    Py_ssize_t i = 0;
    if (!list) return NULL;
    for (const foil_json_t *e = foil_json_at(n, 0); e; e = foil_json_next(e)) {
        PyObject *item = foil_py_lazy(owner, e);
        if (!item) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SetItem(list, i++, item); /* steals item; i is in range */
    }
    return list;
}

/* The member named by a str key; *found = 0 when absent (NULL and no error). Member names
 * are C strings, so a key with a NUL in it names no member (and must not be compared as the
 * shorter name before its NUL: that read past the member's name). */
static const foil_json_t *foil_py_view_member(PyObject *self, PyObject *key, int *found) {
    *found = 0;
    if (!PyUnicode_Check(key)) return NULL;
    Py_ssize_t len = 0;
    const char *k = PyUnicode_AsUTF8AndSize(key, &len);
    if (!k) {
        PyErr_Clear();
        return NULL;
    }
    if (memchr(k, '\0', (size_t)len)) return NULL;
    for (const foil_json_t *m = foil_json_at(((foil_py_view_t *)self)->node, 0); m;
         m = foil_json_next(m)) {
        const char *name = foil_json_key(m);
        /* k has no NUL: equal first len bytes mean name is at least len long. */
        if (name && strncmp(name, k, (size_t)len) == 0 && name[len] == '\0') {
            *found = 1;
            return m;
        }
    }
    return NULL;
}

/* view.field(key): the member for an attribute: None when absent or null, a view for an
 * object, a Python value otherwise. */
static PyObject *foil_py_view_field(PyObject *self, PyObject *key) {
    int found;
    const foil_json_t *n = foil_py_view_member(self, key, &found);
    return foil_py_lazy(((foil_py_view_t *)self)->owner, n);
}

/* view.get(key, default=None): the member as plain Python data. */
static PyObject *foil_py_view_get(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get() takes a key and an optional default");
        return NULL;
    }
    int found;
    const foil_json_t *n = foil_py_view_member(self, args[0], &found);
    if (!found) {
        PyObject *def = nargs == 2 ? args[1] : Py_None;
        Py_INCREF(def);
        return def;
    }
    return foil_py_json(n);
}

static PyObject *foil_py_view_subscript(PyObject *self, PyObject *key) {
    int found;
    const foil_json_t *n = foil_py_view_member(self, key, &found);
    if (!found) {
        PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    return foil_py_json(n);
}

static int foil_py_view_contains(PyObject *self, PyObject *key) {
    int found;
    foil_py_view_member(self, key, &found);
    return found;
}

static Py_ssize_t foil_py_view_length(PyObject *self) {
    return (Py_ssize_t)foil_json_size(((foil_py_view_t *)self)->node);
}

/* view.to_dict(): the whole object as new dicts, lists and scalars, in one pass. */
static PyObject *foil_py_view_to_dict(PyObject *self, PyObject *unused) {
    (void)unused;
    return foil_py_json(((foil_py_view_t *)self)->node);
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

static PyType_Slot foil_py_view_slots[] = {
    {Py_tp_dealloc, (void *)foil_py_view_dealloc},
    {Py_tp_repr, (void *)foil_py_view_repr},
    {Py_mp_length, (void *)foil_py_view_length},
    {Py_mp_subscript, (void *)foil_py_view_subscript},
    {Py_sq_contains, (void *)foil_py_view_contains},
    {Py_tp_doc, (void *)"A read-only view of a JSON object owned by a C page or result."},
    {Py_tp_methods, (void *)foil_py_view_methods},
    {0, NULL}};

static PyType_Spec foil_py_view_spec = {"foil.native.JsonView", sizeof(foil_py_view_t), 0,
                                        Py_TPFLAGS_DEFAULT, foil_py_view_slots};

/* Made on first use: SWIG's module init differs between versions (single/multi-phase). */
static int foil_py_view_ready(void) {
    if (!foil_py_view_type) foil_py_view_type = (PyTypeObject *)PyType_FromSpec(&foil_py_view_spec);
    return foil_py_view_type ? 0 : -1;
}

/* ---- Result objects (foil._model.Model subclasses) built in C, the walk's hot path: the
 * instance is allocated and its `_d` slot set directly, which is all Model.__init__ does. */
static PyTypeObject *foil_py_model_base; /* foil._model.Model */
static PyObject *foil_py_model_init;     /* Model.__init__ */
static Py_ssize_t foil_py_model_slot;    /* offset of Model's `_d` slot */
static PyObject *foil_py_dictoffset_name; /* "__dictoffset__" */

/* The `_d` slot of a Model instance (borrowed, NULL when unset), or NULL with *other = 1
 * for any other object. */
static PyObject *foil_py_model_data(PyObject *obj, int *other) {
    *other = !foil_py_model_base || !PyObject_TypeCheck(obj, foil_py_model_base);
    return *other ? NULL : *(PyObject **)((char *)obj + foil_py_model_slot);
}

/* cls(view) for each object of a page's data, without a Python call when cls keeps
 * Model.__init__; NULL and no error when an item is not an object. */
static PyObject *foil_py_models(PyObject *owner, const foil_json_t *data, PyTypeObject *cls) {
    PyObject *init = PyObject_GetAttrString((PyObject *)cls, "__init__");
    if (!init) return NULL;
    int direct = init == foil_py_model_init;
    Py_DECREF(init);
    allocfunc alloc = (allocfunc)PyType_GetSlot(cls, Py_tp_alloc);
    /* A subclass that gave its instances a __dict__ may put a cycle through one. */
    PyObject *dictoffset = PyObject_GetAttr((PyObject *)cls, foil_py_dictoffset_name);
    if (!dictoffset) return NULL;
    int has_dict = PyObject_IsTrue(dictoffset);
    Py_DECREF(dictoffset);
    if (has_dict < 0) return NULL;
    if (foil_json_type(data) != FOIL_JSON_ARRAY) return NULL;
    PyObject *list = PyList_New((Py_ssize_t)foil_json_size(data));
    Py_ssize_t i = 0;
    if (!list) return NULL;
    for (const foil_json_t *e = foil_json_at(data, 0); e; e = foil_json_next(e)) {
        if (foil_json_type(e) != FOIL_JSON_OBJECT) {
            Py_DECREF(list);
            return NULL;
        }
        PyObject *view = foil_py_view_new(owner, e), *item = NULL;
        if (view && direct) {
            item = alloc(cls, 0);
            if (item) {
                *(PyObject **)((char *)item + foil_py_model_slot) = Py_NewRef(view);
                /* Its only reference is the view, which holds no Python object but the
                 * page: no cycle can pass through it, so the collector need not track it
                 * (unless a subclass gave it a __dict__). */
                if (!has_dict && PyObject_GC_IsTracked(item)) PyObject_GC_UnTrack(item);
            }
        } else if (view) {
            item = PyObject_CallFunctionObjArgs((PyObject *)cls, view, NULL);
        }
        Py_XDECREF(view);
        if (!item) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SetItem(list, i++, item); /* steals item; i is in range */
    }
    return list;
}

/* ---- FieldBase: look the key up in the instance's `_d` (a JsonView, or a dict for
 * results built from Python data), hand nested objects to lazy converters as views, and
 * skip the Python converter when the value already has a type it returns unchanged. */
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
    PyObject *old_key = f->key, *old_convert = f->convert, *old_exact = f->exact;
    f->key = Py_NewRef(key);
    f->convert = Py_NewRef(convert);
    f->exact = Py_NewRef(exact);
    f->lazy = lazy;
    Py_XDECREF(old_key);
    Py_XDECREF(old_convert);
    Py_XDECREF(old_exact);
    return 0;
}

static void foil_py_field_dealloc(PyObject *self) {
    foil_py_field_t *f = (foil_py_field_t *)self;
    PyTypeObject *type = Py_TYPE(self);
    Py_CLEAR(f->key);
    Py_CLEAR(f->convert);
    Py_CLEAR(f->exact);
    ((freefunc)PyType_GetSlot(type, Py_tp_free))(self);
    Py_DECREF(type); /* a heap type's instance holds a reference to it */
}

static PyObject *foil_py_field_get(PyObject *self, PyObject *obj, PyObject *type) {
    foil_py_field_t *f = (foil_py_field_t *)self;
    (void)type;
    if (!obj || obj == Py_None) return Py_NewRef(self);
    if (!f->key) {
        PyErr_SetString(PyExc_TypeError, "Field was not initialised");
        return NULL;
    }
    int other;
    PyObject *d = foil_py_model_data(obj, &other), *value;
    d = other || !d ? PyObject_GetAttr(obj, foil_py_field_data_name) : Py_NewRef(d);
    if (!d) return NULL;
    if (Py_TYPE(d) == foil_py_view_type) {
        int found;
        const foil_json_t *n = foil_py_view_member(d, f->key, &found);
        value = f->lazy ? foil_py_lazy(((foil_py_view_t *)d)->owner, n) : foil_py_json(n);
    } else if (PyDict_Check(d)) {
        value = PyDict_GetItemWithError(d, f->key);
        value = value ? Py_NewRef(value) : PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    } else {
        value = PyObject_CallMethod(d, "get", "O", f->key); /* another Mapping */
    }
    Py_DECREF(d);
    if (!value) return NULL;
    for (Py_ssize_t i = 0, n = PyTuple_Size(f->exact); i < n; i++)
        if ((PyObject *)Py_TYPE(value) == PyTuple_GetItem(f->exact, i)) return value;
    PyObject *r = PyObject_CallFunctionObjArgs(f->convert, value, NULL);
    Py_DECREF(value);
    return r;
}

static PyMemberDef foil_py_field_members[] = {
    {"key", T_OBJECT, offsetof(foil_py_field_t, key), READONLY, "The JSON member name."},
    {"convert", T_OBJECT, offsetof(foil_py_field_t, convert), READONLY, "The converter."},
    {"lazy", T_INT, offsetof(foil_py_field_t, lazy), READONLY, "Converter takes a JsonView."},
    {NULL, 0, 0, 0, NULL}};

static PyType_Slot foil_py_field_slots[] = {
    {Py_tp_dealloc, (void *)foil_py_field_dealloc},
    {Py_tp_doc, (void *)"FieldBase(key, convert, exact, lazy): a read-only attribute of a result class."},
    {Py_tp_members, (void *)foil_py_field_members},
    {Py_tp_descr_get, (void *)foil_py_field_get},
    {Py_tp_init, (void *)foil_py_field_init},
    {Py_tp_new, (void *)PyType_GenericNew},
    {0, NULL}};

static PyType_Spec foil_py_field_spec = {"foil.native.FieldBase", sizeof(foil_py_field_t), 0,
                                         Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                                         foil_py_field_slots};
static PyObject *foil_py_field_base;

/* ---- The request-body serialiser: exact dict / list / tuple / str / int / float / bool /
 * None as compact JSON text, through the core's JSON writer (foil/json_writer.h). */

/* 0 written, -1 Python error, 1 unsupported (json.dumps must handle the value: NUL
 * characters, subclasses and other types). What JSON cannot carry is raised here, as
 * json.dumps(allow_nan=False) would, not sent for the core to refuse under another name:
 * a lone surrogate (UnicodeEncodeError), NaN or an infinity and nesting deeper than the
 * core reads (ValueError), a key that is not a str (TypeError: json.dumps would write 1 or
 * True as "1" or "true"). */
static int foil_py_dump(foil_json_writer_t *w, PyObject *o, int depth) {
    foil_status_t st;
    if (o == Py_None) {
        st = foil_json_writer_null(w);
    } else if (o == Py_True || o == Py_False) {
        st = foil_json_writer_bool(w, o == Py_True);
    } else if (PyUnicode_CheckExact(o)) {
        Py_ssize_t n = 0;
        const char *s = PyUnicode_AsUTF8AndSize(o, &n);
        if (!s) { /* a lone surrogate: UnicodeEncodeError, the text hidden */
            foil_py_hide_encode_error();
            return -1;
        }
        if (strlen(s) != (size_t)n) return 1;
        st = foil_json_writer_string(w, s, (size_t)n);
    } else if (PyLong_CheckExact(o)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (v == -1 && PyErr_Occurred()) return -1;
        if (overflow) {
            PyObject *text = PyObject_Repr(o); /* what json.dumps writes for a wide int */
            Py_ssize_t n = 0;
            const char *s = text ? PyUnicode_AsUTF8AndSize(text, &n) : NULL;
            st = s ? foil_json_writer_number(w, s, (size_t)n) : FOIL_OK;
            Py_XDECREF(text);
            if (!s) return -1;
        } else {
            st = foil_json_writer_int(w, (int64_t)v);
        }
    } else if (PyFloat_CheckExact(o)) {
        double d = PyFloat_AsDouble(o);
        if (!isfinite(d)) {
            PyErr_Format(PyExc_ValueError, "Out of range float values are not JSON compliant: %R", o);
            return -1;
        }
        st = foil_json_writer_double(w, d);
    } else if (depth >= FOIL_JSON_MAX_DEPTH && (PyDict_Check(o) || PyList_Check(o) || PyTuple_Check(o))) {
        PyErr_Format(PyExc_ValueError, "JSON nested deeper than %d", FOIL_JSON_MAX_DEPTH);
        return -1;
    } else if (PyDict_CheckExact(o)) {
        PyObject *key, *value;
        Py_ssize_t pos = 0, n = 0;
        int rc;
        if (foil_json_writer_begin_object(w) != FOIL_OK) return -1;
        while (PyDict_Next(o, &pos, &key, &value)) {
            if (!PyUnicode_Check(key)) {
                PyObject *type = PyObject_GetAttrString((PyObject *)Py_TYPE(key), "__name__");
                if (type) PyErr_Format(PyExc_TypeError, "JSON object keys must be str, not %S", type);
                Py_XDECREF(type);
                return -1;
            }
            if (!PyUnicode_CheckExact(key)) return 1;
            const char *k = PyUnicode_AsUTF8AndSize(key, &n);
            if (!k) { /* a lone surrogate: UnicodeEncodeError, the text hidden */
                foil_py_hide_encode_error();
                return -1;
            }
            if (strlen(k) != (size_t)n) return 1;
            if (foil_json_writer_key(w, k, (size_t)n) != FOIL_OK) return -1;
            if ((rc = foil_py_dump(w, value, depth + 1)) != 0) return rc;
        }
        st = foil_json_writer_end_object(w);
    } else if (PyList_CheckExact(o) || PyTuple_CheckExact(o)) {
        int rc, list = PyList_CheckExact(o);
        if (foil_json_writer_begin_array(w) != FOIL_OK) return -1;
        for (Py_ssize_t i = 0; i < (list ? PyList_Size(o) : PyTuple_Size(o)); i++)
            if ((rc = foil_py_dump(w, list ? PyList_GetItem(o, i) : PyTuple_GetItem(o, i), depth + 1)) != 0)
                return rc;
        st = foil_json_writer_end_array(w);
    } else {
        return 1;
    }
    return st == FOIL_OK ? 0 : -1; /* the writer fails here only for memory */
}
%}

%nothread foil_py_page_views;
%nothread foil_py_page_models;
%nothread foil_py_set_model_base;
%nothread foil_py_result_views;
%nothread foil_py_result_models;
%nothread foil_py_json_view_type;
%nothread foil_py_field_type;
%nothread foil_py_json_text;

%inline %{
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
    const foil_json_t *data = foil_page_items(p);
    PyObject *items = data ? foil_py_lazy_data(page, data) : PyList_New(0);
    if (!items) return NULL;
    return Py_BuildValue("(NiNNN)", items, foil_page_limit(p), PyBool_FromLong(foil_page_has_more(p)),
                         foil_py_text(foil_page_next_cursor(p)), foil_py_text(foil_page_request_id(p)));
}

/* Model (foil._model.Model) for the C builders: its `_d` slot and its __init__. The slot's
 * offset is not in the limited API: an instance gets a marker through the `_d` attribute,
 * and the marker's place in the instance's memory is the slot. A `_d` kept anywhere else (a
 * property, the instance dict) leaves no marker there and is refused. */
PyObject *foil_py_set_model_base(PyObject *model) {
    if (!PyType_Check(model)) {
        PyErr_SetString(PyExc_TypeError, "py_set_model_base: expected a class");
        return NULL;
    }
    if (!foil_py_dictoffset_name &&
        !(foil_py_dictoffset_name = PyUnicode_InternFromString("__dictoffset__")))
        return NULL;
    PyObject *size_obj = PyObject_GetAttrString(model, "__basicsize__");
    Py_ssize_t size = size_obj ? PyLong_AsSsize_t(size_obj) : -1;
    Py_XDECREF(size_obj);
    if (size < 0) return NULL;
    allocfunc alloc = (allocfunc)PyType_GetSlot((PyTypeObject *)model, Py_tp_alloc);
    PyObject *probe = alloc((PyTypeObject *)model, 0), *marker = PyList_New(0);
    Py_ssize_t slot = -1;
    if (probe && marker && PyObject_SetAttrString(probe, "_d", marker) == 0) {
        for (Py_ssize_t at = (Py_ssize_t)sizeof(PyObject); at + (Py_ssize_t)sizeof(PyObject *) <= size;
             at += (Py_ssize_t)sizeof(PyObject *))
            if (*(PyObject **)((char *)probe + at) == marker) slot = at;
    }
    Py_XDECREF(probe);
    Py_XDECREF(marker);
    if (PyErr_Occurred()) return NULL;
    if (slot < 0) {
        PyErr_SetString(PyExc_TypeError, "py_set_model_base: the class needs a `_d` slot");
        return NULL;
    }
    PyObject *init = PyObject_GetAttrString(model, "__init__");
    if (!init) return NULL;
    PyObject *old_init = foil_py_model_init, *old_base = (PyObject *)foil_py_model_base;
    foil_py_model_init = init;
    foil_py_model_base = (PyTypeObject *)Py_NewRef(model);
    foil_py_model_slot = slot;
    Py_XDECREF(old_init);
    Py_XDECREF(old_base);
    Py_RETURN_NONE;
}

/* py_page_views with the items as `cls` instances (a Model subclass) built in C; items is
 * None when an item is not a JSON object. */
PyObject *foil_py_page_models(PyObject *page, PyObject *cls) {
    void *ptr = NULL;
    if (foil_py_view_ready() < 0) return NULL;
    if (!SWIG_IsOK(SWIG_ConvertPtr(page, &ptr, SWIGTYPE_p_foil_page, 0)) || !ptr) {
        PyErr_SetString(PyExc_TypeError, "py_page_models: expected a foil_page");
        return NULL;
    }
    if (!foil_py_model_base || !PyType_Check(cls) ||
        !PyType_IsSubtype((PyTypeObject *)cls, foil_py_model_base)) {
        PyErr_SetString(PyExc_TypeError, "py_page_models: expected a Model class");
        return NULL;
    }
    const foil_page_t *p = (const foil_page_t *)ptr;
    const foil_json_t *data = foil_page_items(p);
    PyObject *items = data ? foil_py_models(page, data, (PyTypeObject *)cls) : PyList_New(0);
    if (!items) {
        if (PyErr_Occurred()) return NULL;
        items = Py_NewRef(Py_None);
    }
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
    return Py_BuildValue("(NNi)", foil_py_lazy_data(result, foil_result_data(r)),
                         foil_py_text(foil_result_request_id(r)), foil_result_http_status(r));
}

/* A list result's items as `cls` instances built in C, as py_page_models does for a page (an
 * AsyncFoil walk gets whole results from the event loop, not pages): (items, request_id,
 * http_status); items is None when the data is not an array of objects. */
PyObject *foil_py_result_models(PyObject *result, PyObject *cls) {
    void *ptr = NULL;
    if (foil_py_view_ready() < 0) return NULL;
    if (!SWIG_IsOK(SWIG_ConvertPtr(result, &ptr, SWIGTYPE_p_foil_result, 0)) || !ptr) {
        PyErr_SetString(PyExc_TypeError, "py_result_models: expected a foil_result");
        return NULL;
    }
    if (!foil_py_model_base || !PyType_Check(cls) ||
        !PyType_IsSubtype((PyTypeObject *)cls, foil_py_model_base)) {
        PyErr_SetString(PyExc_TypeError, "py_result_models: expected a Model class");
        return NULL;
    }
    const foil_result_t *r = (const foil_result_t *)ptr;
    PyObject *items = foil_py_models(result, foil_result_data(r), (PyTypeObject *)cls);
    if (!items) {
        if (PyErr_Occurred()) return NULL;
        items = Py_NewRef(Py_None);
    }
    return Py_BuildValue("(NNi)", items, foil_py_text(foil_result_request_id(r)), foil_result_http_status(r));
}

/* The Field descriptor's C base, for foil._model.Field. */
PyObject *foil_py_field_type(void) {
    if (!foil_py_field_data_name && !(foil_py_field_data_name = PyUnicode_InternFromString("_d")))
        return NULL;
    if (!foil_py_field_base && !(foil_py_field_base = PyType_FromSpec(&foil_py_field_spec)))
        return NULL;
    return Py_NewRef(foil_py_field_base);
}

/* The JsonView type, for isinstance checks in the result classes. */
PyObject *foil_py_json_view_type(void) {
    if (foil_py_view_ready() < 0) return NULL;
    return Py_NewRef((PyObject *)foil_py_view_type);
}

/* Plain JSON data (exact dict, list, tuple, str, int, float, bool, None) as compact JSON
 * text, in one C pass; None when json.dumps must handle the value instead. */
PyObject *foil_py_json_text(PyObject *obj) {
    foil_json_writer_t *w = NULL;
    if (foil_json_writer_new(&w) != FOIL_OK) return PyErr_NoMemory();
    int rc = foil_py_dump(w, obj, 0);
    PyObject *r = NULL;
    if (rc == 0) {
        size_t n = 0;
        const char *text = foil_json_writer_text(w, &n);
        r = PyUnicode_DecodeUTF8(text, (Py_ssize_t)n, "strict");
    } else if (rc > 0) {
        r = Py_NewRef(Py_None);
    } else if (!PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    foil_json_writer_free(w);
    return r;
}
%}
