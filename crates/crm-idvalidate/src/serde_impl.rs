//! The hand-written serde impls (feature `serde`): types that serialise as their text form
//! ([`Code`], [`Nik`], [`Kk`]) and types that point into the embedded tables ([`Region`],
//! [`Place`]), which deserialise by looking their code up again.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::birthplace::{Place, PlaceLevel};
use crate::code::Code;
use crate::digits::{Region, region_from_code};
use crate::kk::Kk;
use crate::nik::Nik;
use crate::record::Field;

/// Deserialises text with `parse`; `what` names the expected value in errors.
struct Parse<F> {
    what: &'static str,
    parse: F,
}

impl<'de, T, E: fmt::Display, F: FnOnce(&str) -> Result<T, E>> Visitor<'de> for Parse<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }

    fn visit_str<Er: de::Error>(self, v: &str) -> Result<T, Er> {
        // The parsers' messages never repeat the input (it may be a NIK).
        (self.parse)(v).map_err(|e| Er::custom(format_args!("invalid {}: {e}", self.what)))
    }
}

/// `"NIK_LENGTH"`: the stable text form.
impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        d.deserialize_str(Parse { what: "finding code", parse: str::parse::<Code> })
    }
}

/// The 16 digits, in full.
impl Serialize for Nik {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Nik {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Nik, D::Error> {
        d.deserialize_str(Parse { what: "NIK", parse: Nik::parse })
    }
}

/// The 16 digits, in full.
impl Serialize for Kk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Kk, D::Error> {
        d.deserialize_str(Parse { what: "KK number", parse: Kk::parse })
    }
}

/// The codes as written and the names of the places they resolve to, in the order and
/// with the names `crm id --json` prints.
impl Serialize for Region {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut r = s.serialize_struct("Region", 8)?;
        r.serialize_field("province_code", self.province_code())?;
        r.serialize_field("regency_code", self.regency_code())?;
        r.serialize_field("district_code", self.district_code())?;
        r.serialize_field("province", self.province().name())?;
        r.serialize_field("regency", self.regency_name())?;
        r.serialize_field("district", &self.district_name())?;
        r.serialize_field("current_regency_code", &self.current_regency_code())?;
        r.serialize_field("current_district_code", &self.current_district_code())?;
        r.end()
    }
}

/// Only `district_code` is read: the rest follows from the tables.
impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Region, D::Error> {
        #[derive(Deserialize)]
        struct Repr {
            district_code: String,
        }
        let code = Repr::deserialize(d)?.district_code;
        region_from_code(&code)
            .ok_or_else(|| de::Error::custom(format_args!("unknown region code {code:?}")))
    }
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Place, D::Error> {
        #[derive(Deserialize)]
        struct Repr {
            level: PlaceLevel,
            code: String,
        }
        let Repr { level, code } = Repr::deserialize(d)?;
        Place::official(level, &code)
            .ok_or_else(|| de::Error::custom(format_args!("unknown place code {code:?}")))
    }
}

/// [`BirthplaceMatcher`](crate::BirthplaceMatcher)'s threshold, clamped to 0-100 as its
/// setter does.
pub(crate) fn threshold<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(f64::deserialize(d)?.clamp(0.0, 100.0))
}

/// `Summary::by_field_code` as a nested map, field then code (JSON keys must be strings).
pub(crate) mod by_field_code {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        map: &BTreeMap<(Field, Code), usize>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut nested: BTreeMap<Field, BTreeMap<Code, usize>> = BTreeMap::new();
        for (&(field, code), &n) in map {
            nested.entry(field).or_default().insert(code, n);
        }
        nested.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(Field, Code), usize>, D::Error> {
        let nested = BTreeMap::<Field, BTreeMap<Code, usize>>::deserialize(d)?;
        Ok(nested
            .into_iter()
            .flat_map(|(field, codes)| codes.into_iter().map(move |(code, n)| ((field, code), n)))
            .collect())
    }
}
