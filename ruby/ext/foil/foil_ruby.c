/* foil_ruby.c: the Ruby runtime of the libfoil gem (see foil_ruby.h).
 *
 * Results are lazy: an API response body stays in the C core (a Foil::Native::Body owns the
 * C handle) and Foil::Record objects read it on demand through the foil_json_* walk of the
 * public ABI. Records are read-only, so any thread may read them; a Body is freed by the GC
 * once no record of it is referenced.
 */
#include "foil_ruby.h"

#include <ruby/encoding.h>
#include <ruby/thread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "foil_ruby_api.h"

static VALUE m_foil, m_native, c_record, c_body;
static ID id_from_native;

/* ---- Strings ---------------------------------------------------------------------------- */

VALUE foil_rb_str(const char *s) {
    return s ? rb_utf8_str_new_cstr(s) : Qnil;
}

VALUE foil_rb_take_string(char *s, void (*free_fn)(char *)) {
    if (!s) return Qnil;
    VALUE v = rb_utf8_str_new_cstr(s);
    free_fn(s);
    return v;
}

const char *foil_rb_bytes(VALUE v, size_t *len, const char *fn) {
    if (!RB_TYPE_P(v, T_STRING))
        rb_raise(rb_eTypeError, "%s: expected a String, got %s", fn, rb_obj_classname(v));
    *len = (size_t)RSTRING_LEN(v);
    return RSTRING_PTR(v);
}

const char *foil_rb_cstr(VALUE v, int argnum, const char *fn) {
    if (NIL_P(v)) return NULL;
    if (RB_SYMBOL_P(v)) v = rb_sym2str(v);
    if (!RB_TYPE_P(v, T_STRING))
        rb_raise(rb_eTypeError, "%s: argument %d must be a String, not %s", fn, argnum,
                 rb_obj_classname(v));
    /* UTF-16 or UTF-32 bytes would reach the core as they are (and read as a NUL): say what
     * is wrong. (The Ruby layer converts text it builds JSON from; these go as they are.) */
    rb_encoding *enc = rb_enc_get(v);
    if (!rb_enc_asciicompat(enc))
        rb_raise(rb_eArgError, "%s: argument %d must be UTF-8 text, not %s", fn, argnum,
                 rb_enc_name(enc));
    long n = RSTRING_LEN(v);
    const char *p = RSTRING_PTR(v);
    if ((long)strnlen(p, (size_t)n) != n)
        rb_raise(rb_eArgError, "%s: argument %d contains a NUL character", fn, argnum);
    return StringValueCStr(v);
}

/* An object key as a Symbol. Existing symbols are reused; new ones are dynamic (collectable),
 * so keys chosen by the other side (metadata) cannot grow the symbol table for good. */
static VALUE key_symbol(const char *key) {
    long n = (long)strlen(key);
    VALUE sym = rb_check_symbol_cstr(key, n, rb_utf8_encoding());
    return NIL_P(sym) ? rb_str_intern(rb_utf8_str_new(key, n)) : sym;
}

/* ---- Eager conversion ------------------------------------------------------------------- */

static VALUE scalar(const foil_json_t *v) {
    int64_t i;
    double d;
    int b;
    switch (foil_json_type(v)) {
    case FOIL_JSON_BOOL:
        return foil_json_bool(v, &b) && b ? Qtrue : Qfalse;
    case FOIL_JSON_NUMBER: /* as JSON.parse: Integer (any size) for integer text, else Float */
        if (foil_json_is_integer(v)) {
            const char *digits = foil_json_integer_text(v);
            if (digits) return rb_cstr2inum(digits, 10);
            if (foil_json_int(v, &i)) return LL2NUM((long long)i);
        }
        return foil_json_number(v, &d) ? DBL2NUM(d) : Qnil;
    case FOIL_JSON_STRING:
        return foil_rb_str(foil_json_string(v));
    default:
        return Qnil;
    }
}

