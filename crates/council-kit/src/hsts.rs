//! HTTP Strict Transport Security (RFC 6797): a service whose public address is https tells
//! browsers to use nothing else, so a later visit typed as http:// or a downgrade by someone on
//! the network cannot read the session cookie or the forms.

use axum::http::header::STRICT_TRANSPORT_SECURITY;
use axum::http::HeaderValue;
use axum::response::Response;
use axum::Router;

/// One year. Not `includeSubDomains`: the council's other sites are not ours to bind.
pub const HSTS: &str = "max-age=31536000";

/// Adds `Strict-Transport-Security` to every response of `router` when the service's public
/// address is `https` (never over plain http, where browsers ignore it and it would mislead).
pub fn strict_transport_security<S>(router: Router<S>, https: bool) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    if !https {
        return router;
    }
    router.layer(axum::middleware::map_response(
        |mut response: Response| async move {
            response
                .headers_mut()
                .insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
            response
        },
    ))
}
