//! libfoil's C ABI from Rust, checked against a running emulator (FOIL_BASE_URL,
//! FOIL_SECRET_KEY; see README.md). Prints one "ok - ...", "not ok - ..." or
//! "skip - ..." line per check and exits 1 if any failed.
#![allow(clippy::result_large_err)]
use foil_ffi_example::{json_string, verify_token, Client, Document, FoilError};
use std::collections::{HashMap, HashSet};
use std::env;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

enum Outcome {
    Skip(String),
    Fail(String),
}

type Check = std::result::Result<(), Outcome>;
type Named = (&'static str, fn() -> Check);

impl From<FoilError> for Outcome {
    fn from(e: FoilError) -> Outcome {
        Outcome::Fail(format!("unexpected error: {}", e))
    }
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(Outcome::Fail(format!($($fmt)+)));
        }
    };
}

fn client() -> Result<Client, FoilError> {
    client_with("")
}

/// A client with extra options (`, "key": value` pairs) after the common ones.
fn client_with(extra: &str) -> Result<Client, FoilError> {
    let opts = format!(
        "{{\"base_url\": {}, \"secret_key\": {}, \"timeout_ms\": 10000{}}}",
        json_string(&env::var("FOIL_BASE_URL").unwrap_or_default()),
        json_string(&env::var("FOIL_SECRET_KEY").unwrap_or_default()),
        extra
    );
    Client::new(&opts)
}

