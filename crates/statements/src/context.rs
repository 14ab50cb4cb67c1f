//! What the caller tells us about the council and the moment of production.

use time::Date;

/// The council's details printed on every document, and the date the document is produced.
///
/// The production date is passed in (never read from a clock) so that the same input always
/// gives the same document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementContext {
    pub council_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub produced_on: Date,
}

impl StatementContext {
    /// "Email finance@example.gov.uk or call 01905 000000", leaving out what is missing.
    pub(crate) fn contact_line(&self) -> String {
        let email = self.contact_email.trim();
        let phone = self.contact_phone.trim();
        match (email.is_empty(), phone.is_empty()) {
            (false, false) => format!("Questions? Email {email} or call {phone}."),
            (false, true) => format!("Questions? Email {email}."),
            (true, false) => format!("Questions? Call {phone}."),
            (true, true) => "Questions? Contact your council's finance team.".to_string(),
        }
    }
}
