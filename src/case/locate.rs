//! Where a value stands in a YAML file.
//!
//! serde_yaml keeps no positions on the values it deserializes, but it does
//! put one on every error. To point at `events[3].outcome`, the file is read
//! again with a deserializer that walks that path and fails on arrival; the
//! error's location is the value's. This costs nothing unless something is
//! wrong.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a path into a YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

/// A path such as `events[3].outcome`.
pub type YamlPath = Vec<PathPart>;

/// Builds a path: `path!["events", 3, "outcome"]`-like, from parts.
pub fn key(name: &str) -> PathPart {
    PathPart::Key(name.to_string())
}

pub fn index(i: usize) -> PathPart {
    PathPart::Index(i)
}

/// The byte offset of the value at `path`, or of the deepest part of the
/// path that exists.
pub fn locate(text: &str, path: &[PathPart]) -> Option<usize> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    match (Walk { path }).deserialize(deserializer) {
        Ok(()) => None,
        Err(e) => e.location().map(|l| l.index()),
    }
}

/// The message that marks "arrived"; any other error is a real one, whose
/// location is still the best we have.
const ARRIVED: &str = "arrived";

struct Walk<'p> {
    path: &'p [PathPart],
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((PathPart::Key(wanted), rest)) = self.path.split_first() else {
            return Err(de::Error::custom(ARRIVED));
        };
        while let Some(k) = map.next_key::<serde_yaml::Value>()? {
            if k.as_str() == Some(wanted.as_str()) {
                return map.next_value_seed(Walk { path: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        // The key is absent: the map itself is the best place to point.
        Err(de::Error::custom(ARRIVED))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((PathPart::Index(wanted), rest)) = self.path.split_first() else {
            return Err(de::Error::custom(ARRIVED));
        };
        let mut i = 0;
        loop {
            if i == *wanted {
                return match seq.next_element_seed(Walk { path: rest })? {
                    Some(()) => Ok(()),
                    None => Err(de::Error::custom(ARRIVED)),
                };
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(ARRIVED));
            }
            i += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "procedure: x\nevents:\n  - { on: 2026-01-01, event: received }\n  - on: 2026-01-02\n    event: foo\n    outcome: upheld\n";

    fn line_of(offset: usize) -> usize {
        TEXT[..offset].matches('\n').count() + 1
    }

    #[test]
    fn finds_scalars_maps_and_missing_keys() {
        let at = |path: &[PathPart]| locate(TEXT, path).map(line_of);
        assert_eq!(at(&[key("procedure")]), Some(1));
        assert_eq!(at(&[key("events"), index(0)]), Some(3));
        assert_eq!(at(&[key("events"), index(1), key("outcome")]), Some(6));
        assert_eq!(at(&[key("events"), index(1), key("missing")]), Some(4));
    }
}
