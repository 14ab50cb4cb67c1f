//! What the screens receive and send: the view types of the IPC contract.
//!
//! Rules every type keeps:
//! - Field names are camelCase in JSON and TypeScript.
//! - Money is [`Money`] (a string such as `"575.72"`), dates are ISO `YYYY-MM-DD` strings,
//!   instants are RFC 3339 strings. The UI formats them; it never does arithmetic on money:
//!   every total it shows comes from here.
//! - Every sentence a person reads about a payment comes from `cfp-domain` (one explanation per
//!   line kind), so the app, the PDFs and the command line say the same thing.
//! - Nothing here carries a token or a key. Personal data is here because the screens show it;
//!   it must never be logged.

use cfp_domain::{
    AccessRequestState, AssessmentStepKind, Change, ClientId, DeferredItem, DeferredPaymentHeader,
    DocumentKind, LineEffect, LineExplanation, LineKind, Money, Relationship, RemittanceHeader,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AppMode;

// ---------------------------------------------------------------------------------------------
// Session, lock and idle policy
// ---------------------------------------------------------------------------------------------

/// Where the person's session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionState {
    /// Nobody is signed in (first run, after signing out, or after a kiosk session ended).
    SignedOut,
    /// Someone is signed in and the documents are open.
    SignedIn,
    /// The app locked itself after inactivity (or the store needs its passphrase): the
    /// documents stay on this computer but cannot be seen until unlocked.
    Locked,
}

/// The signed-in person, as the council's identity service knows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub name: String,
    pub email: String,
}

/// What happens after a period without use. Kiosk policy sets `ClearEverything`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum IdleAction {
    /// Lock the app (home and representatives): unlock with the passphrase or by signing in.
    Lock,
    /// End the session and remove everything (kiosk).
    ClearEverything,
}

/// The inactivity rule the UI enforces. The UI warns `warnBeforeSeconds` before acting, and
/// the person can ask for more time (WCAG 2.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IdlePolicy {
    pub after_seconds: u32,
    pub warn_before_seconds: u32,
    pub action: IdleAction,
}

/// How this computer keeps the local store's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum KeyProtectionView {
    /// In the operating system's keychain: opens without asking.
    Keychain,
    /// Wrapped by the person's passphrase: asks for it when the app starts or unlocks.
    Passphrase,
    /// Nothing is kept on this computer (kiosk).
    MemoryOnly,
    /// No store yet (nobody has signed in on this computer).
    NotSetUp,
}

/// The answer to `session`, `sign_in`, `unlock`, `lock`: enough for the UI to choose a screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub state: SessionState,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserView>,
    pub mode: AppMode,
    pub idle: IdlePolicy,
    pub key_protection: KeyProtectionView,
    /// True while the council cannot be reached: the app shows what it has kept.
    pub offline: bool,
}

// ---------------------------------------------------------------------------------------------
// People and sync
// ---------------------------------------------------------------------------------------------

/// One person the user may see documents for (themself, or someone they act for).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    /// The council's opaque id: what every other command takes.
    pub person_id: String,
    /// "Margaret Okafor".
    pub name: String,
    /// 9 digits, as printed on the council's letters.
    pub client_id: String,
    pub relationship: Relationship,
    /// "Lasting Power of Attorney", or "You" for the user's own record.
    pub relationship_label: String,
    /// RFC 3339; absent before the first sync.
    #[ts(optional, type = "string")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_synced_at: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_payment: Option<DocumentSummaryView>,
    /// Documents that arrived in the most recent sync.
    pub new_documents: u32,
}

/// Sent as the `sync-progress` event while a sync runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgressView {
    pub people_done: u32,
    pub people_total: u32,
    pub documents_received: u32,
}

/// The event name the shell emits [`SyncProgressView`] under.
pub const SYNC_PROGRESS_EVENT: &str = "sync-progress";

