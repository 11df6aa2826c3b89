//! Settings: defaults, then `liaison.toml`, then `LIAISON_*` variables, then command-line flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use liaison_core::{FileLimits, Money, Policy};
use liaison_files::Location;
use liaison_store::DatabaseUrl;
use liaison_web::{MetricsAccess, TrustedProxies};
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
    write_wait_ms: Option<u64>,
    key_file: Option<PathBuf>,
    policy: Option<PolicySettings>,
    university: Option<UniversitySettings>,
    metrics: Option<MetricsSettings>,
    files: Option<FilesSettings>,
    proxy: Option<ProxySettings>,
    mail: Option<MailFileSettings>,
}

/// The `[mail]` table of `liaison.toml`: the SMTP server reminders go through, the sender, the
/// address pages are linked from, and how often due jobs are looked for.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailFileSettings {
    smtp_url: Option<String>,
    from: Option<String>,
    public_url: Option<String>,
    poll_seconds: Option<u64>,
}

/// The `[files]` table of `liaison.toml`: where the files kept with records are, and how large
/// they may be.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilesSettings {
    location: Option<String>,
    max_file_mb: Option<u64>,
    max_record_mb: Option<u64>,
}

/// The `[proxy]` table of `liaison.toml`: the reverse proxies whose header names the client.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProxySettings {
    trusted: Option<Vec<String>>,
    header: Option<String>,
}

/// The `[university]` table of `liaison.toml`: the university's own name, which pages and news
/// release drafts show.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UniversitySettings {
    name_zh: Option<String>,
    name_en: Option<String>,
    abbreviation: Option<String>,
}

/// The university's name: each part from `LIAISON_UNIVERSITY_*` (looked up by `env`), else the
/// settings file; a part left blank is not set.
fn university(
    file: UniversitySettings,
    env: impl Fn(&str) -> Option<String>,
) -> liaison_core::University {
    let part = |name: &str, from_file: Option<String>| {
        env(name)
            .or(from_file)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    liaison_core::University {
        name_zh: part("LIAISON_UNIVERSITY_NAME_ZH", file.name_zh),
        name_en: part("LIAISON_UNIVERSITY_NAME_EN", file.name_en),
        abbreviation: part("LIAISON_UNIVERSITY_ABBREVIATION", file.abbreviation),
    }
}

/// The `[metrics]` table of `liaison.toml`: who may read `/metrics`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricsSettings {
    allow: Option<Vec<String>>,
}

/// The `[policy]` table of `liaison.toml`: the parameters a university sets for itself.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySettings {
    gift_declaration_threshold_yuan: Option<i64>,
    gift_hand_in_days: Option<i64>,
    long_term_days: Option<i64>,
    key_project_tags: Option<Vec<String>>,
    /// `[policy.trips]`: the trip rules' numbers until an admin saves them in the browser.
    trips: Option<liaison_core::trips::TripPolicy>,
    /// `[policy.passports]`: the passport rules' numbers until an admin saves them.
    passports: Option<liaison_core::passports::PassportPolicy>,
}

/// The settings in force. The database URL's password never appears in `Debug` output.
#[derive(Debug)]
pub struct Config {
    pub database: DatabaseUrl,
    pub bind: String,
    pub demo: bool,
    pub log: String,
    pub web: liaison_web::WebSettings,
    pub policy: Policy,
    /// How long a write waits for another writer before it is refused as busy.
    pub write_wait: Duration,
    /// Where the key to the personal data comes from.
    pub key: KeySource,
    /// Where the files kept with records are.
    pub files: Location,
    pub file_limits: FileLimits,
}

/// The key that seals personal data, kept apart from the database it protects.
pub enum KeySource {
    /// A key file, created with a new key when it does not exist.
    File(PathBuf),
    /// The key itself, given by `LIAISON_KEY` (base64, 32 bytes).
    Given(liaison_store::Keyring),
}

/// Never the key itself.
impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::File(path) => f.debug_tuple("File").field(path).finish(),
            KeySource::Given(ring) => f.debug_tuple("Given").field(ring).finish(),
        }
    }
}

