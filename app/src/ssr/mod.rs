//! Server-only parts of the app: what the axum server needs from it, and what
//! pages need from the request while they render on the server.

use leptos::prelude::*;
use leptos_axum::AxumRouteListing;

use crate::App;

/// Every route of the console, for the server's router.
pub fn routes() -> Vec<AxumRouteListing> {
    leptos_axum::generate_route_list(App)
}

/// The `Cookie` header of the request being rendered.
pub(crate) fn cookie_header() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The request-forgery token of the request's session, which the server's
/// request guard puts in the request's extensions: pages carry it in a
/// `<meta>` tag for the server function client and in their plain forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestToken(pub String);

/// The response header in which a page reports the nonce of its scripts to
/// the server's security headers, which put it in the Content Security
/// Policy and drop this header.
pub const NONCE_HEADER: &str = "x-orgdesk-script-nonce";

/// The request token of the request being served, if signed in.
pub(crate) fn request_token() -> Option<String> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestToken>().map(|t| t.0.clone()))
}

/// Reports the nonce Leptos gave this page's scripts (see [`NONCE_HEADER`]).
pub(crate) fn report_nonce() {
    let nonce = leptos::nonce::use_nonce();
    let response = use_context::<leptos_axum::ResponseOptions>();
    if let (Some(nonce), Some(response)) = (nonce, response)
        && let Ok(value) = http::HeaderValue::from_str(&nonce)
    {
        response.insert_header(http::HeaderName::from_static(NONCE_HEADER), value);
    }
}

/// Marks the response being rendered with a status, such as 404 for a page that does not exist.
pub(crate) fn set_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

pub mod handlers;

use std::sync::Arc;

use orgdesk_domain::{
    Principal, ServiceError, audit::AuditService, branding::BrandingService,
    connections::ConnectionService, invitations::InvitationService, members::MemberService,
    organizations::OrganizationService, people::PeopleService,
};

use crate::api::AppError;

/// Where server functions find the signed-in person.
#[async_trait::async_trait]
pub trait SessionSource: Send + Sync {
    async fn principal(&self, headers: &http::HeaderMap) -> Option<Principal>;
}

/// What the server provides to every server function and page render.
#[derive(Clone)]
pub struct ServerContext {
    pub organizations: OrganizationService,
    pub members: MemberService,
    pub invitations: InvitationService,
    pub people: PeopleService,
    pub audit: AuditService,
    pub connections: ConnectionService,
    pub branding: BrandingService,
    pub sessions: Arc<dyn SessionSource>,
}

/// One request: its context, who asks, and its id.
pub(crate) struct RequestContext {
    pub server: ServerContext,
    pub principal: Option<Principal>,
    pub request_id: String,
}

impl RequestContext {
    /// Who asks and the request's id, as the services take them.
    pub fn cx(&self) -> orgdesk_domain::organizations::Context<'_> {
        orgdesk_domain::organizations::Context {
            principal: self.principal.as_ref(),
            request_id: &self.request_id,
        }
    }
}

/// The context of the request being served.
pub(crate) async fn request_context() -> Result<RequestContext, AppError> {
    let server = use_context::<ServerContext>().ok_or_else(|| {
        tracing_error("the server context is missing");
        AppError::Internal
    })?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    let principal = server.sessions.principal(&parts.headers).await;
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok(RequestContext {
        server,
        principal,
        request_id,
    })
}

fn tracing_error(message: &str) {
    leptos::logging::error!("{message}");
}

impl From<ServiceError> for AppError {
    /// The one place a service's answer becomes HTTP: the error for the
    /// wire, and the response's status.
    fn from(error: ServiceError) -> Self {
        use http::StatusCode;
        set_status(match &error {
            ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ServiceError::NotFound => StatusCode::NOT_FOUND,
            ServiceError::Forbidden => StatusCode::FORBIDDEN,
            ServiceError::Invalid { .. } => StatusCode::BAD_REQUEST,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ServiceError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        });
        if let ServiceError::TooManyRequests {
            retry_after_secs, ..
        } = &error
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        {
            response.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from(*retry_after_secs),
            );
        }
        match error {
            ServiceError::Unauthenticated => AppError::Unauthenticated,
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::Invalid { field, message } => AppError::Invalid { field, message },
            ServiceError::Conflict(message) => AppError::Conflict(message),
            ServiceError::TooManyRequests {
                message,
                retry_after_secs,
            } => AppError::TooManyRequests {
                message,
                retry_after_secs,
            },
            ServiceError::Unavailable => AppError::Unavailable,
            ServiceError::Internal => AppError::Internal,
        }
    }
}
