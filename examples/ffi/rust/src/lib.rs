//! A small safe wrapper over libfoil's C ABI: every handle is owned by one Rust value
//! whose `Drop` frees it, borrowed JSON views carry the lifetime of their owner, and
//! every fallible call returns `Result<T, FoilError>`.
#![allow(clippy::result_large_err)] // FoilError carries the whole record; boxing it buys nothing here
pub mod sys;

use std::ffi::{CStr, CString};
use std::fmt;
use std::marker::PhantomData;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

/// A failed libfoil call.
#[derive(Debug, Clone, PartialEq)]
pub struct FoilError {
    /// `foil_status_t` value (11 = FOIL_E_NOT_FOUND, ...).
    pub status: i32,
    /// Stable kind name ("not_found", "token_verification", ...).
    pub kind: String,
    /// HTTP status of the failed response, 0 when none was received.
    pub http_status: i32,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub retryable: bool,
    /// field_errors: (name, issue) pairs.
    pub field_errors: Vec<(String, String)>,
}

impl fmt::Display for FoilError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, HTTP {}, code {}, request {})",
            self.message,
            self.kind,
            self.http_status,
            self.code,
            self.request_id.as_deref().unwrap_or("-")
        )
    }
}

impl std::error::Error for FoilError {}

pub type Result<T> = std::result::Result<T, FoilError>;

/// Copy a borrowed C string (UTF-8 by contract) into an owned String.
fn owned(s: *const c_char) -> Option<String> {
    if s.is_null() {
        None
    } else {
        Some(unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned())
    }
}

fn cstring(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| FoilError {
        status: 1,
        kind: "invalid_argument".into(),
        http_status: 0,
        code: "client.invalid_argument".into(),
        message: "string contains a NUL byte".into(),
        request_id: None,
        retryable: false,
        field_errors: vec![("string".into(), "contains a NUL byte".into())],
    })
}

/// Decode an error record through its JSON view (foil_error_json): one value with every
/// field, whichever record it is (a copy from error_out, a handle's error, the thread's).
unsafe fn error_from(st: sys::foil_status_t, e: *const sys::foil_error_t) -> FoilError {
    let j = Json::new(if e.is_null() {
        ptr::null()
    } else {
        sys::foil_error_json(e)
    });
    if j.is_absent() {
        return FoilError {
            status: st,
            kind: owned(sys::foil_status_kind(st)).unwrap_or_default(),
            http_status: 0,
            code: String::new(),
            message: owned(sys::foil_status_str(st)).unwrap_or_default(),
            request_id: None,
            retryable: false,
            field_errors: Vec::new(),
        };
    }
    let text = |k: &str| j.get(k).str().unwrap_or("").to_string();
    FoilError {
        status: sys::foil_error_status(e),
        kind: text("kind"),
        http_status: j.get("status").number().unwrap_or(0.0) as i32,
        code: text("code"),
        message: text("message"),
        request_id: j.get("request_id").str().map(String::from),
        retryable: j.get("retryable").boolean().unwrap_or(false),
        field_errors: j
            .get("field_errors")
            .iter()
            .map(|f| {
                (
                    f.get("name").str().unwrap_or("").to_string(),
                    f.get("issue").str().unwrap_or("").to_string(),
                )
            })
            .collect(),
    }
}

/// A Result from a call that hands back an owned error copy (error_out): decoded, then freed.
fn take(st: sys::foil_status_t, e: *mut sys::foil_error_t) -> Result<()> {
    if st == sys::FOIL_OK {
        return Ok(());
    }
    let err = unsafe { error_from(st, e) };
    unsafe { sys::foil_error_free(e) };
    Err(err)
}

/// A JSON string literal (for building params_json without a JSON crate).
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Turn a status into a Result, reading the calling thread's last error (a Rust thread
/// never changes OS thread, so the thread-local record is this call's).
fn check(st: sys::foil_status_t) -> Result<()> {
    if st == sys::FOIL_OK {
        Ok(())
    } else {
        Err(unsafe { error_from(st, sys::foil_last_error()) })
    }
}

/// A borrowed, read-only JSON value; lives as long as the handle it came from.
#[derive(Clone, Copy)]
pub struct Json<'a> {
    v: *const sys::foil_json_t,
    _owner: PhantomData<&'a ()>,
}