/// The key file's name when no other is given.
const KEY_FILE: &str = "liaison.key";

/// The key: `LIAISON_KEY`, else the key file of `LIAISON_KEY_FILE`, else that of the settings
/// file, else `liaison.key` in a SQLite database's folder or, for PostgreSQL, in the working
/// directory.
fn key_source(
    database: &DatabaseUrl,
    from_file: Option<PathBuf>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<KeySource> {
    if let Some(key) = env("LIAISON_KEY") {
        let ring = liaison_store::Keyring::parse(&key).map_err(|e| anyhow!("LIAISON_KEY: {e}"))?;
        return Ok(KeySource::Given(ring));
    }
    if let Some(path) = env("LIAISON_KEY_FILE").map(PathBuf::from).or(from_file) {
        return Ok(KeySource::File(path));
    }
    // One key file for the databases of a folder, so a backup copied beside the database, or
    // an export moved from SQLite to PostgreSQL in the same folder, opens with the same key.
    Ok(KeySource::File(match database {
        DatabaseUrl::Sqlite { path } => path
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(KEY_FILE),
        _ => PathBuf::from(KEY_FILE),
    }))
}

impl Config {
    /// Merges the settings file under the values already taken from the environment and the
    /// command line (`database`, `metrics_allow`), which win.
    pub fn load(
        file: Option<&Path>,
        database: Option<String>,
        metrics_allow: Option<Vec<String>>,
    ) -> Result<Config> {
        let settings = match file {
            Some(path) => read(path)?,
            None if Path::new(DEFAULT_FILE).exists() => read(&PathBuf::from(DEFAULT_FILE))?,
            None => FileSettings::default(),
        };
        let url = database
            .or(settings.database)
            .unwrap_or_else(|| "sqlite://liaison.db".to_owned());
        let database = DatabaseUrl::parse(&url)?;
        let key = key_source(&database, settings.key_file, |name| {
            std::env::var(name).ok()
        })?;
        let files_settings = settings.files.unwrap_or_default();
        let (files, file_limits) =
            files(&database, files_settings, |name| std::env::var(name).ok())?;
        Ok(Config {
            database,
            key,
            files,
            file_limits,
            bind: settings.bind.unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            demo: settings.demo.unwrap_or(false),
            log: settings.log.unwrap_or_else(|| "info".to_owned()),
            web: liaison_web::WebSettings {
                mail: mail(settings.mail.unwrap_or_default(), |name| {
                    std::env::var(name).ok()
                })?,
                proxies: trusted_proxies(settings.proxy.unwrap_or_default(), |name| {
                    std::env::var(name).ok()
                })?,
                ..web_settings(
                    settings.session_idle_minutes,
                    settings.secure_cookies,
                    metrics_access(metrics_allow, settings.metrics.unwrap_or_default())?,
                )?
            },
            policy: Policy {
                university: university(settings.university.unwrap_or_default(), |name| {
                    std::env::var(name).ok()
                }),
                ..policy(settings.policy.unwrap_or_default(), |name| {
                    std::env::var(name).ok()
                })?
            },
            write_wait: write_wait(settings.write_wait_ms, |name| std::env::var(name).ok())?,
        })
    }
}

/// Where files are kept (`LIAISON_FILES`, else `location` in `[files]`, else a folder beside the
/// SQLite database or `liaison-files` in the working directory) and their limits.
fn files(
    database: &DatabaseUrl,
    settings: FilesSettings,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(Location, FileLimits)> {
    let location = match env("LIAISON_FILES").or(settings.location) {
        Some(text) => Location::parse(&text)?,
        None => match database {
            DatabaseUrl::Sqlite { path } => Location::beside(path),
            DatabaseUrl::Postgres { .. } => Location::Folder(PathBuf::from("liaison-files")),
        },
    };
    let defaults = FileLimits::default();
    let megabytes = |value: Option<u64>, default: u64, name: &str| -> Result<u64> {
        match value {
            Some(0) => bail!("[files] {name} must be at least 1 (MB)"),
            Some(mb) => Ok(mb * 1024 * 1024),
            None => Ok(default),
        }
    };
    let limits = FileLimits {
        per_file: megabytes(settings.max_file_mb, defaults.per_file, "max_file_mb")?,
        per_record: megabytes(settings.max_record_mb, defaults.per_record, "max_record_mb")?,
    };
    if limits.per_record < limits.per_file {
        bail!("[files] max_record_mb must be at least max_file_mb");
    }
    Ok((location, limits))
}

/// The web settings, each from `LIAISON_*` or else the settings file or else the default.
fn web_settings(
    idle_minutes: Option<i64>,
    secure_cookies: Option<bool>,
    metrics: MetricsAccess,
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
        metrics,
        ..Default::default()
    })
}

