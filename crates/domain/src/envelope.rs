//! The submission envelope of DESIGN.md §5 and the body it carries.
//!
//! The body is encoded once, canonically ([`crate::canonical`]), when the submission is saved;
//! those exact bytes are stored, hashed, signed and sent on every retry. The envelope carries the
//! body as a JSON *string* so that no parser on the way can re-encode a float and change a hash.
//! Everything here is on the wire and hashed: do not change it without a protocol version bump.

use crate::canonical;
use crate::content::Content;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The body version written into every new body: 2 adds `protocol_version`, the study bundle
/// version the submission was made under (issue 12).
pub const BODY_VERSION: u32 = 2;

/// Body versions the server accepts: version 1 still arrives from tablets that queued it before
/// they were upgraded, and is kept exactly as sent.
pub const ACCEPTED_BODY_VERSIONS: [u32; 2] = [1, 2];

/// A submission id: a UUIDv7 (time-ordered), made by the tablet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubmissionId(Uuid);

impl SubmissionId {
    /// Wrap a UUID that must be version 7.
    pub fn new(uuid: Uuid) -> Result<Self, EnvelopeError> {
        if uuid.get_version_num() == 7 {
            Ok(SubmissionId(uuid))
        } else {
            Err(EnvelopeError::IdNotV7)
        }
    }

    /// The UUID.
    pub fn uuid(self) -> Uuid {
        self.0
    }
}

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for SubmissionId {
    type Err = EnvelopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let uuid = Uuid::parse_str(s).map_err(|_| EnvelopeError::BadId)?;
        SubmissionId::new(uuid)
    }
}

impl TryFrom<String> for SubmissionId {
    type Error = EnvelopeError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<SubmissionId> for String {
    fn from(id: SubmissionId) -> String {
        id.to_string()
    }
}

/// What a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A patient questionnaire (FaCE, FDI, SAQ).
    Questionnaire,
    /// A clinician form (Sunnybrook).
    ClinicianForm,
    /// A patient's free-text side effect.
    SideEffect,
    /// A patient's explicit answer "no side effects since the last visit": the side-effect
    /// form is done, with nothing to grade.
    NoSideEffects,
    /// A clinician's Clavien-Dindo grading of a side effect.
    SideEffectGrade,
    /// The number of Botox injections, recorded by staff.
    BotoxCount,
    /// The eligibility checklist, recorded by staff at baseline.
    Eligibility,
    /// A participant registered on a tablet (pseudonym and study dates).
    Participant,
}

impl Kind {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Questionnaire => "questionnaire",
            Kind::ClinicianForm => "clinician_form",
            Kind::SideEffect => "side_effect",
            Kind::NoSideEffects => "no_side_effects",
            Kind::SideEffectGrade => "side_effect_grade",
            Kind::BotoxCount => "botox_count",
            Kind::Eligibility => "eligibility",
            Kind::Participant => "participant",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A correction names the submission it supersedes and why (DESIGN.md §4: append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supersedes {
    /// The submission corrected.
    pub id: SubmissionId,
    /// Why, in the staff member's words.
    pub reason: String,
}

/// The body of a submission: who, when, and the content of its kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// [`BODY_VERSION`].
    pub v: u32,
    /// The kind, repeated from the envelope so the hash covers it.
    pub kind: Kind,
    /// The participant's pseudonym.
    pub participant: String,
    /// The study time point id (e.g. `post_6m`); `None` for kinds that have none.
    pub timepoint: Option<String>,
    /// When it was completed, UTC.
    pub recorded_at: DateTime<Utc>,
    /// The device's UTC offset at that moment, in minutes (DESIGN.md §8).
    pub utc_offset_minutes: i32,
    /// The staff member who started the session or entered the form.
    pub staff_id: String,
    /// The tablet session it was answered in, if any.
    pub session_id: Option<String>,
    /// Set on corrections.
    pub supersedes: Option<Supersedes>,
    /// What its kind holds (answers and scores, text, a grade, …).
    pub content: Content,
    /// The study bundle version it was made under (body version 2 on; absent from version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_version: Option<u64>,
}

/// A body as it is on the wire, before its content is decoded by its kind.
#[derive(Deserialize)]
struct WireBody {
    v: u32,
    kind: Kind,
    participant: String,
    timepoint: Option<String>,
    recorded_at: DateTime<Utc>,
    utc_offset_minutes: i32,
    staff_id: String,
    session_id: Option<String>,
    supersedes: Option<Supersedes>,
    content: Value,
    #[serde(default)]
    protocol_version: Option<u64>,
}

/// Decode the content of a body of `kind`.
pub fn decode_content(kind: Kind, value: Value) -> Result<Content, serde_json::Error> {
    Ok(match kind {
        Kind::Questionnaire | Kind::ClinicianForm => Content::Form(serde_json::from_value(value)?),
        Kind::SideEffect => Content::SideEffect(serde_json::from_value(value)?),
        Kind::NoSideEffects => Content::NoSideEffects(serde_json::from_value(value)?),
        Kind::SideEffectGrade => Content::SideEffectGrade(serde_json::from_value(value)?),
        Kind::BotoxCount => Content::BotoxCount(serde_json::from_value(value)?),
        Kind::Eligibility => Content::Eligibility(serde_json::from_value(value)?),
        Kind::Participant => Content::Participant(serde_json::from_value(value)?),
    })
}

impl WireBody {
    /// Decode the content by the kind.
    fn into_body(self) -> Result<Body, serde_json::Error> {
        Ok(Body {
            content: decode_content(self.kind, self.content)?,
            v: self.v,
            kind: self.kind,
            participant: self.participant,
            timepoint: self.timepoint,
            recorded_at: self.recorded_at,
            utc_offset_minutes: self.utc_offset_minutes,
            staff_id: self.staff_id,
            session_id: self.session_id,
            supersedes: self.supersedes,
            protocol_version: self.protocol_version,
        })
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireBody::deserialize(deserializer)?;
        let kind = wire.kind;
        wire.into_body()
            .map_err(|e| serde::de::Error::custom(format!("content of a {kind}: {e}")))
    }
}

impl Body {
    /// The canonical bytes: encode once, store them, never re-encode for a retry.
    pub fn to_canonical(&self) -> Result<Vec<u8>, EnvelopeError> {
        canonical::to_vec(self).map_err(|e| EnvelopeError::Encoding(e.to_string()))
    }
}

/// What goes over the wire, one per submission (DESIGN.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// UUIDv7 made by the tablet.
    pub id: SubmissionId,
    /// The enrolled device.
    pub device_id: String,
    /// Per-device counter, 1, 2, 3 … with no gaps.
    pub device_seq: u64,
    /// What it is.
    pub kind: Kind,
    /// When the tablet saved it (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// The canonical body bytes, as a string.
    pub body: String,
    /// Lower-case hex SHA-256 of `body`'s bytes.
    pub body_sha256: String,
    /// Hex Ed25519 signature of [`Envelope::signing_payload`] by the device key.
    pub signature: String,
}

