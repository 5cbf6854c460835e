//! The `extern "C"` declarations this crate needs, written by hand from
//! `core/include/foil/*.h` (no bindgen). Every handle is an opaque type.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_double, c_int, c_long};

macro_rules! opaque {
    ($($name:ident),*) => {$(
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
        }
    )*};
}
opaque!(
    foil_client_t,
    foil_error_t,
    foil_json_t,
    foil_result_t,
    foil_iter_t,
    foil_document_t,
    foil_gate_session_t
);

/// `foil_status_t`: an int-sized C enum; 0 is FOIL_OK.
pub type foil_status_t = c_int;
pub const FOIL_OK: foil_status_t = 0;
pub const FOIL_JSON_NULL: c_int = 1;
pub const FOIL_JSON_BOOL: c_int = 2;
pub const FOIL_JSON_NUMBER: c_int = 3;
pub const FOIL_JSON_STRING: c_int = 4;
pub const FOIL_JSON_ARRAY: c_int = 5;
pub const FOIL_JSON_OBJECT: c_int = 6;

#[link(name = "foil")]
extern "C" {
    pub fn foil_status_kind(status: foil_status_t) -> *const c_char;
    pub fn foil_status_str(status: foil_status_t) -> *const c_char;
    pub fn foil_string_free(s: *mut c_char);

    pub fn foil_last_error() -> *const foil_error_t;
    pub fn foil_error_status(e: *const foil_error_t) -> foil_status_t;
    pub fn foil_error_http_status(e: *const foil_error_t) -> c_int;
    pub fn foil_error_code(e: *const foil_error_t) -> *const c_char;
    pub fn foil_error_message(e: *const foil_error_t) -> *const c_char;
    pub fn foil_error_request_id(e: *const foil_error_t) -> *const c_char;
    pub fn foil_error_json(e: *const foil_error_t) -> *const foil_json_t;
    pub fn foil_error_free(e: *mut foil_error_t);

    pub fn foil_call(
        c: *mut foil_client_t,
        operation: *const c_char,
        params_json: *const c_char,
        out: *mut *mut foil_result_t,
        error_out: *mut *mut foil_error_t,
    ) -> foil_status_t;
    pub fn foil_call_iter(
        c: *mut foil_client_t,
        operation: *const c_char,
        params_json: *const c_char,
        out: *mut *mut foil_iter_t,
        error_out: *mut *mut foil_error_t,
    ) -> foil_status_t;

    pub fn foil_client_new(out: *mut *mut foil_client_t) -> foil_status_t;
    pub fn foil_client_free(c: *mut foil_client_t);
    pub fn foil_client_configure(
        c: *mut foil_client_t,
        options_json: *const c_char,
        error_out: *mut *mut foil_error_t,
    ) -> foil_status_t;

    pub fn foil_json_type(v: *const foil_json_t) -> c_int;
    pub fn foil_json_get(v: *const foil_json_t, key: *const c_char) -> *const foil_json_t;
    pub fn foil_json_size(v: *const foil_json_t) -> usize;
    pub fn foil_json_at(v: *const foil_json_t, i: usize) -> *const foil_json_t;
    pub fn foil_json_next(v: *const foil_json_t) -> *const foil_json_t;
    pub fn foil_json_key(v: *const foil_json_t) -> *const c_char;
    pub fn foil_json_string(v: *const foil_json_t) -> *const c_char;
    pub fn foil_json_number(v: *const foil_json_t, out: *mut c_double) -> c_int;
    pub fn foil_json_bool(v: *const foil_json_t, out: *mut c_int) -> c_int;

    pub fn foil_document_parse(
        text: *const c_char,
        len: usize,
        out: *mut *mut foil_document_t,
    ) -> foil_status_t;
    pub fn foil_document_root(d: *const foil_document_t) -> *const foil_json_t;
    pub fn foil_document_free(d: *mut foil_document_t);

    pub fn foil_result_data(r: *const foil_result_t) -> *const foil_json_t;
    pub fn foil_result_json(r: *const foil_result_t) -> *const foil_json_t;
    pub fn foil_result_free(r: *mut foil_result_t);
    pub fn foil_iter_next(it: *mut foil_iter_t, item: *mut *const foil_json_t) -> foil_status_t;
    pub fn foil_iter_pages(it: *const foil_iter_t) -> usize;
    pub fn foil_iter_error(it: *const foil_iter_t) -> *const foil_error_t;
    pub fn foil_iter_free(it: *mut foil_iter_t);

    pub fn foil_sealed_token_verify(
        token: *const c_char,
        secret: *const c_char,
        out: *mut *mut foil_document_t,
    ) -> foil_status_t;

    pub fn foil_gate_session_create_ex(
        c: *mut foil_client_t,
        service_id: *const c_char,
        account_name: *const c_char,
        metadata_json: *const c_char,
        out: *mut *mut foil_gate_session_t,
        error_out: *mut *mut foil_error_t,
    ) -> foil_status_t;
    pub fn foil_gate_session_id(s: *const foil_gate_session_t) -> *const c_char;
    pub fn foil_gate_session_status(s: *const foil_gate_session_t) -> *const c_char;
    pub fn foil_gate_session_account_name(s: *const foil_gate_session_t) -> *const c_char;
    pub fn foil_gate_session_poll_data(s: *const foil_gate_session_t) -> *const foil_json_t;
    pub fn foil_gate_session_poll_token(s: *const foil_gate_session_t) -> *const c_char;
    pub fn foil_gate_session_poll(s: *mut foil_gate_session_t) -> foil_status_t;
    pub fn foil_gate_session_wait_start(
        s: *mut foil_gate_session_t,
        timeout_ms: c_long,
        interval_ms: c_long,
    ) -> foil_status_t;
    pub fn foil_gate_session_step(s: *mut foil_gate_session_t, wait_ms: *mut c_long) -> foil_status_t;
    pub fn foil_gate_session_cancel(s: *mut foil_gate_session_t);
    pub fn foil_gate_session_error(s: *const foil_gate_session_t) -> *const foil_error_t;
    pub fn foil_gate_session_outputs(s: *const foil_gate_session_t) -> *const foil_json_t;
    pub fn foil_gate_session_refused(s: *const foil_gate_session_t) -> *const foil_json_t;
    pub fn foil_gate_session_ack(s: *mut foil_gate_session_t) -> foil_status_t;
    pub fn foil_gate_session_free(s: *mut foil_gate_session_t);
}
