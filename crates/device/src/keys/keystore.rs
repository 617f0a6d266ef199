//! Platform keystore slots: a slot whose secret is held by the device's own security hardware
//! instead of a person's memory (issue 13 item 1). The hardware seals a random 32-byte wrapping
//! key so that only this device unseals it; a copy of `keyslots.json` taken elsewhere offers
//! nothing to guess. The slot is sealed like the others (`sealed.rs`), so a re-key reaches it.
//!
//! One trait, [`Keystore`], for every platform:
//!
//! | platform | backend | seal / unseal |
//! |---|---|---|
//! | Linux with a TPM 2.0 | [`Tpm2`] (here, tested against `swtpm`) | a sealed-data object under the owner hierarchy's primary key; its public and private parts are the blob |
//! | Android | Android Keystore, StrongBox where present | an AES-256-GCM key generated in the keystore (`setIsStrongBoxBacked(true)`, `setUnlockedDeviceRequired(true)`), the wrapping key encrypted with it; the blob is the key alias, IV and ciphertext |
//! | iOS / iPadOS | Secure Enclave | a P-256 key in the Secure Enclave (`kSecAttrTokenIDSecureEnclave`, `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`), the wrapping key encrypted to it with ECIES; the blob is the key's tag and the ciphertext |
//!
//! The mobile backends are not built here (no SDKs on this machine); `docs/keystore.md` says
//! how each is to be implemented behind this trait, and what each protects against.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use zeroize::Zeroizing;

/// A device's security hardware: seals 32 bytes so that only this device can unseal them.
pub trait Keystore {
    /// Which backend, recorded in the slot (`tpm2`).
    fn backend(&self) -> &'static str;
    /// Seal `secret`; the blob is stored in the slot and is useless elsewhere.
    fn seal(&self, secret: &[u8; 32]) -> Result<Vec<u8>>;
    /// Unseal a blob made by [`Keystore::seal`] on this device.
    fn unseal(&self, blob: &[u8]) -> Result<Zeroizing<[u8; 32]>>;
}

/// A TPM 2.0 through Debian's `tpm2-tools`, reached through a TCTI (`device:/dev/tpmrm0` on a
/// tablet, `swtpm:host=127.0.0.1,port=…` in the tests).
#[derive(Debug, Clone)]
pub struct Tpm2 {
    tcti: String,
}

impl Tpm2 {
    /// The TPM behind `tcti`.
    pub fn new(tcti: &str) -> Tpm2 {
        Tpm2 {
            tcti: tcti.to_owned(),
        }
    }

    /// Run one tpm2-tools command in `dir`, with `input` on stdin; its stdout.
    fn run(&self, dir: &Path, args: &[&str], input: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let failed = |what: String| Error::KeySlots(format!("the TPM: {what}"));
        let mut child = Command::new(args[0])
            .args(&args[1..])
            .current_dir(dir)
            .env("TPM2TOOLS_TCTI", &self.tcti)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                failed(format!(
                    "{} did not start ({e}); install tpm2-tools",
                    args[0]
                ))
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input)
                .map_err(|e| failed(format!("{}: {e}", args[0])))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|e| failed(format!("{}: {e}", args[0])))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().last().unwrap_or("no message");
            return Err(failed(format!("{} failed: {last}", args[0])));
        }
        Ok(Zeroizing::new(output.stdout))
    }

    /// The owner hierarchy's primary key, made again each time (the same template gives the
    /// same key on the same TPM), then the transient objects flushed (no resource manager).
    fn primary(&self, dir: &Path) -> Result<()> {
        self.run(
            dir,
            &[
                "tpm2_createprimary",
                "-Q",
                "-C",
                "o",
                "-g",
                "sha256",
                "-G",
                "ecc",
                "-c",
                "primary.ctx",
            ],
            b"",
        )?;
        self.flush(dir)
    }

    fn flush(&self, dir: &Path) -> Result<()> {
        self.run(dir, &["tpm2_flushcontext", "-t"], b"").map(drop)
    }
}

impl Keystore for Tpm2 {
    fn backend(&self) -> &'static str {
        "tpm2"
    }

    fn seal(&self, secret: &[u8; 32]) -> Result<Vec<u8>> {
        let work = private_work_dir()?;
        let dir = work.path();
        self.primary(dir)?;
        self.run(
            dir,
            &[
                "tpm2_create",
                "-Q",
                "-C",
                "primary.ctx",
                "-i",
                "-",
                "-u",
                "seal.pub",
                "-r",
                "seal.priv",
            ],
            secret,
        )?;
        self.flush(dir)?;
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| Error::KeySlots(format!("the TPM: {name}: {e}")))
        };
        let (public, private) = (read("seal.pub")?, read("seal.priv")?);
        let length = u32::try_from(public.len())
            .map_err(|_| Error::KeySlots("the TPM's public blob is too large".into()))?;
        let mut blob = length.to_be_bytes().to_vec();
        blob.extend_from_slice(&public);
        blob.extend_from_slice(&private);
        Ok(blob)
    }

    fn unseal(&self, blob: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let malformed = || Error::KeySlots("the TPM slot's blob is malformed".into());
        let (length, rest) = blob.split_first_chunk::<4>().ok_or_else(malformed)?;
        let length = usize::try_from(u32::from_be_bytes(*length)).map_err(|_| malformed())?;
        if rest.len() <= length {
            return Err(malformed());
        }
        let (public, private) = rest.split_at(length);
        let work = private_work_dir()?;
        let dir = work.path();
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.join(name), bytes)
                .map_err(|e| Error::KeySlots(format!("the TPM: {name}: {e}")))
        };
        write("seal.pub", public)?;
        write("seal.priv", private)?;
        self.primary(dir)?;
        self.run(
            dir,
            &[
                "tpm2_load",
                "-Q",
                "-C",
                "primary.ctx",
                "-u",
                "seal.pub",
                "-r",
                "seal.priv",
                "-c",
                "seal.ctx",
            ],
            b"",
        )?;
        self.flush(dir)?;
        let secret = self.run(dir, &["tpm2_unseal", "-c", "seal.ctx"], b"")?;
        self.flush(dir)?;
        let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| malformed())?;
        Ok(Zeroizing::new(bytes))
    }
}

/// A folder readable by its owner only for the TPM's context files (never the secret itself,
/// which goes through pipes).
fn private_work_dir() -> Result<tempfile::TempDir> {
    // tempfile makes the folder 0700.
    tempfile::Builder::new()
        .prefix("mimik-tpm-")
        .tempdir()
        .map_err(Error::io("a folder for the TPM's files"))
}
