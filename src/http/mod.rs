//! HTTP access beside gRPC, on the same port: the layer in front of the call layer routes each
//! request by its method and content type.
//!
//! - `application/grpc…`: gRPC, passed through untouched.
//! - `application/grpc-web…`: gRPC-Web for browsers, translated to gRPC by `tonic-web`.
//! - `POST` with `application/json`: a Connect unary JSON call ([`connect`]), transcoded to the
//!   gRPC call it stands for.
//! - `GET` of the page's files ([`page`]): the page that highlights actors and draws relations.
//! - any other `POST`: the call layer's HTTP 415 refusal, with a Connect error body.
//!
//! Every call, whatever its protocol, goes through the call layer (admission, deadlines, request
//! ids, metrics, logs) and the same handlers; this module owns only the translation. It must
//! not answer a call itself, nor touch the model.

pub mod connect;
pub mod page;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http_body_util::BodyExt as _;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::Status;
use tower::{Layer, Service, ServiceExt as _};

pub use connect::{BodyLimits, Procedures};

/// The layer that puts the HTTP routes in front of the call layer.
#[derive(Clone)]
pub struct HttpLayer {
    procedures: Arc<Procedures>,
}

impl HttpLayer {
    /// The routes of `procedures`' methods.
    pub fn new(procedures: Procedures) -> HttpLayer {
        HttpLayer {
            procedures: Arc::new(procedures),
        }
    }
}

impl<S> Layer<S> for HttpLayer {
    type Service = HttpService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        HttpService {
            inner,
            procedures: Arc::clone(&self.procedures),
        }
    }
}

/// The service of [`HttpLayer`].
#[derive(Clone)]
pub struct HttpService<S> {
    inner: S,
    procedures: Arc<Procedures>,
}

/// What a request is, by its method and content type.
enum Route {
    Grpc,
    GrpcWeb,
    ConnectJson,
    Page,
    /// A `POST` in a content type this server does not speak.
    OtherPost,
}

fn route(request: &http::Request<Body>) -> Route {
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .trim_start();
    // Compared without a lower-cased copy: every gRPC call passes here.
    let starts_with = |prefix: &str| {
        content_type
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts_with("application/grpc-web") {
        Route::GrpcWeb
    } else if starts_with("application/grpc") {
        Route::Grpc
    } else if request.method() != http::Method::POST {
        Route::Page
    } else if connect::is_json(content_type) {
        Route::ConnectJson
    } else {
        Route::OtherPost
    }
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S> Service<http::Request<Body>> for HttpService<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        // The service that was polled ready is the one to call; leave a fresh clone behind.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        match route(&request) {
            Route::Grpc => {
                let mut inner = inner;
                Box::pin(inner.call(request))
            }
            Route::GrpcWeb => Box::pin(tonic_web::GrpcWebLayer::new().layer(inner).oneshot(request)),
            Route::ConnectJson => {
                let procedures = Arc::clone(&self.procedures);
                Box::pin(async move { connect::unary(inner, &procedures, request).await })
            }
            Route::Page => Box::pin(std::future::ready(Ok(page::respond(
                request.method(),
                request.uri().path(),
            )))),
            Route::OtherPost => {
                let procedures = Arc::clone(&self.procedures);
                Box::pin(async move {
                    // The call layer refuses it (HTTP 415, counted and logged); the refusal
                    // keeps its gRPC status headers and gains a Connect error body, for the
                    // curl or browser that most likely sent it.
                    let (parts, body) = inner.oneshot(request).await?.into_parts();
                    drop(body.collect().await);
                    let Some(status) = Status::from_header_map(&parts.headers) else {
                        return Ok(http::Response::from_parts(parts, Body::empty()));
                    };
                    let connect = connect::error_response(&status, &procedures);
                    let mut response = http::Response::from_parts(parts, connect.into_body());
                    response.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    );
                    Ok(response)
                })
            }
        }
    }
}
