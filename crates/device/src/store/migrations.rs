//! The embedded, atomic, validated schema migrations of `migrations/device/`.

use crate::error::Result;
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::sync::LazyLock;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!(
            "../../../../migrations/device/0001_initial.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/device/0002_staff_pins.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/device/0003_study_bundles.sql"
        )),
        M::up(include_str!(
            "../../../../migrations/device/0004_participant_status.sql"
        )),
    ])
});

/// Bring the schema to the latest version. Runs in one transaction: a crash leaves the old
/// schema, and the next open applies it again.
pub fn apply(conn: &mut Connection) -> Result<()> {
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
