//! `mimik instruments`.

use super::Outcome;
use anyhow::Context;
use mimik_device::catalog;
use mimik_domain::Instrument;
use serde_json::json;

pub fn run() -> anyhow::Result<Outcome> {
    let bundle = catalog::shipped_bundle()
        .map_err(anyhow::Error::msg)
        .context("the study bundle shipped with mimik is invalid")?;
    let packs = bundle.packs;
    let instruments: Vec<_> = Instrument::ALL
        .iter()
        .map(|i| {
            json!({
                "id": i.id(),
                "algorithm": i.algorithm(),
                "items": i.items().len(),
                "patient_reported": i.is_patient_reported(),
            })
        })
        .collect();
    let packs: Vec<_> = packs
        .iter()
        .map(|p| {
            json!({
                "instrument": p.instrument.id(),
                "language": p.language,
                "title": p.title,
                "sha256": p.sha256,
                "notice": p.notice,
            })
        })
        .collect();
    Ok(Outcome::Json(
        json!({"instruments": instruments, "content_packs": packs}),
    ))
}
