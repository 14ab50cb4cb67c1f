//! Asking the council for access to a person's documents, and following the requests.
//!
//! The form is checked here (GOV.UK date fields, postcode, optional client ID, evidence for
//! the five formal roles) and each problem comes back against its field. Offline, a request is
//! kept in the store's outbox ("Waiting to be sent") and sync sends it later; the list shows
//! those beside the council's own.

use cfp_core::{
    AccessRequestForm, AccessRequestOutcome, AccessRequestView, ErrorCode, FieldError, IpcError,
    RelationshipView,
};
use cfp_council_client::{ApiError, OutboxAction, Secret};
use cfp_domain::{AccessRequestState, ClientId, Postcode, Relationship};
use cfp_store::{OutboxId, OutboxItem};
use council_api::{AccessRequest, NewAccessRequest, RequestedPerson};
use time::{Date, Month, OffsetDateTime};

use crate::people::rfc3339;
use crate::{errors, Portal};

/// The status shown for a request kept on this computer until the council can be reached.
pub const WAITING_TO_BE_SENT: &str = "Waiting to be sent";

/// How a queued request is named in `withdraw_access_request` (it has no council id yet):
/// `queued:<queuedId>`.
pub const QUEUED_PREFIX: &str = "queued:";

const NAME_MAX: usize = 100;
const EVIDENCE_MAX: usize = 500;

impl Portal {
    /// `relationships`: "Myself" and the five formal roles, each explained.
    pub fn relationships(&self) -> Vec<RelationshipView> {
        std::iter::once(Relationship::Myself)
            .chain(Relationship::FORMAL_ROLES)
            .map(|r| RelationshipView {
                relationship: r,
                label: r.label().to_string(),
                meaning: r.meaning().to_string(),
                evidence_hint: r.evidence_hint().to_string(),
                is_formal_role: r.is_formal_role(),
            })
            .collect()
    }