VALUE foil_rb_json(const foil_json_t *v) {
    switch (foil_json_type(v)) {
    case FOIL_JSON_ARRAY: {
        VALUE a = rb_ary_new_capa((long)foil_json_size(v));
        for (const foil_json_t *e = foil_json_at(v, 0); e; e = foil_json_next(e))
            rb_ary_push(a, foil_rb_json(e));
        return a;
    }
    case FOIL_JSON_OBJECT: {
        VALUE h = rb_hash_new();
        for (const foil_json_t *m = foil_json_at(v, 0); m; m = foil_json_next(m))
            rb_hash_aset(h, key_symbol(foil_json_key(m)), foil_rb_json(m));
        return h;
    }
    default:
        return scalar(v);
    }
}

/* ---- Body: owns one C handle holding JSON ------------------------------------------------ */

/* A Record's C part: the Body that owns the JSON, and the node it shows. */
typedef struct {
    VALUE owner;
    const foil_json_t *node;
} record_t;

/* Records of one Body are carved from chunks the Body owns (a 200-item page makes 200
 * Records at once: one allocation instead of 200). A Record keeps its Body alive (it marks
 * it), so the chunks outlive every Record that points into them. */
#define RECORD_CHUNK 128
typedef struct record_chunk {
    struct record_chunk *next;
    size_t used;
    record_t records[RECORD_CHUNK];
} record_chunk;

typedef struct {
    void *handle;
    void (*free_fn)(void *);
    const foil_json_t *root;
    record_chunk *chunks; /* newest first */
} body_t;

static void body_free(void *p) {
    body_t *b = p;
    if (b->free_fn) b->free_fn(b->handle);
    for (record_chunk *c = b->chunks, *next; c; c = next) {
        next = c->next;
        xfree(c);
    }
    xfree(b);
}

static size_t body_size(const void *p) {
    const body_t *b = p;
    size_t n = sizeof(body_t);
    for (const record_chunk *c = b->chunks; c; c = c->next)
        n += sizeof *c;
    return n;
}

static const rb_data_type_t body_type = {"Foil::Native::Body",
                                         {NULL, body_free, body_size, NULL, {0}},
                                         NULL,
                                         NULL,
                                         RUBY_TYPED_FREE_IMMEDIATELY};

static void free_result(void *h) {
    foil_result_free(h);
}
static void free_document(void *h) {
    foil_document_free(h);
}

/* Wrap first, fill after: if the allocation raises, the C handle is freed by the caller. */
VALUE foil_rb_body_new(void) {
    body_t *b;
    VALUE obj = TypedData_Make_Struct(c_body, body_t, &body_type, b);
    b->handle = NULL;
    b->free_fn = NULL;
    b->root = NULL;
    b->chunks = NULL;
    return obj;
}

static void body_adopt(VALUE obj, void *handle, void (*free_fn)(void *), const foil_json_t *root) {
    body_t *b = RTYPEDDATA_DATA(obj);
    b->handle = handle;
    b->free_fn = free_fn;
    b->root = root;
}

/* ---- Record: a lazy read-only view of a JSON object -------------------------------------- */

static void record_mark(void *p) {
    rb_gc_mark(((record_t *)p)->owner);
}

static size_t record_size(const void *p) {
    (void)p;
    return sizeof(record_t);
}

/* No free function: the record_t belongs to its Body's chunks. */
static const rb_data_type_t record_type = {
    "Foil::Record", {record_mark, NULL, record_size, NULL, {0}}, NULL, NULL, 0};

/* A record_t for `node` carved from its Body's chunks. */
static record_t *record_slot(VALUE owner, const foil_json_t *node) {
    body_t *b = RTYPEDDATA_DATA(owner);
    if (!b->chunks || b->chunks->used == RECORD_CHUNK) {
        record_chunk *c = ALLOC(record_chunk); /* raises NoMemoryError: nothing pending */
        c->next = b->chunks;
        c->used = 0;
        b->chunks = c;
    }
    record_t *r = &b->chunks->records[b->chunks->used++];
    r->owner = owner;
    r->node = node;
    return r;
}