/// The event the shell emits (no payload) when the app itself ended a kiosk session (its own
/// idle timer, for a webview that had stopped reporting activity): the UI asks for the session.
pub const SESSION_ENDED_EVENT: &str = "session-ended";

/// What `sync_now` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummaryView {
    /// The council could not be reached; nothing kept was changed.
    pub offline: bool,
    pub people_synced: u32,
    pub new_documents: u32,
    pub updated_documents: u32,
    /// People whose access ended (their documents were removed from this computer).
    pub people_removed: u32,
    /// Access requests made offline that have now been sent.
    pub requests_sent: u32,
    /// One sentence for a screen reader (aria-live) and the status line, e.g.
    /// "2 new payments for Margaret Okafor. Everything else is up to date."
    pub summary: String,
    /// Plain-English problems, one per person or request that could not be updated.
    pub problems: Vec<String>,
    #[ts(type = "string")]
    pub finished_at: String,
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

/// Which documents to list. Every field narrows the list; none means all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentQuery {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DocumentKind>,
    /// ISO date, inclusive.
    #[ts(optional, type = "string")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// ISO date, inclusive.
    #[ts(optional, type = "string")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Words to find in the reference, a line's description or amount.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
}

/// One row of a document list (newest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSummaryView {
    pub document_id: String,
    pub kind: DocumentKind,
    /// "Remittance advice".
    pub kind_label: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The payment date; for a Deferred Payment statement the date issued, for an assessment
    /// the date the contribution applies from. ISO date.
    #[ts(type = "string")]
    pub date: String,
    #[ts(optional, type = "string")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_from: Option<String>,
    #[ts(optional, type = "string")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_to: Option<String>,
    /// The amount a list shows: for a remittance advice the amount paid, for a Deferred
    /// Payment statement the closing balance, for an assessment the weekly contribution.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<Money>,
}

/// The answer to `documents`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentListView {
    pub person: PersonView,
    pub documents: Vec<DocumentSummaryView>,
    /// How many the person has in all, before the query narrowed the list.
    pub total: u32,
}

/// One line of an advice with what it means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    pub description: String,
    pub amount: Money,
    /// What it means, and whether it adds money or takes it off (`explanation.effect`).
    pub explanation: LineExplanation,
}

/// The lines of one kind together, with their subtotal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineGroupView {
    pub kind: LineKind,
    /// "Contribution".
    pub label: String,
    /// The kind's one plain-English explanation.
    pub meaning: String,
    pub lines: Vec<LineView>,
    pub subtotal: Money,
}

/// Totals that visibly add up: `added - taken_off = paid`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AdviceTotalsView {
    /// The sum of every line that adds money.
    pub added: Money,
    /// The sum of every line that takes money off, as a positive amount.
    pub taken_off: Money,
    /// The amount paid: `added - taken_off`.
    pub paid: Money,
}

/// A remittance advice, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AdviceView {
    pub header: RemittanceHeader,
    pub groups: Vec<LineGroupView>,
    pub totals: AdviceTotalsView,
    /// "What changed since the last payment", in words. Empty with `previousPaymentDate`
    /// set means nothing changed; no `previousPaymentDate` means this is the first advice kept.
    pub changes: Vec<Change>,
    #[ts(optional, type = "string")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_payment_date: Option<String>,
}

/// What a figure does in "how the balance changed", read top to bottom:
/// start + adds + adds + adds - takes off = result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BalanceRole {
    /// The balance the sum starts from (the opening balance).
    Start,
    /// Added to what is owed.
    Adds,
    /// Taken off what is owed.
    TakesOff,
    /// What the sum comes to (the closing balance).
    Result,
}

/// One figure of a Deferred Payment statement with what it means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeferredFigureView {
    pub item: DeferredItem,
    /// "Care costs deferred".
    pub label: String,
    /// As printed on the statement: zero or more, except a headroom past the equity limit.
    pub amount: Money,
    /// Its plain-English meaning, from `cfp-domain`.
    pub explanation: String,
}