/// (1) one page of 5 sessions, then an iterator across pages of 20.
fn list_and_iterate() -> Check {
    // Prefetch off: the fault injected below must meet page 4's own request, which a walk
    // that prefetches has already sent by then.
    let c = client_with(r#", "prefetch": false"#)?;
    let resp = c.call("sessions.list", r#"{"limit": 5}"#)?;
    let page: Vec<String> = resp
        .data()
        .iter()
        .map(|s| s.get("id").str().unwrap_or("").to_string())
        .collect();
    ensure!(page.len() == 5, "list returned {} sessions, want 5", page.len());
    let mut it = c.iterate("sessions.list", r#"{"limit": 20}"#)?;
    let mut seen = HashSet::new();
    let mut n = 0;
    while n < 45 {
        let id = match it.next()? {
            Some(item) => item.get("id").str().unwrap_or("").to_string(),
            None => break,
        };
        ensure!(id.starts_with("sid_"), "bad session id {:?}", id);
        ensure!(seen.insert(id.clone()), "session {} returned twice", id);
        if n < 5 {
            ensure!(
                id == page[n],
                "iterator item {} is {}, list had {}",
                n,
                id,
                page[n]
            );
        }
        n += 1;
    }
    ensure!(n == 45, "iterator stopped after {} sessions", n);
    ensure!(
        it.pages() == 3,
        "45 sessions in pages of 20 took {} pages, want 3",
        it.pages()
    );
    // The next page fetch fails (a 503 injected in the emulator): the iterator keeps the
    // error (foil_iter_error), and next() again retries the same page.
    emulator_post(
        "/_emulator/faults",
        r#"{"method":"GET","path_prefix":"/v1/sessions","count":1,"kind":"status","status":503}"#,
    )?;
    for n in 45..60 {
        ensure!(it.next()?.is_some(), "item {} missing", n);
    }
    match it.next() {
        Err(e) if e.kind == "server" && e.http_status == 503 && e.retryable => {}
        Err(e) => return Err(Outcome::Fail(format!("iterator error: {}", e))),
        Ok(_) => return Err(Outcome::Fail("the faulted page 4 was fetched".into())),
    }
    ensure!(it.next()?.is_some(), "retrying page 4 found nothing");
    ensure!(it.pages() == 4, "pages {} after the retry, want 4", it.pages());
    Ok(())
}

/// (2) a 404 read as a typed error.
fn not_found() -> Check {
    match Client::new(r#"{"base_url": "ftp://example.com"}"#) {
        Err(e)
            if e.kind == "configuration"
                && e.field_errors.len() == 1
                && e.field_errors[0].0 == "base_url" => {}
        Err(e) => return Err(Outcome::Fail(format!("a bad base URL: {}", e))),
        Ok(_) => return Err(Outcome::Fail("a bad base URL was accepted".into())),
    }
    let c = client()?;
    let params = format!(
        "{{\"session_id\": {}}}",
        json_string("sid_0123456789abcdefghjkmnpqrs")
    );
    match c.call("sessions.get", &params) {
        Ok(_) => return Err(Outcome::Fail("an unknown session was found".into())),
        Err(e) => {
            ensure!(
                e.kind == "not_found" && e.status == 11,
                "kind {} status {}",
                e.kind,
                e.status
            );
            ensure!(e.http_status == 404, "HTTP status {}", e.http_status);
            ensure!(e.code == "request.not_found", "code {:?}", e.code);
            let rid = e.request_id.unwrap_or_default();
            ensure!(rid.starts_with("req_"), "request id {:?}", rid);
            ensure!(!e.retryable, "a 404 is not retryable");
        }
    }
    // A client-side validation error names the parameter.
    match c.call("sessions.list", r#"{"limit": 1000}"#) {
        Ok(_) => Err(Outcome::Fail("limit 1000 was accepted".into())),
        Err(e) => {
            ensure!(
                e.kind == "invalid_argument" && e.http_status == 0,
                "kind {} HTTP {}",
                e.kind,
                e.http_status
            );
            ensure!(
                e.field_errors.len() == 1 && e.field_errors[0].0 == "limit",
                "field errors {:?}",
                e.field_errors
            );
            Ok(())
        }
    }
}

/// POST to one of the emulator's own /_emulator routes (test tooling), with std only
/// (HTTP/1.1 on loopback).
fn emulator_post(path: &str, body: &str) -> Check {
    let base = env::var("FOIL_BASE_URL").unwrap_or_default();
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = TcpStream::connect(&host).map_err(|e| Outcome::Fail(format!("{}: {}", path, e)))?;
    let req = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        path,
        host,
        body.len(),
        body
    );
    let mut resp = String::new();
    s.write_all(req.as_bytes())
        .and_then(|_| s.read_to_string(&mut resp))
        .map_err(|e| Outcome::Fail(format!("{}: {}", path, e)))?;
    ensure!(
        resp.starts_with("HTTP/1.1 2"),
        "{}: {}",
        path,
        resp.lines().next().unwrap_or("")
    );
    Ok(())
}

fn approve(id: &str) -> Check {
    emulator_post(&format!("/_emulator/gate/sessions/{}/approve", id), "")
}

/// (3) a whole Gate signup: create, approve (emulator), wait, outputs, ack.
fn gate_signup() -> Check {
    let c = client()?;
    match c.create_gate_session("no-such-service", "ffi-rust") {
        Err(e) if e.kind == "not_found" && e.http_status == 404 => {}
        Err(e) => return Err(Outcome::Fail(format!("signup for an unknown service: {}", e))),
        Ok(_) => return Err(Outcome::Fail("signup for an unknown service was created".into())),
    }
    let mut g = c.create_gate_session("acme", "ffi-rust projet été ✓")?; // UTF-8 in, UTF-8 back
    ensure!(
        g.account_name() == "ffi-rust projet été ✓",
        "account name {:?}",
        g.account_name()
    );
    drop(c); // the signup keeps its own reference on the client
    ensure!(g.status() == "pending", "status {}", g.status());
    ensure!(g.id().starts_with("gate_"), "id {}", g.id());
    approve(&g.id())?;
    g.wait(Duration::from_secs(10), Duration::from_millis(20))?;
    let polled = g.poll_data().get("account_name").str().map(String::from);
    ensure!(
        polled.as_deref() == Some("ffi-rust projet été ✓"),
        "account name from the API {:?}",
        polled
    );
    let out: HashMap<String, String> = g
        .outputs()
        .iter()
        .map(|m| {
            (
                m.key().unwrap_or("").to_string(),
                m.str().unwrap_or("").to_string(),
            )
        })
        .collect();
    ensure!(
        out.get("ACME_API_KEY").map(String::as_str) == Some("ak_test_123"),
        "outputs {:?}",
        out.keys()
    );
    ensure!(
        out.get("ACME_NOTE").map(String::as_str) == Some("naïve café ✓"),
        "ACME_NOTE {:?} (UTF-8 must survive)",
        out.get("ACME_NOTE")
    );
    ensure!(out.len() == 2, "{} outputs, want 2 (PATH is refused)", out.len());
    let refused: Vec<(Option<&str>, Option<&str>)> = g
        .refused()
        .iter()
        .map(|r| (r.key(), r.str()))
        .collect();
    ensure!(
        refused == vec![(Some("PATH"), Some("blocked"))],
        "refused {:?}",
        refused
    );
    g.ack()?;
    ensure!(g.status() == "acknowledged", "status after ack {}", g.status());
    match g.poll() {
        Err(e) if e.kind == "state" => {}
        other => return Err(Outcome::Fail(format!("poll after ack: {:?}", other))),
    }
    // The API has let the delivery go: exactly once.
    let c = client()?;
    let params = format!(
        "{{\"gate_session_id\": {}, \"poll_token\": {}}}",
        json_string(&g.id()),
        json_string(&g.poll_token())
    );
    match c.call("gate.sessions.poll", &params) {
        Err(e) if e.kind == "gone" && e.http_status == 410 => {}
        Err(e) => return Err(Outcome::Fail(format!("API poll after ack: {}", e))),
        Ok(_) => return Err(Outcome::Fail("the API still delivers after ack".into())),
    }
    // A cancel from another thread ends the wait.
    let g2 = c.create_gate_session("acme", "ffi-rust-cancelled")?;
    let canceller = g2.canceller();
    let waited = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            canceller.cancel();
        });
        g2.wait(Duration::from_secs(10), Duration::from_millis(20))
    });
    match waited {
        Err(e) if e.kind == "cancelled" => Ok(()),
        other => Err(Outcome::Fail(format!(
            "wait cancelled from another thread: {:?}",
            other
        ))),
    }
}

