//! PDFs: A4, an embedded subset font, real text, and the same bytes for the same input.

mod advice;
mod assessment;
mod blocks;
mod canvas;
mod deferred;
mod document;
mod flow;
mod fonts;
mod statement;
mod summary;

pub use advice::advice_pdf;
pub use assessment::assessment_pdf;
pub use deferred::deferred_payment_pdf;
pub use statement::period_statement_pdf;
pub use summary::summary_statement_pdf;
