//! A council profile: which council this app talks to and how people can contact it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

/// What the app needs to know about one council.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilProfile {
    pub council_name: String,
    /// The council's OpenID Connect issuer (its identity service).
    pub issuer_url: Url,
    /// The base URL of the council's documents API.
    pub api_url: Url,
    /// This app's client ID at the council's identity service.
    pub client_id: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// A sentence or two about getting help, in the council's words.
    pub help_text: String,
    /// How this computer may be used, set by its administrator (the `[policy]` section of the
    /// machine-wide profile). Absent means an ordinary home computer.
    #[serde(default)]
    pub policy: MachinePolicy,
}

/// The machine policy: kiosk mode and what it allows. It only ever comes from the profile
/// file (machine-wide, or `CFP_PROFILE` in tests and support), never from a setting a person
/// can change, so nobody at a shared computer can turn kiosk mode off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachinePolicy {
    /// A shared computer (library, advice centre): nothing of the person is kept.
    #[serde(default)]
    pub kiosk: bool,
    /// Minutes without use before the session ends (kiosk) or the app locks. Kiosk default 5.
    #[serde(default)]
    pub idle_minutes: Option<u32>,
    /// Whether documents and statements may be saved as files. Kiosk default: no.
    #[serde(default)]
    pub allow_saving: Option<bool>,
    /// Whether the app looks for updates. Default: yes at home, no on a kiosk (it stays on the
    /// version its administrator installed unless the policy turns checks on).
    #[serde(default)]
    pub check_updates: Option<bool>,
}

impl MachinePolicy {
    /// The kiosk idle time when the policy does not set one.
    pub const KIOSK_IDLE_MINUTES: u32 = 5;
    /// The limits on `idle_minutes`.
    pub const IDLE_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=60;

    pub fn is_kiosk(&self) -> bool {
        self.kiosk
    }

    /// Minutes of inactivity the policy imposes, if it imposes any (always in kiosk mode).
    pub fn idle_minutes(&self) -> Option<u32> {
        match (self.idle_minutes, self.kiosk) {
            (Some(minutes), _) => Some(minutes),
            (None, true) => Some(Self::KIOSK_IDLE_MINUTES),
            (None, false) => None,
        }
    }

    pub fn allow_saving(&self) -> bool {
        self.allow_saving.unwrap_or(!self.kiosk)
    }

    pub fn check_updates(&self) -> bool {
        self.check_updates.unwrap_or(!self.kiosk)
    }

