//! What the first screen needs: which council, how to reach it, and how this machine is used.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::CouncilProfile;

/// How the app is being used on this computer. Kiosk mode comes from machine policy, never
/// from a setting a person can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AppMode {
    Home,
    Representative,
    Kiosk,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub council_name: String,
    pub service_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub help_text: String,
    pub app_version: String,
    pub mode: AppMode,
}

pub const SERVICE_NAME: &str = "Client Finance Portal";

impl AppInfo {
    pub fn new(profile: &CouncilProfile, mode: AppMode, app_version: &str) -> Self {
        AppInfo {
            council_name: profile.council_name.clone(),
            service_name: SERVICE_NAME.to_string(),
            contact_email: profile.contact_email.clone(),
            contact_phone: profile.contact_phone.clone(),
            help_text: profile.help_text.clone(),
            app_version: app_version.to_string(),
            mode,
        }
    }
}
