//! Prints the finance API's OpenAPI document, for validators and client generators:
//! `cargo run -p council-finance --example openapi > openapi.json`
//! (The running service serves the same document at `/api/v1/openapi.json`.)

fn main() {
    // Dates of birth must be before today, so the document names today's date.
    let today = time::OffsetDateTime::now_utc().date();
    println!("{}", council_finance::api::openapi::document_json(today));
}
