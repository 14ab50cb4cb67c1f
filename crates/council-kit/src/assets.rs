//! Serving the compiled stylesheet at `/assets/council.css` from a configurable folder.
//!
//! The stylesheet is built from `crates/council-kit/styles` (`npm ci && npm run build`). When the
//! folder or file is missing the route answers 404 and the pages still work, unstyled.

use std::path::PathBuf;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The path pages link to.
pub const STYLESHEET_PATH: &str = "/assets/council.css";

/// A router serving `council.css` from `assets_dir` (if given).
pub fn router(assets_dir: Option<PathBuf>) -> Router {
    Router::new()
        .route(STYLESHEET_PATH, get(stylesheet))
        .with_state(assets_dir)
}

async fn stylesheet(State(dir): State<Option<PathBuf>>) -> Response {
    let Some(dir) = dir else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(dir.join("council.css")).await {
        Ok(css) => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            css,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
