//! OpenID Connect sign-in: `/authorize`, the hosted login and sign-up pages,
//! the organization picker, `/userinfo` and logout. The token endpoint's code and refresh grants live in `oauth`.

pub(crate) mod authorize;
pub(crate) mod federation;
pub(crate) mod grants;
mod invitation;
pub(crate) mod login;
pub(crate) mod logout;
pub(crate) mod pages;
pub(crate) mod picker;
pub(crate) mod session;
pub(crate) mod signup;
pub(crate) mod upstream_keys;
pub(crate) mod userinfo;

/// How long a login page and an authorization code stay usable.
pub(crate) const TEN_MINUTES: i64 = 600;
