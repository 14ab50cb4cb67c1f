//! Prints the finance API's OpenAPI document, for validators and client generators:
//! `cargo run -p council-finance --example openapi > openapi.json`
//! (The running service serves the same document at `/api/v1/openapi.json`.)

fn main() {
    println!("{}", council_finance::api::openapi::document_json());
}