impl Envelope {
    /// The bytes the device signs: every field but the signature, in a fixed order.
    pub fn signing_payload(&self) -> Vec<u8> {
        format!(
            "mimik-envelope-v1\n{}\n{}\n{}\n{}\n{}\n{}",
            self.id,
            self.device_id,
            self.device_seq,
            self.kind,
            self.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.body_sha256
        )
        .into_bytes()
    }

    /// Check that the body hashes to `body_sha256` and is a canonical body of the stated kind.
    pub fn check_body(&self) -> Result<Body, EnvelopeError> {
        if canonical::sha256_hex(self.body.as_bytes()) != self.body_sha256 {
            return Err(EnvelopeError::HashMismatch);
        }
        let wire: WireBody =
            serde_json::from_str(&self.body).map_err(|e| EnvelopeError::BadBody(e.to_string()))?;
        if wire.kind != self.kind {
            return Err(EnvelopeError::KindMismatch);
        }
        if !ACCEPTED_BODY_VERSIONS.contains(&wire.v) {
            return Err(EnvelopeError::UnsupportedVersion(wire.v));
        }
        // Version 2 names its bundle version; version 1 cannot.
        if (wire.v >= 2) != wire.protocol_version.is_some_and(|v| v >= 1) {
            return Err(EnvelopeError::BadBody(format!(
                "a body of version {} {} protocol_version",
                wire.v,
                if wire.v >= 2 { "needs a" } else { "has no" }
            )));
        }
        let body = wire
            .into_body()
            .map_err(|e| EnvelopeError::BadContent(e.to_string().chars().take(160).collect()))?;
        if body.to_canonical()? != self.body.as_bytes() {
            return Err(EnvelopeError::NotCanonical);
        }
        Ok(body)
    }
}