/// The reverse proxies whose header names the client: `LIAISON_TRUSTED_PROXIES` (addresses and
/// networks separated by commas) and `LIAISON_CLIENT_ADDRESS_HEADER`, else the `[proxy]` table,
/// else none, so that no client can choose the address its sign-ins are counted against.
fn trusted_proxies(
    file: ProxySettings,
    env: impl Fn(&str) -> Option<String>,
) -> Result<TrustedProxies> {
    let trusted: Vec<String> = match env("LIAISON_TRUSTED_PROXIES") {
        Some(v) => v.split(',').map(str::to_owned).collect(),
        None => file.trusted.unwrap_or_default(),
    };
    let header = env("LIAISON_CLIENT_ADDRESS_HEADER").or(file.header);
    TrustedProxies::parse(&trusted, header.as_deref())
        .map_err(|e| anyhow!("[proxy] or LIAISON_TRUSTED_PROXIES: {e}"))
}

/// Where reminders are mailed: `LIAISON_SMTP_URL`, `LIAISON_MAIL_FROM`, `LIAISON_PUBLIC_URL`
/// and `LIAISON_JOBS_POLL_SECONDS` (0: this server runs no jobs), else the `[mail]` table,
/// else no mail at all and a look for due jobs every 10 seconds.
fn mail(
    file: MailFileSettings,
    env: impl Fn(&str) -> Option<String>,
) -> Result<liaison_web::notices::MailSettings> {
    let poll = match env("LIAISON_JOBS_POLL_SECONDS") {
        Some(v) => v
            .trim()
            .parse()
            .with_context(|| format!("LIAISON_JOBS_POLL_SECONDS='{v}' is not a whole number"))?,
        None => file.poll_seconds.unwrap_or(10),
    };
    let settings = liaison_web::notices::MailSettings {
        smtp_url: env("LIAISON_SMTP_URL")
            .or(file.smtp_url)
            .filter(|u| !u.trim().is_empty()),
        from: env("LIAISON_MAIL_FROM")
            .or(file.from)
            .unwrap_or_else(|| "Liaison <liaison@localhost>".to_owned()),
        public_url: env("LIAISON_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| "http://localhost:8080".to_owned()),
        poll: (poll > 0).then(|| Duration::from_secs(poll)),
    };
    settings
        .check()
        .map_err(|e| anyhow!("[mail] or LIAISON_SMTP_URL: {e}"))?;
    Ok(settings)
}

/// How long a write waits for its turn: `LIAISON_WRITE_WAIT_MS`, else the settings file, else
/// the store's default.
fn write_wait(from_file: Option<u64>, env: impl Fn(&str) -> Option<String>) -> Result<Duration> {
    let ms = match env("LIAISON_WRITE_WAIT_MS") {
        Some(v) => v
            .trim()
            .parse()
            .with_context(|| format!("LIAISON_WRITE_WAIT_MS='{v}' is not a whole number"))?,
        None => match from_file {
            Some(ms) => ms,
            None => return Ok(liaison_store::DEFAULT_WRITE_WAIT),
        },
    };
    if !(1..=600_000).contains(&ms) {
        bail!("the write wait must be from 1 to 600000 milliseconds (ten minutes), not {ms}");
    }
    Ok(Duration::from_millis(ms))
}

/// Who may read `/metrics`: the addresses given by `--metrics-allow` or `LIAISON_METRICS_ALLOW`
/// (which clap has read already), else those of the settings file, else nobody. A malformed
/// entry stops Liaison, wherever it was written.
fn metrics_access(given: Option<Vec<String>>, file: MetricsSettings) -> Result<MetricsAccess> {
    let from_file = match file.allow {
        Some(allow) => MetricsAccess::parse(&allow).map_err(|e| anyhow!("[metrics] allow: {e}"))?,
        None => MetricsAccess::default(),
    };
    match given {
        Some(allow) => MetricsAccess::parse(&allow)
            .map_err(|e| anyhow!("--metrics-allow or LIAISON_METRICS_ALLOW: {e}")),
        None => Ok(from_file),
    }
}

/// The policy parameters: each from `LIAISON_*` (looked up by `env`), else the settings file,
/// else the default of the central rules.
fn policy(file: PolicySettings, env: impl Fn(&str) -> Option<String>) -> Result<Policy> {
    let defaults = Policy::default();
    let number = |name: &str, from_file: Option<i64>, default: i64| -> Result<i64> {
        match env(name) {
            Some(v) => v
                .trim()
                .parse()
                .with_context(|| format!("{name}='{v}' is not a whole number")),
            None => Ok(from_file.unwrap_or(default)),
        }
    };
    let threshold = number(
        "LIAISON_GIFT_DECLARATION_THRESHOLD_YUAN",
        file.gift_declaration_threshold_yuan,
        defaults.gift_declaration_threshold.fen() / 100,
    )?;
    let hand_in_days = number(
        "LIAISON_GIFT_HAND_IN_DAYS",
        file.gift_hand_in_days,
        defaults.gift_hand_in_days,
    )?;
    let long_term_days = number(
        "LIAISON_LONG_TERM_DAYS",
        file.long_term_days,
        defaults.long_term_days,
    )?;
    if threshold < 0 {
        bail!("the gift declaration threshold cannot be negative");
    }
    if hand_in_days < 1 || long_term_days < 1 {
        bail!("the gift hand-in days and the long-term days must each be at least one");
    }
    let key_project_tags = match env("LIAISON_KEY_PROJECT_TAGS") {
        // Several tags are separated by commas: "key project,重点项目".
        Some(v) => v.split(',').map(|t| t.trim().to_owned()).collect(),
        None => file.key_project_tags.unwrap_or(defaults.key_project_tags),
    };
    let key_project_tags: Vec<String> = key_project_tags
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .collect();
    if key_project_tags.is_empty() {
        bail!("name at least one tag that marks a key project");
    }
    let trips = file.trips.unwrap_or_default();
    trips
        .check()
        .map_err(|e| anyhow::anyhow!("[policy.trips] is not valid: {e:?}"))?;
    let passports = file.passports.unwrap_or_default();
    passports
        .check()
        .map_err(|e| anyhow::anyhow!("[policy.passports] is not valid: {e:?}"))?;
    Ok(Policy {
        gift_declaration_threshold: Money::from_yuan(threshold),
        gift_hand_in_days: hand_in_days,
        long_term_days,
        key_project_tags,
        trips,
        passports,
        university: liaison_core::University::default(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn from_file(text: &str) -> PolicySettings {
        toml::from_str::<FileSettings>(text)
            .unwrap()
            .policy
            .unwrap_or_default()
    }

    #[test]
    fn policy_parameters_come_from_the_file_then_the_environment() {
        let none = |_: &str| None;
        assert_eq!(
            policy(PolicySettings::default(), none).unwrap(),
            Policy::default()
        );
        let file = from_file(
            "[policy]\nlong_term_days = 180\ngift_declaration_threshold_yuan = 500\n\
             key_project_tags = [\"flagship\"]\n",
        );
        let set = policy(file, none).unwrap();
        assert_eq!(set.long_term_days, 180);
        assert_eq!(set.gift_declaration_threshold, Money::from_yuan(500));
        assert_eq!(set.key_project_tags, ["flagship"]);
        assert_eq!(set.gift_hand_in_days, 30);

        let env = |name: &str| match name {
            "LIAISON_LONG_TERM_DAYS" => Some("60".to_owned()),
            "LIAISON_KEY_PROJECT_TAGS" => Some("key project, 重点项目".to_owned()),
            _ => None,
        };
        let set = policy(from_file("[policy]\nlong_term_days = 180\n"), env).unwrap();
        assert_eq!(set.long_term_days, 60);
        assert_eq!(set.key_project_tags, ["key project", "重点项目"]);
    }

    #[test]
    fn the_write_wait_comes_from_the_environment_then_the_file_and_is_bounded() {
        let none = |_: &str| None;
        assert_eq!(
            write_wait(None, none).unwrap(),
            liaison_store::DEFAULT_WRITE_WAIT
        );
        assert_eq!(
            write_wait(Some(2500), none).unwrap(),
            Duration::from_millis(2500)
        );
        let env = |_: &str| Some("40".to_owned());
        assert_eq!(
            write_wait(Some(2500), env).unwrap(),
            Duration::from_millis(40)
        );
        let zero = write_wait(Some(0), none).unwrap_err().to_string();
        assert!(zero.contains("from 1 to 600000"), "{zero}");
        let word = write_wait(None, |_: &str| Some("soon".to_owned()))
            .unwrap_err()
            .to_string();
        assert!(word.contains("LIAISON_WRITE_WAIT_MS='soon'"), "{word}");
    }

    #[test]
    fn trusted_proxies_come_from_the_file_then_the_environment() {
        let none = |_: &str| None;
        let file = |text: &str| {
            toml::from_str::<FileSettings>(text)
                .unwrap()
                .proxy
                .unwrap_or_default()
        };
        assert_eq!(
            trusted_proxies(file(""), none).unwrap(),
            TrustedProxies::default()
        );
        let from_file = trusted_proxies(
            file("[proxy]\ntrusted = [\"10.0.0.0/8\"]\nheader = \"X-Real-IP\"\n"),
            none,
        )
        .unwrap();
        assert_eq!(
            from_file,
            TrustedProxies::parse(&["10.0.0.0/8"], Some("x-real-ip")).unwrap()
        );
        let env = |name: &str| match name {
            "LIAISON_TRUSTED_PROXIES" => Some("127.0.0.1, ::1".to_owned()),
            _ => None,
        };
        assert_eq!(
            trusted_proxies(file("[proxy]\ntrusted = [\"10.0.0.0/8\"]\n"), env).unwrap(),
            TrustedProxies::parse(&["127.0.0.1", "::1"], None).unwrap()
        );
        let err = trusted_proxies(file("[proxy]\ntrusted = [\"proxy.lan\"]\n"), none)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'proxy.lan'"), "{err}");
    }

    #[test]
    fn the_university_s_name_comes_from_the_file_then_the_environment() {
        let file: FileSettings = toml::from_str(
            "[university]\nname_zh = \"中国劳动关系学院\"\n\
             name_en = \"China University of Labor Relations\"\nabbreviation = \" \"\n",
        )
        .unwrap();
        let env = |name: &str| (name == "LIAISON_UNIVERSITY_NAME_EN").then(|| "CULR U".to_owned());
        let set = university(file.university.unwrap(), env);
        assert_eq!(set.name_zh.as_deref(), Some("中国劳动关系学院"));
        assert_eq!(set.name_en.as_deref(), Some("CULR U"));
        assert_eq!(set.abbreviation, None, "a blank part is not set");
        let none = university(UniversitySettings::default(), |_| None);
        assert_eq!(none, liaison_core::University::default());
    }

    #[test]
    fn impossible_policy_parameters_are_refused_with_the_reason() {
        let none = |_: &str| None;
        let err = policy(from_file("[policy]\nlong_term_days = 0\n"), none).unwrap_err();
        assert!(err.to_string().contains("at least one"));
        let err = policy(from_file("[policy]\nkey_project_tags = []\n"), none).unwrap_err();
        assert!(err.to_string().contains("key project"));
        let env = |_: &str| Some("ninety".to_owned());
        let err = policy(PolicySettings::default(), env).unwrap_err();
        assert!(err.to_string().contains("is not a whole number"));
        assert!(toml::from_str::<FileSettings>("[policy]\nlong_term = 3\n").is_err());
    }
}
