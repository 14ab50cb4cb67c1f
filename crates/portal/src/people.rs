//! The people the user may act for, and bringing their documents up to date.
//!
//! Sync itself is `cfp_council_client::Syncer` (resumable pages, bounded concurrency,
//! retries, the outbox); this module adds what the screens need: a fresh token, progress
//! events, and one spoken sentence about what changed. Offline is an answer, not an error.

use cfp_core::{
    DocumentSummaryView, ErrorCode, IpcError, PersonView, SyncProgressView, SyncSummaryView,
};
use cfp_council_client::{OsRandomness, SyncError, SyncProgress, SyncReport, Syncer};
use cfp_domain::{DocumentKind, Relationship};
use cfp_store::{DocumentFilter, Store, StoredPerson};
use council_api::PersonGrant;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::{documents, errors, Portal};

impl Portal {
    /// `people`: everyone the user may see documents for, from what is kept on this computer,
    /// by family name.
    pub async fn people(&self) -> Result<Vec<PersonView>, IpcError> {
        let store = self.store().await?;
        let people = store.people().await.map_err(errors::store)?;
        let mut views = Vec::with_capacity(people.len());
        for person in &people {
            views.push(self.person_view(&store, person).await?);
        }
        Ok(views)
    }

    pub(crate) async fn person_view(
        &self,
        store: &Store,
        person: &StoredPerson,
    ) -> Result<PersonView, IpcError> {
        let filter = DocumentFilter {
            kind: Some(DocumentKind::RemittanceAdvice),
            ..DocumentFilter::default()
        };
        let latest = store
            .list_documents(&person.access.person_id, &filter)
            .await
            .map_err(errors::store)?
            .into_iter()
            .next();
        let new_documents = self
            .local
            .lock()
            .await
            .new_by_person
            .get(person.access.person_id.as_str())
            .copied()
            .unwrap_or(0);
        Ok(person_view(
            person,
            latest.map(|s| documents::summary_view(&s)),
            new_documents,
        ))
    }

    /// Saves the council's list of people (purging anyone no longer on it). Quiet: offline
    /// or a refused token leaves the kept list as it is, for the next sync to put right.
    pub(crate) async fn refresh_people_list(&self, store: &Store) {
        let Ok(token) = self.access_token().await else {
            return;
        };
        if let Ok(list) = self.api.people(&token).await {
            let access: Vec<_> = list.people.iter().map(person_access).collect();
            let _ = store.upsert_people(&access).await;
        }
    }

    /// `sync_now`: brings every person's documents up to date and sends what waits in the
    /// outbox. `progress` is called as people and pages complete (the shell emits each as a
    /// `sync-progress` event).
    pub async fn sync_now(
        &self,
        progress: &(dyn Fn(SyncProgressView) + Send + Sync),
    ) -> Result<SyncSummaryView, IpcError> {
        let store = self.store().await?;
        let token = match self.access_token().await {
            Ok(token) => token,
            Err(e) if e.code == ErrorCode::Offline => return Ok(self.offline_summary().await),
            Err(e) => return Err(e),
        };
        let report_progress = |p: SyncProgress| {
            progress(SyncProgressView {
                people_done: count(p.people_done),
                people_total: count(p.people_total),
                documents_received: count(p.documents_received),
            })
        };
        let syncer = Syncer::new(&self.api, &store, self.clock.as_ref(), &OsRandomness);
        let report = match syncer.run(&token, &report_progress).await {
            // The council's clock may say the token expired before ours does: refresh, once.
            Err(SyncError::SignedOut { expired: true }) => {
                let token = self.refreshed_token().await?;
                syncer.run(&token, &report_progress).await
            }
            other => other,
        };
        let report = match report {
            Ok(report) => report,
            Err(SyncError::SignedOut { .. }) => {
                self.forget_session().await;
                return Err(IpcError::new(
                    ErrorCode::Unauthorised,
                    "Your sign-in has ended. Please sign in again.",
                ));
            }
            Err(e) => return Err(errors::sync(e)),
        };
        let people = store.people().await.map_err(errors::store)?;
        let notices = {
            let mut local = self.local.lock().await;
            local.offline = report.offline;
            if !report.offline {
                local.new_by_person = report
                    .people
                    .iter()
                    .map(|p| (p.person_id.as_str().to_string(), count(p.new_documents)))
                    .collect();
            }
            std::mem::take(&mut local.notices)
        };
        Ok(summary_view(&report, &people, notices))
    }

    async fn offline_summary(&self) -> SyncSummaryView {
        let mut local = self.local.lock().await;
        local.offline = true;
        let notices = std::mem::take(&mut local.notices);
        summary_view(&offline_report(self.clock.now()), &[], notices)
    }

    /// The council no longer accepts the session: forget it here too.
    pub(crate) async fn forget_session(&self) {
        let mut local = self.local.lock().await;
        local.session = None;
        if let Some(store) = &local.store {
            let _ = store.clear_tokens().await;
        }
    }
}