static VALUE record_new(VALUE owner, const foil_json_t *node) {
    VALUE obj = TypedData_Wrap_Struct(c_record, &record_type, record_slot(owner, node));
    RB_GC_GUARD(owner);
    return obj;
}

/* Record.allocate (for dup and clone only: Record.new is undefined) makes an empty record
 * that initialize_copy fills; any other use of it is a TypeError (record_get). */
static VALUE record_alloc(VALUE klass) {
    return TypedData_Wrap_Struct(klass, &record_type, NULL);
}

VALUE foil_rb_lazy(VALUE owner, const foil_json_t *v) {
    switch (foil_json_type(v)) {
    case FOIL_JSON_OBJECT:
        return record_new(owner, v);
    case FOIL_JSON_ARRAY: {
        VALUE a = rb_ary_new_capa((long)foil_json_size(v));
        for (const foil_json_t *e = foil_json_at(v, 0); e; e = foil_json_next(e))
            rb_ary_push(a, foil_rb_lazy(owner, e));
        return a;
    }
    default:
        return scalar(v);
    }
}

static record_t *record_get(VALUE self) {
    record_t *r = rb_check_typeddata(self, &record_type);
    if (!r) rb_raise(rb_eTypeError, "uninitialized Foil::Record");
    return r;
}

/* dup / clone: another record over the same node of the same Body. */
static VALUE record_init_copy(VALUE self, VALUE orig) {
    if (self == orig) return self;
    const record_t *src = record_get(orig);
    if (rb_check_typeddata(self, &record_type)) rb_raise(rb_eTypeError, "Foil::Record already set");
    DATA_PTR(self) = record_slot(src->owner, src->node);
    RB_GC_GUARD(orig);
    return self;
}

/* The member for a Symbol or String key; NULL when absent (or another key type). */
static const foil_json_t *member(const record_t *r, VALUE key) {
    if (RB_SYMBOL_P(key))
        key = rb_sym2str(key);
    else if (!RB_TYPE_P(key, T_STRING))
        return NULL;
    long n = RSTRING_LEN(key);
    const char *k = RSTRING_PTR(key);
    /* JSON keys never hold a NUL (the parser refuses \u0000), and the comparison below
     * relies on it: strncmp stops at the key's end, then name[n] must be that end. */
    if (memchr(k, '\0', (size_t)n)) return NULL;
    char first = n ? k[0] : '\0'; /* most members differ there: skip the call */
    for (const foil_json_t *m = foil_json_at(r->node, 0); m; m = foil_json_next(m)) {
        const char *name = foil_json_key(m);
        if (name[0] == first && strncmp(name, k, (size_t)n) == 0 && name[n] == '\0') return m;
    }
    return NULL;
}

static VALUE record_aref(VALUE self, VALUE key) {
    record_t *r = record_get(self);
    return foil_rb_lazy(r->owner, member(r, key));
}

static VALUE record_key_p(VALUE self, VALUE key) {
    return member(record_get(self), key) ? Qtrue : Qfalse;
}

static VALUE record_fetch(int argc, VALUE *argv, VALUE self) {
    VALUE key, def;
    int given = rb_scan_args(argc, argv, "11", &key, &def);
    record_t *r = record_get(self);
    const foil_json_t *m = member(r, key);
    if (m) return foil_rb_lazy(r->owner, m);
    if (rb_block_given_p()) return rb_yield(key);
    if (given == 2) return def;
    rb_raise(rb_eKeyError, "key not found: %" PRIsVALUE, rb_inspect(key));
    return Qnil;
}

static VALUE record_dig(int argc, VALUE *argv, VALUE self) {
    rb_check_arity(argc, 1, UNLIMITED_ARGUMENTS);
    VALUE v = record_aref(self, argv[0]);
    if (argc == 1 || NIL_P(v)) return v;
    return rb_funcallv(v, rb_intern("dig"), argc - 1, argv + 1);
}

static VALUE record_size_m(VALUE self) {
    return SIZET2NUM(foil_json_size(record_get(self)->node));
}

