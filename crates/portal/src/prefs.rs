//! The person's non-secret preferences, in a small JSON file in the app's data folder.
//!
//! Why a file and not the encrypted store: the lock time must be known while the store is
//! locked (that is when it matters), and it is not personal data. Kiosk mode never writes it:
//! there, the machine policy decides and nothing touches the disk.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// "Lock after N minutes without use": the default and the limits a person may choose from.
pub const LOCK_AFTER_DEFAULT: u32 = 15;
pub const LOCK_AFTER_MIN: u32 = 1;
pub const LOCK_AFTER_MAX: u32 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    pub lock_after_minutes: u32,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            lock_after_minutes: LOCK_AFTER_DEFAULT,
        }
    }
}

pub(crate) fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join("preferences.json")
}

impl Preferences {
    /// Reads the file; a missing or unreadable file (or an out-of-range value) gives the
    /// defaults, since a preference is never worth refusing to start over.
    pub fn load(path: &Path) -> Preferences {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Preferences::default();
        };
        match serde_json::from_str::<Preferences>(&text) {
            Ok(p) if (LOCK_AFTER_MIN..=LOCK_AFTER_MAX).contains(&p.lock_after_minutes) => p,
            _ => Preferences::default(),
        }
    }

    /// Writes the file atomically (a temporary file, then a rename).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_damaged_or_out_of_range_files_give_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        assert_eq!(Preferences::load(&path).lock_after_minutes, 15);
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(Preferences::load(&path).lock_after_minutes, 15);
        std::fs::write(&path, r#"{"lockAfterMinutes": 600}"#).unwrap();
        assert_eq!(Preferences::load(&path).lock_after_minutes, 15);
        Preferences {
            lock_after_minutes: 7,
        }
        .save(&path)
        .unwrap();
        assert_eq!(Preferences::load(&path).lock_after_minutes, 7);
    }
}
