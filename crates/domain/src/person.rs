//! People the council holds records about.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;
use ts_rs::TS;

use crate::ClientId;

/// A person who receives care and support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    #[ts(type = "string")]
    pub date_of_birth: Date,
    pub postcode: Postcode,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// A UK postcode, kept in its standard form ("WR5 2NP") so that matching ignores case and spacing.
#[derive(Clone, PartialEq, Eq, Hash, TS)]
#[ts(type = "string")]
pub struct Postcode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    #[error("That does not look like a UK postcode. Write it like WR5 2NP.")]
    NotAPostcode,
}

impl Postcode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Postcode {
    type Err = PostcodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        // Outward code 2-4 characters starting with a letter, inward code digit + 2 letters.
        let len = compact.len();
        if !(5..=7).contains(&len) || !compact.is_ascii() {
            return Err(PostcodeError::NotAPostcode);
        }
        let (outward, inward) = compact.split_at(len - 3);
        let inward_ok = {
            let b = inward.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
        };
        let outward_ok = outward.as_bytes()[0].is_ascii_alphabetic()
            && outward.chars().all(|c| c.is_ascii_alphanumeric())
            && outward.chars().any(|c| c.is_ascii_digit());
        if !(inward_ok && outward_ok) {
            return Err(PostcodeError::NotAPostcode);
        }
        Ok(Postcode(format!("{outward} {inward}")))
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Postcode({})", self.0)
    }
}

impl Serialize for Postcode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Postcode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_are_normalised() {
        assert_eq!("wr52np".parse::<Postcode>().unwrap().as_str(), "WR5 2NP");
        assert_eq!(
            " SW1A 1AA ".parse::<Postcode>().unwrap().as_str(),
            "SW1A 1AA"
        );
        assert_eq!("m1 1ae".parse::<Postcode>().unwrap().as_str(), "M1 1AE");
    }

    #[test]
    fn non_postcodes_are_refused() {
        for bad in [
            "", "12345", "WR5", "WR5 2N1", "ÄR5 2NP", "WRX 2NP", "1R5 2NP", "WR5-2NP",
        ] {
            assert!(bad.parse::<Postcode>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn full_name_joins_names() {
        let p = Person {
            client_id: "100234567".parse().unwrap(),
            given_name: "Margaret".into(),
            family_name: "Okafor".into(),
            date_of_birth: time::macros::date!(1941 - 03 - 09),
            postcode: "WR5 2NP".parse().unwrap(),
        };
        assert_eq!(p.full_name(), "Margaret Okafor");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["dateOfBirth"], "1941-03-09");
        assert_eq!(json["clientId"], "100234567");
    }
}