static VALUE record_empty_p(VALUE self) {
    return foil_json_size(record_get(self)->node) ? Qfalse : Qtrue;
}

static VALUE record_keys(VALUE self) {
    record_t *r = record_get(self);
    VALUE a = rb_ary_new_capa((long)foil_json_size(r->node));
    for (const foil_json_t *m = foil_json_at(r->node, 0); m; m = foil_json_next(m))
        rb_ary_push(a, key_symbol(foil_json_key(m)));
    return a;
}

static VALUE record_values(VALUE self) {
    record_t *r = record_get(self);
    VALUE a = rb_ary_new_capa((long)foil_json_size(r->node));
    for (const foil_json_t *m = foil_json_at(r->node, 0); m; m = foil_json_next(m))
        rb_ary_push(a, foil_rb_lazy(r->owner, m));
    return a;
}

static VALUE record_enum_size(VALUE self, VALUE args, VALUE eobj) {
    (void)args;
    (void)eobj;
    return record_size_m(self);
}

static VALUE record_each(VALUE self) {
    RETURN_SIZED_ENUMERATOR(self, 0, 0, record_enum_size);
    record_t *r = record_get(self);
    for (const foil_json_t *m = foil_json_at(r->node, 0); m; m = foil_json_next(m))
        rb_yield(rb_assoc_new(key_symbol(foil_json_key(m)), foil_rb_lazy(r->owner, m)));
    return self;
}

static VALUE record_to_h(VALUE self) {
    return foil_rb_json(record_get(self)->node);
}

VALUE foil_rb_deep(VALUE value) {
    if (rb_typeddata_is_kind_of(value, &record_type)) return record_to_h(value);
    if (RB_TYPE_P(value, T_ARRAY)) {
        long n = RARRAY_LEN(value);
        VALUE a = rb_ary_new_capa(n);
        for (long i = 0; i < n; i++)
            rb_ary_push(a, foil_rb_deep(RARRAY_AREF(value, i)));
        return a;
    }
    return value;
}

static VALUE record_eq(VALUE self, VALUE other) {
    if (self == other) return Qtrue;
    if (rb_typeddata_is_kind_of(other, &record_type)) other = record_to_h(other);
    if (!RB_TYPE_P(other, T_HASH)) return Qfalse;
    return rb_equal(record_to_h(self), other);
}

static VALUE record_hash(VALUE self) {
    return rb_hash(record_to_h(self));
}

/* ---- Errors ----------------------------------------------------------------------------- */

/* Raise the Foil::Error subclass for a failure described by `owned` (an error copy from
 * foil_call, freed here) or, when NULL, by this thread's foil_last_error(). The C record is
 * converted to a Ruby Hash and freed before the raise (SWIG-NOTES R1). */
static void raise_error(foil_status_t st, foil_error_t *owned) {
    if (st == FOIL_E_NOMEM) {
        foil_error_free(owned);
        rb_memerror();
    }
    const foil_error_t *e = owned ? owned : foil_last_error();
    foil_error_t *made = NULL;
    /* A status without a record of its own (the record is an older failure's, e.g. from the
     * emulator's API): the core makes one for it. */
    if (foil_error_status(e) != st && foil_error_new(st, NULL, &made) == FOIL_OK) {
        foil_error_free(owned);
        e = owned = made;
    }
    VALUE info = foil_rb_json(foil_error_json(e));
    foil_error_free(owned);
    if (!RB_TYPE_P(info, T_HASH)) rb_memerror(); /* no record: memory ran out */
    VALUE base = rb_const_get(m_foil, rb_intern("Error"));
    rb_exc_raise(rb_funcall(base, id_from_native, 1, info));
}

void foil_rb_raise(foil_status_t st) {
    raise_error(st, NULL);
}

void foil_rb_raise_owned(foil_status_t st, foil_error_t **error) {
    foil_error_t *owned = *error;
    *error = NULL;
    raise_error(st, owned);
}

/* ---- GVL-free calls --------------------------------------------------------------------- */

