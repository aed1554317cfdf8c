//! Starting Orgdesk for tests, on free ports and fresh databases of the test
//! engine (`ORGDESK_TEST_DATABASE`: sqlite or postgres).
#![allow(dead_code)] // each test file uses a part

use orgdesk_config::{Config, Secret};
use orgdesk_db::testing::{TestDatabase, fresh_database};
use orgdesk_server::Running;

/// A running Orgdesk and the databases it owns for the test.
pub struct TestOrgdesk {
    pub running: Running,
    pub site: tempfile::TempDir,
    _databases: (TestDatabase, TestDatabase),
}

/// A configuration on port 0 and fresh databases, and those databases.
pub async fn test_config() -> (Config, (TestDatabase, TestDatabase)) {
    let console_db = fresh_database().await;
    let provider_db = fresh_database().await;
    let mut config = Config::default();
    config.console.addr = "127.0.0.1:0".parse().unwrap();
    config.provider.addr = "127.0.0.1:0".parse().unwrap();
    config.database_url = Some(Secret::new(&console_db.url));
    config.provider.database_url = Some(Secret::new(&provider_db.url));
    (config, (console_db, provider_db))
}

pub async fn start() -> TestOrgdesk {
    let (mut config, databases) = test_config().await;
    let site = tempfile::tempdir().unwrap();
    config.console.site_root = site.path().to_owned();
    let running = orgdesk_server::start(&config)
        .await
        .expect("Orgdesk starts");
    TestOrgdesk {
        running,
        site,
        _databases: databases,
    }
}

impl TestOrgdesk {
    pub fn console(&self, path: &str) -> String {
        self.running.console_url.join(path).unwrap().to_string()
    }

    pub fn provider(&self, path: &str) -> String {
        let issuer = self
            .running
            .provider_issuer
            .as_ref()
            .expect("provider runs");
        issuer.endpoint(path)
    }
}
