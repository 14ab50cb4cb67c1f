//! The typed records the store keeps. Debug output of anything holding personal data, tokens
//! or document bodies is written by hand and leaves them out.

use std::fmt;

use cfp_domain::{ClientId, DocumentKind, Money, Relationship, RemittanceAdvice};
use time::{Date, OffsetDateTime};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::StoreError;

/// The council's opaque identifier of a person the user may act for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(pub String);

/// The council's identifier of a document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(pub String);

/// The council's opaque sync position for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncCursor(pub String);

impl PersonId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl DocumentId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl SyncCursor {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person the user may act for, as the council lists them.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonAccess {
    pub person_id: PersonId,
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub relationship: Relationship,
    /// When the council granted access.
    pub granted_at: OffsetDateTime,
}

impl fmt::Debug for PersonAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonAccess")
            .field("person_id", &self.person_id)
            .field("relationship", &self.relationship)
            .finish_non_exhaustive()
    }
}

/// A person as stored, with when their documents were last synced.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPerson {
    pub access: PersonAccess,
    pub last_synced_at: Option<OffsetDateTime>,
}

impl fmt::Debug for StoredPerson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredPerson")
            .field("access", &self.access)
            .field("last_synced_at", &self.last_synced_at)
            .finish()
    }
}

/// What [`crate::Store::upsert_people`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeopleUpdate {
    pub added: Vec<PersonId>,
    pub updated: Vec<PersonId>,
    /// People no longer listed; their documents and cursor were purged with them.
    pub removed: Vec<PersonId>,
}

/// A document to keep: its summary columns and its JSON body. Made through
/// [`StoredDocument::remittance`] (summary taken from a checked advice) or
/// [`StoredDocument::other`].
#[derive(Clone, PartialEq)]
pub struct StoredDocument {
    pub(crate) document_id: DocumentId,
    pub(crate) kind: DocumentKind,
    pub(crate) version: u32,
    pub(crate) reference: Option<String>,
    pub(crate) payment_date: Date,
    pub(crate) period: Option<(Date, Date)>,
    pub(crate) net: Option<Money>,
    pub(crate) body: serde_json::Value,
}

impl fmt::Debug for StoredDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredDocument")
            .field("document_id", &self.document_id)
            .field("kind", &self.kind)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl StoredDocument {
    /// A remittance advice. Its summary (date, period, net amount, reference) comes from the
    /// advice itself, which has already passed its add-up checks. `version` starts at 1.
    pub fn remittance(
        document_id: DocumentId,
        version: u32,
        advice: &RemittanceAdvice,
    ) -> Result<Self, StoreError> {
        let header = advice.header();
        let body = serde_json::to_value(advice).map_err(|_| StoreError::Invalid("the advice"))?;
        Ok(StoredDocument {
            document_id,
            kind: DocumentKind::RemittanceAdvice,
            version,
            reference: Some(header.reference.clone()),
            payment_date: header.payment_date,
            period: Some((header.period_from, header.period_to)),
            net: Some(advice.net_amount()),
            body,
        })
    }

    /// Another kind of document (deferred payment statement, assessment result), whose body
    /// the store keeps as JSON. `date` is the date it is listed under.
    #[allow(clippy::too_many_arguments)]
    pub fn other(
        document_id: DocumentId,
        kind: DocumentKind,
        version: u32,
        reference: Option<String>,
        date: Date,
        period: Option<(Date, Date)>,
        amount: Option<Money>,
        body: serde_json::Value,
    ) -> Result<Self, StoreError> {
        if kind == DocumentKind::RemittanceAdvice {
            return Err(StoreError::Invalid(
                "a remittance advice must be made from a checked advice",
            ));
        }
        if matches!(period, Some((from, to)) if to < from) {
            return Err(StoreError::Invalid("a period ends before it starts"));
        }
        Ok(StoredDocument {
            document_id,
            kind,
            version,
            reference,
            payment_date: date,
            period,
            net: amount,
            body,
        })
    }

    pub fn document_id(&self) -> &DocumentId {
        &self.document_id
    }

    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    pub fn version(&self) -> u32 {
        self.version
    }
}

/// One change in a sync page.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreChange {
    /// Add the document, or replace it if this version is the same or newer.
    Upsert(StoredDocument),
    /// The council withdrew the document.
    Remove(DocumentId),
}

/// What [`crate::Store::apply_page`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageOutcome {
    /// Documents added or replaced (an older version than the one kept is skipped).
    pub upserted: usize,
    /// Of those, documents that were not kept before.
    pub added: usize,
    /// Of those, documents that replaced a kept copy (a correction, or a replayed page).
    pub replaced: usize,
    /// Documents removed (removing one not kept is not an error).
    pub removed: usize,
}

/// Which documents to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    /// Only this kind.
    pub kind: Option<DocumentKind>,
    /// Dated on or after this day.
    pub from: Option<Date>,
    /// Dated on or before this day.
    pub to: Option<Date>,
}

/// A line in a list of documents (newest first).
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub document_id: DocumentId,
    pub kind: DocumentKind,
    pub version: u32,
    pub reference: Option<String>,
    /// For a remittance, the payment date; otherwise the date it was issued.
    pub payment_date: Date,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    /// For a remittance, the net amount paid.
    pub net: Option<Money>,
}

impl fmt::Debug for DocumentSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentSummary")
            .field("document_id", &self.document_id)
            .field("kind", &self.kind)
            .field("version", &self.version)
            .field("payment_date", &self.payment_date)
            .finish_non_exhaustive()
    }
}

/// A whole document, typed.
#[derive(Clone, PartialEq)]
pub enum DocumentContent {
    Remittance(RemittanceAdvice),
    /// Kinds the domain does not type yet: their JSON as the council sent it.
    Other(serde_json::Value),
}

impl fmt::Debug for DocumentContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentContent::Remittance(_) => f.write_str("Remittance(..)"),
            DocumentContent::Other(_) => f.write_str("Other(..)"),
        }
    }
}

/// A document read back from the store.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub summary: DocumentSummary,
    pub content: DocumentContent,
}

/// A refresh token. Zeroized when dropped; never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct RefreshToken(String);

impl RefreshToken {
    pub fn new(token: impl Into<String>) -> Self {
        RefreshToken(token.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

/// The tokens kept between runs (inside the encrypted database only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredTokens {
    pub refresh_token: RefreshToken,
    pub expires_at: Option<OffsetDateTime>,
}

/// The id of an action waiting in the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutboxId(pub i64);

/// An action made offline that waits to be sent (for example an access request).
#[derive(Clone, PartialEq)]
pub struct OutboxItem {
    pub id: OutboxId,
    /// What kind of action it is, for the sender to dispatch on (e.g. "accessRequest").
    pub kind: String,
    pub payload: serde_json::Value,
    pub created_at: OffsetDateTime,
    /// How many times sending it has been tried.
    pub attempts: u32,
}

impl fmt::Debug for OutboxItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboxItem")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("created_at", &self.created_at)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// The council account a store's rows belong to: the identity service (`iss`) and the
/// account's stable identifier there (`sub`). Its Debug output shows neither.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountOwner {
    pub issuer: String,
    pub subject: String,
}

impl std::fmt::Debug for AccountOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountOwner(..)")
    }
}