/* An interrupt of a thread inside a GVL-free call is handled by Ruby mid-call, on that
 * thread, and only ends the call when its handler raises: a SIGCHLD (Ruby traps it to reap
 * children) or a trap that returns must not cancel a request. So the unblocking function
 * only marks the call (one atomic store: async-signal-safe), and the token's check, run by
 * the waiting thread at each ~0.1 s tick, takes the GVL, lets Ruby run what is pending
 * under rb_protect, and cancels the call when that raised (Ctrl-C, Timeout, Thread#kill);
 * the caller re-raises it once the call is over. The check also reads the thread's
 * pending-interrupt flags, since a signal that arrives while other threads exist only marks
 * the main thread (Ruby calls the unblocking function when a thread gets to handle it). */
typedef struct {
    foil_cancel_t *token;
    VALUE thread;
    atomic_int poked; /* the unblocking function ran */
    int tag;          /* non-zero: what Ruby ran raised (rb_protect's state) */
} interrupt_t;

static void poke(void *p) {
    atomic_store(&((interrupt_t *)p)->poked, 1);
}

static VALUE check_ints(VALUE unused) {
    (void)unused;
    rb_thread_check_ints();
    return Qnil;
}

static void *run_pending_interrupts(void *p) {
    interrupt_t *in = p;
    rb_protect(check_ints, Qnil, &in->tag);
    return NULL;
}

static int interrupt_raised(void *p) {
    interrupt_t *in = p;
    if (in->tag) return 1;
    if (!atomic_exchange(&in->poked, 0) && !rb_thread_interrupted(in->thread)) return 0;
    rb_thread_call_with_gvl(run_pending_interrupts, in);
    return in->tag != 0;
}

typedef struct {
    void (*work)(void *);
    void *arg;
    interrupt_t *interrupt;
    int ran; /* 0: an interrupt was already pending, so Ruby skipped the work */
} nogvl_job;

static void *job_nogvl(void *p) {
    nogvl_job *j = p;
    j->ran = 1;
    /* A call made by a trap handler that runs inside another call's check (nested) puts the
     * outer call's token back when it ends. */
    foil_cancel_t *outer = foil_cancel_bound();
    foil_cancel_bind(j->interrupt->token);
    j->work(j->arg);
    foil_cancel_bind(outer);
    return NULL;
}

/* Run work(arg) without the GVL with a fresh token bound, so an interrupt of this thread
 * that raises cancels it. The unblocking function is async-signal-safe: saying so keeps
 * Ruby 3.1 from starting and joining a helper "unblock" thread around every call made by a
 * lone main thread (that cost ~0.5 ms per call). With RB_NOGVL_INTR_FAIL an interrupt
 * already pending (a Thread#kill, or only the scheduler's timer) skips the work: the
 * interrupt is handled (it may raise) and the work is run again. Results stay in `arg`;
 * returns rb_protect's state for an interrupt that raised during the call (0: none): the
 * caller frees what the call made, then re-raises it with rb_jump_tag(). */
static int run_interruptible(void (*work)(void *), void *arg) {
    for (;;) {
        interrupt_t in = {NULL, rb_thread_current(), 0, 0};
        if (foil_cancel_new(&in.token) != FOIL_OK) rb_raise(rb_eNoMemError, "out of memory");
        foil_cancel_set_check(in.token, interrupt_raised, &in);
        nogvl_job j = {work, arg, &in, 0};
        rb_nogvl(job_nogvl, &j, poke, &in, RB_NOGVL_INTR_FAIL | RB_NOGVL_UBF_ASYNC_SAFE);
        foil_cancel_free(in.token);
        if (j.ran) return in.tag;
        rb_thread_check_ints();
    }
}

typedef struct {
    foil_client_t *client;
    const char *operation;
    const char *params;
    foil_status_t st;
    foil_result_t *result;
    foil_error_t *error;
} call_args;

static void call_work(void *arg) {
    call_args *a = arg;
    a->st = foil_call(a->client, a->operation, a->params, &a->result, &a->error);
}