impl<'a> Json<'a> {
    fn new(v: *const sys::foil_json_t) -> Self {
        Json {
            v,
            _owner: PhantomData,
        }
    }
    pub fn is_absent(&self) -> bool {
        self.v.is_null()
    }
    /// foil_json_type: 0 absent, 1 null, 2 bool, 3 number, 4 string, 5 array, 6 object.
    pub fn kind(&self) -> i32 {
        unsafe { sys::foil_json_type(self.v) }
    }
    pub fn get(&self, key: &str) -> Json<'a> {
        match CString::new(key) {
            Ok(k) => Json::new(unsafe { sys::foil_json_get(self.v, k.as_ptr()) }),
            Err(_) => Json::new(ptr::null()),
        }
    }
    /// A string value, borrowed from the owner (no copy).
    pub fn str(&self) -> Option<&'a str> {
        let s = unsafe { sys::foil_json_string(self.v) };
        if s.is_null() {
            return None;
        }
        // libfoil's parser refuses invalid UTF-8, so this never fails for API data.
        unsafe { CStr::from_ptr(s) }.to_str().ok()
    }
    pub fn number(&self) -> Option<f64> {
        let mut d = 0.0;
        if unsafe { sys::foil_json_number(self.v, &mut d) } != 0 {
            Some(d)
        } else {
            None
        }
    }
    pub fn boolean(&self) -> Option<bool> {
        let mut b = 0;
        if unsafe { sys::foil_json_bool(self.v, &mut b) } != 0 {
            Some(b != 0)
        } else {
            None
        }
    }
    pub fn len(&self) -> usize {
        unsafe { sys::foil_json_size(self.v) }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Elements of an array or members of an object, O(1) per step.
    pub fn iter(&self) -> JsonIter<'a> {
        JsonIter {
            cur: Json::new(unsafe { sys::foil_json_at(self.v, 0) }),
        }
    }
    /// Key of an object member yielded by iter().
    pub fn key(&self) -> Option<&'a str> {
        let s = unsafe { sys::foil_json_key(self.v) };
        if s.is_null() {
            None
        } else {
            unsafe { CStr::from_ptr(s) }.to_str().ok()
        }
    }
    /// Structural equality (object member order ignored).
    pub fn same(&self, other: &Json<'_>) -> bool {
        let k = self.kind();
        if k != other.kind() {
            return false;
        }
        match k {
            sys::FOIL_JSON_BOOL => self.boolean() == other.boolean(),
            sys::FOIL_JSON_NUMBER => self.number() == other.number(),
            sys::FOIL_JSON_STRING => self.str() == other.str(),
            sys::FOIL_JSON_ARRAY => {
                self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a.same(&b))
            }
            sys::FOIL_JSON_OBJECT => {
                self.len() == other.len() && self.iter().all(|m| m.same(&other.get(m.key().unwrap_or(""))))
            }
            _ => true, // both absent or both null
        }
    }
}

pub struct JsonIter<'a> {
    cur: Json<'a>,
}

impl<'a> Iterator for JsonIter<'a> {
    type Item = Json<'a>;
    fn next(&mut self) -> Option<Json<'a>> {
        if self.cur.is_absent() {
            return None;
        }
        let item = self.cur;
        self.cur = Json::new(unsafe { sys::foil_json_next(item.v) });
        Some(item)
    }
}

/// An owned JSON document (parsed text, a verified token's payload).
pub struct Document(NonNull<sys::foil_document_t>);

impl Document {
    pub fn parse(text: &str) -> Result<Document> {
        let mut d = ptr::null_mut();
        check(unsafe { sys::foil_document_parse(text.as_ptr() as *const c_char, text.len(), &mut d) })?;
        Ok(Document(
            NonNull::new(d).expect("foil_document_parse returned FOIL_OK and NULL"),
        ))
    }
    pub fn root(&self) -> Json<'_> {
        Json::new(unsafe { sys::foil_document_root(self.0.as_ptr()) })
    }
}

impl Drop for Document {
    fn drop(&mut self) {
        unsafe { sys::foil_document_free(self.0.as_ptr()) }
    }
}

/// Verify a sealed token with a secret key (or its SHA-256 hex); the payload on success.
pub fn verify_token(token: &str, secret: &str) -> Result<Document> {
    let (t, s) = (cstring(token)?, cstring(secret)?);
    let mut d = ptr::null_mut();
    check(unsafe { sys::foil_sealed_token_verify(t.as_ptr(), s.as_ptr(), &mut d) })?;
    Ok(Document(
        NonNull::new(d).expect("verify returned FOIL_OK and NULL"),
    ))
}

