//! Settings: defaults, then `liaison.toml`, then `LIAISON_*` variables, then command-line flags.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use liaison_store::DatabaseUrl;
use serde::Deserialize;

/// The settings file read from the working directory when no other is named.
const DEFAULT_FILE: &str = "liaison.toml";

/// What `liaison.toml` may hold; every entry is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database: Option<String>,
    bind: Option<String>,
    demo: Option<bool>,
    log: Option<String>,
    session_idle_minutes: Option<i64>,
    secure_cookies: Option<bool>,
}

/// The settings in force. The database URL's password never appears in `Debug` output.
#[derive(Debug)]
pub struct Config {
    pub database: DatabaseUrl,
    pub bind: String,
    pub demo: bool,
    pub log: String,
    pub web: liaison_web::WebSettings,
}

impl Config {
    /// Merges the settings file under the values already taken from the environment and the
    /// command line (`database`), which win.
    pub fn load(file: Option<&Path>, database: Option<String>) -> Result<Config> {
        let settings = match file {
            Some(path) => read(path)?,
            None if Path::new(DEFAULT_FILE).exists() => read(&PathBuf::from(DEFAULT_FILE))?,
            None => FileSettings::default(),
        };
        let url = database
            .or(settings.database)
            .unwrap_or_else(|| "sqlite://liaison.db".to_owned());
        Ok(Config {
            database: DatabaseUrl::parse(&url)?,
            bind: settings.bind.unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            demo: settings.demo.unwrap_or(false),
            log: settings.log.unwrap_or_else(|| "info".to_owned()),
            web: web_settings(settings.session_idle_minutes, settings.secure_cookies)?,
        })
    }
}

/// The web settings, each from `LIAISON_*` or else the settings file or else the default.
fn web_settings(
    idle_minutes: Option<i64>,
    secure_cookies: Option<bool>,
) -> Result<liaison_web::WebSettings> {
    let defaults = liaison_web::WebSettings::default();
    let idle = match std::env::var("LIAISON_SESSION_IDLE_MINUTES") {
        Ok(v) => v
            .parse()
            .with_context(|| format!("LIAISON_SESSION_IDLE_MINUTES='{v}' is not a number"))?,
        Err(_) => idle_minutes.unwrap_or(defaults.session_idle_minutes),
    };
    if idle < 1 {
        bail!("the session idle time must be at least one minute");
    }
    let secure = match std::env::var("LIAISON_SECURE_COOKIES") {
        Ok(v) => matches!(v.as_str(), "1" | "true" | "yes"),
        Err(_) => secure_cookies.unwrap_or(defaults.secure_cookies),
    };
    Ok(liaison_web::WebSettings {
        session_idle_minutes: idle,
        secure_cookies: secure,
    })
}

fn read(path: &Path) -> Result<FileSettings> {
    if !path.is_file() {
        bail!("the settings file {} does not exist", path.display());
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}
