//! The codes of the server's error answers and of per-item rejections, one enum with one
//! catalogue (code, HTTP status where it applies, meaning), in the manner of ODK Central's
//! `problem.js`. The server builds its answers from it and the tablet's sync client matches
//! on it; neither writes a code as a string. A code this build does not know (from a newer
//! server) is kept as [`ProblemCode::Other`], so a client never fails to read an answer.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! problem_codes {
    ($($variant:ident = $code:literal, $status:expr, $meaning:literal;)*) => {
        /// A stable error or rejection code. On the wire: its snake_case name.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ProblemCode {
            $(
                #[doc = $meaning]
                $variant,
            )*
            /// A code this build does not know, as received.
            Other(String),
        }

        impl ProblemCode {
            /// The catalogue, in order (without [`ProblemCode::Other`]).
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant),*];

            /// The code on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ProblemCode::$variant => $code,)*
                    ProblemCode::Other(code) => code,
                }
            }

            /// The HTTP status of an answer with this code; `None` for a code that only appears
            /// as the reason of one item in a batch answer (the batch itself succeeded).
            pub fn http_status(&self) -> Option<u16> {
                match self {
                    $(ProblemCode::$variant => $status,)*
                    ProblemCode::Other(_) => None,
                }
            }

            /// What the code means.
            pub fn meaning(&self) -> &'static str {
                match self {
                    $(ProblemCode::$variant => $meaning,)*
                    ProblemCode::Other(_) => "a code this version does not know",
                }
            }

            /// The code for its wire name.
            pub fn parse(code: &str) -> ProblemCode {
                match code {
                    $($code => ProblemCode::$variant,)*
                    other => ProblemCode::Other(other.to_owned()),
                }
            }
        }
    };
}

problem_codes! {
    // Answers to a whole request.
    BadRequest = "bad_request", Some(400), "the request is not valid";
    MalformedJson = "malformed_json", Some(400), "the body is not JSON of the expected shape";
    UnreadableBody = "unreadable_body", Some(400), "the body could not be read";
    InvalidPublicKey = "invalid_public_key", Some(400), "the enrollment's public key is not a 32-byte Ed25519 key in hex";
    Unauthorized = "unauthorized", Some(401), "no device token, or one this server does not know";
    DeviceRevoked = "device_revoked", Some(403), "the device was revoked: keep its queue and re-enroll";
    InvalidEnrollmentCode = "invalid_enrollment_code", Some(403), "the enrollment code is unknown, used or expired";
    CrossOriginRequest = "cross_origin_request", Some(403), "a state-changing page request from another origin";
    NotFound = "not_found", Some(404), "nothing at this address";
    MethodNotAllowed = "method_not_allowed", Some(405), "the address does not take that method";
    RequestTimeout = "request_timeout", Some(408), "the request took too long";
    BodyTooLarge = "body_too_large", Some(413), "the body is over the byte limit (details: the limits)";
    BatchTooLarge = "batch_too_large", Some(413), "more envelopes than one batch takes (details: the limits)";
    UnsupportedMediaType = "unsupported_media_type", Some(415), "the body is not application/json";
    Internal = "internal", Some(500), "the server failed; nothing was stored";
    StorageUnavailable = "storage_unavailable", Some(503), "the server cannot reach its database; nothing was stored";
    // Reasons of one rejected or conflicting item in a batch answer.
    BadEnvelope = "bad_envelope", None, "the envelope is not valid JSON of the envelope shape";
    BadId = "bad_id", None, "the submission id is not a valid id";
    IdNotV7 = "id_not_v7", None, "the submission id is not a UUID version 7";
    HashMismatch = "hash_mismatch", None, "the body does not hash to the envelope's body_sha256";
    BadBody = "bad_body", None, "the body cannot be decoded";
    KindMismatch = "kind_mismatch", None, "the envelope's kind differs from its body's";
    UnsupportedVersion = "unsupported_version", None, "a body version this server does not take";
    NotCanonical = "not_canonical", None, "the body is not in canonical form";
    BadSignature = "bad_signature", None, "the device signature does not verify";
    DeviceMismatch = "device_mismatch", None, "the envelope names another device than the token's";
    BadDeviceSeq = "bad_device_seq", None, "device_seq is not 1 or more";
    InvalidContent = "invalid_content", None, "the body's content fails the study's rules";
    UnknownAlgorithm = "unknown_algorithm", None, "a scoring algorithm this server does not know";
    ScoreMismatch = "score_mismatch", None, "the server's re-scoring differs from the tablet's";
    BadPseudonym = "bad_pseudonym", None, "the pseudonym does not match the study's pattern";
    UnknownTimepoint = "unknown_timepoint", None, "a time point the study does not have";
    UnknownProtocolVersion = "unknown_protocol_version", None, "a study bundle version this server never published";
    UnknownContentPack = "unknown_content_pack", None, "a content pack that is not in the named bundle version";
    ParticipantOfOtherSite = "participant_of_other_site", None, "the pseudonym is a participant of another site, not of the device's";
    SameIdOtherBody = "same_id_other_body", None, "a different body is stored under this id (kept for review)";
    DeviceSeqTaken = "device_seq_taken", None, "another submission holds this device_seq (kept for review)";
}

impl Serialize for ProblemCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProblemCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(ProblemCode::parse(&code))
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::ProblemCode;

    #[test]
    fn every_code_goes_over_the_wire_and_back_as_itself_and_names_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ProblemCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(&serde_json::from_str::<ProblemCode>(&json).unwrap(), code);
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }

    #[test]
    fn a_code_from_a_newer_server_is_kept_as_received() {
        let code: ProblemCode = serde_json::from_str("\"quota_exceeded\"").unwrap();
        assert_eq!(code, ProblemCode::Other("quota_exceeded".into()));
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"quota_exceeded\"");
        assert_eq!(code.http_status(), None);
    }

    #[test]
    fn http_codes_carry_an_error_status_and_item_reasons_none() {
        for code in ProblemCode::ALL {
            if let Some(status) = code.http_status() {
                assert!((400..600).contains(&status), "{code}: {status}");
            }
        }
        assert_eq!(ProblemCode::DeviceRevoked.http_status(), Some(403));
        assert_eq!(ProblemCode::ScoreMismatch.http_status(), None);
    }
}
