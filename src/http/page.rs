//! The page at `/`: static files compiled into the binary (no build step, nothing fetched from
//! elsewhere), served with their content types and a Content-Security-Policy that allows only
//! this origin's own scripts, styles and JSON calls. The page calls the Connect JSON routes of
//! the same port; this module serves files and nothing else.

use bytes::Bytes;
use http_body_util::Full;
use tonic::body::Body;
use tonic::codegen::http;

/// The page's files: path, content type, contents.
const FILES: &[(&str, &str, &str)] = &[
    ("/", "text/html; charset=utf-8", include_str!("page/index.html")),
    ("/app.js", "text/javascript; charset=utf-8", include_str!("page/app.js")),
    ("/app.css", "text/css; charset=utf-8", include_str!("page/app.css")),
    ("/favicon.svg", "image/svg+xml", include_str!("page/favicon.svg")),
];

/// Only this origin's files and calls; no inline script or style, no frames, no plugins.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The answer to a request that is not a call: a file of the page for `GET` and `HEAD`, else
/// 404 (no such file) or 405 (a file, but another method).
pub fn respond(method: &http::Method, path: &str) -> http::Response<Body> {
    let path = if path == "/index.html" { "/" } else { path };
    let Some(&(_, content_type, contents)) = FILES.iter().find(|(file, _, _)| *file == path) else {
        return plain(http::StatusCode::NOT_FOUND, "not found: this server serves gRPC, gRPC-Web, Connect JSON (POST /package.Service/Method) and its page at /\n");
    };
    if method != http::Method::GET && method != http::Method::HEAD {
        let mut response = plain(
            http::StatusCode::METHOD_NOT_ALLOWED,
            "the page's files are read with GET\n",
        );
        response
            .headers_mut()
            .insert(http::header::ALLOW, http::HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let body = if method == http::Method::HEAD {
        Body::empty()
    } else {
        Body::new(Full::new(Bytes::from_static(contents.as_bytes())))
    };
    let mut response = http::Response::new(body);
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(contents.len()));
    headers.insert(
        http::header::CONTENT_SECURITY_POLICY,
        http::HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        http::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        http::header::REFERRER_POLICY,
        http::HeaderValue::from_static("no-referrer"),
    );
    headers.insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-cache"));
    response
}

fn plain(status: http::StatusCode, text: &'static str) -> http::Response<Body> {
    let mut response = http::Response::new(Body::new(Full::new(Bytes::from_static(text.as_bytes()))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
