//! The call layer's own tests.

use std::sync::atomic::{AtomicU64, Ordering};

use super::*;

fn layer(permits: usize) -> CallLayer {
    CallLayer {
        metrics: Arc::new(Metrics::new()),
        permits: Arc::new(Semaphore::new(permits)),
        max_call_duration: Duration::from_secs(5),
        methods: Arc::new(Methods::served()),
        reading: Arc::new(BodyReading {
            timeout: Duration::from_secs(5),
            large: Arc::new(Semaphore::new(permits)),
            text_message_bytes: 1 << 20,
            other_message_bytes: 1 << 16,
        }),
        texts: TextBudget::new(1 << 20),
    }
}

fn request() -> http::Request<Body> {
    http::Request::builder()
        .uri("/actorgraph.v1.KnowledgeService/GetEntity")
        .header(http::header::CONTENT_TYPE, "application/grpc")
        .body(Body::empty())
        .expect("a request")
}

fn code_of(response: &http::Response<Body>) -> Code {
    Status::from_header_map(response.headers()).map_or(Code::Ok, |s| s.code())
}

#[tokio::test]
async fn a_panicking_handler_becomes_internal_and_the_service_keeps_answering() {
    let calls = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&calls);
    let inner = tower::service_fn(move |_request: http::Request<Body>| {
        let call = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            assert!(call != 0, "the first call panics");
            Ok::<_, std::convert::Infallible>(http::Response::new(Body::empty()))
        }
    });
    let mut service = layer(4).layer(inner);
    let first = service.call(request()).await.expect("a response");
    assert_eq!(code_of(&first), Code::Internal);
    let second = service.call(request()).await.expect("a response");
    assert_eq!(code_of(&second), Code::Ok);
}

#[tokio::test]
async fn a_call_past_its_deadline_is_deadline_exceeded_and_dropped() {
    let dropped = Arc::new(AtomicU64::new(0));
    struct SignalDrop(Arc<AtomicU64>);
    impl Drop for SignalDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let witness = Arc::clone(&dropped);
    let inner = tower::service_fn(move |_request: http::Request<Body>| {
        let guard = SignalDrop(Arc::clone(&witness));
        async move {
            let _guard = guard;
            std::future::pending::<()>().await;
            Ok::<_, std::convert::Infallible>(http::Response::new(Body::empty()))
        }
    });
    let mut service = layer(4).layer(inner);
    let mut timed = request();
    timed
        .headers_mut()
        .insert("grpc-timeout", http::HeaderValue::from_static("20m"));
    let response = service.call(timed).await.expect("a response");
    assert_eq!(code_of(&response), Code::DeadlineExceeded);
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the handler's work was dropped, not left running"
    );
}

#[tokio::test]
async fn calls_beyond_the_limit_are_shed_at_once() {
    let (release, released) = tokio::sync::watch::channel(false);
    let inner = tower::service_fn(move |_request: http::Request<Body>| {
        let mut released = released.clone();
        async move {
            let _ = released.wait_for(|r| *r).await;
            Ok::<_, std::convert::Infallible>(http::Response::new(Body::empty()))
        }
    });
    let settings = layer(1);
    let metrics = Arc::clone(&settings.metrics);
    let mut service = settings.layer(inner);
    let held = tokio::spawn(service.call(request()));
    // Wait until the first call holds the only permit.
    let started = Instant::now();
    while metrics.encode().contains("actorgraph_calls_in_flight 0") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the first call never started"
        );
        tokio::task::yield_now().await;
    }
    let shed = service.call(request()).await.expect("a response");
    assert_eq!(code_of(&shed), Code::ResourceExhausted);
    assert_eq!(metrics.shed_count(), 1);
    let _ = release.send(true);
    let first = held.await.expect("joins").expect("a response");
    assert_eq!(code_of(&first), Code::Ok);
}

#[test]
fn grpc_timeouts_parse_in_every_unit() {
    assert_eq!(parse_grpc_timeout("100m"), Some(Duration::from_millis(100)));
    assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
    assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
    assert_eq!(parse_grpc_timeout("123456789m"), None);
    assert_eq!(parse_grpc_timeout("m"), None);
    assert_eq!(parse_grpc_timeout("10x"), None);
}