    /// This policy, made no looser than `floor` (the machine-wide one): kiosk if either says
    /// kiosk, the shorter idle time, saving and update checks only if both allow them.
    pub fn at_least_as_strict_as(&self, floor: &MachinePolicy) -> MachinePolicy {
        let idle_minutes = match (self.idle_minutes(), floor.idle_minutes()) {
            (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
            (mine, theirs) => mine.or(theirs),
        };
        MachinePolicy {
            kiosk: self.kiosk || floor.kiosk,
            idle_minutes,
            allow_saving: Some(self.allow_saving() && floor.allow_saving()),
            check_updates: Some(self.check_updates() && floor.check_updates()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("The council settings file could not be read ({path}). {reason}")]
    Unreadable { path: String, reason: String },
    #[error("The council settings file {path} is not valid: {reason}")]
    Invalid { path: String, reason: String },
}

/// The profile of the bundled demo council service.
pub const DEMO_PROFILE_TOML: &str = include_str!("../profiles/demo.toml");

impl CouncilProfile {
    pub fn demo() -> Self {
        Self::from_toml(DEMO_PROFILE_TOML, "the built-in demo profile")
            .expect("the built-in demo profile is valid")
    }

    pub fn from_toml(text: &str, source: &str) -> Result<Self, ProfileError> {
        let profile: CouncilProfile = toml::from_str(text).map_err(|e| ProfileError::Invalid {
            path: source.to_string(),
            reason: match e.span() {
                // The line an administrator opens the file at.
                Some(span) => format!(
                    "line {}: {}",
                    (text.as_bytes()[..span.start.min(text.len())].iter())
                        .filter(|b| **b == b'\n')
                        .count()
                        + 1,
                    e.message()
                ),
                None => e.message().to_string(),
            },
        })?;
        profile.validated(source)
    }

    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    fn validated(self, source: &str) -> Result<Self, ProfileError> {
        let invalid = |reason: &str| ProfileError::Invalid {
            path: source.to_string(),
            reason: reason.to_string(),
        };
        if self.council_name.trim().is_empty() {
            return Err(invalid("council_name is empty."));
        }
        if self.client_id.trim().is_empty() {
            return Err(invalid("client_id is empty."));
        }
        if !self.contact_email.contains('@') {
            return Err(invalid("contact_email is not an email address."));
        }
        if let Some(minutes) = self.policy.idle_minutes {
            if !MachinePolicy::IDLE_MINUTES_RANGE.contains(&minutes) {
                return Err(invalid("policy.idle_minutes must be from 1 to 60."));
            }
        }
        for (name, url) in [("issuer_url", &self.issuer_url), ("api_url", &self.api_url)] {
            let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
            // Personal data only ever travels encrypted, except to a service on this machine.
            if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
                return Err(invalid(&format!(
                    "{name} must start with https:// (plain http is only allowed on this computer)."
                )));
            }
        }
        Ok(self)
    }
}

/// Where an administrator installs a council's profile for every user of this computer.
pub fn machine_profile_path() -> PathBuf {
    #[cfg(target_os = "windows")]
    {
        let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
        PathBuf::from(base)
            .join("Client Finance Portal")
            .join("profile.toml")
    }
    #[cfg(target_os = "macos")]
    {
        PathBuf::from("/Library/Application Support/Client Finance Portal/profile.toml")
    }
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        PathBuf::from("/etc/client-finance-portal/profile.toml")
    }
}

/// Finds the profile to use: the file named by `CFP_PROFILE` (for support and tests), else the
/// machine-wide profile, else the profile built into this copy of the app. A machine-wide
/// `[policy]` always holds: see [`locate_from`].
pub fn locate() -> Result<CouncilProfile, ProfileError> {
    let explicit = std::env::var_os("CFP_PROFILE").map(PathBuf::from);
    locate_from(explicit.as_deref(), &machine_profile_path())
}

/// `explicit` (`CFP_PROFILE`, or the command line's `--profile`) names the council to talk to,
/// but when a machine-wide profile exists its policy is a floor the explicit file can only
/// tighten ([`MachinePolicy::at_least_as_strict_as`]): the variable is for tests and support,
/// and must not let anyone at a kiosk turn it into a home computer. A machine profile that
/// cannot be read is reported rather than ignored, since its policy cannot then be honoured.
pub fn locate_from(
    explicit: Option<&Path>,
    machine: &Path,
) -> Result<CouncilProfile, ProfileError> {
    match explicit {
        Some(path) => {
            let mut chosen = CouncilProfile::load(path)?;
            if machine.exists() {
                let floor = CouncilProfile::load(machine)?.policy;
                chosen.policy = chosen.policy.at_least_as_strict_as(&floor);
            }
            Ok(chosen)
        }
        None if machine.exists() => CouncilProfile::load(machine),
        None => Ok(CouncilProfile::demo()),
    }
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_profile_is_valid() {
        let p = CouncilProfile::demo();
        assert_eq!(p.council_name, "Demo County Council");
        assert_eq!(p.client_id, "client-finance-portal-desktop");
    }

    #[test]
    fn remote_http_is_refused() {
        let text = DEMO_PROFILE_TOML.replace("http://127.0.0.1:8400", "http://council.example");
        let err = CouncilProfile::from_toml(&text, "test.toml").unwrap_err();
        assert!(
            err.to_string().contains("must start with https://"),
            "{err}"
        );
        let https =
            DEMO_PROFILE_TOML.replace("http://127.0.0.1:8400", "https://id.council.example");
        CouncilProfile::from_toml(&https, "test.toml").unwrap();
    }

    #[test]
    fn unknown_and_missing_fields_are_refused_plainly() {
        let extra = format!("{DEMO_PROFILE_TOML}\nsurprise = 1\n");
        let err = CouncilProfile::from_toml(&extra, "x.toml").unwrap_err();
        assert!(err.to_string().contains("x.toml is not valid"), "{err}");
        let missing = DEMO_PROFILE_TOML.replace("client_id", "# client_id");
        assert!(CouncilProfile::from_toml(&missing, "x.toml").is_err());
        let empty = DEMO_PROFILE_TOML.replace(
            "council_name = \"Demo County Council\"",
            "council_name = \" \"",
        );
        let err = CouncilProfile::from_toml(&empty, "x.toml").unwrap_err();
        assert!(err.to_string().contains("council_name is empty"), "{err}");
    }

    #[test]
    fn locate_prefers_explicit_then_machine_then_built_in() {
        let dir = tempfile::tempdir().unwrap();
        let machine = dir.path().join("machine.toml");
        let explicit = dir.path().join("explicit.toml");
        assert_eq!(locate_from(None, &machine).unwrap(), CouncilProfile::demo());
        std::fs::write(
            &machine,
            DEMO_PROFILE_TOML.replace("Demo County", "Machine"),
        )
        .unwrap();
        assert_eq!(
            locate_from(None, &machine).unwrap().council_name,
            "Machine Council"
        );
        std::fs::write(
            &explicit,
            DEMO_PROFILE_TOML.replace("Demo County", "Chosen"),
        )
        .unwrap();
        assert_eq!(
            locate_from(Some(&explicit), &machine).unwrap().council_name,
            "Chosen Council"
        );
        // A broken machine profile is reported, never silently replaced by the demo.
        std::fs::write(&machine, "council_name = ").unwrap();
        assert!(locate_from(None, &machine).is_err());
    }

    #[test]
    fn policy_defaults_to_a_home_computer_and_kiosk_tightens_it() {
        let home = CouncilProfile::demo().policy;
        assert!(!home.is_kiosk());
        assert_eq!(home.idle_minutes(), None);
        assert!(home.allow_saving());
        assert!(home.check_updates());

        let kiosk = CouncilProfile::from_toml(
            &format!("{DEMO_PROFILE_TOML}\n[policy]\nkiosk = true\n"),
            "kiosk.toml",
        )
        .unwrap()
        .policy;
        assert!(kiosk.is_kiosk());
        assert_eq!(kiosk.idle_minutes(), Some(5));
        assert!(!kiosk.allow_saving());
        assert!(!kiosk.check_updates());

        let kiosk_that_updates = CouncilProfile::from_toml(
            &format!("{DEMO_PROFILE_TOML}\n[policy]\nkiosk = true\ncheck_updates = true\n"),
            "kiosk.toml",
        )
        .unwrap()
        .policy;
        assert!(kiosk_that_updates.check_updates());

        let custom = CouncilProfile::from_toml(
            &format!(
                "{DEMO_PROFILE_TOML}\n[policy]\nkiosk = true\nidle_minutes = 2\nallow_saving = true\ncheck_updates = false\n"
            ),
            "kiosk.toml",
        )
        .unwrap()
        .policy;
        assert_eq!(custom.idle_minutes(), Some(2));
        assert!(custom.allow_saving());
        assert!(!custom.check_updates());

        for bad in [
            "idle_minutes = 0",
            "idle_minutes = 61",
            "kiosk = \"yes\"",
            "surprise = 1",
        ] {
            let text = format!("{DEMO_PROFILE_TOML}\n[policy]\n{bad}\n");
            assert!(
                CouncilProfile::from_toml(&text, "bad.toml").is_err(),
                "{bad}"
            );
        }
    }

    fn with_policy(council: &str, policy: &str) -> String {
        format!(
            "{}\n[policy]\n{policy}\n",
            DEMO_PROFILE_TOML.replace("Demo County", council)
        )
    }

    /// Writes a machine-wide profile and a `CFP_PROFILE` one, and locates the profile.
    fn located(machine_policy: &str, explicit_policy: &str) -> CouncilProfile {
        let dir = tempfile::tempdir().unwrap();
        let machine = dir.path().join("machine.toml");
        let explicit = dir.path().join("explicit.toml");
        std::fs::write(&machine, with_policy("Machine", machine_policy)).unwrap();
        std::fs::write(&explicit, with_policy("Chosen", explicit_policy)).unwrap();
        locate_from(Some(&explicit), &machine).unwrap()
    }

    #[test]
    fn cfp_profile_cannot_turn_a_machine_kiosk_off() {
        let profile = located("kiosk = true", "kiosk = false");
        // The council settings are the chosen file's (tests and support point at their own
        // service), but the machine's policy stands.
        assert_eq!(profile.council_name, "Chosen Council");
        assert!(profile.policy.is_kiosk());
        assert_eq!(
            profile.policy.idle_minutes(),
            Some(MachinePolicy::KIOSK_IDLE_MINUTES)
        );
        assert!(!profile.policy.allow_saving());
        assert!(!profile.policy.check_updates());
    }

    #[test]
    fn cfp_profile_cannot_lengthen_idle_time_or_turn_saving_or_updates_on() {
        let profile = located(
            "kiosk = true\nidle_minutes = 3\nallow_saving = false\ncheck_updates = false",
            "kiosk = true\nidle_minutes = 60\nallow_saving = true\ncheck_updates = true",
        );
        assert!(profile.policy.is_kiosk());
        assert_eq!(profile.policy.idle_minutes(), Some(3));
        assert!(!profile.policy.allow_saving());
        assert!(!profile.policy.check_updates());

        // A kiosk with the default idle time: a longer one from the variable is refused too.
        let default_idle = located("kiosk = true", "kiosk = true\nidle_minutes = 30");
        assert_eq!(
            default_idle.policy.idle_minutes(),
            Some(MachinePolicy::KIOSK_IDLE_MINUTES)
        );
        // A home machine with an idle limit keeps it.
        let home_limit = located("idle_minutes = 10", "");
        assert_eq!(home_limit.policy.idle_minutes(), Some(10));
    }

    #[test]
    fn cfp_profile_may_tighten_a_machine_policy() {
        let profile = located("", "kiosk = true\nidle_minutes = 2");
        assert!(profile.policy.is_kiosk());
        assert_eq!(profile.policy.idle_minutes(), Some(2));
        assert!(!profile.policy.allow_saving());
        assert!(!profile.policy.check_updates());
        let shorter = located("kiosk = true\nidle_minutes = 10", "idle_minutes = 4");
        assert!(shorter.policy.is_kiosk());
        assert_eq!(shorter.policy.idle_minutes(), Some(4));
    }

    #[test]
    fn cfp_profile_with_an_unreadable_machine_profile_is_refused() {
        // The machine's policy cannot be known, so it cannot be honoured: say so.
        let dir = tempfile::tempdir().unwrap();
        let machine = dir.path().join("machine.toml");
        let explicit = dir.path().join("explicit.toml");
        std::fs::write(&machine, "council_name = ").unwrap();
        std::fs::write(&explicit, with_policy("Chosen", "")).unwrap();
        let err = locate_from(Some(&explicit), &machine).unwrap_err();
        assert!(err.to_string().contains("machine.toml"), "{err}");
    }

    #[test]
    fn load_reports_a_missing_file() {
        let err = CouncilProfile::load(Path::new("does/not/exist.toml")).unwrap_err();
        assert!(matches!(err, ProfileError::Unreadable { .. }));
    }
}
