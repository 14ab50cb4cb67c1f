//! Printable statements for the Client Finance Portal.
//!
//! Turns domain data into documents a person can print or keep: a PDF of one remittance advice,
//! Deferred Payment statement or financial assessment result,
//! a period statement for one person, a summary across the people a representative acts for,
//! and CSV exports of the same figures. No network, no files, no clock: the caller passes the
//! data, the council's details and the production date, and gets bytes back. The same input
//! always gives the same bytes.
//!
//! - PDFs: [`advice_pdf`], [`deferred_payment_pdf`], [`assessment_pdf`],
//!   [`period_statement_pdf`], [`summary_statement_pdf`]. A4, with the
//!   Atkinson Hyperlegible font embedded (only the glyphs used), real text, the title, author
//!   and language (en-GB) in the metadata, and "Page N of M" on every page. printpdf makes
//!   untagged PDFs: the in-app view and the CSV are the accessible forms of a document.
//! - CSV: [`advice_csv`], [`period_csv`], [`everything_csv`], and one row per figure or step
//!   in [`deferred_payment_csv`] and [`assessment_csv`] (see the `csv` module for the format and
//!   the guard against spreadsheet formulas).
//! - Which advices a [`Period`] holds is decided by their payment date (see [`Period`]).
//!
//! The tests run poppler-utils (`pdftotext`, `pdfinfo`, `pdffonts`) and `qpdf` on real files;
//! `cargo run --release -p cfp-statements --example statements_bench` prints timings and sizes.

mod context;
mod csv;
mod dates;
mod error;
mod figures_csv;
mod pdf;
mod period;
mod records;
mod totals;

pub use crate::csv::{advice_csv, everything_csv, period_csv};
pub use context::StatementContext;
pub use dates::{long_date, short_date};
pub use error::StatementError;
pub use figures_csv::{
    assessment_csv, deferred_payment_csv, ASSESSMENT_CSV_HEADER, DEFERRED_CSV_HEADER,
};
pub use pdf::{
    advice_pdf, assessment_pdf, deferred_payment_pdf, period_statement_pdf, summary_statement_pdf,
};
pub use period::Period;
pub use records::PersonRecords;
pub use totals::{ColumnTotals, KindTotals};