/// A balance figure and its place in the sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BalanceStepView {
    pub role: BalanceRole,
    pub figure: DeferredFigureView,
}

/// An interest rate in force during a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InterestRateView {
    /// ISO date.
    #[ts(type = "string")]
    pub applies_from: String,
    /// Per cent a year, exact, as the council wrote it ("2.65").
    pub percent_a_year: String,
}

/// A Deferred Payment statement, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeferredPaymentView {
    pub header: DeferredPaymentHeader,
    /// How the balance changed, in order: opening balance, care costs deferred, interest,
    /// administration charges, payments received, closing balance. The statement only exists
    /// if start + adds - takes off = result, so the screen can show the sum with confidence.
    pub balance: Vec<BalanceStepView>,
    pub equity_limit: DeferredFigureView,
    /// The equity limit less the closing balance: negative when past the limit.
    pub headroom: DeferredFigureView,
    /// One plain sentence about the headroom.
    pub headroom_sentence: String,
    /// True when what is owed is more than the equity limit: the screen shows
    /// `headroomSentence` as a warning.
    pub past_equity_limit: bool,
    /// The rates in force in the period, oldest first.
    pub interest_rates: Vec<InterestRateView>,
}

/// One step of the working of a financial assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AssessmentStepView {
    pub kind: AssessmentStepKind,
    /// "Housing costs".
    pub label: String,
    /// The council's words for the step ("State Pension").
    pub description: String,
    /// A week's amount: positive when counted in, negative when taken off.
    pub weekly_amount: Money,
    /// Whether the step adds to the income that counts or takes off it.
    pub effect: LineEffect,
    /// Its plain-English meaning, from `cfp-domain`.
    pub explanation: String,
}

/// A financial assessment result, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AssessmentView {
    pub reference: String,
    pub client_id: ClientId,
    pub client_name: String,
    /// The day the council worked it out. ISO date.
    #[ts(type = "string")]
    pub assessed_on: String,
    /// The day the weekly contribution starts (it may be before `assessedOn`). ISO date.
    #[ts(type = "string")]
    pub applies_from: String,
    pub weekly_contribution: Money,
    /// The working, in the council's order.
    pub steps: Vec<AssessmentStepView>,
    /// What the steps add up to. It equals `weeklyContribution`, unless it is less than
    /// nothing: then the contribution is zero (`paysNothingSentence` says why).
    pub steps_total: Money,
    /// Present only when the steps add up to less than nothing.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pays_nothing_sentence: Option<String>,
    /// The savings and other capital the assessment counted, when it counted any.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capital: Option<Money>,
    /// The finance team's own words about this result.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The answer to `document`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    pub person: PersonView,
    pub summary: DocumentSummaryView,
    /// Present for a remittance advice.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<AdviceView>,
    /// Present for a Deferred Payment statement.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_payment: Option<DeferredPaymentView>,
    /// Present for a financial assessment result.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentView>,
    /// What the document is, in one sentence (shown when no explained body is present).
    pub kind_meaning: String,
    /// "Contact the finance team about this payment": a `mailto:` with the reference filled in.
    pub contact_link: String,
}

// ---------------------------------------------------------------------------------------------
// Access requests
// ---------------------------------------------------------------------------------------------

/// A role the user can ask for, with what it means and what evidence to have ready.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipView {
    pub relationship: Relationship,
    pub label: String,
    pub meaning: String,
    pub evidence_hint: String,
    /// False for "Myself".
    pub is_formal_role: bool,
}

/// What the "Request access" form sends. Checked in Rust; the UI shows the field errors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestForm {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Relationship>,
    pub given_name: String,
    pub family_name: String,
    /// As typed: day, month and year fields, GOV.UK style.
    pub birth_day: String,
    pub birth_month: String,
    pub birth_year: String,
    pub postcode: String,
    /// Optional: 9 digits from a council letter.
    pub client_id: String,
    /// For example a Lasting Power of Attorney access code or a court order number.
    pub evidence: String,
}