foil_status_t foil_rb_nogvl_foil_call(foil_client_t *client, const char *operation,
                                      const char *params_json, foil_result_t **out,
                                      foil_error_t **error_out) {
    call_args a = {client, operation, params_json, FOIL_E_CANCELLED, NULL, NULL};
    int raised = run_interruptible(call_work, &a);
    if (raised) {
        foil_result_free(a.result);
        foil_error_free(a.error);
        rb_jump_tag(raised);
    }
    *out = a.result;
    *error_out = a.error;
    return a.st;
}

VALUE foil_rb_call_result(VALUE owner, foil_result_t *r) {
    if (!r) return rb_hash_new(); /* no content (204), or a failure about to be raised */
    body_adopt(owner, r, free_result, foil_result_json(r));
    VALUE data = foil_rb_lazy(owner, foil_result_data(r));
    if (!foil_result_paginated(r)) return data;
    VALUE fields = rb_hash_new();
    rb_hash_aset(fields, ID2SYM(rb_intern("items")), data);
    rb_hash_aset(fields, ID2SYM(rb_intern("limit")), INT2NUM(foil_result_limit(r)));
    rb_hash_aset(fields, ID2SYM(rb_intern("has_more")), foil_result_has_more(r) ? Qtrue : Qfalse);
    rb_hash_aset(fields, ID2SYM(rb_intern("next_cursor")), foil_rb_str(foil_result_next_cursor(r)));
    VALUE list_result = rb_const_get(m_foil, rb_intern("ListResult"));
    return rb_funcallv_kw(list_result, rb_intern("new"), 1, &fields, RB_PASS_KEYWORDS);
}

VALUE foil_rb_adopt_items(VALUE owner, foil_result_t *page) {
    body_adopt(owner, page, free_result, foil_result_json(page));
    return foil_rb_lazy(owner, foil_result_data(page));
}

/* ---- Walks: the core's iterator (foil_call_iter), a page per GVL-free step ------------- */

static void free_page(void *h) {
    foil_page_free(h);
}

typedef struct {
    foil_iter_t *it;
    foil_status_t st;
    foil_page_t *page;
} page_args;

static void page_work(void *arg) {
    page_args *a = arg;
    a->st = foil_iter_next_page(a->it, &a->page);
}

VALUE foil_rb_next_page(foil_iter_t *it) {
    if (!it) rb_raise(rb_eArgError, "the walk is closed");
    VALUE owner = foil_rb_body_new();
    page_args a = {it, FOIL_E_CANCELLED, NULL};
    int raised = run_interruptible(page_work, &a);
    if (raised) {
        foil_page_free(a.page);
        rb_jump_tag(raised);
    }
    if (a.st != FOIL_OK) {
        foil_error_t *error = NULL;
        foil_error_copy(foil_iter_error(it), &error);
        raise_error(a.st, error);
    }
    if (!a.page) return Qnil;
    body_adopt(owner, a.page, free_page, foil_page_json(a.page));
    return foil_rb_lazy(owner, foil_page_items(a.page));
}

typedef struct {
    foil_client_t *client;
    foil_gate_session_t *s;
    const char *service_id, *account_name, *metadata;
    foil_gate_session_t **out;
    enum { GATE_CREATE, GATE_POLL, GATE_STEP, GATE_ACK } what;
    long wait_ms;
    foil_status_t st;
} gate_args;

static void gate_work(void *arg) {
    gate_args *g = arg;
    switch (g->what) {
    case GATE_CREATE:
        g->st = foil_gate_session_create(g->client, g->service_id, g->account_name, g->metadata,
                                         g->out);
        break;
    case GATE_POLL:
        g->st = foil_gate_session_poll(g->s);
        break;
    case GATE_STEP:
        g->st = foil_gate_session_step(g->s, &g->wait_ms);
        break;
    case GATE_ACK:
        g->st = foil_gate_session_ack(g->s);
        break;
    }
}

/* Run one Gate call without the GVL. A call cancelled by this thread's interrupt ends with
 * the interrupt (Timeout, Thread#kill, Ctrl-C); otherwise its status is returned. */