fn spec_dir() -> PathBuf {
    match env::var("FOIL_SPEC_DIR") {
        Ok(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from("../../../../shared/foil-spec"),
    }
}

fn fixture(name: &str) -> Result<Document, Outcome> {
    let path = spec_dir().join("fixtures/sealed-token").join(name);
    let text =
        std::fs::read_to_string(&path).map_err(|e| Outcome::Fail(format!("{}: {}", path.display(), e)))?;
    Ok(Document::parse(&text)?)
}

/// (4) sealed tokens from the official fixtures, read in place and parsed with libfoil.
fn sealed_token() -> Check {
    let dir = spec_dir().join("fixtures/sealed-token");
    if !dir.is_dir() {
        return Err(Outcome::Skip(format!(
            "no foil-spec fixtures at {} (set FOIL_SPEC_DIR)",
            spec_dir().display()
        )));
    }
    let v1 = fixture("vector.v1.json")?;
    let v1 = v1.root();
    let token = v1.get("token").str().unwrap_or("");
    for key in ["secretKey", "secretHash"] {
        let payload = verify_token(token, v1.get(key).str().unwrap_or(""))?;
        ensure!(
            payload.root().same(&v1.get("payload")),
            "v1 payload ({}) differs from the fixture",
            key
        );
    }
    let v2 = fixture("vector.v2.json")?;
    let v2 = v2.root();
    ensure!(!v2.get("secretKeys").is_empty(), "v2 fixture without secretKeys");
    for secret in v2.get("secretKeys").iter() {
        let payload = verify_token(v2.get("token").str().unwrap_or(""), secret.str().unwrap_or(""))?;
        ensure!(
            payload.root().same(&v2.get("payload")),
            "v2 payload differs from the fixture"
        );
    }
    let bad = fixture("invalid.json")?;
    let bad = bad.root();
    match verify_token(
        bad.get("token").str().unwrap_or(""),
        v1.get("secretKey").str().unwrap_or(""),
    ) {
        Ok(_) => Err(Outcome::Fail("the invalid token verified".into())),
        Err(e) => {
            let want = format!("token.{}", bad.get("reason").str().unwrap_or(""));
            ensure!(
                e.kind == "token_verification" && e.code == want,
                "kind {} code {}, want {}",
                e.kind,
                e.code,
                want
            );
            Ok(())
        }
    }
}

fn main() {
    if env::var("FOIL_BASE_URL").is_err() || env::var("FOIL_SECRET_KEY").is_err() {
        eprintln!("set FOIL_BASE_URL and FOIL_SECRET_KEY to a running emulator (see README.md)");
        std::process::exit(2);
    }
    let checks: [Named; 4] = [
        ("rust: list 5 sessions and iterate across pages", list_and_iterate),
        ("rust: 404 as a typed error", not_found),
        (
            "rust: Gate signup (create, approve, wait, outputs, ack)",
            gate_signup,
        ),
        ("rust: sealed tokens from the official fixtures", sealed_token),
    ];
    let mut failed = 0;
    for (name, f) in checks.iter() {
        match f() {
            Ok(()) => println!("ok - {}", name),
            Err(Outcome::Skip(why)) => println!("skip - {}: {}", name, why),
            Err(Outcome::Fail(why)) => {
                println!("not ok - {}: {}", name, why);
                failed += 1;
            }
        }
    }
    std::process::exit(if failed > 0 { 1 } else { 0 });
}
