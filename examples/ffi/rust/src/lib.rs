//! A small safe wrapper over libfoil's C ABI: every handle is owned by one Rust value
//! whose `Drop` frees it, borrowed JSON views carry the lifetime of their owner, and
//! every fallible call returns `Result<T, FoilError>`.
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
    })
}

unsafe fn error_from(st: sys::foil_status_t, e: *const sys::foil_error_t) -> FoilError {
    if e.is_null() {
        return FoilError {
            status: st,
            kind: owned(sys::foil_status_kind(st)).unwrap_or_default(),
            http_status: 0,
            code: String::new(),
            message: owned(sys::foil_status_str(st)).unwrap_or_default(),
            request_id: None,
        };
    }
    let status = sys::foil_error_status(e);
    FoilError {
        status,
        kind: owned(sys::foil_status_kind(status)).unwrap_or_default(),
        http_status: sys::foil_error_http_status(e),
        code: owned(sys::foil_error_code(e)).unwrap_or_default(),
        message: owned(sys::foil_error_message(e)).unwrap_or_default(),
        request_id: owned(sys::foil_error_request_id(e)),
    }
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
    pub fn new(base_url: &str, secret_key: &str) -> Result<Client> {
        let mut c = ptr::null_mut();
        check(unsafe { sys::foil_client_new(&mut c) })?;
        let client = Client(NonNull::new(c).expect("foil_client_new returned FOIL_OK and NULL"));
        let (u, k) = (cstring(base_url)?, cstring(secret_key)?);
        check(unsafe { sys::foil_client_set_base_url(client.raw(), u.as_ptr()) })?;
        check(unsafe { sys::foil_client_set_secret_key(client.raw(), k.as_ptr()) })?;
        Ok(client)
    }

    fn raw(&self) -> *mut sys::foil_client_t {
        self.0.as_ptr()
    }

    /// One page of sessions (ids).
    pub fn list_session_ids(&self, limit: i32) -> Result<Vec<String>> {
        let mut p = ptr::null_mut();
        check(unsafe {
            sys::foil_sessions_list(self.raw(), limit, ptr::null(), ptr::null(), ptr::null(), &mut p)
        })?;
        let items = Json::new(unsafe { sys::foil_page_items(p) });
        let ids = items
            .iter()
            .map(|s| s.get("id").str().unwrap_or("").to_string())
            .collect();
        unsafe { sys::foil_page_free(p) };
        Ok(ids)
    }

    /// A SessionDetail, as an owned document.
    pub fn get_session(&self, id: &str) -> Result<String> {
        let id = cstring(id)?;
        let mut r = ptr::null_mut();
        check(unsafe { sys::foil_sessions_get(self.raw(), id.as_ptr(), &mut r) })?;
        let out = Json::new(unsafe { sys::foil_result_data(r) })
            .get("id")
            .str()
            .map(String::from);
        unsafe { sys::foil_result_free(r) };
        Ok(out.unwrap_or_default())
    }

    /// Every session, fetching pages of `page_size` as needed.
    pub fn iter_sessions(&self, page_size: i32) -> Result<SessionIter> {
        let mut it = ptr::null_mut();
        check(unsafe { sys::foil_sessions_iter(self.raw(), page_size, ptr::null(), ptr::null(), &mut it) })?;
        Ok(SessionIter(
            NonNull::new(it).expect("iter returned FOIL_OK and NULL"),
        ))
    }

    /// Start a Gate signup for `service_id`.
    pub fn create_gate_session(&self, service_id: &str, account: &str) -> Result<GateSession> {
        let (s, a) = (cstring(service_id)?, cstring(account)?);
        let mut g = ptr::null_mut();
        check(unsafe {
            sys::foil_gate_session_create(self.raw(), s.as_ptr(), a.as_ptr(), ptr::null(), &mut g)
        })?;
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

/// Walks a paginated list; used by one thread at a time (`Send`, not `Sync`).
pub struct SessionIter(NonNull<sys::foil_iter_t>);

unsafe impl Send for SessionIter {}

impl SessionIter {
    /// The next session's id; Ok(None) at the end.
    pub fn next_id(&mut self) -> Result<Option<String>> {
        let mut item = ptr::null();
        check(unsafe { sys::foil_iter_next(self.0.as_ptr(), &mut item) })?;
        if item.is_null() {
            return Ok(None);
        }
        Ok(Some(Json::new(item).get("id").str().unwrap_or("").to_string()))
    }
    pub fn pages(&self) -> usize {
        unsafe { sys::foil_iter_pages(self.0.as_ptr()) }
    }
}

impl Drop for SessionIter {
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
    pub fn status(&self) -> String {
        owned(unsafe { sys::foil_gate_session_status(self.raw()) }).unwrap_or_default()
    }
    pub fn poll(&mut self) -> Result<()> {
        check(unsafe { sys::foil_gate_session_poll(self.raw()) })
    }
    /// Poll until approved, sleeping `interval` between polls (no callback from C).
    pub fn wait(&mut self, timeout: std::time::Duration, interval: std::time::Duration) -> Result<()> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            self.poll()?;
            if self.status() == "approved" {
                return Ok(());
            }
            if std::time::Instant::now() >= deadline {
                return Err(unsafe { error_from(5, ptr::null()) });
            }
            std::thread::sleep(interval);
        }
    }
    /// The approved outputs (secrets), copied.
    pub fn outputs(&self) -> Vec<(String, String)> {
        let n = unsafe { sys::foil_gate_session_output_count(self.raw()) };
        (0..n)
            .map(|i| unsafe {
                (
                    owned(sys::foil_gate_session_output_key(self.raw(), i)).unwrap_or_default(),
                    owned(sys::foil_gate_session_output_value(self.raw(), i)).unwrap_or_default(),
                )
            })
            .collect()
    }
    /// Keys the env-var policy refused, with the reason.
    pub fn refused(&self) -> Vec<(String, String)> {
        let n = unsafe { sys::foil_gate_session_refused_count(self.raw()) };
        (0..n)
            .map(|i| unsafe {
                (
                    owned(sys::foil_gate_session_refused_key(self.raw(), i)).unwrap_or_default(),
                    owned(sys::foil_gate_session_refused_reason(self.raw(), i)).unwrap_or_default(),
                )
            })
            .collect()
    }
    pub fn ack(&mut self) -> Result<()> {
        check(unsafe { sys::foil_gate_session_ack(self.raw()) })
    }
}

impl Drop for GateSession {
    fn drop(&mut self) {
        unsafe { sys::foil_gate_session_free(self.raw()) }
    }
}
