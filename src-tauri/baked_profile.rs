//! A council's own build: the council profile baked into the app at build time.
//!
//! `bash .ci/package --profile council.toml` sets `CFP_BAKED_PROFILE` to the file's text for the
//! build, and the compiler copies it into the binary. Cargo rebuilds the app when it changes.
//! Without it, the app carries the demo profile as before.

use cfp_core::profile::{machine_profile_path, CouncilProfile, ProfileError};

/// The council profile built into this copy of the app, if any.
pub const BAKED_PROFILE_TOML: Option<&str> = option_env!("CFP_BAKED_PROFILE");

const BAKED_SOURCE: &str = "the council settings built into this app";

/// `CFP_PROFILE`, else the machine-wide profile (an administrator's later choice wins), else the
/// profile baked into this build, else the built-in demo.
pub fn locate() -> Result<CouncilProfile, ProfileError> {
    let overridden = std::env::var_os("CFP_PROFILE").is_some() || machine_profile_path().exists();
    match BAKED_PROFILE_TOML {
        Some(text) if !overridden => CouncilProfile::from_toml(text, BAKED_SOURCE),
        _ => cfp_core::profile::locate(),
    }
}