/// A client; thread-safe in C, so `Send + Sync` here.
pub struct Client(NonNull<sys::foil_client_t>);

unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    /// A client configured from a JSON object of options ("base_url", "secret_key",
    /// "timeout_ms", ...; see foil_client_configure in client.h).
    pub fn new(options_json: &str) -> Result<Client> {
        let mut c = ptr::null_mut();
        check(unsafe { sys::foil_client_new(&mut c) })?;
        let client = Client(NonNull::new(c).expect("foil_client_new returned FOIL_OK and NULL"));
        let opts = cstring(options_json)?;
        let mut e = ptr::null_mut();
        take(
            unsafe { sys::foil_client_configure(client.raw(), opts.as_ptr(), &mut e) },
            e,
        )?;
        Ok(client)
    }

    fn raw(&self) -> *mut sys::foil_client_t {
        self.0.as_ptr()
    }

    /// Run one API operation by its SDK name ("sessions.get") with a JSON object of
    /// parameters. The error, if any, is the copy foil_call hands back (error_out).
    pub fn call(&self, operation: &str, params_json: &str) -> Result<Response> {
        let (op, p) = (cstring(operation)?, cstring(params_json)?);
        let (mut r, mut e) = (ptr::null_mut(), ptr::null_mut());
        take(
            unsafe { sys::foil_call(self.raw(), op.as_ptr(), p.as_ptr(), &mut r, &mut e) },
            e,
        )?;
        Ok(Response(r))
    }

    /// An iterator over every item of a list operation ("sessions.list"); "limit" is the
    /// page size.
    pub fn iterate(&self, operation: &str, params_json: &str) -> Result<Iter> {
        let (op, p) = (cstring(operation)?, cstring(params_json)?);
        let (mut it, mut e) = (ptr::null_mut(), ptr::null_mut());
        take(
            unsafe { sys::foil_call_iter(self.raw(), op.as_ptr(), p.as_ptr(), &mut it, &mut e) },
            e,
        )?;
        Ok(Iter(
            NonNull::new(it).expect("foil_call_iter returned FOIL_OK and NULL"),
        ))
    }

    /// Start a Gate signup for `service_id`.
    pub fn create_gate_session(&self, service_id: &str, account: &str) -> Result<GateSession> {
        let (s, a) = (cstring(service_id)?, cstring(account)?);
        let (mut g, mut e) = (ptr::null_mut(), ptr::null_mut());
        take(
            unsafe {
                sys::foil_gate_session_create_ex(
                    self.raw(),
                    s.as_ptr(),
                    a.as_ptr(),
                    ptr::null(),
                    &mut g,
                    &mut e,
                )
            },
            e,
        )?;
        Ok(GateSession(
            NonNull::new(g).expect("create returned FOIL_OK and NULL"),
        ))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { sys::foil_client_free(self.raw()) }
    }
}

/// A response: the whole body as a JSON view. NULL (no content) for a 204.
pub struct Response(*mut sys::foil_result_t);

impl Response {
    /// The whole body ({"data": ..., "meta": ..., "pagination": ...}), borrowed.
    pub fn json(&self) -> Json<'_> {
        Json::new(unsafe { sys::foil_result_json(self.0) })
    }
    pub fn data(&self) -> Json<'_> {
        Json::new(unsafe { sys::foil_result_data(self.0) })
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        unsafe { sys::foil_result_free(self.0) }
    }
}

unsafe impl Send for Response {}

/// Walks a paginated list; used by one thread at a time (`Send`, not `Sync`).
pub struct Iter(NonNull<sys::foil_iter_t>);

unsafe impl Send for Iter {}

impl Iter {
    /// The next item, borrowed until the next call (the borrow checker enforces it);
    /// Ok(None) at the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Json<'_>>> {
        let mut item = ptr::null();
        let st = unsafe { sys::foil_iter_next(self.0.as_ptr(), &mut item) };
        if st != sys::FOIL_OK {
            // The iterator keeps its last failure (foil_iter_error): right on any thread.
            return Err(unsafe { error_from(st, sys::foil_iter_error(self.0.as_ptr())) });
        }
        Ok(if item.is_null() {
            None
        } else {
            Some(Json::new(item))
        })
    }
    pub fn pages(&self) -> usize {
        unsafe { sys::foil_iter_pages(self.0.as_ptr()) }
    }
}

