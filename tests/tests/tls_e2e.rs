//! TLS between tablet and server (DESIGN.md §7, RELIABILITY.md "TLS to an untrusted certificate
//! or plain HTTP (refused)"): certificates are made here with rcgen, the server serves HTTPS with
//! `--tls-cert/--tls-key`, and the tablet trusts only what it is told to.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mimik_tests::harness::{Server, Tablet};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use std::path::{Path, PathBuf};

/// A study CA and a server certificate for 127.0.0.1 / localhost signed by it; returns
/// (ca.pem, cert.pem, key.pem).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let paths = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(&paths.0, ca.pem()).unwrap();
    std::fs::write(&paths.1, cert.pem()).unwrap();
    std::fs::write(&paths.2, key.serialize_pem()).unwrap();
    paths
}

#[test]
fn the_tablet_refuses_an_untrusted_certificate_and_syncs_once_it_trusts_the_study_ca() {
    let root = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(root.path());
    let args = vec![
        "--tls-cert".to_owned(),
        cert.display().to_string(),
        "--tls-key".to_owned(),
        key.display().to_string(),
    ];
    let server = Server::start_with(&root.path().join("server"), None, &args);
    assert!(server.url().starts_with("https://"), "{}", server.url());
    let tablet = Tablet::new(&root.path().join("tablet"));

    let code = server.enrollment_code();
    let refused = tablet.run(&["enroll", "--server", &server.url(), "--code", &code], b"");
    assert_ne!(
        refused.status.code(),
        Some(0),
        "an untrusted certificate must be refused"
    );
    let said = String::from_utf8_lossy(&refused.stderr).to_lowercase();
    assert!(said.contains("could not reach the server"), "{said}");
    assert_eq!(tablet.status()["enrolled"], false);

    let ca_arg = ca.display().to_string();
    tablet.ok(
        &[
            "enroll",
            "--server",
            &server.url(),
            "--code",
            &code,
            "--ca-cert",
            &ca_arg,
        ],
        b"",
    );
    tablet.save_many(3);
    let summary = tablet.ok(&["sync", "--ca-cert", &ca_arg], b"");
    assert_eq!(summary["stored"], 4, "{summary}");
    assert_eq!(summary["pending"], 0);
}

#[test]
fn plain_http_is_refused_for_any_address_but_this_machine() {
    let root = tempfile::tempdir().unwrap();
    let tablet = Tablet::new(&root.path().join("tablet"));
    for url in [
        "http://192.0.2.10:8080",
        "http://example.org",
        "ftp://127.0.0.1/",
    ] {
        let out = tablet.run(&["enroll", "--server", url, "--code", "ABCD"], b"");
        assert_ne!(out.status.code(), Some(0), "{url}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("https://"),
            "{url}"
        );
    }
    assert_eq!(tablet.status()["enrolled"], false);
}
