//! GraphiQL at `/`, served from the binary: pinned builds of GraphiQL and React
//! (`server/assets/graphiql/`, brought in by its `vendor.sh`), so that it works without
//! internet, and a Content-Security-Policy that lets the page — which holds a bearer token —
//! load and reach nothing but this server.

use super::AppState;
use axum::{
    Router,
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

/// Scripts, styles and connections of this origin only. GraphiQL's fonts and a few images are
/// `data:` URLs inside its own stylesheet. The browser test checks that the policy refuses
/// nothing GraphiQL does.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                      img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'; \
                      frame-ancestors 'none'";

const PAGE: &str = include_str!("../../assets/graphiql.html");

/// What `/graphiql/{file}` serves: name, media type, content.
const FILES: &[(&str, &str, &[u8])] = &[
    ("graphiql.min.js", "text/javascript", include_bytes!("../../assets/graphiql/graphiql.min.js")),
    ("graphiql.min.css", "text/css", include_bytes!("../../assets/graphiql/graphiql.min.css")),
    ("react.production.min.js", "text/javascript", include_bytes!("../../assets/graphiql/react.production.min.js")),
    (
        "react-dom.production.min.js",
        "text/javascript",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    ("start.js", "text/javascript", include_bytes!("../../assets/graphiql-start.js")),
    ("start.css", "text/css", include_bytes!("../../assets/graphiql-start.css")),
    ("LICENSE-graphiql", "text/plain", include_bytes!("../../assets/graphiql/LICENSE-graphiql")),
    ("LICENSE-react", "text/plain", include_bytes!("../../assets/graphiql/LICENSE-react")),
    ("THIRD-PARTY.md", "text/markdown", include_bytes!("../../assets/graphiql/THIRD-PARTY.md")),
];

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(page)).route("/graphiql/{file}", get(file))
}

fn secured(content_type: &'static str, body: impl IntoResponse) -> Response {
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

async fn page() -> Response {
    let mut res = secured("text/html; charset=utf-8", PAGE);
    // The page itself is never cached: it names the assets, which change with the binary.
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, ..)| *file == name) {
        Some((_, content_type, body)) => {
            let mut res = secured(content_type, *body);
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