impl Drop for Iter {
    fn drop(&mut self) {
        unsafe { sys::foil_iter_free(self.0.as_ptr()) }
    }
}

/// One Gate signup; `Send`, not `Sync`. Dropping it wipes the decrypted outputs.
pub struct GateSession(NonNull<sys::foil_gate_session_t>);

unsafe impl Send for GateSession {}

impl GateSession {
    fn raw(&self) -> *mut sys::foil_gate_session_t {
        self.0.as_ptr()
    }
    pub fn id(&self) -> String {
        owned(unsafe { sys::foil_gate_session_id(self.raw()) }).unwrap_or_default()
    }
    /// The latest poll's data as the API sent it; valid until the next poll (the borrow
    /// of `self` ends before any `&mut self` call).
    pub fn poll_data(&self) -> Json<'_> {
        Json::new(unsafe { sys::foil_gate_session_poll_data(self.raw()) })
    }
    pub fn account_name(&self) -> String {
        owned(unsafe { sys::foil_gate_session_account_name(self.raw()) }).unwrap_or_default()
    }
    pub fn status(&self) -> String {
        owned(unsafe { sys::foil_gate_session_status(self.raw()) }).unwrap_or_default()
    }
    /// The poll token is a credential: never log it.
    pub fn poll_token(&self) -> String {
        owned(unsafe { sys::foil_gate_session_poll_token(self.raw()) }).unwrap_or_default()
    }
    /// A failure of a call on this handle, read from the handle (foil_gate_session_error).
    fn check(&self, st: sys::foil_status_t) -> Result<()> {
        if st == sys::FOIL_OK {
            Ok(())
        } else {
            Err(unsafe { error_from(st, sys::foil_gate_session_error(self.raw())) })
        }
    }
    pub fn poll(&mut self) -> Result<()> {
        self.check(unsafe { sys::foil_gate_session_poll(self.raw()) })
    }
    /// Step until approved: each foil_gate_session_step polls at most once and says how
    /// long to sleep; Rust does the sleeping. No callback from C.
    /// (`&self`, so a `Canceller` may end it from another thread; `GateSession` is not
    /// `Sync`, so no other thread can call anything else on it meanwhile.)
    pub fn wait(&self, timeout: std::time::Duration, interval: std::time::Duration) -> Result<()> {
        let ms = |d: std::time::Duration| d.as_millis().min(i32::MAX as u128) as std::os::raw::c_long;
        self.check(unsafe { sys::foil_gate_session_wait_start(self.raw(), ms(timeout), ms(interval)) })?;
        loop {
            let mut wait_ms: std::os::raw::c_long = 0;
            self.check(unsafe { sys::foil_gate_session_step(self.raw(), &mut wait_ms) })?;
            if wait_ms == 0 {
                return Ok(()); // approved: the outputs are ready
            }
            std::thread::sleep(std::time::Duration::from_millis(wait_ms as u64));
        }
    }
    /// A handle that may cancel this signup's wait from any thread.
    pub fn canceller(&self) -> Canceller<'_> {
        Canceller {
            s: self.raw(),
            _session: PhantomData,
        }
    }
    /// The approved outputs as a borrowed JSON object {"KEY": "value"} (secrets, wiped
    /// when the session is dropped); absent before approval.
    pub fn outputs(&self) -> Json<'_> {
        Json::new(unsafe { sys::foil_gate_session_outputs(self.raw()) })
    }
    /// Keys the env-var policy refused, each with its reason: {"KEY": "reason"}.
    pub fn refused(&self) -> Json<'_> {
        Json::new(unsafe { sys::foil_gate_session_refused(self.raw()) })
    }
    pub fn ack(&mut self) -> Result<()> {
        self.check(unsafe { sys::foil_gate_session_ack(self.raw()) })
    }
}

/// Makes the step in progress, or the next one, fail with "cancelled"
/// (foil_gate_session_cancel: C11 atomics, safe from any thread). Cannot outlive the
/// session it came from.
pub struct Canceller<'a> {
    s: *mut sys::foil_gate_session_t,
    _session: PhantomData<&'a GateSession>,
}

unsafe impl Send for Canceller<'_> {}
unsafe impl Sync for Canceller<'_> {}

impl Canceller<'_> {
    pub fn cancel(&self) {
        unsafe { sys::foil_gate_session_cancel(self.s) }
    }
}

impl Drop for GateSession {
    fn drop(&mut self) {
        unsafe { sys::foil_gate_session_free(self.raw()) }
    }
}
