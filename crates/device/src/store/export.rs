//! `mimik export --format json`: the tablet's own data, for a staff member (pseudonyms only).

use super::{Moment, Store};
use crate::error::Result;
use serde_json::{Value, json};

impl Store {
    /// Everything the tablet holds, as one JSON document. The export is itself audited.
    pub fn export_json(&mut self) -> Result<Value> {
        let document = json!({
            "format": "mimik-device-export/1",
            "study": self.bundle.study.id,
            "exported_at": Moment::now().utc_text(),
            "exported_by": self.actor,
            "participants": self.participants()?,
            "submissions": self.submissions()?,
            "side_effects": self.side_effects()?,
            "queue": self.status()?,
        });
        self.write(|tx, ctx| super::audit::append(tx, ctx, "store.exported", None, None))?;
        Ok(document)
    }
}
