//! Browser-only parts of the app.

use std::future::Future;

use futures::{Sink, Stream};
use leptos::server_fn::{
    Bytes,
    client::{Client, browser::BrowserClient},
    error::FromServerFnError,
    request::browser::BrowserRequest,
    response::browser::BrowserResponse,
};
use wasm_bindgen::JsCast;

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?.document()?.dyn_into().ok()
}

/// The document's cookies, as a `Cookie` header would carry them.
pub(crate) fn cookie_header() -> String {
    html_document()
        .and_then(|doc| doc.cookie().ok())
        .unwrap_or_default()
}

/// Stores a cookie for a year, for the whole site.
pub(crate) fn set_cookie(name: &str, value: &str) {
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(&format!(
            "{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        ));
    }
}

/// The request token this page carries (`<meta name="orgdesk-request-token">`).
fn request_token() -> Option<String> {
    let selector = format!("meta[name=\"{}\"]", crate::api::REQUEST_TOKEN_META);
    web_sys::window()?
        .document()?
        .query_selector(&selector)
        .ok()??
        .get_attribute("content")
}

/// Calls server functions as Leptos' browser client does, with the page's
/// request token in a header: the server refuses a state-changing request
/// without it, and no other origin can send it.
pub struct ConsoleClient;

impl<E, IS, OS> Client<E, IS, OS> for ConsoleClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        if let Some(token) = request_token() {
            req.headers().set(crate::api::REQUEST_TOKEN_HEADER, &token);
        }
        <BrowserClient as Client<E, IS, OS>>::send(req)
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}