    /// `access_requests`: the council's list with anything still waiting on this computer.
    /// Offline, only what waits here is listed (the session says the app is offline).
    pub async fn access_requests(&self) -> Result<Vec<AccessRequestView>, IpcError> {
        let store = self.store().await?;
        let queued = store.outbox_list().await.map_err(errors::store)?;
        let council = match self
            .with_council(|api, token| async move { api.access_requests(&token).await })
            .await
        {
            Ok(list) => list,
            Err(e) if e.code == ErrorCode::Offline => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(merge(&council, &queued))
    }

    /// `request_access`: checks the form, then sends it, or keeps it to send later if offline.
    pub async fn request_access(
        &self,
        form: &AccessRequestForm,
    ) -> Result<AccessRequestOutcome, IpcError> {
        let request = match validate(form, self.clock.now().date()) {
            Ok(request) => request,
            Err(errors) => return Ok(AccessRequestOutcome::Invalid { errors }),
        };
        self.send_or_queue(OutboxAction::RequestAccess(request))
            .await
    }

    /// `resubmit_access_request`: sends a rejected (or withdrawn) request again, corrected.
    pub async fn resubmit_access_request(
        &self,
        request_id: &str,
        form: &AccessRequestForm,
    ) -> Result<AccessRequestOutcome, IpcError> {
        let corrected = match validate(form, self.clock.now().date()) {
            Ok(request) => request,
            Err(errors) => return Ok(AccessRequestOutcome::Invalid { errors }),
        };
        self.send_or_queue(OutboxAction::ResubmitAccessRequest {
            request_id: request_id.to_string(),
            corrected,
        })
        .await
    }

    /// `withdraw_access_request`: withdraws a request waiting for review (or, for
    /// `queued:<id>`, forgets one that was never sent). Answers with the updated list.
    pub async fn withdraw_access_request(
        &self,
        request_id: &str,
    ) -> Result<Vec<AccessRequestView>, IpcError> {
        if let Some(queued) = request_id.strip_prefix(QUEUED_PREFIX) {
            let id: i64 = queued
                .parse()
                .map_err(|_| errors::not_found("That request"))?;
            let store = self.store().await?;
            if !store
                .outbox_remove(OutboxId(id))
                .await
                .map_err(errors::store)?
            {
                return Err(errors::not_found("That request"));
            }
        } else {
            self.send_or_queue(OutboxAction::WithdrawAccessRequest {
                request_id: request_id.to_string(),
            })
            .await?;
        }
        self.access_requests().await
    }

    async fn send_or_queue(&self, action: OutboxAction) -> Result<AccessRequestOutcome, IpcError> {
        let store = self.store().await?;
        let sent = self
            .with_council(|api, token| {
                let action = action.clone();
                async move { action.send(&api, &token).await }
            })
            .await;
        match sent {
            Ok(request) => Ok(AccessRequestOutcome::Sent {
                request: council_view(&request),
            }),
            Err(e) if e.code == ErrorCode::Offline => {
                let now = self.clock.now();
                let id = action.queue(&store, now).await.map_err(errors::store)?;
                Ok(AccessRequestOutcome::Queued {
                    request: queued_view(id, &action, now),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Calls the council with a fresh token; when the council says the token expired (the
    /// clocks may disagree), refreshes once and tries again. Offline is noted for the session.
    pub(crate) async fn with_council<T, F, Fut>(&self, call: F) -> Result<T, IpcError>
    where
        F: Fn(cfp_council_client::CouncilApi, Secret) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let token = self.access_token().await?;
        let result = match call(self.api.clone(), token).await {
            Err(ApiError::Unauthorised { expired: true }) => {
                let token = self.refreshed_token().await?;
                call(self.api.clone(), token).await
            }
            other => other,
        };
        let offline = matches!(
            result,
            Err(ApiError::Offline | ApiError::Unavailable { .. })
        );
        self.local.lock().await.offline = offline;
        match result {
            Ok(value) => Ok(value),
            // Only failures where the council surely did not act count as "offline" (so a
            // request is queued rather than possibly made twice).
            Err(ApiError::Offline | ApiError::Unavailable { .. }) => Err(IpcError::new(
                ErrorCode::Offline,
                "The council's service could not be reached.",
            )),
            Err(ApiError::Unauthorised { .. }) => {
                self.forget_session().await;
                Err(IpcError::new(
                    ErrorCode::Unauthorised,
                    "Your sign-in has ended. Please sign in again.",
                ))
            }
            Err(e) => Err(errors::api(e)),
        }
    }
}

/// Checks the form the way GOV.UK services do, and builds the request the council expects.
/// `today` rejects a date of birth in the future.
pub fn validate(
    form: &AccessRequestForm,
    today: Date,
) -> Result<NewAccessRequest, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| {
        problems.push(FieldError {
            field: field.to_string(),
            message,
        })
    };
    let myself = form.relationship == Some(Relationship::Myself);
    let whose = if myself { "your" } else { "their" };

    if form.relationship.is_none() {
        problem(
            "relationship",
            "Select who you want to see documents for".to_string(),
        );
    }
    for (field, value, what) in [
        ("givenName", &form.given_name, "first name"),
        ("familyName", &form.family_name, "last name"),
    ] {
        let value = value.trim();
        if value.is_empty() {
            problem(field, format!("Enter {whose} {what}"));
        } else if value.chars().count() > NAME_MAX {
            problem(
                field,
                format!("The {what} must be {NAME_MAX} characters or fewer"),
            );
        }
    }

    let birth = birth_date(form, today, whose);
    if let Err((field, message)) = &birth {
        problem(field, message.clone());
    }

    let postcode = form.postcode.trim();
    let postcode = if postcode.is_empty() {
        problem("postcode", format!("Enter {whose} postcode"));
        None
    } else {
        match postcode.parse::<Postcode>() {
            Ok(p) => Some(p),
            Err(_) => {
                problem(
                    "postcode",
                    "Enter a real postcode, like WR5 2NP".to_string(),
                );
                None
            }
        }
    };

    let client_id_text: String = form
        .client_id
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let client_id = if client_id_text.is_empty() {
        None
    } else {
        match client_id_text.parse::<ClientId>() {
            Ok(id) => Some(id),
            Err(_) => {
                problem(
                    "clientId",
                    "The client ID must be 9 numbers, like 100234567. Leave it empty if you do not know it"
                        .to_string(),
                );
                None
            }
        }
    };

    let evidence = form.evidence.trim();
    if let Some(role) = form.relationship.filter(|r| r.is_formal_role()) {
        if evidence.is_empty() {
            problem(
                "evidence",
                format!(
                    "Enter what shows you are a {}. {}",
                    role.label(),
                    role.evidence_hint()
                ),
            );
        }
    }
    if evidence.chars().count() > EVIDENCE_MAX {
        problem(
            "evidence",
            format!("The evidence must be {EVIDENCE_MAX} characters or fewer"),
        );
    }

    match (form.relationship, birth, postcode) {
        (Some(relationship), Ok(date_of_birth), Some(postcode)) if problems.is_empty() => {
            Ok(NewAccessRequest {
                relationship,
                person: RequestedPerson {
                    given_name: form.given_name.trim().to_string(),
                    family_name: form.family_name.trim().to_string(),
                    date_of_birth,
                    postcode,
                    client_id,
                },
                evidence: (!evidence.is_empty()).then(|| evidence.to_string()),
            })
        }
        _ => Err(problems),
    }
}

/// The GOV.UK date pattern: three fields, each problem named against the field to fix.
fn birth_date(
    form: &AccessRequestForm,
    today: Date,
    whose: &str,
) -> Result<Date, (&'static str, String)> {
    let day = form.birth_day.trim();
    let month = form.birth_month.trim();
    let year = form.birth_year.trim();
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err(("birthDay", format!("Enter {whose} date of birth")));
    }
    for (field, value, part) in [
        ("birthDay", day, "day"),
        ("birthMonth", month, "month"),
        ("birthYear", year, "year"),
    ] {
        if value.is_empty() {
            return Err((field, format!("Date of birth must include a {part}")));
        }
    }
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return Err(("birthYear", "Year must include 4 numbers".to_string()));
    }
    let real = || ("birthDay", "Date of birth must be a real date".to_string());
    let day: u8 = day.parse().map_err(|_| real())?;
    let month: u8 = month.parse().map_err(|_| real())?;
    let year: i32 = year.parse().map_err(|_| real())?;
    let month = Month::try_from(month).map_err(|_| real())?;
    let date = Date::from_calendar_date(year, month, day).map_err(|_| real())?;
    if date >= today {
        return Err(("birthDay", "Date of birth must be in the past".to_string()));
    }
    if year < 1900 {
        return Err(("birthYear", "Year must be 1900 or later".to_string()));
    }
    Ok(date)
}

/// The form as it was sent, so a rejected request can be corrected and sent again.
fn form_of(
    relationship: Relationship,
    person: &RequestedPerson,
    evidence: Option<&str>,
) -> AccessRequestForm {
    AccessRequestForm {
        relationship: Some(relationship),
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        birth_day: person.date_of_birth.day().to_string(),
        birth_month: u8::from(person.date_of_birth.month()).to_string(),
        birth_year: person.date_of_birth.year().to_string(),
        postcode: person.postcode.as_str().to_string(),
        client_id: person
            .client_id
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        evidence: evidence.unwrap_or_default().to_string(),
    }
}

fn person_name(person: &RequestedPerson) -> String {
    format!("{} {}", person.given_name, person.family_name)
}

pub fn council_view(request: &AccessRequest) -> AccessRequestView {
    AccessRequestView {
        request_id: Some(request.request_id.clone()),
        queued_id: None,
        relationship: request.relationship,
        relationship_label: request.relationship.label().to_string(),
        person_name: person_name(&request.person),
        status_label: request.state.label().to_string(),
        submitted_at: rfc3339(request.submitted_at).unwrap_or_default(),
        can_resubmit: matches!(
            request.state,
            AccessRequestState::Rejected { .. } | AccessRequestState::Withdrawn
        ),
        can_withdraw: request.state == AccessRequestState::Pending,
        form: form_of(
            request.relationship,
            &request.person,
            request.evidence.as_deref(),
        ),
        state: Some(request.state.clone()),
    }
}

fn queued_view(id: OutboxId, action: &OutboxAction, at: OffsetDateTime) -> AccessRequestView {
    let (request_id, request) = match action {
        OutboxAction::RequestAccess(request) => (None, Some(request)),
        OutboxAction::ResubmitAccessRequest {
            request_id,
            corrected,
        } => (Some(request_id.clone()), Some(corrected)),
        OutboxAction::WithdrawAccessRequest { request_id } => (Some(request_id.clone()), None),
    };
    let (relationship, person_name, form) = match request {
        Some(r) => (
            r.relationship,
            person_name(&r.person),
            form_of(r.relationship, &r.person, r.evidence.as_deref()),
        ),
        None => (
            Relationship::Myself,
            String::new(),
            AccessRequestForm::default(),
        ),
    };
    AccessRequestView {
        request_id,
        queued_id: Some(id.0),
        relationship,
        relationship_label: relationship.label().to_string(),
        person_name,
        state: None,
        status_label: WAITING_TO_BE_SENT.to_string(),
        submitted_at: rfc3339(at).unwrap_or_default(),
        can_resubmit: false,
        can_withdraw: true,
        form,
    }
}

/// The council's requests, with a queued resubmission or withdrawal shown on the request it
/// changes, and new requests waiting here listed first.
pub fn merge(council: &[AccessRequest], queued: &[OutboxItem]) -> Vec<AccessRequestView> {
    let mut waiting = Vec::new();
    let mut views: Vec<AccessRequestView> = council.iter().map(council_view).collect();
    for item in queued {
        let Some(action) = OutboxAction::from_item(item) else {
            continue;
        };
        let view = queued_view(item.id, &action, item.created_at);
        let existing = view
            .request_id
            .as_ref()
            .and_then(|id| views.iter_mut().find(|v| v.request_id.as_ref() == Some(id)));
        match existing {
            Some(shown) => {
                shown.queued_id = view.queued_id;
                shown.status_label = WAITING_TO_BE_SENT.to_string();
                shown.can_resubmit = false;
                shown.can_withdraw = false;
                if matches!(action, OutboxAction::ResubmitAccessRequest { .. }) {
                    shown.form = view.form;
                }
            }
            None if view.request_id.is_none() => waiting.push(view),
            // A change to a request the council no longer lists (or offline, when the
            // council's list is not here): show it on its own.
            None if matches!(action, OutboxAction::ResubmitAccessRequest { .. }) => {
                waiting.push(view)
            }
            None => {}
        }
    }
    waiting.reverse();
    waiting.extend(views);
    waiting
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 30);

    fn good() -> AccessRequestForm {
        AccessRequestForm {
            relationship: Some(Relationship::LastingPowerOfAttorney),
            given_name: " Margaret ".into(),
            family_name: "Okafor".into(),
            birth_day: "9".into(),
            birth_month: "3".into(),
            birth_year: "1941".into(),
            postcode: "wr52np".into(),
            client_id: "100 234 567".into(),
            evidence: "V4KM-9QXT-2PLR".into(),
        }
    }

    fn fields(form: &AccessRequestForm) -> Vec<(String, String)> {
        validate(form, TODAY)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_good_form_becomes_the_councils_request() {
        let request = validate(&good(), TODAY).unwrap();
        assert_eq!(request.relationship, Relationship::LastingPowerOfAttorney);
        assert_eq!(request.person.given_name, "Margaret");
        assert_eq!(request.person.date_of_birth, date!(1941 - 03 - 09));
        assert_eq!(request.person.postcode.as_str(), "WR5 2NP");
        assert_eq!(request.person.client_id.unwrap().as_str(), "100234567");
        assert_eq!(request.evidence.as_deref(), Some("V4KM-9QXT-2PLR"));

        let mut myself = good();
        myself.relationship = Some(Relationship::Myself);
        myself.client_id = String::new();
        myself.evidence = String::new();
        let request = validate(&myself, TODAY).unwrap();
        assert_eq!(request.person.client_id, None);
        assert_eq!(request.evidence, None);
    }

    #[test]
    fn an_empty_form_names_every_field() {
        let problems = fields(&AccessRequestForm::default());
        let names: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "relationship",
                "givenName",
                "familyName",
                "birthDay",
                "postcode"
            ]
        );
        assert_eq!(problems[3].1, "Enter their date of birth");
    }

    #[test]
    fn dates_follow_the_gov_uk_pattern() {
        let with = |d: &str, m: &str, y: &str| {
            let mut form = good();
            form.birth_day = d.into();
            form.birth_month = m.into();
            form.birth_year = y.into();
            fields(&form)
        };
        assert_eq!(
            with("9", "", "1941"),
            vec![(
                "birthMonth".into(),
                "Date of birth must include a month".into()
            )]
        );
        assert_eq!(
            with("31", "2", "1941"),
            vec![(
                "birthDay".into(),
                "Date of birth must be a real date".into()
            )]
        );
        assert_eq!(
            with("1", "1", "41"),
            vec![("birthYear".into(), "Year must include 4 numbers".into())]
        );
        assert_eq!(
            with("1", "12", "2026"),
            vec![(
                "birthDay".into(),
                "Date of birth must be in the past".into()
            )]
        );
        assert_eq!(
            with("x", "1", "1950"),
            vec![(
                "birthDay".into(),
                "Date of birth must be a real date".into()
            )]
        );
    }

    #[test]
    fn postcode_client_id_and_evidence_are_checked() {
        let mut form = good();
        form.postcode = "nowhere".into();
        form.client_id = "12345".into();
        form.evidence = "  ".into();
        let problems = fields(&form);
        assert_eq!(
            problems[0],
            (
                "postcode".into(),
                "Enter a real postcode, like WR5 2NP".into()
            )
        );
        assert_eq!(problems[1].0, "clientId");
        assert_eq!(problems[2].0, "evidence");
        assert!(
            problems[2].1.contains("Lasting Power of Attorney"),
            "{}",
            problems[2].1
        );
        assert!(problems[2].1.contains("starts with V"), "{}", problems[2].1);

        // Evidence is required for every one of the five formal roles, and only for them.
        for role in Relationship::FORMAL_ROLES {
            let mut form = good();
            form.relationship = Some(role);
            form.evidence = String::new();
            assert_eq!(fields(&form)[0].0, "evidence", "{role:?}");
        }
    }

    #[test]
    fn queued_and_council_requests_are_merged() {
        let request = validate(&good(), TODAY).unwrap();
        let council = AccessRequest {
            request_id: "r1".into(),
            relationship: Relationship::Deputy,
            person: request.person.clone(),
            evidence: Some("Order 1".into()),
            state: AccessRequestState::Rejected {
                reason: "The details did not match.".into(),
            },
            person_id: None,
            submitted_at: time::macros::datetime!(2026-11-01 09:00 UTC),
            updated_at: time::macros::datetime!(2026-11-02 09:00 UTC),
        };
        let shown = merge(std::slice::from_ref(&council), &[]);
        assert_eq!(shown.len(), 1);
        assert!(shown[0].can_resubmit && !shown[0].can_withdraw);
        assert_eq!(shown[0].status_label, "Not approved");
        assert_eq!(shown[0].form.birth_day, "9");
        assert_eq!(shown[0].form.postcode, "WR5 2NP");

        let new = OutboxAction::RequestAccess(request.clone());
        let queued = vec![OutboxItem {
            id: OutboxId(7),
            kind: new.kind().into(),
            payload: new.payload(),
            created_at: time::macros::datetime!(2026-11-30 10:00 UTC),
            attempts: 0,
        }];
        let shown = merge(std::slice::from_ref(&council), &queued);
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[0].status_label, WAITING_TO_BE_SENT);
        assert_eq!(shown[0].queued_id, Some(7));
        assert_eq!(shown[0].request_id, None);
        assert_eq!(shown[0].person_name, "Margaret Okafor");
        assert!(shown[0].can_withdraw);
    }
}
