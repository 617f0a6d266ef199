//! What the binary needs from the operating system: the shutdown signal, export files only their
//! owner can read, and a warning about a database connection nobody verifies.

use std::io::Write;

/// Wait for Ctrl-C or SIGTERM.
pub async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Write an export readable by its owner only (0600, also when the file already existed).
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// PostgreSQL over the network should verify the server's certificate and name: sqlx's default,
/// `sslmode=prefer`, accepts anyone in the middle. Say so at start (loopback and sockets aside).
pub fn warn_without_verified_tls(url: &str) {
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let host = url
        .split_once('@')
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', ':'])
        .next()
        .unwrap_or_default()
        .trim_start_matches("postgres://")
        .trim_start_matches("postgresql://");
    let local =
        host.is_empty() || host == "localhost" || host.starts_with("127.") || host == "[::1]";
    if postgres && !local && !url.contains("sslmode=verify-full") {
        tracing::warn!(
            "the PostgreSQL URL does not ask for sslmode=verify-full: the connection is not \
             protected against someone in the middle (README, Security)"
        );
    }
}
