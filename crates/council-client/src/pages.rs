//! The pages the loopback listener shows in the person's browser: plain, accessible HTML with
//! no scripts, images, fonts or anything else fetched from elsewhere.

const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;\
font-size:1.1875rem;line-height:1.5;color:#0b0c0c;background:#fff;margin:0}\
main{max-width:40rem;margin:0 auto;padding:2rem 1rem}h1{font-size:2rem;line-height:1.2;margin:0 0 1.5rem}\
p{margin:0 0 1rem}@media (prefers-color-scheme:dark){body{color:#f3f2f1;background:#0b0c0c}}";

fn page(title: &str, paragraphs: &[&str]) -> String {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str("<p>");
        body.push_str(p);
        body.push_str("</p>");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{title} - Client Finance Portal</title><style>{STYLE}</style></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>\n"
    )
}

pub(crate) fn signed_in() -> String {
    page(
        "You have signed in",
        &[
            "Go back to the Client Finance Portal app to carry on.",
            "You can close this browser tab or window.",
        ],
    )
}

pub(crate) fn not_completed() -> String {
    page(
        "Sign-in was not finished",
        &[
            "Go back to the Client Finance Portal app. You can try signing in again from there.",
            "You can close this browser tab or window.",
        ],
    )
}

pub(crate) fn not_ours() -> String {
    page(
        "This page did not come from your sign-in",
        &[
            "The Client Finance Portal app did not expect this page, so nothing has happened.",
            "Go back to the app to sign in. You can close this browser tab or window.",
        ],
    )
}
