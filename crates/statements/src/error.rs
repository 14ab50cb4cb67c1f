//! What can go wrong, in words a person can act on. Messages never contain a person's name or
//! client ID, so they are safe to log.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("The period ends on a date before it starts. Choose an end date on or after the start date.")]
    PeriodBackwards,
    #[error(
        "That year is outside the range this app can print. Choose a year between 1900 and 9998."
    )]
    YearOutOfRange,
    #[error(
        "Advice {reference} belongs to a different person from the rest of this statement, so the \
         statement was not made. Please choose the advices for one person."
    )]
    AdviceForAnotherPerson { reference: String },
    #[error("A summary statement needs at least one person. Choose the people to include.")]
    NoPeople,
}
