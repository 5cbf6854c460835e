//! libfoil's C ABI from Rust, checked against a running emulator (FOIL_BASE_URL,
//! FOIL_SECRET_KEY; see README.md). Prints one "ok - ...", "not ok - ..." or
//! "skip - ..." line per check and exits 1 if any failed.
use foil_ffi_example::{verify_token, Client, Document, FoilError};
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
    Client::new(
        &env::var("FOIL_BASE_URL").unwrap_or_default(),
        &env::var("FOIL_SECRET_KEY").unwrap_or_default(),
    )
}

/// (1) one page of 5 sessions, then an iterator across pages of 20.
fn list_and_iterate() -> Check {
    let c = client()?;
    let page = c.list_session_ids(5)?;
    ensure!(page.len() == 5, "list returned {} sessions, want 5", page.len());
    let mut it = c.iter_sessions(20)?;
    let mut seen = HashSet::new();
    let mut n = 0;
    while n < 45 {
        let id = match it.next_id()? {
            Some(id) => id,
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
    Ok(())
}

/// (2) a 404 read as a typed error.
fn not_found() -> Check {
    let c = client()?;
    match c.get_session("sid_0123456789abcdefghjkmnpqrs") {
        Ok(_) => Err(Outcome::Fail("an unknown session was found".into())),
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
            Ok(())
        }
    }
}

/// POST {base}/_emulator/gate/sessions/{id}/approve with std only (HTTP/1.1 on loopback).
fn approve(id: &str) -> Check {
    let base = env::var("FOIL_BASE_URL").unwrap_or_default();
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = TcpStream::connect(&host).map_err(|e| Outcome::Fail(format!("approve: {}", e)))?;
    let req = format!(
        "POST /_emulator/gate/sessions/{}/approve HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        id, host
    );
    let mut resp = String::new();
    s.write_all(req.as_bytes())
        .and_then(|_| s.read_to_string(&mut resp))
        .map_err(|e| Outcome::Fail(format!("approve: {}", e)))?;
    ensure!(
        resp.starts_with("HTTP/1.1 200"),
        "approve: {}",
        resp.lines().next().unwrap_or("")
    );
    Ok(())
}

/// (3) a whole Gate signup: create, approve (emulator), wait, outputs, ack.
fn gate_signup() -> Check {
    let c = client()?;
    let mut g = c.create_gate_session("acme", "ffi-rust")?;
    drop(c); // the signup keeps its own reference on the client
    ensure!(g.status() == "pending", "status {}", g.status());
    ensure!(g.id().starts_with("gate_"), "id {}", g.id());
    approve(&g.id())?;
    g.wait(Duration::from_secs(10), Duration::from_millis(20))?;
    let out: HashMap<String, String> = g.outputs().into_iter().collect();
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
    let refused = g.refused();
    ensure!(
        refused == vec![("PATH".to_string(), "blocked".to_string())],
        "refused {:?}",
        refused
    );
    g.ack()?;
    ensure!(g.status() == "acknowledged", "status after ack {}", g.status());
    match g.poll() {
        Err(e) if e.kind == "state" => Ok(()),
        other => Err(Outcome::Fail(format!("poll after ack: {:?}", other))),
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
