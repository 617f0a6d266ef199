//! Attacks from the adversarial review (issue 13 items 4 and 5), rerun against the real
//! `mimik-server` binary on loopback with raw TCP: slow and silent clients are closed while
//! `/health` still answers, and anonymous floods (huge login names, batches of millions of tiny
//! values) do not grow the server's memory.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_tests::harness::Server;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Send one request (`Connection: close`) and read the whole answer: status and body. Writes
/// that fail because the server already answered and closed are ignored: the answer counts.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    for chunk in body.chunks(64 * 1024) {
        if stream.write_all(chunk).is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:.200}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The highest resident memory of process `pid` so far, in KiB (`VmHWM`).
fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

#[test]
fn anonymous_floods_of_huge_login_names_and_tiny_batch_values_do_not_grow_server_memory() {
    let root = tempfile::tempdir().unwrap();
    let server = Server::start(&root.path().join("server"), None);
    // A device token for the batch endpoint (the Ed25519 base point is a valid public key).
    let enroll = format!(
        r#"{{"code":"{}","public_key":"{}"}}"#,
        server.enrollment_code(),
        "58".to_owned() + &"66".repeat(31)
    );
    let json = "Content-Type: application/json\r\n";
    let (status, body) = request(server.addr, "POST", "/v1/enroll", json, enroll.as_bytes());
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..3 {
        assert_eq!(request(server.addr, "GET", "/health", "", b"").0, 200);
    }
    let before = peak_memory_kib(server.pid());

    // 40 logins with 4 MiB names: each refused (413) after at most 4 KiB is read.
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let huge_login = format!("name={}&password=x", "n".repeat(4 << 20)).into_bytes();
    for i in 0..40 {
        let (status, _) = request(server.addr, "POST", "/login", form, &huge_login);
        assert_eq!(status, 413, "login {i}");
    }
    // Batches just under the 8 MiB body limit made of about four million tiny values.
    let bearer = format!("{json}Authorization: Bearer {token}\r\n");
    let mut tiny = b"{\"envelopes\":[".to_vec();
    while tiny.len() < (8 << 20) - 64 {
        tiny.extend_from_slice(b"0,");
    }
    tiny.extend_from_slice(b"0]}");
    for _ in 0..3 {
        let (status, body) = request(server.addr, "POST", "/v1/submissions", &bearer, &tiny);
        assert_eq!(status, 413, "{body:.300}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["code"], "batch_too_large");
        assert!(
            error["details"]["items"].as_u64().unwrap() > 4_000_000,
            "{error}"
        );
    }
    let grown_mib = peak_memory_kib(server.pid()).saturating_sub(before) / 1024;
    // An 8 MiB body is read whole (twice, at most, while it is parsed); before the fix the names
    // alone kept 160 MiB and each batch built a tree of about 130 MB.
    assert!(grown_mib <= 48, "peak memory grew by {grown_mib} MiB");
    assert_eq!(request(server.addr, "GET", "/health", "", b"").0, 200);
}

#[test]
fn slow_and_silent_connections_are_closed_and_health_still_answers() {
    let root = tempfile::tempdir().unwrap();
    let args: Vec<String> = ["--header-read-timeout-s", "2", "--idle-timeout-s", "2"]
        .map(str::to_owned)
        .to_vec();
    let server = Server::start_with(&root.path().join("server"), None, &args);
    // Seventy clients that send half a request head and then nothing.
    let slow: Vec<TcpStream> = (0..70)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr).unwrap();
            stream
                .write_all(b"POST /v1/submissions HTTP/1.1\r\nHost: mimik\r\n")
                .unwrap();
            stream
        })
        .collect();
    // One that asks once on a kept-alive connection and then stays silent.
    let mut idle = TcpStream::connect(server.addr).unwrap();
    idle.write_all(format!("GET /health HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).as_bytes())
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        request(server.addr, "GET", "/health", "", b"").0,
        200,
        "answers meanwhile"
    );

    for (i, mut stream) in slow.into_iter().enumerate() {
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let mut rest = Vec::new();
        // Closed: end of stream, or a reset; a read timeout means it was still open.
        if let Err(error) = stream.read_to_end(&mut rest) {
            assert_ne!(
                error.kind(),
                std::io::ErrorKind::WouldBlock,
                "slow client {i} still open"
            );
        }
    }
    let closed_after = started.elapsed();
    assert!(
        closed_after < Duration::from_secs(8),
        "closed after {closed_after:?}"
    );

    idle.set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = idle.read_to_end(&mut answer);
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "answered first"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the idle connection was closed"
    );
    assert_eq!(
        request(server.addr, "GET", "/health", "", b"").0,
        200,
        "and answers after"
    );
}
