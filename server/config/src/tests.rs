//! How the layers combine, and what a person sees when a setting is wrong.
//! Each test runs in figment's `Jail`: its own working directory and environment.
// `Jail` closures return `figment::Error`, which is large; that is figment's API.
#![allow(clippy::result_large_err)]

use figment::{Jail, providers::Env};

use crate::{ConfigError, LogFormat, load_from};

fn load_in(_jail: &Jail) -> Result<crate::Loaded, ConfigError> {
    load_from(None, Env::prefixed("ORGDESK_"))
}

#[test]
fn defaults_run_the_embedded_setup_on_two_local_ports() {
    Jail::expect_with(|jail| {
        let loaded = load_in(jail).expect("defaults load");
        let c = loaded.config;
        assert_eq!(c.console.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.provider.addr.to_string(), "127.0.0.1:3100");
        assert!(c.provider.enabled);
        assert_eq!(
            c.console_database_url().expose(),
            "sqlite://data/orgdesk.db"
        );
        assert_eq!(
            c.provider_database_url().expose(),
            "sqlite://data/provider.db"
        );
        assert_eq!(c.log.format, LogFormat::Human);
        assert!(loaded.unknown_keys.is_empty());
        Ok(())
    });
}

#[test]
fn environment_overrides_file_which_overrides_defaults() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "orgdesk.toml",
            r#"
            data_dir = "/var/lib/orgdesk"
            [console]
            addr = "0.0.0.0:8080"
            [log]
            format = "json"
            "#,
        )?;
        jail.set_env("ORGDESK_CONSOLE__ADDR", "127.0.0.1:9090");
        jail.set_env("ORGDESK_LOG__FILTER", "debug");
        let c = load_in(jail).expect("loads").config;
        assert_eq!(
            c.console.addr.to_string(),
            "127.0.0.1:9090",
            "env wins over file"
        );
        assert_eq!(c.log.format, LogFormat::Json, "file wins over defaults");
        assert_eq!(c.log.filter, "debug");
        assert_eq!(
            c.console_database_url().expose(),
            "sqlite:///var/lib/orgdesk/orgdesk.db",
            "the default database follows data_dir"
        );
        Ok(())
    });
}

#[test]
fn unknown_keys_from_file_and_environment_are_reported_not_fatal() {
    Jail::expect_with(|jail| {
        jail.create_file("orgdesk.toml", "[console]\nadress = \"x\"\n")?;
        jail.set_env("ORGDESK_PROVIDR__ADDR", "127.0.0.1:1");
        jail.set_env("ORGDESK_CONFIG", "orgdesk.toml");
        jail.set_env("ORGDESK_TEST_DATABASE", "postgres");
        let mut unknown = load_in(jail).expect("still loads").unknown_keys;
        unknown.sort();
        assert_eq!(unknown, ["console.adress", "providr"]);
        Ok(())
    });
}

#[test]
fn a_malformed_value_names_the_setting_and_the_variable_to_fix() {
    Jail::expect_with(|jail| {
        jail.set_env("ORGDESK_CONSOLE__ADDR", "localhost-3000");
        let err = load_in(jail).expect_err("bad address").to_string();
        assert!(err.contains("console.addr"), "{err}");
        assert!(err.contains("ORGDESK_CONSOLE__ADDR"), "{err}");
        Ok(())
    });
}

#[test]
fn an_unknown_log_format_is_refused() {
    Jail::expect_with(|jail| {
        jail.set_env("ORGDESK_LOG__FORMAT", "xml");
        let err = load_in(jail).expect_err("bad format").to_string();
        assert!(err.contains("log.format"), "{err}");
        assert!(err.contains("human") && err.contains("json"), "{err}");
        Ok(())
    });
}

#[test]
fn a_named_file_that_does_not_exist_stops_start_up() {
    Jail::expect_with(|_jail| {
        let err = load_from(Some("nope.toml".as_ref()), Env::prefixed("ORGDESK_"))
            .expect_err("missing file");
        assert!(matches!(err, ConfigError::FileMissing { .. }));
        assert!(err.to_string().contains("nope.toml"));
        Ok(())
    });
}