/// Why an envelope or body is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// The id is not a UUID.
    #[error("the submission id is not a UUID")]
    BadId,
    /// The id is a UUID, but not version 7.
    #[error("the submission id must be a UUIDv7")]
    IdNotV7,
    /// `body_sha256` does not match the body bytes.
    #[error("body_sha256 does not match the body")]
    HashMismatch,
    /// The body is not a body.
    #[error("the body is not a valid submission body: {0}")]
    BadBody(String),
    /// The body decodes, but its content is not what its kind holds.
    #[error("the content is not what its kind holds: {0}")]
    BadContent(String),
    /// The body's kind differs from the envelope's.
    #[error("the body's kind differs from the envelope's")]
    KindMismatch,
    /// A body version this build does not know.
    #[error("body version {0} is not supported by this version of Mimik")]
    UnsupportedVersion(u32),
    /// The body bytes are not in canonical form.
    #[error("the body is not canonical JSON")]
    NotCanonical,
    /// Serialisation failed.
    #[error("could not encode the body: {0}")]
    Encoding(String),
    /// The signature does not verify with the device's enrolled key.
    #[error("the signature does not verify with this device's key")]
    BadSignature,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// A body of version 1 (what tablets queued before bundles), as the pinned bytes show.
    fn body(participant: &str, code: u8, minutes: i32) -> Body {
        Body {
            v: 1,
            kind: Kind::Questionnaire,
            participant: participant.to_owned(),
            timepoint: Some("post_6m".to_owned()),
            recorded_at: DateTime::from_timestamp(1_790_000_000, 123_000_000).unwrap(),
            utc_offset_minutes: minutes,
            staff_id: "staff-1".to_owned(),
            session_id: None,
            supersedes: None,
            content: saq_content(&json!({"q1": code}), 48.888888888888886),
            protocol_version: None,
        }
    }

    fn saq_content(answers: &Value, total: f64) -> Content {
        decode_content(
            Kind::Questionnaire,
            json!({
                "instrument": "saq", "algorithm": "saq/1", "language": "en",
                "content_pack_sha256": "5a".repeat(32), "missing": "strict",
                "answers": answers, "scores": {"total": total}, "notes": {},
            }),
        )
        .unwrap()
    }

    /// The same body at the current version, made under study bundle version 3.
    fn body_v2(participant: &str, code: u8, minutes: i32) -> Body {
        Body {
            v: BODY_VERSION,
            protocol_version: Some(3),
            ..body(participant, code, minutes)
        }
    }

    fn envelope(body: &Body) -> Envelope {
        let bytes = body.to_canonical().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        Envelope {
            id: "01936f0e-7a1c-7cc3-8a5e-1d2b3c4d5e6f".parse().unwrap(),
            device_id: "dev-1".to_owned(),
            device_seq: 1,
            kind: Kind::Questionnaire,
            created_at: body.recorded_at,
            body_sha256: canonical::sha256_hex(text.as_bytes()),
            body: text,
            signature: String::new(),
        }
    }

    #[test]
    fn a_checked_envelope_gives_back_the_same_body() {
        let original = body("NT-001", 3, 60);
        assert_eq!(envelope(&original).check_body(), Ok(original));
    }

    #[test]
    fn both_body_versions_check_and_each_says_whether_it_names_its_bundle_version() {
        let current = body_v2("NT-001", 3, 60);
        assert_eq!(envelope(&current).check_body(), Ok(current.clone()));
        let unnamed = Body {
            protocol_version: None,
            ..current.clone()
        };
        assert!(matches!(
            envelope(&unnamed).check_body(),
            Err(EnvelopeError::BadBody(_))
        ));
        let named_v1 = Body {
            v: 1,
            ..current.clone()
        };
        assert!(matches!(
            envelope(&named_v1).check_body(),
            Err(EnvelopeError::BadBody(_))
        ));
        let future = Body { v: 3, ..current };
        assert_eq!(
            envelope(&future).check_body(),
            Err(EnvelopeError::UnsupportedVersion(3))
        );
    }

    #[test]
    fn an_altered_body_fails_the_hash_check() {
        let mut sent = envelope(&body("NT-001", 3, 60));
        sent.body = sent.body.replace("\"q1\":3", "\"q1\":4");
        assert_eq!(sent.check_body(), Err(EnvelopeError::HashMismatch));
    }

    #[test]
    fn a_non_canonical_body_with_a_matching_hash_is_refused() {
        let mut sent = envelope(&body("NT-001", 3, 60));
        sent.body = format!(" {}", sent.body);
        sent.body_sha256 = canonical::sha256_hex(sent.body.as_bytes());
        assert_eq!(sent.check_body(), Err(EnvelopeError::NotCanonical));
    }

    /// The wire form is pinned: canonical bytes and hash of one body, the hash computed outside
    /// Rust (`printf %s BYTES | sha256sum`). A change here breaks every stored hash and signature
    /// and needs a body version bump.
    #[test]
    fn a_body_encodes_to_the_pinned_canonical_bytes_and_hash() {
        let bytes = body("NT-001", 3, 60).to_canonical().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, PINNED_BODY);
        assert_eq!(canonical::sha256_hex(text.as_bytes()), PINNED_SHA256);
        let bytes = body_v2("NT-001", 3, 60).to_canonical().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, PINNED_BODY_V2);
        assert_eq!(canonical::sha256_hex(text.as_bytes()), PINNED_SHA256_V2);
    }

    const PINNED_BODY_V2: &str = concat!(
        r#"{"content":{"algorithm":"saq/1","answers":{"q1":3},"#,
        r#""content_pack_sha256":"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a","#,
        r#""instrument":"saq","language":"en","missing":"strict","notes":{},"#,
        r#""scores":{"total":48.888888888888886}},"#,
        r#""kind":"questionnaire","participant":"NT-001","protocol_version":3,"#,
        r#""recorded_at":"2026-09-21T14:13:20.123Z","#,
        r#""session_id":null,"staff_id":"staff-1","supersedes":null,"timepoint":"post_6m","#,
        r#""utc_offset_minutes":60,"v":2}"#
    );
    const PINNED_SHA256_V2: &str =
        "cea48adf93319abd4d19ed7a6d1e97e638540d3d5ac60ad793faec5e4035b5bc";

    const PINNED_BODY: &str = concat!(
        r#"{"content":{"algorithm":"saq/1","answers":{"q1":3},"#,
        r#""content_pack_sha256":"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a","#,
        r#""instrument":"saq","language":"en","missing":"strict","notes":{},"#,
        r#""scores":{"total":48.888888888888886}},"#,
        r#""kind":"questionnaire","participant":"NT-001","recorded_at":"2026-09-21T14:13:20.123Z","#,
        r#""session_id":null,"staff_id":"staff-1","supersedes":null,"timepoint":"post_6m","#,
        r#""utc_offset_minutes":60,"v":1}"#
    );
    const PINNED_SHA256: &str = "8f988badf61223535e34a4e6d4f53cfe947e9ba0e1ac5f46b51ed79330be0f42";

    /// NL-4 and issue 11 point 3: typed content never changes what tablets already hold. Every body in
    /// the fixture (each kind, as the tablet wrote it before content was typed) decodes and
    /// re-encodes to exactly its bytes.
    #[test]
    fn every_stored_body_of_every_kind_re_encodes_to_the_same_bytes() {
        let fixture = include_str!("../../../tests/fixtures/bodies.ndjson");
        let mut kinds = std::collections::HashSet::new();
        for line in fixture.lines() {
            let body: Body = serde_json::from_str(line).unwrap();
            kinds.insert(body.kind);
            assert_eq!(
                String::from_utf8(body.to_canonical().unwrap()).unwrap(),
                line
            );
        }
        assert_eq!(kinds.len(), 8, "{kinds:?}");
    }

    #[test]
    fn ids_must_be_uuid_v7() {
        assert_eq!(
            "6ba7b810-9dad-41d1-80b4-00c04fd430c8".parse::<SubmissionId>(),
            Err(EnvelopeError::IdNotV7)
        );
        assert_eq!(
            "not-a-uuid".parse::<SubmissionId>(),
            Err(EnvelopeError::BadId)
        );
    }

    #[test]
    fn an_envelope_round_trips_through_json_unchanged() {
        let sent = envelope(&body("NT-001", 3, 60));
        let wire = serde_json::to_string(&sent).unwrap();
        let received: Envelope = serde_json::from_str(&wire).unwrap();
        assert_eq!(received, sent);
        assert_eq!(received.signing_payload(), sent.signing_payload());
    }

    proptest! {
        #[test]
        fn equal_submissions_hash_equal_and_different_ones_differ(
            a in 1u8..=5, b in 1u8..=5, offset in -720i32..=840
        ) {
            let hash = |body: &Body| canonical::sha256_hex(&body.to_canonical().unwrap());
            // The same submission reached another way: its content parsed from text written in
            // another key order and spacing, so equality cannot come from sharing one value.
            let mut rebuilt = body("NT-001", a, offset);
            rebuilt.content = decode_content(Kind::Questionnaire, serde_json::from_str(&format!(
                r#"{{ "scores": {{"total": 48.888888888888886}}, "notes": {{}}, "missing": "strict",
                     "answers": {{ "q1": {a} }}, "language": "en", "algorithm": "saq/1",
                     "content_pack_sha256": "{}", "instrument": "saq" }}"#, "5a".repeat(32)
            )).unwrap()).unwrap();
            prop_assert_eq!(hash(&rebuilt), hash(&body("NT-001", a, offset)));
            prop_assert_eq!(hash(&body("NT-001", a, offset)) == hash(&body("NT-001", b, offset)), a == b);
        }

        #[test]
        fn canonical_bodies_round_trip_byte_for_byte(code in 1u8..=5, offset in -720i32..=840, total in 0.0f64..100.0) {
            let mut original = body("NT-042", code, offset);
            original.content = saq_content(&json!({"q1": code}), total);
            let bytes = original.to_canonical().unwrap();
            let back: Body = serde_json::from_slice(&bytes).unwrap();
            prop_assert_eq!(&back, &original);
            prop_assert_eq!(back.to_canonical().unwrap(), bytes);
        }
    }
}