/// What a run that never reached the council reports.
fn offline_report(finished_at: OffsetDateTime) -> SyncReport {
    SyncReport {
        offline: true,
        people: Vec::new(),
        people_added: 0,
        people_removed: 0,
        outbox_sent: 0,
        outbox_problems: Vec::new(),
        finished_at,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn full_name(person: &StoredPerson) -> String {
    format!("{} {}", person.access.given_name, person.access.family_name)
}

pub(crate) fn person_view(
    person: &StoredPerson,
    latest_payment: Option<DocumentSummaryView>,
    new_documents: u32,
) -> PersonView {
    let relationship = person.access.relationship;
    PersonView {
        person_id: person.access.person_id.as_str().to_string(),
        name: full_name(person),
        client_id: person.access.client_id.as_str().to_string(),
        relationship,
        relationship_label: if relationship == Relationship::Myself {
            "You".to_string()
        } else {
            relationship.label().to_string()
        },
        last_synced_at: person.last_synced_at.and_then(rfc3339),
        latest_payment,
        new_documents,
    }
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> Option<String> {
    at.format(&Rfc3339).ok()
}

pub(crate) fn person_access(grant: &PersonGrant) -> cfp_store::PersonAccess {
    cfp_store::PersonAccess {
        person_id: cfp_store::PersonId(grant.person_id.clone()),
        client_id: grant.client_id,
        given_name: grant.given_name.clone(),
        family_name: grant.family_name.clone(),
        relationship: grant.relationship,
        granted_at: grant.granted_at,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What a sync did, with one sentence a screen reader can say: who has something new, then
/// what else happened. Names are for the screen only (this text is never logged).
pub fn summary_view(
    report: &SyncReport,
    people: &[StoredPerson],
    notices: Vec<String>,
) -> SyncSummaryView {
    let name_of = |id: &str| {
        people
            .iter()
            .find(|p| p.access.person_id.as_str() == id)
            .map(full_name)
    };
    let mut problems = notices;
    for person in &report.people {
        if let Some(error) = &person.error {
            let who =
                name_of(person.person_id.as_str()).unwrap_or_else(|| "One person".to_string());
            problems.push(format!("{who}: {error}"));
        }
    }
    for problem in &report.outbox_problems {
        let why = match &problem.error {
            Some(error) => error.to_string(),
            None => "This version of the app cannot read it.".to_string(),
        };
        problems.push(format!(
            "A request waiting to be sent could not be sent. {why}"
        ));
    }

    let summary = if report.offline {
        report.summary()
    } else {
        let with_new: Vec<(String, usize)> = report
            .people
            .iter()
            .filter(|p| p.new_documents > 0)
            .map(|p| {
                (
                    name_of(p.person_id.as_str()).unwrap_or_else(|| "someone".to_string()),
                    p.new_documents,
                )
            })
            .collect();
        let mut sentences = Vec::new();
        match with_new.len() {
            0 => {}
            1..=3 => {
                let parts: Vec<String> = with_new
                    .iter()
                    .map(|(name, n)| {
                        format!("{} for {name}", plural(*n, "new document", "new documents"))
                    })
                    .collect();
                sentences.push(format!("{}.", join_words(&parts)));
            }
            many => sentences.push(format!(
                "{} for {many} people.",
                plural(report.new_documents(), "new document", "new documents")
            )),
        }
        let updated = report.updated_documents();
        if updated > 0 {
            sentences.push(format!(
                "{} updated by the council.",
                plural(updated, "document was", "documents were")
            ));
        }
        if report.outbox_sent > 0 {
            sentences.push(format!(
                "{} sent.",
                plural(
                    report.outbox_sent,
                    "waiting request was",
                    "waiting requests were"
                )
            ));
        }
        let failed = report.people.iter().filter(|p| p.error.is_some()).count();
        if failed > 0 {
            sentences.push(format!(
                "{} could not be updated.",
                plural(failed, "person's documents", "people's documents")
            ));
        }
        sentences.push(if with_new.is_empty() && updated == 0 && failed == 0 {
            "Everything is up to date.".to_string()
        } else {
            "Everything else is up to date.".to_string()
        });
        sentences.join(" ")
    };

    SyncSummaryView {
        offline: report.offline,
        people_synced: count(report.people.iter().filter(|p| p.error.is_none()).count()),
        new_documents: count(report.new_documents()),
        updated_documents: count(report.updated_documents()),
        people_removed: count(report.people_removed),
        requests_sent: count(report.outbox_sent),
        summary,
        problems,
        finished_at: rfc3339(report.finished_at).unwrap_or_default(),
    }
}

/// "A", "A and B", "A, B and C".
fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_joined_as_people_say_them() {
        let words = |v: &[&str]| join_words(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(words(&["a"]), "a");
        assert_eq!(words(&["a", "b"]), "a and b");
        assert_eq!(words(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn an_offline_run_says_so_and_changes_nothing() {
        let report = offline_report(time::macros::datetime!(2026-11-30 10:00 UTC));
        let view = summary_view(&report, &[], vec![]);
        assert!(view.offline);
        assert_eq!(view.new_documents, 0);
        assert!(view.summary.contains("offline"), "{}", view.summary);
        assert_eq!(view.finished_at, "2026-11-30T10:00:00Z");
    }
}
