//! Start-up: open and migrate the databases, bind both origins, serve until told
//! to stop, then drain requests in flight and close the databases.

use std::net::SocketAddr;

use std::sync::Arc;

use leptos::config::LeptosOptions;
use orgdesk_app::ssr::ServerContext;
use orgdesk_config::Config;
use orgdesk_db::{Database, DbError};
use orgdesk_domain::{
    audit::AuditService,
    branding::BrandingService,
    connections::{ConnectionService, ConnectionSettings},
    invitations::InvitationService,
    members::MemberService,
    organizations::OrganizationService,
    people::PeopleService,
    ports::{IdentityProvider, People},
};
use orgdesk_management::ManagementClient;
use orgdesk_provider::{Issuer, ProviderOptions, ProviderState, RateLimit, SmtpSettings};
use orgdesk_storage::Storage;
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use url::Url;

use crate::{
    AppState,
    adapters::{ManagementApi, ManagementPeople, SafeDiscovery},
    app,
    auth::Auth,
    demo, identity, telemetry,
};

/// Why Orgdesk could not start or stopped with an error. Each message says
/// what to change.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{which} database: {source} (set {setting})")]
    Database {
        which: &'static str,
        setting: &'static str,
        #[source]
        source: DbError,
    },
    #[error(
        "cannot listen on {addr} for the {which}: {source} (set {setting} to a free address, or port 0 for any)"
    )]
    Bind {
        which: &'static str,
        addr: SocketAddr,
        setting: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("identity provider: {0}")]
    Identity(String),
    #[error("the {which} server failed: {source}")]
    Serve {
        which: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// A started Orgdesk: where it answers, and the handle to stop it.
pub struct Running {
    /// The console, as browsers reach it.
    pub console_url: Url,
    /// The built-in provider's issuer, when it runs in this process.
    pub provider_issuer: Option<Issuer>,
    /// Demo sign-ins (email, password), when started with the demo.
    pub demo_sign_ins: Vec<(String, String)>,
    shutdown: watch::Sender<bool>,
    servers: Vec<(&'static str, JoinHandle<std::io::Result<()>>)>,
    databases: Vec<Database>,
}

/// How to start.
#[derive(Clone, Copy, Debug, Default)]
pub struct StartOptions {
    /// Provision the Travel0 demo into the built-in provider.
    pub demo: bool,
}

/// Opens the databases, binds the console (and the built-in provider unless it
/// is disabled), wires the console to its identity provider and starts
/// serving. Returns once both accept connections.
pub async fn start(config: &Config) -> Result<Running, StartupError> {
    start_with(config, StartOptions::default()).await
}

pub async fn start_with(config: &Config, options: StartOptions) -> Result<Running, StartupError> {
    let (shutdown, stop_signal) = watch::channel(false);
    let mut servers = Vec::new();
    let mut databases = Vec::new();

    let provider = if config.provider.enabled {
        let db = orgdesk_db::Database::open(
            config.provider_database_url().expose(),
            &orgdesk_provider::migrations(),
        )
        .await
        .map_err(|source| StartupError::Database {
            which: "the built-in provider's",
            setting: "ORGDESK_PROVIDER__DATABASE_URL",
            source,
        })?;
        let listener = bind(
            config.provider.addr,
            "built-in provider",
            "ORGDESK_PROVIDER__ADDR",
        )
        .await?;
        let public_url = public_url(&config.provider.public_url, &listener);
        let issuer = Issuer::from_public_url(&public_url);
        let smtp = match &config.provider.smtp {
            Some(smtp) => Some(
                SmtpSettings::new(smtp.url.clone(), &smtp.from)
                    .map_err(|e| StartupError::Identity(format!("provider.smtp: {e}")))?,
            ),
            None => None,
        };
        let trusted_proxies = config
            .provider
            .trusted_proxies
            .iter()
            .map(|p| {
                p.parse::<orgdesk_provider::Cidr>().map_err(|e| {
                    StartupError::Identity(format!(
                        "provider.trusted_proxies: {p:?}: {e} (set ORGDESK_PROVIDER__TRUSTED_PROXIES)"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let provider_options = ProviderOptions {
            trusted_proxies,
            rate_limit: config.provider.rate_limit.map(|l| RateLimit {
                burst: l.burst,
                per_second: l.per_second,
            }),
            smtp,
            // The demo shows its invitation emails.
            outbox_page: config.provider.outbox_page || options.demo,
            outbound: outbound_policy(config),
            ..ProviderOptions::default()
        };
        let state = ProviderState::open(issuer.clone(), db.clone(), provider_options)
            .await
            .map_err(|source| StartupError::Database {
                which: "the built-in provider's",
                setting: "ORGDESK_PROVIDER__DATABASE_URL",
                source: source.into(),
            })?;
        if let Some(file) = &config.provider.provisioning {
            let provisioning =
                crate::provider_admin::read_provisioning(file).map_err(StartupError::Identity)?;
            state
                .apply(&provisioning)
                .await
                .map_err(|e| StartupError::Identity(e.to_string()))?;
        }
        spawn_key_reload(state.clone());
        let mut router = orgdesk_provider::router(state.clone());
        if public_url.scheme() == "https" {
            router = router.layer(axum::middleware::from_fn(crate::web::headers::hsts));
        }
        let router = router.layer(axum::middleware::from_fn(telemetry::request_id));
        servers.push((
            "built-in provider",
            serve(listener, router, stop_signal.clone()),
        ));
        databases.push(db);
        tracing::info!(issuer = issuer.as_str(), "built-in provider listening");
        Some(state)
    } else {
        None
    };

    let db = orgdesk_storage::open(config.console_database_url().expose())
        .await
        .map_err(|source| StartupError::Database {
            which: "the console's",
            setting: "ORGDESK_DATABASE_URL",
            source,
        })?;
    let listener = bind(config.console.addr, "console", "ORGDESK_CONSOLE__ADDR").await?;
    let bound = listener.local_addr().expect("bound socket has an address");
    let console_url = public_url(&config.console.public_url, &listener);
    let wiring = identity::wire(config, provider.as_ref(), &console_url)
        .await
        .map_err(StartupError::Identity)?;
    let demo_sign_ins = match (&provider, options.demo) {
        (Some(provider), true) => demo::seed(provider, &config.data_dir, &wiring.roles)
            .await
            .map_err(StartupError::Identity)?,
        _ => Vec::new(),
    };

    let storage = Storage::new(db.clone());
    // A customer's IdP sends people back to the identity provider's callback.
    let callback_url = wiring
        .management
        .base_url
        .join("login/callback")
        .expect("a relative path joins")
        .to_string();
    let management = ManagementApi {
        client: ManagementClient::new(wiring.management)
            .map_err(|e| StartupError::Identity(e.to_string()))?,
    };
    let idp: Arc<dyn IdentityProvider> = Arc::new(management.clone());
    let connections_api = management.clone();
    let people: Arc<dyn People> = Arc::new(ManagementPeople {
        api: management.clone(),
        invitation_client_id: wiring.oidc.client_id.clone(),
    });
    let rules = wiring.roles.clone();
    let web = crate::web::WebPolicy::new(&console_url, &wiring.oidc.issuer);
    let auth = Arc::new(Auth::new(
        wiring.oidc,
        storage.clone(),
        management,
        wiring.roles,
        console_url.clone(),
    ));
    let store = Arc::new(storage.clone());
    let context = ServerContext {
        organizations: OrganizationService::new(idp.clone(), store.clone(), store.clone()),
        members: MemberService::new(
            idp.clone(),
            people.clone(),
            store.clone(),
            store.clone(),
            rules.clone(),
        ),
        invitations: InvitationService::new(
            idp.clone(),
            people.clone(),
            store.clone(),
            store.clone(),
            rules,
        ),
        people: PeopleService::new(people),
        connections: ConnectionService::new(
            idp.clone(),
            Arc::new(connections_api),
            store.clone(),
            store.clone(),
            Arc::new(SafeDiscovery::new(outbound_policy(config))),
            store.clone(),
            ConnectionSettings {
                test_origins: config.outbound.test_origins.clone(),
                callback_url,
            },
        ),
        branding: BrandingService::new(idp.clone(), store.clone()),
        audit: AuditService::new(store),
        sessions: auth.clone(),
    };
    crate::sync::spawn_directory(idp, storage);

    warn_if_site_missing(&config.console.site_root);
    let leptos_options = LeptosOptions::builder()
        .output_name("orgdesk")
        .site_root(config.console.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(bound)
        .build();
    let router = app(AppState {
        leptos_options,
        db: db.clone(),
        auth,
        context,
        web,
    });
    servers.push(("console", serve(listener, router, stop_signal)));
    databases.push(db);
    tracing::info!(url = console_url.as_str(), "console listening");

    Ok(Running {
        console_url,
        provider_issuer: provider.map(|p| p.issuer().clone()),
        demo_sign_ins,
        shutdown,
        servers,
        databases,
    })
}

impl Running {
    /// Stops accepting connections, lets requests in flight finish, and closes
    /// the databases.
    pub async fn stop(self) -> Result<(), StartupError> {
        let _ = self.shutdown.send(true);
        let mut result = Ok(());
        for (which, server) in self.servers {
            match server.await {
                Ok(Ok(())) => {}
                Ok(Err(source)) => result = Err(StartupError::Serve { which, source }),
                Err(join) => {
                    result = Err(StartupError::Serve {
                        which,
                        source: std::io::Error::other(join),
                    })
                }
            }
        }
        for db in self.databases {
            db.close().await;
        }
        result
    }
}

/// Re-reads the signing keys every minute, so that a rotation made by
/// `orgdesk provider rotate-keys` (or another process) is used for signing.
fn spawn_key_reload(state: ProviderState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        every.tick().await;
        loop {
            every.tick().await;
            if let Err(error) = state.reload_keys().await {
                tracing::warn!(%error, "reloading the signing keys failed; will retry");
            }
        }
    });
}

async fn bind(
    addr: SocketAddr,
    which: &'static str,
    setting: &'static str,
) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind {
            which,
            addr,
            setting,
            source,
        })
}

fn serve(
    listener: TcpListener,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<std::io::Result<()>> {
    tokio::spawn(async move {
        // Connection info gives handlers the client's address (login limits).
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stop| *stop).await;
            })
            .await
    })
}

/// The configured public URL, or `http://` and the address actually bound.
/// What requests to customers' issuers may do (the provider's federation,
/// the console's "test connection"): the defaults, with the configured test
/// origins (`outbound.test_origins`).
pub fn outbound_policy(config: &Config) -> orgdesk_fetch::FetchPolicy {
    orgdesk_fetch::FetchPolicy {
        test_origins: config.outbound.test_origins.clone(),
        ..orgdesk_fetch::FetchPolicy::default()
    }
}

fn public_url(configured: &Option<Url>, listener: &TcpListener) -> Url {
    configured.clone().unwrap_or_else(|| {
        let addr = listener.local_addr().expect("bound socket has an address");
        Url::parse(&format!("http://{addr}")).expect("socket address makes a URL")
    })
}

fn warn_if_site_missing(site_root: &std::path::Path) {
    let bundle = site_root.join("pkg").join("orgdesk.js");
    if !bundle.is_file() {
        tracing::warn!(
            site_root = %site_root.display(),
            "the site is not built: pages render but will not hydrate; `cargo xtask run` builds it"
        );
    }
}
