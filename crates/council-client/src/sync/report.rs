//! What a sync run reports: progress while it works, and what it did for each person.

use cfp_store::{OutboxId, PersonId, StoreError};
use time::OffsetDateTime;

use crate::api::ApiError;

/// Where a run has got to, for a progress bar and for "still working" announcements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncProgress {
    pub people_total: usize,
    pub people_done: usize,
    /// Changes received so far (new, corrected and withdrawn documents).
    pub documents_received: usize,
}

/// Why a document from the council was not saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentFault {
    /// It could not be read (for example an advice whose lines do not add up to its total).
    Unreadable,
    /// It names its kind (advice, Deferred Payment statement, assessment result) but carries no
    /// body of that kind.
    MissingAdvice,
    /// The document is for a different client than the person it was listed under.
    OtherPerson,
}

/// What stopped one person's sync. Their store is as the last complete page left it.
#[derive(Debug, thiserror::Error)]
pub enum PersonSyncError {
    #[error(transparent)]
    Council(#[from] ApiError),
    /// A document did not pass the app's checks, so the page holding it was not saved (and
    /// the sync of this person stopped there, to resume when the council corrects it).
    #[error(
        "A document from the council did not pass the app's checks, so this person's newest \
         documents were not saved. Please tell the council."
    )]
    DocumentRefused {
        /// The council's id of the document, when it could be read.
        document_id: Option<String>,
        fault: DocumentFault,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How one person's sync went.
#[derive(Debug)]
pub struct PersonSyncResult {
    pub person_id: PersonId,
    pub new_documents: usize,
    /// Documents replaced by the council's corrected version.
    pub updated_documents: usize,
    /// Documents the council withdrew.
    pub removed_documents: usize,
    /// The council no longer lets the user act for this person: they were purged.
    pub access_removed: bool,
    /// The council's records had been restored from an earlier backup, so this person's
    /// documents were read again from the start.
    pub read_again: bool,
    pub error: Option<PersonSyncError>,
}

impl PersonSyncResult {
    pub(super) fn new(person_id: PersonId) -> Self {
        Self {
            person_id,
            new_documents: 0,
            updated_documents: 0,
            removed_documents: 0,
            access_removed: false,
            read_again: false,
            error: None,
        }
    }
}

/// An outbox action the council did not take this time. It stays in the outbox.
#[derive(Debug)]
pub struct OutboxProblem {
    pub id: OutboxId,
    pub kind: String,
    /// Tries so far, this one included.
    pub attempts: u32,
    /// `None`: this version of the app cannot read the action.
    pub error: Option<ApiError>,
}

/// What a run did.
#[derive(Debug)]
pub struct SyncReport {
    /// The council could not be reached: the run stopped without an error per person.
    pub offline: bool,
    /// One entry per person whose sync started (in the council's order of the people list).
    pub people: Vec<PersonSyncResult>,
    pub people_added: usize,
    /// People no longer listed, or whose feed said access was removed; all purged.
    pub people_removed: usize,
    pub outbox_sent: usize,
    pub outbox_problems: Vec<OutboxProblem>,
    pub finished_at: OffsetDateTime,
}

impl SyncReport {
    pub(super) fn offline(finished_at: OffsetDateTime) -> Self {
        Self {
            offline: true,
            people: Vec::new(),
            people_added: 0,
            people_removed: 0,
            outbox_sent: 0,
            outbox_problems: Vec::new(),
            finished_at,
        }
    }

    /// Whether everyone is up to date and nothing is waiting to be sent.
    pub fn is_complete(&self) -> bool {
        !self.offline
            && self.people.iter().all(|p| p.error.is_none())
            && self.outbox_problems.is_empty()
    }

    pub fn new_documents(&self) -> usize {
        self.people.iter().map(|p| p.new_documents).sum()
    }

    pub fn updated_documents(&self) -> usize {
        self.people.iter().map(|p| p.updated_documents).sum()
    }

    /// One or two plain sentences for the screen and for screen readers. No names.
    pub fn summary(&self) -> String {
        if self.offline {
            return "You are offline. You can still read the documents saved on this computer."
                .into();
        }
        let new = self.new_documents();
        let updated = self.updated_documents();
        let mut text = match (new, updated) {
            (0, 0) => "Up to date: no new documents.".to_string(),
            (n, 0) => format!("Up to date: {}.", plural(n, "new document")),
            (0, u) => format!("Up to date: {}.", plural(u, "corrected document")),
            (n, u) => format!(
                "Up to date: {} and {}.",
                plural(n, "new document"),
                plural(u, "corrected document")
            ),
        };
        let failed = self.people.iter().filter(|p| p.error.is_some()).count();
        if failed > 0 {
            text = format!(
                "{} could not be brought up to date. {}",
                plural(failed, "person's documents"),
                text.replacen("Up to date: ", "Otherwise: ", 1)
            );
        }
        if self.outbox_sent > 0 {
            text.push_str(&format!(
                " {} sent.",
                plural(self.outbox_sent, "waiting request")
            ));
        }
        if !self.outbox_problems.is_empty() {
            text.push_str(&format!(
                " {} could not be sent.",
                plural(self.outbox_problems.len(), "request")
            ));
        }
        text
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else if let Some(stem) = what.strip_suffix("person's documents") {
        format!("{n} {stem}people's documents")
    } else {
        format!("{n} {what}s")
    }
}

/// Why a run could not go on at all.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The sign-in has ended (the access token expired or was revoked): refresh or sign in
    /// again, then sync; it resumes where this run stopped.
    #[error("Your sign-in has ended. Please sign in again.")]
    SignedOut { expired: bool },
    /// The council answered the people list with something other than the list.
    #[error(transparent)]
    Council(ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_plain_and_count_right() {
        let at = OffsetDateTime::UNIX_EPOCH;
        assert!(SyncReport::offline(at)
            .summary()
            .starts_with("You are offline"));
        let mut report = SyncReport {
            offline: false,
            people: vec![PersonSyncResult::new(PersonId("p".into()))],
            people_added: 0,
            people_removed: 0,
            outbox_sent: 1,
            outbox_problems: Vec::new(),
            finished_at: at,
        };
        report.people[0].new_documents = 3;
        report.people[0].updated_documents = 1;
        assert_eq!(
            report.summary(),
            "Up to date: 3 new documents and 1 corrected document. 1 waiting request sent."
        );
        report.people[0].error = Some(PersonSyncError::Council(ApiError::Server { status: 500 }));
        assert_eq!(
            report.summary(),
            "1 person's documents could not be brought up to date. Otherwise: 3 new documents \
             and 1 corrected document. 1 waiting request sent."
        );
        assert!(!report.is_complete());
    }
}