static foil_status_t gate_run(gate_args *g) {
    if (!g->client) rb_raise(rb_eArgError, "the client is closed");
    g->st = FOIL_E_CANCELLED;
    g->wait_ms = 0;
    int raised = run_interruptible(gate_work, g);
    if (raised) {
        if (g->what == GATE_CREATE && g->st == FOIL_OK) {
            foil_gate_session_free(*g->out);
            *g->out = NULL;
        }
        rb_jump_tag(raised);
    }
    return g->st;
}

foil_status_t foil_rb_gate_session_create(foil_client_t *client, const char *service_id,
                                          const char *account_name, const char *metadata_json,
                                          foil_gate_session_t **out) {
    gate_args g = {client, NULL,        service_id, account_name, metadata_json,
                   out,    GATE_CREATE, 0,          FOIL_OK};
    return gate_run(&g);
}

foil_status_t foil_rb_gate_session_poll(foil_client_t *client, foil_gate_session_t *s) {
    gate_args g = {client, s, NULL, NULL, NULL, NULL, GATE_POLL, 0, FOIL_OK};
    return gate_run(&g);
}

VALUE foil_rb_gate_session_step(foil_client_t *client, foil_gate_session_t *s) {
    gate_args g = {client, s, NULL, NULL, NULL, NULL, GATE_STEP, 0, FOIL_OK};
    foil_status_t st = gate_run(&g);
    if (st != FOIL_OK) foil_rb_raise(st);
    return LONG2NUM(g.wait_ms);
}

foil_status_t foil_rb_gate_session_ack(foil_client_t *client, foil_gate_session_t *s) {
    gate_args g = {client, s, NULL, NULL, NULL, NULL, GATE_ACK, 0, FOIL_OK};
    return gate_run(&g);
}

/* Inputs this long are worked on without the GVL. Below it the work takes less than giving
 * the GVL up and getting it back under contention (an HMAC over 64 KiB is ~150 µs here; a
 * sealed-token verify, ~20 µs, keeps the GVL): bench/ruby_threads.rb measures both. */
#define FOIL_RB_NOGVL_MIN_BYTES (64 * 1024)

typedef struct {
    const char *secret, *timestamp, *body, *signature;
    size_t body_len;
    int64_t tolerance, now;
    foil_status_t st;
} webhook_args;

static void *webhook_verify_work(void *arg) {
    webhook_args *a = arg;
    a->st = foil_webhook_signature_verify(a->secret, a->timestamp, a->body, a->body_len,
                                          a->signature, a->tolerance, a->now);
    return NULL;
}

foil_status_t foil_rb_webhook_signature_verify(VALUE secret, VALUE timestamp, VALUE body,
                                               VALUE signature, int64_t tolerance_seconds,
                                               int64_t now) {
    const char *fn = "rb_webhook_signature_verify";
    /* Frozen copies (they share the buffers): another thread may change the caller's Strings
     * while the GVL is released, never these. */
    secret = rb_str_new_frozen(StringValue(secret));
    timestamp = rb_str_new_frozen(StringValue(timestamp));
    body = rb_str_new_frozen(StringValue(body));
    signature = rb_str_new_frozen(StringValue(signature));
    webhook_args a = {foil_rb_cstr(secret, 1, fn),
                      foil_rb_cstr(timestamp, 2, fn),
                      RSTRING_PTR(body),
                      foil_rb_cstr(signature, 4, fn),
                      (size_t)RSTRING_LEN(body),
                      tolerance_seconds,
                      now,
                      FOIL_E_INVALID_ARGUMENT};
    if (a.body_len >= FOIL_RB_NOGVL_MIN_BYTES)
        rb_thread_call_without_gvl(webhook_verify_work, &a, NULL, NULL);
    else
        webhook_verify_work(&a);
    RB_GC_GUARD(secret);
    RB_GC_GUARD(timestamp);
    RB_GC_GUARD(body);
    RB_GC_GUARD(signature);
    return a.st;
}