#[test]
fn secrets_never_show_in_debug_output() {
    Jail::expect_with(|jail| {
        jail.set_env(
            "ORGDESK_DATABASE_URL",
            "postgres://orgdesk:s3cret-pw@db.internal/orgdesk",
        );
        jail.set_env("ORGDESK_PROVIDER__DATABASE_URL", "12345");
        let c = load_in(jail).expect("loads").config;
        let printed = format!("{c:?}");
        assert!(!printed.contains("s3cret-pw"), "{printed}");
        assert!(!printed.contains("12345"), "{printed}");
        assert_eq!(c.provider_database_url().expose(), "12345");
        Ok(())
    });
}

#[test]
fn auth0s_own_variable_names_configure_the_identity_backend() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH0_DOMAIN", "travel0.us.auth0.com");
        jail.set_env("AUTH0_CLIENT_ID", "console-app");
        jail.set_env("AUTH0_CLIENT_SECRET", "web-secret-1");
        jail.set_env("AUTH0_M2M_CLIENT_ID", "console-m2m");
        jail.set_env("AUTH0_M2M_CLIENT_SECRET", "m2m-secret-2");
        let c = load_in(jail).expect("loads").config;
        let base = c.identity.base_url().unwrap().unwrap();
        assert_eq!(base.as_str(), "https://travel0.us.auth0.com/");
        assert_eq!(c.identity.m2m_client_id.as_deref(), Some("console-m2m"));
        let printed = format!("{c:?}");
        assert!(
            !printed.contains("web-secret-1") && !printed.contains("m2m-secret-2"),
            "{printed}"
        );
        Ok(())
    });
}

#[test]
fn an_incomplete_auth0_setup_names_what_is_missing() {
    Jail::expect_with(|jail| {
        jail.set_env("AUTH0_DOMAIN", "travel0.us.auth0.com");
        jail.set_env("AUTH0_CLIENT_ID", "console-app");
        let err = load_in(jail).expect_err("incomplete").to_string();
        assert!(
            err.contains("AUTH0_CLIENT_SECRET") && err.contains("AUTH0_M2M_CLIENT_ID"),
            "{err}"
        );
        assert!(
            !err.contains("AUTH0_CLIENT_ID,"),
            "what is set is not named: {err}"
        );
        Ok(())
    });
}

#[test]
fn no_identity_provider_at_all_is_refused() {
    Jail::expect_with(|jail| {
        jail.set_env("ORGDESK_PROVIDER__ENABLED", "false");
        let err = load_in(jail)
            .expect_err("nothing to sign in with")
            .to_string();
        assert!(
            err.contains("AUTH0_DOMAIN") && err.contains("ORGDESK_PROVIDER__ENABLED"),
            "{err}"
        );
        Ok(())
    });
}

#[test]
fn emails_go_to_the_outbox_unless_smtp_is_configured() {
    Jail::expect_with(|jail| {
        let c = load_in(jail).expect("defaults load").config;
        assert!(c.provider.smtp.is_none(), "no SMTP server by default");
        assert!(!c.provider.outbox_page, "the outbox page is off by default");

        jail.set_env(
            "ORGDESK_PROVIDER__SMTP__URL",
            "smtps://mailer:smtp-pw-9@smtp.example.com:465",
        );
        jail.set_env(
            "ORGDESK_PROVIDER__SMTP__FROM",
            "Orgdesk <no-reply@example.com>",
        );
        jail.set_env("ORGDESK_PROVIDER__OUTBOX_PAGE", "true");
        let loaded = load_in(jail).expect("loads");
        assert!(loaded.unknown_keys.is_empty(), "{:?}", loaded.unknown_keys);
        let c = loaded.config;
        let smtp = c.provider.smtp.as_ref().expect("smtp set");
        assert_eq!(
            smtp.url.expose(),
            "smtps://mailer:smtp-pw-9@smtp.example.com:465"
        );
        assert_eq!(smtp.from, "Orgdesk <no-reply@example.com>");
        assert!(c.provider.outbox_page);
        assert!(
            !format!("{c:?}").contains("smtp-pw-9"),
            "the SMTP password never prints"
        );
        Ok(())
    });
}

