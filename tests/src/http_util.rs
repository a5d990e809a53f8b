//! Small HTTP helpers shared by the fake CRMs.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

/// Wall-clock time in epoch milliseconds.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A JSON response with `status`.
pub(crate) fn json_resp(status: StatusCode, v: Value) -> Response {
    (status, Json(v)).into_response()
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
pub(crate) fn bearer(h: &HeaderMap) -> Option<String> {
    let v = h.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// A fake's state behind a lock, with the address it serves on.
pub(crate) struct Shared<S> {
    pub state: Mutex<S>,
    pub base_url: String,
}

impl<S> Shared<S> {
    pub fn lock(&self) -> MutexGuard<'_, S> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A server task that stops when dropped.
pub(crate) struct Serving(tokio::task::JoinHandle<()>);

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Binds 127.0.0.1:`port` (0 = random; panics when it cannot) and serves `router` over `state`.
pub(crate) async fn serve<S: Send + 'static>(
    name: &str,
    port: u16,
    state: S,
    router: impl FnOnce(Arc<Shared<S>>) -> axum::Router,
) -> (String, Arc<Shared<S>>, Serving) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| panic!("fake {name} cannot bind 127.0.0.1:{port}: {e}"));
    let addr = listener.local_addr().expect("local address");
    let base_url = format!("http://127.0.0.1:{}", addr.port());
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        base_url: base_url.clone(),
    });
    let task = serve_on(listener, shared.clone(), router);
    (base_url, shared, task)
}

/// Serves `router` over an existing state on `listener`.
pub(crate) fn serve_on<S: Send + 'static>(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared<S>>,
    router: impl FnOnce(Arc<Shared<S>>) -> axum::Router,
) -> Serving {
    let app = router(shared);
    Serving(tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    }))
}

/// Binds the port of `base_url` again (retrying while the old socket lets go).
pub(crate) async fn rebind(name: &str, base_url: &str) -> tokio::net::TcpListener {
    let port: u16 = base_url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    for _ in 0..100 {
        if let Ok(l) = tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            return l;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("fake {name} cannot bind 127.0.0.1:{port} again");
}
