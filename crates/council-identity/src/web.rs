//! What the page and protocol handlers share: the browser's session, the caller's address,
//! page rendering, redirects and the one way errors become responses.

use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use council_kit::cookie::{expired_cookie, read_cookie, session_cookie};
use council_kit::page::{html_response, Chrome, FieldError, NavItem, Page};

use crate::forms;
use crate::sessions::{self, Session, COOKIE_NAME};
use crate::Identity;

pub use council_kit::throttle::ClientAddress;

/// Something went wrong while handling a page; shown to people without internal detail.
#[derive(Debug)]
pub enum PageError {
    /// A fault on our side. The cause is logged without personal data.
    Internal(&'static str),
    /// The form's CSRF token was missing or wrong.
    Csrf,
}

impl From<sqlx::Error> for PageError {
    fn from(error: sqlx::Error) -> Self {
        // sqlx errors carry SQL and constraint names, never bound values.
        tracing::error!(%error, "database error");
        PageError::Internal("database")
    }
}

impl From<council_kit::csrf::CsrfRejected> for PageError {
    fn from(_: council_kit::csrf::CsrfRejected) -> Self {
        PageError::Csrf
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        // The council's name is not to hand here; a neutral header is better than none.
        let chrome = Chrome {
            council_name: "Council".into(),
            service_name: "Your council account".into(),
            service_href: "/".into(),
        };
        let (status, title, text) = match self {
            PageError::Csrf => (
                StatusCode::BAD_REQUEST,
                "This form has expired",
                "This form has expired or did not come from this service. Nothing was changed. Go back, reload the page and try again.",
            ),
            PageError::Internal(what) => {
                tracing::error!(what, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. Nothing you entered has been lost from your account.",
                )
            }
        };
        let page = Page {
            chrome: &chrome,
            title,
            errors: &[],
            navigation: &[],
            content: html! {
                h1 class="govuk-heading-l" { (title) }
                p class="govuk-body" { (text) }
                p class="govuk-body" { a class="govuk-link" href="/" { "Go to the start" } }
            },
        };
        (status, html_response(page.render())).into_response()
    }
}

pub type PageResult = Result<Response, PageError>;

/// The browser's session: its stored one, or for a browser without one an anonymous session
/// kept nowhere, whose CSRF token is bound to the browser's form cookie (see `crate::forms`).
/// [`Browser::keep`] stores it when a post starts something to remember. Responses made for it
/// must go through [`Browser::respond`] so a new or rotated cookie reaches the browser.
pub struct Browser {
    pub session: Session,
    /// Whether `session` is a row in the database.
    stored: bool,
    new_cookie: Option<String>,
    /// A form cookie to give a browser that had none.
    new_form_cookie: Option<String>,
    /// The session has ended: the response tells the browser to forget its cookie.
    ended: bool,
}

impl Browser {
    /// The browser's session; stores nothing (see [`Browser::keep`]).
    pub async fn load(identity: &Identity, headers: &HeaderMap) -> Result<Self, PageError> {
        if let Some(session) = Self::existing(identity, headers).await? {
            return Ok(Self {
                session,
                stored: true,
                new_cookie: None,
                new_form_cookie: None,
                ended: false,
            });
        }
        let cookie_name = identity.form_cookie_name();
        let (value, new_form_cookie) = match read_cookie(headers, cookie_name) {
            Some(value) if forms::well_formed(value) => (value.to_owned(), None),
            _ => {
                let value = forms::new_value(identity.rng());
                (value.clone(), Some(value))
            }
        };
        Ok(Self {
            session: Session::anonymous(identity.inner.forms.token_for(&value)),
            stored: false,
            new_cookie: None,
            new_form_cookie,
            ended: false,
        })
    }

    /// The browser's session, stored if it was not (for `/authorize`, which must remember the
    /// app's request before the person signs in).
    pub async fn load_kept(identity: &Identity, headers: &HeaderMap) -> Result<Self, PageError> {
        let mut browser = Self::load(identity, headers).await?;
        browser.keep(identity).await?;
        Ok(browser)
    }

    /// Stores the session if it is not yet: call it after the CSRF check, just before the post
    /// starts a code step or a sign-in, so only a valid form that needs a session makes one.
    pub async fn keep(&mut self, identity: &Identity) -> Result<(), PageError> {
        if self.stored {
            return Ok(());
        }
        let (session, cookie) = sessions::start(
            identity.pool(),
            identity.rng(),
            identity.now(),
            identity.session_lifetime(),
        )
        .await?;
        self.session = session;
        self.stored = true;
        self.new_cookie = Some(cookie);
        Ok(())
    }

    /// The session if the browser has a live one; never starts one.
    pub async fn existing(
        identity: &Identity,
        headers: &HeaderMap,
    ) -> Result<Option<Session>, PageError> {
        match read_cookie(headers, COOKIE_NAME) {
            Some(cookie) => Ok(sessions::load(identity.pool(), cookie, identity.now()).await?),
            None => Ok(None),
        }
    }

    /// Checks the submitted CSRF token against the session's.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), PageError> {
        Ok(council_kit::csrf::verify(
            &self.session.csrf_token,
            submitted,
        )?)
    }

    pub fn set_cookie(&mut self, cookie: String) {
        self.new_cookie = Some(cookie);
    }

    /// Ends this browser's session here and now: the row is deleted and the response clears
    /// the cookie. Grants and codes already issued through it are left alone.
    pub async fn end_session(&mut self, identity: &Identity) -> Result<(), PageError> {
        sessions::delete(identity.pool(), &self.session.id).await?;
        self.new_cookie = None;
        self.ended = true;
        Ok(())
    }

    pub fn respond(&self, identity: &Identity, response: impl IntoResponse) -> Response {
        let mut response = response.into_response();
        let secure = identity.config().is_https();
        // A browser-session cookie (no Max-Age, no Expires): closing the browser forgets it,
        // so a shared computer does not keep the person signed in. The service still ends the
        // session after `session_hours` whatever the browser does.
        let value = match (&self.new_cookie, self.ended) {
            (_, true) => Some(expired_cookie(COOKIE_NAME, secure)),
            (Some(cookie), false) => Some(session_cookie(COOKIE_NAME, cookie, secure, None)),
            (None, false) => None,
        };
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
        if let Some(value) = &self.new_form_cookie {
            // A browser-session cookie: it only has to outlive the form on screen.
            let https = identity.config().is_https();
            let cookie = session_cookie(identity.form_cookie_name(), value, https, None);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(SET_COOKIE, value);
            }
        }
        response
    }
}

/// 303 See Other: after a POST, the browser fetches the next page with GET.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

impl Identity {
    /// Renders a page in the council's chrome.
    pub(crate) fn page(&self, title: &str, errors: &[FieldError], content: Markup) -> Response {
        self.page_with_status(StatusCode::OK, title, errors, content)
    }

    pub(crate) fn page_with_status(
        &self,
        status: StatusCode,
        title: &str,
        errors: &[FieldError],
        content: Markup,
    ) -> Response {
        let status = if errors.is_empty() {
            status
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = Page {
            chrome: &self.inner.chrome,
            title,
            errors,
            navigation: &[] as &[NavItem],
            content,
        };
        (status, html_response(page.render())).into_response()
    }

    fn form_cookie_name(&self) -> &'static str {
        if self.config().is_https() {
            forms::FORM_COOKIE_HTTPS
        } else {
            forms::FORM_COOKIE
        }
    }

    pub(crate) fn session_lifetime(&self) -> time::Duration {
        time::Duration::hours(self.config().policy.session_hours)
    }
}