/// A problem with one field of a form, for the error summary and the field's message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The form field's name, e.g. "birthDay", "postcode".
    pub field: String,
    pub message: String,
}

/// Where one of the user's access requests stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestView {
    /// The council's id; absent while the request waits on this computer to be sent.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The outbox id while waiting to be sent.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_id: Option<i64>,
    pub relationship: Relationship,
    pub relationship_label: String,
    pub person_name: String,
    /// Absent while waiting to be sent.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<AccessRequestState>,
    /// "Waiting for review", "Not approved", "Waiting to be sent" ...
    pub status_label: String,
    /// RFC 3339.
    #[ts(type = "string")]
    pub submitted_at: String,
    pub can_resubmit: bool,
    pub can_withdraw: bool,
    /// The form as sent, so a rejected request can be corrected and resubmitted.
    pub form: AccessRequestForm,
}

/// The answer to `request_access` and `resubmit_access_request`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum AccessRequestOutcome {
    /// The council has it.
    Sent { request: AccessRequestView },
    /// The app is offline: the request is kept on this computer and sent at the next sync.
    Queued { request: AccessRequestView },
    /// The form needs correcting; nothing was sent.
    Invalid { errors: Vec<FieldError> },
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub lock_after_minutes: u32,
    /// The limits the person may choose between.
    pub lock_after_min_minutes: u32,
    pub lock_after_max_minutes: u32,
    pub key_protection: KeyProtectionView,
    /// False in kiosk mode (nothing is kept, so there is nothing to protect).
    pub can_set_passphrase: bool,
    /// Where documents and statements may be saved (kiosk policy may forbid it).
    pub can_save_files: bool,
}

// ---------------------------------------------------------------------------------------------
// Statements and exports
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Pdf,
    Csv,
}

/// Which payments a statement covers (by payment date).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "period", rename_all = "camelCase")]
pub enum PeriodChoice {
    /// 6 April `startYear` to 5 April the year after.
    TaxYear {
        #[serde(rename = "startYear")]
        start_year: i32,
    },
    CalendarYear {
        year: i32,
    },
    /// ISO dates, inclusive.
    Range {
        #[ts(type = "string")]
        from: String,
        #[ts(type = "string")]
        to: String,
    },
}

/// A statement to preview, save or print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatementRequest {
    /// One person; absent means a summary across everyone the user acts for.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    pub period: PeriodChoice,
    pub format: ExportFormat,
}

/// One document to save or print on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentExportRequest {
    pub person_id: String,
    pub document_id: String,
    pub format: ExportFormat,
}

/// A total by line kind in a statement preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KindTotalView {
    pub label: String,
    pub amount: Money,
}

/// One payment in a statement preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatementPaymentView {
    /// Whose payment it is: given in a summary across several people, where the rows of
    /// different people are listed together by date; absent in one person's statement.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub payment: DocumentSummaryView,
}

/// What a statement will contain, shown in the app before saving or printing (the in-app
/// preview is the accessible form; the PDF is for printing and records).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatementPreview {
    /// "Statement for Margaret Okafor, tax year 2025 to 2026".
    pub title: String,
    /// "6 April 2025 to 5 April 2026".
    pub period_label: String,
    pub payments: Vec<StatementPaymentView>,
    pub totals_by_kind: Vec<KindTotalView>,
    pub net_received: Money,
    /// A file name to suggest when saving, e.g. "statement-2025-26.pdf" (no personal data).
    pub suggested_file_name: String,
}

/// The answer to a save command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum SaveOutcome {
    /// Saved; `fileName` is the name only (not the folder), to confirm to the person.
    Saved {
        #[serde(rename = "fileName")]
        file_name: String,
    },
    /// The person closed the Save dialog.
    Cancelled,
}
