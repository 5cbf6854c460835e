/* A file descriptor watched on Node's event loop through a libuv poll handle: open(fd,
 * callback), start(handle, events), close(handle). The callback runs on the main thread
 * as any other I/O callback does (napi_make_callback: async hooks, then process.nextTick
 * and promise jobs), with (status, events): events READ 1 | WRITE 2, status a negative
 * libuv error (then events is READ | WRITE, so the owner of the fd meets the error). */
#include <node_api.h>
#include <stdlib.h>
#include <uv.h>

typedef struct {
    uv_poll_t poll;
    napi_env env;
    napi_ref callback;
    napi_async_context context;
} watcher_t;

#define READ 1
#define WRITE 2

#define CHECK(env, call)                                                                           \
    do {                                                                                           \
        if ((call) != napi_ok) {                                                                   \
            napi_throw_error((env), NULL, "fdwatch: " #call " failed");                            \
            return NULL;                                                                           \
        }                                                                                          \
    } while (0)

static void on_poll(uv_poll_t *poll, int status, int revents) {
    watcher_t *w = poll->data;
    napi_env env = w->env;
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    int events = status < 0 ? READ | WRITE
                            : ((revents & UV_READABLE) ? READ : 0) |
                                  ((revents & (UV_WRITABLE | UV_DISCONNECT)) ? WRITE : 0);
    napi_value fn, recv, argv[2];
    if (napi_get_reference_value(env, w->callback, &fn) == napi_ok &&
        napi_get_global(env, &recv) == napi_ok &&
        napi_create_int32(env, status, &argv[0]) == napi_ok &&
        napi_create_int32(env, events, &argv[1]) == napi_ok) {
        if (napi_make_callback(env, w->context, recv, fn, 2, argv, NULL) ==
            napi_pending_exception) {
            /* Thrown by the callback: Node's uncaught exception, as for any other I/O
             * callback (left pending, it would surface in the next unrelated call). */
            napi_value error;
            if (napi_get_and_clear_last_exception(env, &error) == napi_ok)
                napi_fatal_exception(env, error);
        }
    }
    napi_close_handle_scope(env, scope);
}

static void on_closed(uv_handle_t *handle) {
    free(handle->data);
}

static watcher_t *unwrap(napi_env env, napi_value v) {
    void *p = NULL;
    if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
        napi_throw_type_error(env, NULL, "fdwatch: not an open watcher");
        return NULL;
    }
    return p;
}

static napi_value fd_open(napi_env env, napi_callback_info info) {
    size_t argc = 2;
    napi_value argv[2], name, out;
    CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    int32_t fd = -1;
    napi_valuetype type = napi_undefined;
    if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 ||
        napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
        napi_throw_type_error(env, NULL, "fdwatch.open(fd, callback)");
        return NULL;
    }
    uv_loop_t *loop = NULL;
    CHECK(env, napi_get_uv_event_loop(env, &loop));
    watcher_t *w = calloc(1, sizeof *w);
    if (w == NULL) {
        napi_throw_error(env, NULL, "fdwatch: out of memory");
        return NULL;
    }
    int rc = uv_poll_init_socket(loop, &w->poll, fd);
    if (rc < 0) {
        free(w);
        napi_throw_error(env, uv_err_name(rc), uv_strerror(rc));
        return NULL;
    }
    w->poll.data = w;
    w->env = env;
    if (napi_create_reference(env, argv[1], 1, &w->callback) != napi_ok ||
        napi_create_string_utf8(env, "FdWatcher", NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_async_init(env, NULL, name, &w->context) != napi_ok ||
        napi_create_external(env, w, NULL, NULL, &out) != napi_ok) {
        if (w->callback) napi_delete_reference(env, w->callback);
        if (w->context) napi_async_destroy(env, w->context);
        uv_close((uv_handle_t *)&w->poll, on_closed);
        napi_throw_error(env, NULL, "fdwatch: out of memory");
        return NULL;
    }
    return out;
}

static napi_value fd_start(napi_env env, napi_callback_info info) {
    size_t argc = 2;
    napi_value argv[2];
    CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    int32_t events = 0;
    watcher_t *w = argc == 2 ? unwrap(env, argv[0]) : NULL;
    if (w == NULL) return NULL;
    if (napi_get_value_int32(env, argv[1], &events) != napi_ok || events < 1 ||
        events > (READ | WRITE)) {
        napi_throw_range_error(env, NULL, "fdwatch.start: events is READ 1 | WRITE 2");
        return NULL;
    }
    int uv_events = ((events & READ) ? UV_READABLE : 0) | ((events & WRITE) ? UV_WRITABLE : 0);
    int rc = uv_poll_start(&w->poll, uv_events, on_poll);
    if (rc < 0) napi_throw_error(env, uv_err_name(rc), uv_strerror(rc));
    return NULL;
}

/* Stops watching at once (libuv removes the fd from its epoll set now, so the fd may be
 * closed or reused right after); the memory goes at the close callback. */
static napi_value fd_close(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
    watcher_t *w = argc == 1 ? unwrap(env, argv[0]) : NULL;
    if (w == NULL) return NULL;
    napi_delete_reference(env, w->callback);
    napi_async_destroy(env, w->context);
    uv_close((uv_handle_t *)&w->poll, on_closed);
    return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
    napi_property_descriptor props[] = {
        {"open", NULL, fd_open, NULL, NULL, NULL, napi_default, NULL},
        {"start", NULL, fd_start, NULL, NULL, NULL, napi_default, NULL},
        {"close", NULL, fd_close, NULL, NULL, NULL, napi_default, NULL},
    };
    CHECK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
