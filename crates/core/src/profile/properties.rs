//! Property tests of the council profile (a TOML file an administrator installs, or one baked in
//! at build time): on stable Rust with proptest, a bounded number of cases. Nothing panics,
//! whatever the text; a bad file is refused with a sentence that names the file (and the line,
//! when the TOML itself is wrong); a valid profile reads back exactly as written.

use proptest::prelude::*;

use super::{CouncilProfile, MachinePolicy, ProfileError};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A TOML basic string holding `text` (quotes and backslashes escaped).
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ,.'\"\\\\£&-]{0,30}[A-Za-z0-9]"
}

fn address() -> impl Strategy<Value = url::Url> {
    prop_oneof![
        "[a-z]{1,10}\\.example".prop_map(|host| format!("https://{host}/")),
        (1u16..65535).prop_map(|port| format!("http://127.0.0.1:{port}/")),
    ]
    .prop_map(|u| url::Url::parse(&u).unwrap())
}

fn policy() -> impl Strategy<Value = MachinePolicy> {
    (
        any::<bool>(),
        prop::option::of(MachinePolicy::IDLE_MINUTES_RANGE),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(kiosk, idle_minutes, allow_saving, check_updates)| MachinePolicy {
                kiosk,
                idle_minutes,
                allow_saving,
                check_updates,
            },
        )
}

fn profile() -> impl Strategy<Value = CouncilProfile> {
    (
        text(),
        address(),
        address(),
        "[a-z][a-z0-9-]{0,30}",
        "[a-z]{1,10}@[a-z]{1,10}\\.example",
        "[0-9 ]{0,14}",
        text(),
        policy(),
    )
        .prop_map(
            |(council_name, issuer_url, api_url, client_id, email, phone, help, policy)| {
                CouncilProfile {
                    council_name,
                    issuer_url,
                    api_url,
                    client_id,
                    contact_email: email,
                    contact_phone: phone,
                    help_text: help,
                    policy,
                }
            },
        )
}

/// The profile as an administrator would write it.
fn toml_of(p: &CouncilProfile) -> String {
    let mut text = format!(
        "council_name = {}\nissuer_url = {}\napi_url = {}\nclient_id = {}\n\
         contact_email = {}\ncontact_phone = {}\nhelp_text = {}\n\n[policy]\nkiosk = {}\n",
        quoted(&p.council_name),
        quoted(p.issuer_url.as_str()),
        quoted(p.api_url.as_str()),
        quoted(&p.client_id),
        quoted(&p.contact_email),
        quoted(&p.contact_phone),
        quoted(&p.help_text),
        p.policy.kiosk,
    );
    if let Some(minutes) = p.policy.idle_minutes {
        text.push_str(&format!("idle_minutes = {minutes}\n"));
    }
    if let Some(saving) = p.policy.allow_saving {
        text.push_str(&format!("allow_saving = {saving}\n"));
    }
    if let Some(updates) = p.policy.check_updates {
        text.push_str(&format!("check_updates = {updates}\n"));
    }
    text
}

/// Values that do not belong where they land.
fn awkward() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\"\"".into()),
        Just("\" \"".into()),
        Just("0".into()),
        Just("61".into()),
        Just("-1".into()),
        Just("4294967296".into()),
        Just("true".into()),
        Just("\"http://council.example/\"".into()),
        Just("\"not a url\"".into()),
        Just("\"no-at-sign\"".into()),
        Just("[1, 2]".into()),
        Just("{ a = 1 }".into()),
        Just("\"unclosed".into()),
        Just("'''".into()),
        "[ -~]{0,16}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_never_panics_and_a_refusal_names_the_file(text in "\\PC{0,300}") {
        if let Err(error) = CouncilProfile::from_toml(&text, "profile.toml") {
            let ProfileError::Invalid { path, reason } = &error else {
                panic!("reading text is never Unreadable: {error}");
            };
            prop_assert_eq!(path, "profile.toml");
            prop_assert!(!reason.trim().is_empty());
            prop_assert!(error.to_string().starts_with("The council settings file profile.toml is not valid: "));
        }
    }

    #[test]
    fn a_valid_profile_reads_back_exactly(profile in profile()) {
        let text = toml_of(&profile);
        let read = CouncilProfile::from_toml(&text, "profile.toml")
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(read, profile);
    }

    #[test]
    fn one_spoiled_setting_is_refused_naming_the_file_and_if_it_is_bad_toml_its_line(
        profile in profile(),
        pick in any::<prop::sample::Index>(),
        spoil in awkward(),
    ) {
        let text = toml_of(&profile);
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let settings: Vec<usize> = (0..lines.len()).filter(|&n| lines[n].contains(" = ")).collect();
        let at = settings[pick.index(settings.len())];
        let name = lines[at].split(" = ").next().unwrap().to_owned();
        lines[at] = format!("{name} = {spoil}");
        let spoiled = lines.join("\n");
        if let Err(error) = CouncilProfile::from_toml(&spoiled, "profile.toml") {
            let message = error.to_string();
            prop_assert!(message.starts_with("The council settings file profile.toml is not valid: "), "{message}");
            // TOML that does not parse, or a value of the wrong type, is named by its line.
            if let Some(rest) = message.split(": line ").nth(1) {
                let line: usize = rest.split(':').next().unwrap().parse().unwrap();
                prop_assert!((1..=lines.len()).contains(&line), "{message}");
            }
        }
    }
}

/// The line of a TOML mistake is named (it was not before: only the parser's words were).
#[test]
fn a_toml_mistake_is_named_by_its_line() {
    let text = super::DEMO_PROFILE_TOML.replace(
        "client_id = \"client-finance-portal-desktop\"",
        "client_id = client-finance-portal-desktop",
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("client_id"))
        .unwrap()
        + 1;
    let error = CouncilProfile::from_toml(&text, "profile.toml").unwrap_err();
    assert!(
        error.to_string().starts_with(&format!(
            "The council settings file profile.toml is not valid: line {line}: "
        )),
        "{error}"
    );
}
