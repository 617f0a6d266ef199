//! How a stored submission is read back: the columns both backends select, and the tuple sqlx
//! decodes them into. Kept apart from [`super::sql`] so that the row shape has one home.

/// Columns of a stored submission, in [`StoredSubmission`](super::StoredSubmission) order, read
/// from [`SUBMISSIONS_WITH_SITE`]: the sending device's site comes along because a correction may
/// only supersede a submission of its own site (issue 13 item 8), and a device never changes site.
pub(crate) const SUBMISSION_COLUMNS: &str = "s.id, s.device_id, s.device_seq, s.kind, \
    s.participant, s.timepoint, s.instrument, s.algorithm, s.recorded_at, s.utc_offset_minutes, \
    s.created_at, s.received_at, s.body, s.body_sha256, d.study, d.site";

/// The submissions joined to their devices (`devices.id` is the primary key: one probe a row).
pub(crate) const SUBMISSIONS_WITH_SITE: &str = "submissions s JOIN devices d ON d.id = s.device_id";

/// A submission row as sqlx decodes it.
pub(crate) type SubmissionTuple = (
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// Tuple → struct.
pub(crate) fn submission_from(t: SubmissionTuple) -> super::StoredSubmission {
    super::StoredSubmission {
        id: t.0,
        device_id: t.1,
        device_seq: t.2,
        kind: t.3,
        participant: t.4,
        timepoint: t.5,
        instrument: t.6,
        algorithm: t.7,
        recorded_at: t.8,
        utc_offset_minutes: t.9,
        created_at: t.10,
        received_at: t.11,
        body: t.12,
        body_sha256: t.13,
        study: t.14,
        site: t.15,
    }
}

/// A `study_bundles` row as sqlx decodes it, in [`BundleRow`](super::BundleRow) order.
pub(crate) type BundleTuple = (String, i64, String, String, String, String, String);

/// A decoded bundle row.
pub(crate) fn bundle(
    (study, version, sha256, bundle, signature, public_key, published_at): BundleTuple,
) -> super::BundleRow {
    super::BundleRow {
        study,
        version,
        sha256,
        bundle,
        signature,
        public_key,
        published_at,
    }
}

/// A device row with its submission count and highest `device_seq`, as sqlx decodes it.
pub(crate) type DeviceTuple = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<i64>,
);

/// A decoded device summary.
pub(crate) fn device_summary(
    (id, study, site, enrolled_at, last_seen_at, revoked_at, submissions, max_seq, bundle_version): DeviceTuple,
) -> super::DeviceSummary {
    super::DeviceSummary {
        id,
        study,
        site,
        enrolled_at,
        last_seen_at,
        revoked_at,
        submissions,
        max_seq,
        bundle_version,
    }
}
