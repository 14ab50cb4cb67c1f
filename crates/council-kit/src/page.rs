//! Server-rendered pages in the GOV.UK Design System's patterns, with govuk-frontend classes.
//!
//! maud escapes every value at compile time, so text from people can never become markup. The
//! header is the generic one (the council's own name, no crown or GOV.UK logo), the font is the
//! system font (see `styles/`), and pages need no JavaScript.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::assets::STYLESHEET_PATH;

/// Who runs the service, shown in the header and footer of every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chrome {
    pub council_name: String,
    pub service_name: String,
    /// Where the service name links to.
    pub service_href: String,
}

/// One problem with one field: shown in the error summary (linking to the field) and by the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The id of the input the error is about.
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A link in the service navigation bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    pub label: String,
    pub href: String,
}

/// A complete page, ready to be a response.
pub struct Page<'a> {
    pub chrome: &'a Chrome,
    /// The page's own title (also its h1, usually): the `<title>` adds the service and council.
    pub title: &'a str,
    pub errors: &'a [FieldError],
    pub navigation: &'a [NavItem],
    pub content: Markup,
}

impl Page<'_> {
    pub fn render(&self) -> Markup {
        let chrome = self.chrome;
        let title_prefix = if self.errors.is_empty() {
            ""
        } else {
            "Error: "
        };
        html! {
            (DOCTYPE)
            html lang="en" class="govuk-template govuk-template--rebranded" {
                head {
                    meta charset="utf-8";
                    title { (title_prefix) (self.title) " – " (chrome.service_name) " – " (chrome.council_name) }
                    meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                    link rel="stylesheet" href=(STYLESHEET_PATH);
                }
                body class="govuk-template__body" {
                    a href="#main-content" class="govuk-skip-link" { "Skip to main content" }
                    header class="govuk-generic-header" {
                        div class="govuk-generic-header__container govuk-width-container" {
                            div class="govuk-generic-header__logo" {
                                a href="/" class="govuk-generic-header__homepage-link" { (chrome.council_name) }
                            }
                        }
                    }
                    section aria-label="Service information" class="govuk-service-navigation" {
                        div class="govuk-width-container" {
                            div class="govuk-service-navigation__container" {
                                span class="govuk-service-navigation__service-name" {
                                    a href=(chrome.service_href) class="govuk-service-navigation__link" { (chrome.service_name) }
                                }
                                @if !self.navigation.is_empty() {
                                    nav aria-label="Menu" class="govuk-service-navigation__wrapper" {
                                        ul class="govuk-service-navigation__list" {
                                            @for item in self.navigation {
                                                li class="govuk-service-navigation__item" {
                                                    a class="govuk-service-navigation__link" href=(item.href) { (item.label) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    div class="govuk-width-container" {
                        main class="govuk-main-wrapper" id="main-content" {
                            div class="govuk-grid-row" {
                                div class="govuk-grid-column-two-thirds" {
                                    (error_summary(self.errors))
                                    (self.content)
                                }
                            }
                        }
                    }
                    footer class="govuk-footer" {
                        div class="govuk-width-container" {
                            div class="govuk-footer__meta" {
                                div class="govuk-footer__meta-item govuk-footer__meta-item--grow" {
                                    p class="govuk-body-s" { (chrome.service_name) " is run by " (chrome.council_name) "." }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

impl IntoResponse for Page<'_> {
    fn into_response(self) -> Response {
        html_response(self.render())
    }
}

/// An HTML response with headers every page wants: no caching (pages show personal details and
/// CSRF tokens), no framing, no scripts, no referrer (URLs may carry codes).
pub fn html_response(markup: Markup) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// The "There is a problem" box that links to each field in error. Empty when there are no errors.
pub fn error_summary(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            // tabindex and autofocus move focus here without JavaScript, as the pattern asks.
            div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" autofocus {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for error in errors {
                                li { a href={ "#" (error.field) } { (error.message) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The hidden field carrying the session's CSRF token; put it in every POST form.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(crate::csrf::FIELD) value=(token); }
}

/// A primary button.
pub fn button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button" data-module="govuk-button" { (text) } }
}

/// A secondary button (for example "Send me a new code").
pub fn secondary_button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { (text) } }
}

/// A text input with its label, hint and error, following the GOV.UK text input pattern.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub id: &'static str,
    pub label: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    /// The HTML `autocomplete` token, so browsers and password managers can fill it.
    pub autocomplete: &'a str,
    pub input_type: &'a str,
    pub width_class: Option<&'a str>,
    pub inputmode: Option<&'a str>,
    /// Show the label as the page's h1 (a one-question page).
    pub label_is_heading: bool,
}

impl<'a> Input<'a> {
    pub fn new(id: &'static str, label: &'a str) -> Self {
        Self {
            id,
            label,
            value: "",
            hint: None,
            autocomplete: "off",
            input_type: "text",
            width_class: None,
            inputmode: None,
            label_is_heading: false,
        }
    }

    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }
    pub fn autocomplete(mut self, token: &'a str) -> Self {
        self.autocomplete = token;
        self
    }
    pub fn input_type(mut self, input_type: &'a str) -> Self {
        self.input_type = input_type;
        self
    }
    pub fn width(mut self, class: &'a str) -> Self {
        self.width_class = Some(class);
        self
    }
    pub fn inputmode(mut self, mode: &'a str) -> Self {
        self.inputmode = Some(mode);
        self
    }
    pub fn as_heading(mut self) -> Self {
        self.label_is_heading = true;
        self
    }

    pub fn render(&self, errors: &[FieldError]) -> Markup {
        let error = errors.iter().find(|e| e.field == self.id);
        let hint_id = format!("{}-hint", self.id);
        let error_id = format!("{}-error", self.id);
        let described_by: Vec<&str> = [
            self.hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut input_class = String::from("govuk-input");
        if let Some(width) = self.width_class {
            input_class.push(' ');
            input_class.push_str(width);
        }
        if error.is_some() {
            input_class.push_str(" govuk-input--error");
        }
        // Passwords keep their value out of the page: it is never echoed back.
        let value = if self.input_type == "password" {
            ""
        } else {
            self.value
        };
        let group_class = form_group_class(error.is_some());
        html! {
            div class=(group_class) {
                @if self.label_is_heading {
                    h1 class="govuk-label-wrapper" {
                        label class="govuk-label govuk-label--l" for=(self.id) { (self.label) }
                    }
                } @else {
                    label class="govuk-label" for=(self.id) { (self.label) }
                }
                @if let Some(hint) = self.hint {
                    div id=(hint_id) class="govuk-hint" { (hint) }
                }
                @if let Some(error) = error {
                    p id=(error_id) class="govuk-error-message" {
                        span class="govuk-visually-hidden" { "Error:" } " " (error.message)
                    }
                }
                input class=(input_class) id=(self.id) name=(self.id) type=(self.input_type)
                    value=(value) autocomplete=(self.autocomplete) spellcheck="false"
                    inputmode=[self.inputmode]
                    aria-describedby=[(!described_by.is_empty()).then(|| described_by.join(" "))];
            }
        }
    }
}

/// A multi-line text area (for example an address) with label, hint and error.
pub fn textarea(
    id: &'static str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    autocomplete: &str,
    errors: &[FieldError],
) -> Markup {
    let error = errors.iter().find(|e| e.field == id);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by: Vec<&str> = [
        hint.map(|_| hint_id.as_str()),
        error.map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let group_class = form_group_class(error.is_some());
    let textarea_class = if error.is_some() {
        "govuk-textarea govuk-textarea--error"
    } else {
        "govuk-textarea"
    };
    html! {
        div class=(group_class) {
            label class="govuk-label" for=(id) { (label) }
            @if let Some(hint) = hint {
                div id=(hint_id) class="govuk-hint" { (hint) }
            }
            @if let Some(error) = error {
                p id=(error_id) class="govuk-error-message" {
                    span class="govuk-visually-hidden" { "Error:" } " " (error.message)
                }
            }
            textarea class=(textarea_class)
                id=(id) name=(id) rows="4" autocomplete=(autocomplete)
                aria-describedby=[(!described_by.is_empty()).then(|| described_by.join(" "))] { (value) }
        }
    }
}

fn form_group_class(has_error: bool) -> &'static str {
    if has_error {
        "govuk-form-group govuk-form-group--error"
    } else {
        "govuk-form-group"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome() -> Chrome {
        Chrome {
            council_name: "Example <Council>".into(),
            service_name: "Your council account".into(),
            service_href: "/".into(),
        }
    }

    #[test]
    fn escapes_text_and_marks_errors() {
        let errors = [FieldError::new(
            "email",
            "Enter an email address like <name@example.com>",
        )];
        let page = Page {
            chrome: &chrome(),
            title: "Sign in",
            errors: &errors,
            navigation: &[],
            content: Input::new("email", "Email address")
                .value("\"><script>alert(1)</script>")
                .autocomplete("email")
                .render(&errors),
        }
        .render()
        .into_string();
        assert!(page.contains(
            "<title>Error: Sign in – Your council account – Example &lt;Council&gt;</title>"
        ));
        assert!(!page.contains("<script>"), "values are escaped");
        assert!(
            page.contains("href=\"#email\""),
            "the summary links to the field"
        );
        assert!(page.contains("govuk-input--error"));
        assert!(page.contains("aria-describedby=\"email-error\""));
        assert!(page.contains("class=\"govuk-skip-link\""));
        assert!(
            !page.contains("GDS Transport") && !page.contains("govuk-logo"),
            "no GOV.UK branding"
        );
    }

    #[test]
    fn never_echoes_a_password() {
        let markup = Input::new("password", "Password")
            .input_type("password")
            .value("hunter2")
            .render(&[])
            .into_string();
        assert!(!markup.contains("hunter2"));
        assert!(!markup.contains("aria-describedby"));
    }
}
