//! Parsing a `POST /v1/submissions` body without building it as a tree: each envelope is kept
//! as its raw JSON text (so one bad envelope is rejected alone), and envelopes are counted while
//! parsing, so a body of millions of tiny values costs its own bytes, not a `Value` per value
//! (issue 13, item 5: 8 MiB of `[0,0,…]` used to become about 80 MB of `Vec<Value>`).

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// A batch as received: at most `max_items` envelopes kept raw, and how many there were.
#[derive(Debug)]
pub struct RawBatch {
    /// The first `max_items` envelopes, unparsed.
    pub envelopes: Vec<Box<RawValue>>,
    /// How many envelopes the body held (more than `envelopes.len()` when over the limit).
    pub items: usize,
}

/// Parse `{"envelopes": [...]}` (no other field), keeping at most `max_items` envelopes.
pub fn parse(bytes: &[u8], max_items: usize) -> serde_json::Result<RawBatch> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let batch = BatchSeed { max_items }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(batch)
}

struct BatchSeed {
    max_items: usize,
}

impl<'de> DeserializeSeed<'de> for BatchSeed {
    type Value = RawBatch;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<RawBatch, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BatchSeed {
    type Value = RawBatch;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object {\"envelopes\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawBatch, A::Error> {
        let mut batch = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key != "envelopes" {
                return Err(de::Error::unknown_field(&key, &["envelopes"]));
            }
            if batch.is_some() {
                return Err(de::Error::duplicate_field("envelopes"));
            }
            batch = Some(map.next_value_seed(EnvelopesSeed {
                max_items: self.max_items,
            })?);
        }
        batch.ok_or_else(|| de::Error::missing_field("envelopes"))
    }
}

struct EnvelopesSeed {
    max_items: usize,
}

impl<'de> DeserializeSeed<'de> for EnvelopesSeed {
    type Value = RawBatch;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<RawBatch, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EnvelopesSeed {
    type Value = RawBatch;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of envelopes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawBatch, A::Error> {
        let mut envelopes = Vec::new();
        let mut items = 0;
        loop {
            if items < self.max_items {
                match seq.next_element::<Box<RawValue>>()? {
                    Some(raw) => envelopes.push(raw),
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            items += 1;
        }
        Ok(RawBatch { envelopes, items })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_past_the_limit_are_counted_but_not_kept() {
        let batch = parse(br#"{"envelopes": [{"a":1}, [0,0,0], "x", 7]}"#, 2).unwrap();
        assert_eq!(batch.items, 4);
        assert_eq!(batch.envelopes.len(), 2);
        assert_eq!(batch.envelopes[1].get(), "[0,0,0]");
    }

    #[test]
    fn a_body_that_is_not_exactly_one_envelopes_list_is_refused() {
        for body in [
            &br#"{"envelopes": [], "extra": 1}"#[..],
            br#"{}"#,
            br#"{"envelopes": [], "envelopes": []}"#,
            br#"{"envelopes": {}}"#,
            br#"[]"#,
            br#"{"envelopes": []} trailing"#,
            br#"{"envelopes": [1,]}"#,
        ] {
            assert!(
                parse(body, 10).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert_eq!(parse(br#" {"envelopes": []} "#, 10).unwrap().items, 0);
    }
}