#[test]
fn a_wrong_smtp_setting_names_the_variable_and_never_the_password() {
    Jail::expect_with(|jail| {
        jail.set_env("ORGDESK_PROVIDER__SMTP__FROM", "no-reply@example.com");
        jail.set_env(
            "ORGDESK_PROVIDER__SMTP__URL",
            "https://mailer:smtp-pw-9@smtp.example.com/",
        );
        let err = load_in(jail).expect_err("not an SMTP URL").to_string();
        assert!(err.contains("ORGDESK_PROVIDER__SMTP__URL"), "{err}");
        assert!(!err.contains("smtp-pw-9"), "{err}");

        jail.set_env(
            "ORGDESK_PROVIDER__SMTP__URL",
            "smtp://mailer:smtp-pw-9@smtp.example.com:587?tls=required",
        );
        jail.set_env("ORGDESK_PROVIDER__SMTP__FROM", "Orgdesk");
        let err = load_in(jail).expect_err("no sender address").to_string();
        assert!(err.contains("ORGDESK_PROVIDER__SMTP__FROM"), "{err}");
        Ok(())
    });
}

#[test]
fn outbound_test_origins_are_empty_by_default_and_read_from_file_or_environment() {
    Jail::expect_with(|jail| {
        assert!(
            load_in(jail)
                .unwrap()
                .config
                .outbound
                .test_origins
                .is_empty()
        );
        jail.create_file(
            "orgdesk.toml",
            "[outbound]\ntest_origins = [\"http://127.0.0.1:4100\", \"HTTPS://Idp.Example:443/\"]\n",
        )?;
        let loaded = load_in(jail).expect("loads");
        assert_eq!(
            loaded.config.outbound.test_origins,
            ["http://127.0.0.1:4100", "https://idp.example"],
            "written back as canonical origins"
        );
        assert!(loaded.unknown_keys.is_empty(), "{:?}", loaded.unknown_keys);

        jail.set_env(
            "ORGDESK_OUTBOUND__TEST_ORIGINS",
            "http://127.0.0.1:4200,http://localhost:4300",
        );
        assert_eq!(
            load_in(jail).unwrap().config.outbound.test_origins,
            ["http://127.0.0.1:4200", "http://localhost:4300"]
        );
        jail.set_env(
            "ORGDESK_OUTBOUND__TEST_ORIGINS",
            "[\"http://127.0.0.1:4500\"]",
        );
        assert_eq!(
            load_in(jail).unwrap().config.outbound.test_origins,
            ["http://127.0.0.1:4500"]
        );
        Ok(())
    });
}

#[test]
fn an_outbound_test_origin_that_is_not_an_origin_stops_start_up() {
    for bad in [
        "127.0.0.1:4100",
        "http://127.0.0.1:4100/path",
        "ftp://x",
        "http://x/?a=b",
    ] {
        Jail::expect_with(|jail| {
            jail.set_env("ORGDESK_OUTBOUND__TEST_ORIGINS", bad);
            let error = load_in(jail).expect_err(bad).to_string();
            assert!(error.contains("outbound.test_origins"), "{error}");
            assert!(error.contains("ORGDESK_OUTBOUND__TEST_ORIGINS"), "{error}");
            Ok(())
        });
    }
}

#[test]
fn trusted_proxies_are_read_as_a_list_or_a_comma_separated_string() {
    Jail::expect_with(|jail| {
        assert!(
            load_in(jail)
                .unwrap()
                .config
                .provider
                .trusted_proxies
                .is_empty()
        );
        jail.set_env("ORGDESK_PROVIDER__TRUSTED_PROXIES", "10.0.0.7,10.1.0.0/16");
        assert_eq!(
            load_in(jail).unwrap().config.provider.trusted_proxies,
            ["10.0.0.7", "10.1.0.0/16"]
        );
        Ok(())
    });
}
