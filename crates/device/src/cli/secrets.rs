//! Passphrases and recovery keys come from the environment or a terminal prompt, never argv
//! (argv is visible to every user of the machine in `ps`).

use anyhow::{Context, bail};
use mimik_device::{Credentials, RecoveryKey};
use zeroize::Zeroizing;

/// How the CLI unlocks: `MIMIK_RECOVERY_KEY` if set, else a staff passphrase.
pub fn credentials(staff: Option<&str>) -> anyhow::Result<Credentials> {
    if let Ok(key) = std::env::var("MIMIK_RECOVERY_KEY") {
        return Ok(Credentials::Recovery(RecoveryKey::parse(&key)?));
    }
    Ok(Credentials::Staff {
        staff_id: staff.map(str::to_owned),
        passphrase: passphrase("MIMIK_PASSPHRASE", "Passphrase: ")?,
    })
}

/// A secret from `var`, or typed at the terminal without echo.
pub fn passphrase(var: &str, prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(var) {
        return Ok(Zeroizing::new(value));
    }
    let typed = rpassword::prompt_password(prompt)
        .with_context(|| format!("no terminal to ask for it: set {var}"))?;
    Ok(Zeroizing::new(typed))
}

/// A new secret, typed twice at a terminal (or taken once from `var`).
pub fn new_passphrase(var: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(value) = std::env::var(var) {
        return Ok(Zeroizing::new(value));
    }
    let first = passphrase(
        var,
        "New passphrase (10 characters or more, not only digits): ",
    )?;
    let second = passphrase(var, "Repeat it: ")?;
    if *first != *second {
        bail!("the two entries differ; nothing was changed");
    }
    Ok(first)
}
