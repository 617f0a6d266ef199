//! The SQL both backends run, as one implementation of [`Storage`](super::Storage) stamped out
//! for each pool type. The SQL is a portable subset (`$n` parameters, `ON CONFLICT DO NOTHING`,
//! `COALESCE`, `LAG`, text times, 64-bit integers) that SQLite and PostgreSQL read the same way;
//! a backend supplies `self.pool` and `self.begin_write()`.
//!
//! Why a macro: sqlx's executors are typed per database, and the generic bounds needed to write
//! this once over `DB: Database` hide the SQL under trait plumbing. The text below is the single
//! source; `story` tests run it on both backends.

macro_rules! impl_storage {
    ($backend:ty, $database:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::Storage for $backend {
            async fn close(&self) {
                self.pool.close().await;
            }

            async fn health(&self) -> $crate::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn add_enrollment_code(
                &self,
                code: &$crate::storage::NewCode,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO enrollment_codes (code_sha256, study, site, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&code.code_sha256)
                .bind(&code.study)
                .bind(&code.site)
                .bind(&code.created_at)
                .bind(&code.expires_at)
                .execute(&mut *tx)
                .await?;
                $crate::storage::audit::append_audit_in!(self, tx, audit);
                tx.commit().await?;
                Ok(())
            }

            async fn enroll(
                &self,
                code_sha256: &str,
                now: &str,
                device: &$crate::storage::NewDevice,
            ) -> $crate::Result<Option<(String, String)>> {
                let mut tx = self.begin_write().await?;
                let site: Option<(String, String)> = sqlx::query_as(
                    "SELECT study, site FROM enrollment_codes \
                     WHERE code_sha256 = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(code_sha256)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((study, site)) = site else {
                    return Ok(None);
                };
                // `used_at IS NULL` again: on PostgreSQL a concurrent enrollment with the same
                // code waits here and then updates nothing.
                let used = sqlx::query(
                    "UPDATE enrollment_codes SET used_at = $1, device_id = $2 \
                     WHERE code_sha256 = $3 AND used_at IS NULL",
                )
                .bind(now)
                .bind(&device.id)
                .bind(code_sha256)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if used != 1 {
                    return Ok(None);
                }
                sqlx::query(
                    "INSERT INTO devices (id, study, site, public_key, token_sha256, enrolled_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&device.id)
                .bind(&study)
                .bind(&site)
                .bind(&device.public_key)
                .bind(&device.token_sha256)
                .bind(&device.enrolled_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some((study, site)))
            }

            async fn device_by_token(&self, token_sha256: &str) -> $crate::Result<Option<$crate::storage::Device>> {
                let row: Option<(String, String, String, String, Option<String>)> = sqlx::query_as(
                    "SELECT id, study, site, public_key, revoked_at FROM devices WHERE token_sha256 = $1",
                )
                .bind(token_sha256)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(id, study, site, public_key, revoked_at)| $crate::storage::Device {
                    id,
                    study,
                    site,
                    public_key,
                    revoked_at,
                }))
            }

            async fn touch_device(&self, device_id: &str, now: &str) -> $crate::Result<()> {
                sqlx::query("UPDATE devices SET last_seen_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(device_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn record_bundle_version(&self, device_id: &str, version: i64) -> $crate::Result<()> {
                sqlx::query("UPDATE devices SET bundle_version = $1 WHERE id = $2")
                    .bind(version)
                    .bind(device_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn revoke_device(
                &self,
                device_id: &str,
                now: &str,
                audit: &$crate::storage::NewAudit,
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                let found: Option<(String,)> = sqlx::query_as("SELECT id FROM devices WHERE id = $1")
                    .bind(device_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Ok(false);
                }
                let revoked = sqlx::query("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(device_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                // Revoking a revoked device changes nothing, so nothing is audited.
                if revoked == 1 {
                    $crate::storage::audit::append_audit_in!(self, tx, audit);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn store_batch(
                &self,
                device_id: &str,
                items: &[$crate::storage::Incoming],
                received_at: &str,
            ) -> $crate::Result<$crate::storage::BatchOutcome> {
                use mimik_domain::protocol::ItemStatus;
                let mut tx = self.begin_write().await?;
                // One multi-row INSERT for the whole batch: a round trip per item made a backlog
                // of 10,000 take over 2 s on PostgreSQL. UNIQUE(id) and UNIQUE(device_id,
                // device_seq) decide; rows not inserted take the per-item path below (a
                // concurrent batch with the same id waits for the other transaction first).
                let mut inserted_ids = std::collections::HashSet::new();
                if !items.is_empty() {
                    let mut insert = sqlx::QueryBuilder::<$database>::new(
                        "INSERT INTO submissions (id, device_id, device_seq, kind, participant, \
                         timepoint, instrument, algorithm, recorded_at, utc_offset_minutes, \
                         created_at, received_at, body, body_sha256, signature) ",
                    );
                    insert.push_values(items, |mut row, item| {
                        row.push_bind(&item.id)
                            .push_bind(device_id)
                            .push_bind(item.device_seq)
                            .push_bind(&item.kind)
                            .push_bind(&item.participant)
                            .push_bind(&item.timepoint)
                            .push_bind(&item.instrument)
                            .push_bind(&item.algorithm)
                            .push_bind(&item.recorded_at)
                            .push_bind(item.utc_offset_minutes)
                            .push_bind(&item.created_at)
                            .push_bind(received_at)
                            .push_bind(&item.body)
                            .push_bind(&item.body_sha256)
                            .push_bind(&item.signature);
                    });
                    insert.push(" ON CONFLICT DO NOTHING RETURNING id");
                    let ids: Vec<(String,)> = insert.build_query_as().fetch_all(&mut *tx).await?;
                    inserted_ids.extend(ids.into_iter().map(|(id,)| id));
                }
                let mut outcomes = Vec::with_capacity(items.len());
                for item in items {
                    // The first occurrence of an id in the batch is the one inserted.
                    if inserted_ids.remove(&item.id) {
                        outcomes.push($crate::storage::Outcome {
                            status: ItemStatus::Stored,
                            stored_sha256: Some(item.body_sha256.clone()),
                            conflict_reason: None,
                        });
                        continue;
                    }
                    let stored: Option<(String,)> =
                        sqlx::query_as("SELECT body_sha256 FROM submissions WHERE id = $1")
                            .bind(&item.id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let (status, stored_sha256, reason) = match stored {
                        Some((hash,)) if hash == item.body_sha256 => (ItemStatus::Duplicate, Some(hash), None),
                        Some((hash,)) => (ItemStatus::Conflict, Some(hash), Some(mimik_domain::problem::ProblemCode::SameIdOtherBody)),
                        None => (ItemStatus::Conflict, None, Some(mimik_domain::problem::ProblemCode::DeviceSeqTaken)),
                    };
                    if let Some(reason) = &reason {
                        sqlx::query(
                            "INSERT INTO conflicts (submission_id, device_id, device_seq, kind, reason, \
                             stored_sha256, received_sha256, body, signature, received_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                        )
                        .bind(&item.id)
                        .bind(device_id)
                        .bind(item.device_seq)
                        .bind(&item.kind)
                        .bind(reason.as_str())
                        .bind(&stored_sha256)
                        .bind(&item.body_sha256)
                        .bind(&item.body)
                        .bind(&item.signature)
                        .bind(received_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    outcomes.push($crate::storage::Outcome {
                        status,
                        stored_sha256,
                        conflict_reason: reason,
                    });
                }
                sqlx::query("UPDATE devices SET last_seen_at = $1 WHERE id = $2")
                    .bind(received_at)
                    .bind(device_id)
                    .execute(&mut *tx)
                    .await?;
                let pairs: Vec<(i64, i64)> = sqlx::query_as($crate::storage::gaps::GAP_BOUNDARIES_SQL)
                    .bind(device_id)
                    .fetch_all(&mut *tx)
                    .await?;
                let last_seq: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(device_seq) FROM submissions WHERE device_id = $1")
                        .bind(device_id)
                        .fetch_one(&mut *tx)
                        .await?;
                tx.commit().await?;
                Ok($crate::storage::BatchOutcome {
                    outcomes,
                    gaps: $crate::storage::gaps_from_boundaries(&pairs),
                    last_seq: last_seq.and_then(|seq| u64::try_from(seq).ok()),
                })
            }

            async fn gaps(&self, device_id: &str) -> $crate::Result<Vec<mimik_domain::protocol::SeqGap>> {
                let pairs: Vec<(i64, i64)> = sqlx::query_as($crate::storage::gaps::GAP_BOUNDARIES_SQL)
                    .bind(device_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok($crate::storage::gaps_from_boundaries(&pairs))
            }

            async fn devices(&self) -> $crate::Result<Vec<$crate::storage::DeviceSummary>> {
                let rows: Vec<$crate::storage::rows::DeviceTuple> =
                    sqlx::query_as(
                        "SELECT d.id, d.study, d.site, d.enrolled_at, d.last_seen_at, d.revoked_at, \
                         COUNT(s.id), COALESCE(MAX(s.device_seq), 0), d.bundle_version \
                         FROM devices d LEFT JOIN submissions s ON s.device_id = d.id \
                         GROUP BY d.id, d.study, d.site, d.enrolled_at, d.last_seen_at, d.revoked_at, \
                         d.bundle_version \
                         ORDER BY d.id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map($crate::storage::rows::device_summary)
                    .collect())
            }

            async fn submissions(&self) -> $crate::Result<Vec<$crate::storage::StoredSubmission>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM {} ORDER BY s.id",
                    $crate::storage::rows::SUBMISSION_COLUMNS,
                    $crate::storage::rows::SUBMISSIONS_WITH_SITE
                ));
                let rows: Vec<$crate::storage::rows::SubmissionTuple> =
                    sqlx::query_as(sql).fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map($crate::storage::rows::submission_from).collect())
            }

            async fn submissions_of_kind(&self, kind: &str) -> $crate::Result<Vec<$crate::storage::StoredSubmission>> {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM {} WHERE s.kind = $1 ORDER BY s.id",
                    $crate::storage::rows::SUBMISSION_COLUMNS,
                    $crate::storage::rows::SUBMISSIONS_WITH_SITE
                ));
                let rows: Vec<$crate::storage::rows::SubmissionTuple> =
                    sqlx::query_as(sql).bind(kind).fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map($crate::storage::rows::submission_from).collect())
            }

            async fn conflicts(&self) -> $crate::Result<Vec<$crate::storage::ConflictRow>> {
                let rows: Vec<(String, String, i64, String, String, Option<String>, String, String)> =
                    sqlx::query_as(
                        "SELECT submission_id, device_id, device_seq, kind, reason, stored_sha256, \
                         received_sha256, received_at FROM conflicts ORDER BY seq",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::storage::ConflictRow {
                        submission_id: r.0,
                        device_id: r.1,
                        device_seq: r.2,
                        kind: r.3,
                        reason: r.4,
                        stored_sha256: r.5,
                        received_sha256: r.6,
                        received_at: r.7,
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_storage;