typedef struct {
    foil_emulator_t *emu;
    const char *id;
    foil_status_t st;
} approve_args;

static void *approve_nogvl(void *arg) {
    approve_args *a = arg;
    a->st = foil_emulator_approve(a->emu, a->id);
    return NULL;
}

foil_status_t foil_rb_emulator_approve(foil_emulator_t *emu, const char *gate_session_id) {
    approve_args a = {emu, gate_session_id, FOIL_E_INVALID_ARGUMENT};
    if (!emu) rb_raise(rb_eArgError, "the emulator is stopped");
    /* No unblocking function: the webhook call is bounded by its own 10 s timeout. */
    rb_thread_call_without_gvl(approve_nogvl, &a, NULL, NULL);
    return a.st;
}

/* A Gate view ({"KEY":"value"} outputs, {"KEY":"reason"} refused keys) as a Hash with
 * String keys: env var names stay as given, not symbols. */
static VALUE string_hash(const foil_json_t *view) {
    VALUE h = rb_hash_new();
    for (const foil_json_t *m = foil_json_at(view, 0); m; m = foil_json_next(m))
        rb_hash_aset(h, foil_rb_str(foil_json_key(m)), foil_rb_str(foil_json_string(m)));
    return h;
}

VALUE foil_rb_gate_session_outputs(const foil_gate_session_t *s) {
    return string_hash(foil_gate_session_outputs(s));
}

VALUE foil_rb_gate_session_refused(const foil_gate_session_t *s) {
    return string_hash(foil_gate_session_refused(s));
}

/* ---- Parsing ---------------------------------------------------------------------------- */

VALUE foil_rb_parse(VALUE text) {
    size_t len = 0;
    const char *p = foil_rb_bytes(text, &len, "parse");
    VALUE owner = foil_rb_body_new();
    foil_document_t *doc = NULL;
    foil_status_t st = foil_document_parse(p, len, &doc);
    if (st != FOIL_OK) foil_rb_raise(st);
    body_adopt(owner, doc, free_document, foil_document_root(doc));
    return foil_rb_lazy(owner, foil_document_root(doc));
}

/* ---- Init ------------------------------------------------------------------------------- */

void foil_rb_init(VALUE native_module) {
    m_native = native_module;
    m_foil = rb_define_module("Foil");
    id_from_native = rb_intern("from_native");

    c_body = rb_define_class_under(m_native, "Body", rb_cObject);
    rb_undef_alloc_func(c_body);

    c_record = rb_define_class_under(m_foil, "Record", rb_cObject);
    rb_define_alloc_func(c_record, record_alloc);
    rb_undef_method(CLASS_OF(c_record), "new");
    rb_define_method(c_record, "initialize_copy", record_init_copy, 1);
    rb_include_module(c_record, rb_mEnumerable);
    rb_define_method(c_record, "[]", record_aref, 1);
    rb_define_method(c_record, "fetch", record_fetch, -1);
    rb_define_method(c_record, "dig", record_dig, -1);
    rb_define_method(c_record, "key?", record_key_p, 1);
    rb_define_method(c_record, "has_key?", record_key_p, 1);
    rb_define_method(c_record, "include?", record_key_p, 1);
    rb_define_method(c_record, "member?", record_key_p, 1);
    rb_define_method(c_record, "size", record_size_m, 0);
    rb_define_method(c_record, "length", record_size_m, 0);
    rb_define_method(c_record, "empty?", record_empty_p, 0);
    rb_define_method(c_record, "keys", record_keys, 0);
    rb_define_method(c_record, "values", record_values, 0);
    rb_define_method(c_record, "each", record_each, 0);
    rb_define_method(c_record, "each_pair", record_each, 0);
    rb_define_method(c_record, "to_h", record_to_h, 0);
    rb_define_method(c_record, "to_hash", record_to_h, 0);
    rb_define_method(c_record, "==", record_eq, 1);
    rb_define_method(c_record, "eql?", record_eq, 1);
    rb_define_method(c_record, "hash", record_hash, 0);

    foil_rb_fiber_init(native_module);
}
