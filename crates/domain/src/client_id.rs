//! The council's 9-digit client ID, as printed on every remittance advice.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(type = "string")]
pub struct ClientId([u8; 9]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientIdError {
    #[error("A client ID is 9 digits, like 100234567. This one has {0} digits.")]
    WrongLength(usize),
    #[error("A client ID has only the digits 0 to 9.")]
    NotDigits,
}

impl ClientId {
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).expect("client IDs are ASCII digits")
    }
}

impl FromStr for ClientId {
    type Err = ClientIdError;

    /// Accepts spaces people type between groups ("100 234 567").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(ClientIdError::NotDigits);
        }
        let bytes = compact.as_bytes();
        let digits: [u8; 9] = bytes
            .try_into()
            .map_err(|_| ClientIdError::WrongLength(bytes.len()))?;
        Ok(ClientId(digits))
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Debug shows the ID: it identifies a person, so callers must not log it (see ARCHITECTURE.md).
impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientId({})", self.as_str())
    }
}

impl Serialize for ClientId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ClientId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_nine_digits_with_or_without_spaces() {
        assert_eq!(
            "100234567".parse::<ClientId>().unwrap().as_str(),
            "100234567"
        );
        assert_eq!(
            "100 234 567".parse::<ClientId>().unwrap().as_str(),
            "100234567"
        );
        assert_eq!(
            "000000001".parse::<ClientId>().unwrap().to_string(),
            "000000001"
        );
    }

    #[test]
    fn refuses_anything_else_with_a_reason() {
        assert_eq!(
            "12345678".parse::<ClientId>(),
            Err(ClientIdError::WrongLength(8))
        );
        assert_eq!(
            "1234567890".parse::<ClientId>(),
            Err(ClientIdError::WrongLength(10))
        );
        assert_eq!(
            "12345678a".parse::<ClientId>(),
            Err(ClientIdError::NotDigits)
        );
        assert_eq!("".parse::<ClientId>(), Err(ClientIdError::WrongLength(0)));
        // Non-ASCII digits are not client IDs.
        assert_eq!(
            "١٢٣٤٥٦٧٨٩".parse::<ClientId>(),
            Err(ClientIdError::NotDigits)
        );
    }

    #[test]
    fn serde_round_trip() {
        let id: ClientId = "100234567".parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"100234567\"");
        assert_eq!(serde_json::from_str::<ClientId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<ClientId>("\"1002\"").is_err());
    }
}
