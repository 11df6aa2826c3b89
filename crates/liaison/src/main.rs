//! The `liaison` command: configuration, subcommands, and the wiring of store and web server.

mod bench_photo;
mod config;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use liaison_core::secrets::{hash_password, new_token, token_hash};
use liaison_core::{Actor, ExchangeDocument, Link, UserInput, UserRole};
use liaison_files::{ContentHash, FileStore, Location};
use liaison_store::{Keyring, Store};

use crate::config::{Config, KeySource};

/// jemalloc rather than the system's allocator: a page answered 10–25 % faster under load in
/// `scripts/bench.sh`, for the same peak memory (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts (`_RJEM_MALLOC_CONF` in the environment is read after
/// them and may change them). Allocations of 256 KiB and more (a file's bytes while it is kept
/// or sent) come from an arena that returns them to the system when freed, and freed small
/// pages are returned after half a second rather than ten: uploads of 5 MB photos over four
/// connections peaked at 184 MiB with the defaults (docs/BENCHMARKS.md, "Files").
// SAFETY: jemalloc reads this symbol as a `const char *` once, at start; it points to a static,
// NUL-terminated string that is never written.
#[used]
#[unsafe(export_name = "_rjem_malloc_conf")]
static ALLOCATOR_SETTINGS: Option<&'static std::ffi::c_char> =
    Some(unsafe { &*c"oversize_threshold:262144,dirty_decay_ms:500,muzzy_decay_ms:0".as_ptr() });

/// Liaison: the system of record for a university's international exchange office.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// The database: sqlite://PATH (the default is sqlite://liaison.db) or postgres://…
    #[arg(long, global = true, env = "LIAISON_DATABASE")]
    database: Option<String>,

    /// A settings file; liaison.toml in the working directory is read when present.
    #[arg(long, global = true, env = "LIAISON_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves the web interface and the JSON API.
    Serve {
        /// The address to listen on.
        #[arg(long, env = "LIAISON_BIND")]
        bind: Option<String>,
        /// Loads the demo records when the database is empty.
        #[arg(long, env = "LIAISON_DEMO")]
        demo: bool,
        /// The addresses and networks that may read /metrics, separated by commas
        /// (127.0.0.1,10.0.0.0/8); nobody when absent.
        #[arg(long, env = "LIAISON_METRICS_ALLOW", value_delimiter = ',')]
        metrics_allow: Option<Vec<String>>,
    },
    /// Applies the database migrations the database has not seen yet.
    Migrate,
    /// Loads the demo records: the office's two news releases, fact by fact.
    Demo,
    /// Imports JSON documents in the API's format; records whose key exists are left as they are.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Writes every record as one JSON document, importable into an empty database of either kind.
    Export {
        /// The file to write; standard output when absent.
        #[arg(long, short, env = "LIAISON_EXPORT_OUTPUT")]
        output: Option<PathBuf>,
    },
    /// Writes a consistent copy of a live SQLite database to a new file, and the files kept in
    /// a folder to the folder beside it (`PATH.files`), where a restored database finds them.
    Backup { path: PathBuf },
    /// Works on the files kept with records.
    #[command(subcommand)]
    Files(FilesCommand),
    /// Rebuilds the search index and the organizations' timelines from the records.
    Reindex,
    /// Loads a synthetic dataset for the benchmark into an empty database: one organization for
    /// every 50 activities, one person for every 2, five participations each; and trip
    /// applications in every state, with the accounts that file and approve them.
    BenchData {
        #[arg(long, default_value_t = 100_000)]
        activities: usize,
        /// How many trip applications, seen from `--today`.
        #[arg(long, default_value_t = 100_000)]
        trips: usize,
        /// The day the trips' states are seen from; the office's today when absent.
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// The same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Writes a synthetic photo for the file benchmark: a JPEG of about `megabytes`, made anew
    /// from the seed, so that no photo has to be downloaded.
    BenchPhoto {
        path: PathBuf,
        #[arg(long, default_value_t = 5.0)]
        megabytes: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manages accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manages API tokens for scripts.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manages the key that seals personal data.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Runs the reminders' jobs.
    #[command(subcommand)]
    Jobs(JobsCommand),
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// Runs every job due now (after the day's sweep of reminders, if no process has taken it)
    /// and exits when none is due.
    RunOnce {
        /// Runs as if it were this time (RFC 3339), to try the reminders of another day.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Seals every phone number, e-mail address and personal note anew under a new key, in one
    /// transaction, and keeps the new key in the key file (or prints it, when LIAISON_KEY gives
    /// the key).
    Rotate,
}

#[derive(Debug, Subcommand)]
enum FilesCommand {
    /// Lists files no record refers to and files a record refers to that the store lacks;
    /// exits with an error when any is lacking.
    Check,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Creates an account and prints its first password.
    Add {
        /// The username, used to sign in.
        #[arg(long)]
        name: String,
        /// admin, officer, leader, liaison, viewer or staff.
        #[arg(long)]
        role: String,
        /// The unit of a liaison officer, by number or key.
        #[arg(long)]
        unit: Option<String>,
        /// The name shown in the interface; the username when absent.
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Gives an account a new password, prints it, and signs the account out everywhere.
    ResetPassword {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Creates an API token for a user and prints it; it is shown only this once.
    Create {
        /// The username the token acts for, with that user's permissions.
        #[arg(long)]
        user: String,
        /// What the token is for, such as "nightly export".
        #[arg(long, default_value = "script")]
        label: String,
        /// How many days the token lasts, from 1 to 366.
        #[arg(long, default_value_t = liaison_core::accounts::DEFAULT_TOKEN_DAYS)]
        days: i64,
    },
    /// Lists API tokens with their expiry and last use: one user's, or everyone's.
    List {
        #[arg(long)]
        user: Option<String>,
    },
    /// Revokes an API token by its number (as `liaison token list` shows it).
    Revoke { id: i64 },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("liaison: {}", explain(&err));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error in words, with every field problem of a refused record on a line of its own.
fn explain(err: &anyhow::Error) -> String {
    let invalid = err.chain().find_map(|cause| match cause.downcast_ref() {
        Some(liaison_store::Error::Domain(liaison_core::Error::Invalid(errors))) => Some(errors),
        _ => None,
    });
    let busy = err
        .chain()
        .any(|cause| matches!(cause.downcast_ref(), Some(liaison_store::Error::Busy)));
    if busy {
        return format!(
            "{err:#}\n  Another process is writing to the same database and held its write lock \
             for longer than this command waits (LIAISON_WRITE_WAIT_MS): a `liaison serve` \
             saving a large import, a `liaison reindex`, or another command. Run this one again \
             when it has finished."
        );
    }
    match invalid {
        Some(errors) => {
            let lines: Vec<String> = errors
                .0
                .iter()
                .map(|e| format!("  {}: {}", e.field, e.message))
                .collect();
            format!("{err:#}\n{}", lines.join("\n"))
        }
        None => format!("{err:#}"),
    }
}

/// Makes the key to the personal data this process's, creating the key file on the first
/// start; returns the file's path when it was created just now.
fn install_key(source: &KeySource) -> Result<Option<PathBuf>> {
    match source {
        KeySource::Given(ring) => {
            liaison_store::install_personal_key(ring);
            Ok(None)
        }
        KeySource::File(path) => {
            let (ring, created) = Keyring::load_or_create(path).map_err(anyhow::Error::msg)?;
            liaison_store::install_personal_key(&ring);
            if created {
                eprintln!(
                    "A new key to the personal data was written to {}. Back it up apart from the \
                     database: without it, phone numbers, e-mail addresses and personal notes \
                     cannot be read.",
                    path.display()
                );
            }
            Ok(created.then(|| path.clone()))
        }
    }
}

/// Seals the personal data anew under a new key. The key file holds the new key beside the old
/// one while the values are sealed anew, so a crash at any point leaves a file that opens all of
/// them; once the transaction has committed the old key is dropped.
async fn rotate_key(store: &Store, source: &KeySource) -> Result<()> {
    match source {
        KeySource::File(path) => {
            let (ring, _) = Keyring::load_or_create(path).map_err(anyhow::Error::msg)?;
            let rotated = ring.rotated();
            rotated.write(path).map_err(anyhow::Error::msg)?;
            let sealed = store.rotate_personal_key(&rotated).await?;
            rotated
                .current_only()
                .write(path)
                .map_err(anyhow::Error::msg)?;
            println!(
                "{sealed} personal values are sealed under the new key {} in {}. Back up the key \
                 file again; backups made before need the old key.",
                rotated.current_id(),
                path.display()
            );
        }
        KeySource::Given(ring) => {
            let rotated = ring.rotated();
            let sealed = store.rotate_personal_key(&rotated).await?;
            let current = rotated.current_only().to_text();
            let key = current.lines().last().unwrap_or_default();
            println!("{key}");
            eprintln!(
                "{sealed} personal values are sealed under the new key {}, printed above: set \
                 LIAISON_KEY to it for every Liaison process of this database.",
                rotated.current_id()
            );
        }
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<()> {
    // The benchmark's photo needs no database.
    if let Command::BenchPhoto {
        path,
        megabytes,
        seed,
    } = &cli.command
    {
        let bytes = bench_photo::jpeg(*megabytes, *seed)?;
        std::fs::write(path, &bytes)
            .with_context(|| format!("could not write {}", path.display()))?;
        println!(
            "Wrote a photo of {} bytes to {}.",
            bytes.len(),
            path.display()
        );
        return Ok(());
    }
    let metrics_allow = match &cli.command {
        Command::Serve { metrics_allow, .. } => metrics_allow.clone(),
        _ => None,
    };
    let config = Config::load(cli.config.as_deref(), cli.database, metrics_allow)?;
    init_logging(&config.log);
    let store = Store::open_with(&config.database, config.write_wait)
        .await
        .with_context(|| format!("cannot open the database {}", config.database))?
        .with_policy(config.policy);
    let created_key = install_key(&config.key)?;
    if let Err(err) = store.migrate().await {
        if let (Some(path), liaison_store::Error::Key(_)) = (&created_key, &err) {
            // The key made just now cannot be the one this database was sealed with: the key
            // file was lost or is elsewhere. Leaving the new one would hide that.
            let _ = std::fs::remove_file(path);
            bail!(
                "{err}\nThe key file {} is missing: put the key file this database was used with \
                 there, or name it with LIAISON_KEY_FILE.",
                path.display()
            );
        }
        return Err(anyhow::Error::new(err).context("cannot bring the database up to date"));
    }
    let actor = Actor::command_line("command line");
    // The words of records a command changed are indexed by a task of their own, which the
    // command waits for before it ends.
    let indexing = store.clone();
    let done = match cli.command {
        Command::Serve { bind, demo, .. } => {
            if demo || config.demo {
                load_demo_if_empty(&store, &actor).await?;
            }
            ensure_first_admin(&store, &actor).await?;
            let files = open_files(&config.files, config.file_limits).await?;
            serve(store, bind.unwrap_or(config.bind), config.web, files).await
        }
        Command::Migrate => {
            println!("The database {} is up to date.", config.database);
            Ok(())
        }
        Command::Demo => {
            let report = store.import(&actor, &demo_document()?).await?;
            println!(
                "Demo records: {} created, {} already present.",
                report.created, report.unchanged
            );
            Ok(())
        }
        Command::Import { files } => {
            let kept = open_files(&config.files, config.file_limits).await?;
            import(&store, &actor, &files, &kept).await
        }
        Command::Export { output } => {
            let kept = open_files(&config.files, config.file_limits).await?;
            export(&store, output.as_deref(), &kept.store).await
        }
        Command::Backup { path } => {
            store.backup(&path).await?;
            println!("Backup written to {}.", path.display());
            let files = open_files(&config.files, config.file_limits).await?;
            backup_files(&store, &files.store, &path).await
        }
        Command::Files(FilesCommand::Check) => {
            let files = open_files(&config.files, config.file_limits).await?;
            check_files(&store, &files.store).await
        }
        Command::BenchData {
            activities,
            trips,
            today,
            seed,
        } => {
            let started = std::time::Instant::now();
            let data = liaison_core::bench_data::Dataset::generate(activities, seed);
            let report = store.load_dataset(&data).await?;
            println!(
                "Loaded {} activities, {} organizations, {} people, {} participations and {} search documents in {:.1} s.",
                report.activities,
                report.organizations,
                report.people,
                report.participations,
                report.documents,
                started.elapsed().as_secs_f64()
            );
            if trips > 0 {
                let started = std::time::Instant::now();
                let today = today.unwrap_or_else(liaison_web::clock::china_today);
                let generated =
                    liaison_core::bench_data::TripDataset::generate(&data, trips, today, seed);
                let report = store.load_trips(&generated).await?;
                println!(
                    "Loaded {} trip applications as of {today}, {} accounts, {} decisions and {} changes of state in {:.1} s.",
                    report.trips,
                    report.accounts,
                    report.decisions,
                    report.events,
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
        // Written above, before the database is opened.
        Command::BenchPhoto { .. } => Ok(()),
        Command::Reindex => {
            let documents = store.reindex().await?;
            println!(
                "The search index and the organizations' timelines were rebuilt: {documents} records."
            );
            Ok(())
        }
        Command::User(command) => users(&store, &actor, command).await,
        Command::Key(KeyCommand::Rotate) => rotate_key(&store, &config.key).await,
        Command::Jobs(JobsCommand::RunOnce { at }) => {
            let files = open_files(&config.files, config.file_limits).await?;
            run_jobs_once(store, config.web, files, at.as_deref()).await
        }
        Command::Token(command) => tokens(&store, &actor, command).await,
    };
    indexing.index_settled().await;
    done
}

async fn tokens(store: &Store, actor: &Actor, command: TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create { user, label, days } => {
            let token = new_token();
            let made = store
                .create_api_token_lasting(actor, &user, &label, &token_hash(&token), Some(days))
                .await?;
            println!("{token}");
            eprintln!(
                "Send it as the header Authorization: Bearer TOKEN. It is not shown again. \
                 It is number {} and expires on {}.",
                made.id,
                made.expires_at.format("%Y-%m-%d %H:%M UTC")
            );
        }
        TokenCommand::List { user } => {
            let time = "%Y-%m-%d %H:%M";
            println!("number\tuser\tname\tcreated\texpires\tlast used\tstate");
            for token in store.api_tokens(actor, user.as_deref()).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    token.id,
                    token.username,
                    token.name,
                    token.created_at.format(time),
                    token.expires_at.format(time),
                    token
                        .last_used_at
                        .map_or_else(|| "never".to_owned(), |t| t.format(time).to_string()),
                    token.state(),
                );
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_api_token(actor, id).await?;
            println!("Token {id} is revoked.");
        }
    }
    Ok(())
}

/// A password to hand over once: it opens one session, in which the user must choose their own.
fn new_password() -> String {
    new_token()[..20].to_owned()
}

async fn hashed(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await?
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

async fn users(store: &Store, actor: &Actor, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            name,
            role,
            unit,
            display_name,
        } => {
            let role = UserRole::parse(&role).with_context(|| {
                format!(
                    "'{role}' is not a role; use admin, officer, leader, liaison, viewer or staff"
                )
            })?;
            let unit = match unit {
                Some(unit) => {
                    let link = match unit.parse::<i64>() {
                        Ok(id) => Link::Id(id),
                        Err(_) => Link::Key(unit.clone()),
                    };
                    Some(store.unit_id(&link).await?)
                }
                None => None,
            };
            let input = UserInput {
                version: None,
                display_name: display_name.unwrap_or_else(|| name.clone()),
                username: name,
                role,
                unit,
                active: true,
            };
            let password = new_password();
            let user = store
                .create_user_with_one_time_password(actor, input, &hashed(password.clone()).await?)
                .await?;
            println!(
                "Created {} ({}) with the one-time password: {password}",
                user.username,
                role.as_str()
            );
            Ok(())
        }
        UserCommand::ResetPassword { name } => {
            let password = new_password();
            let user = store
                .set_one_time_password(actor, &name, &hashed(password.clone()).await?)
                .await?;
            println!("New one-time password for {}: {password}", user.username);
            println!("Its sessions, API tokens and calendar feeds have ended.");
            Ok(())
        }
    }
}

/// On the first start of an empty installation, creates the admin account and prints its
/// one-time password, so the office can sign in at once.
async fn ensure_first_admin(store: &Store, actor: &Actor) -> Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let password = new_password();
    let input = UserInput {
        version: None,
        username: "admin".to_owned(),
        display_name: "Administrator".to_owned(),
        role: UserRole::Admin,
        unit: None,
        active: true,
    };
    let created = store
        .create_user_with_one_time_password(actor, input, &hashed(password.clone()).await?)
        .await;
    if let Err(err) = created {
        // Several processes started at once on an empty database: one of them made the first
        // account, and it alone prints its password.
        return match store.count_users().await? {
            0 => Err(err.into()),
            _ => Ok(()),
        };
    }
    println!("No accounts yet: created the account 'admin' with the one-time password {password}");
    println!("It signs in once, and then asks for a new password.");
    println!("Create the office's own accounts with `liaison user add`.");
    Ok(())
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LIAISON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn demo_document() -> Result<ExchangeDocument> {
    liaison_core::demo::seed_document().context("the built-in demo records cannot be read")
}

/// Loads the demo records into an empty database and leaves any other alone.
async fn load_demo_if_empty(store: &Store, actor: &Actor) -> Result<()> {
    if store.is_empty().await? {
        let report = store.import(actor, &demo_document()?).await?;
        tracing::info!(created = report.created, "demo records loaded");
    } else {
        tracing::info!("the database has records already; demo records not loaded");
    }
    Ok(())
}

/// Opens the store of the files kept with records, as the settings say.
async fn open_files(
    location: &Location,
    limits: liaison_core::FileLimits,
) -> Result<liaison_web::Files> {
    let store = FileStore::open(location)
        .await
        .with_context(|| format!("cannot open the files' store ({location:?})"))?;
    Ok(liaison_web::Files { store, limits })
}

/// Copies every file a record refers to into the folder beside the backup, where the restored
/// database looks by default; a file already there (from an earlier backup to the same place)
/// is the same bytes by its name and is not copied again. Files in an object store are left
/// where they are: the store keeps its own copies.
async fn backup_files(store: &Store, files: &FileStore, backup: &Path) -> Result<()> {
    if files.folder().is_none() {
        println!("Files are kept in an object store, which keeps its own copies; none copied.");
        return Ok(());
    }
    let beside = Location::beside(backup);
    let copy = FileStore::open(&beside)
        .await
        .with_context(|| format!("cannot write the files beside the backup ({beside:?})"))?;
    let mut copied = 0;
    let mut hashes: Vec<String> = store
        .all_files()
        .await?
        .into_iter()
        .map(|f| f.content_hash)
        .collect();
    hashes.sort();
    hashes.dedup();
    for hash in hashes.iter().filter_map(|h| ContentHash::parse(h)) {
        if copy.contains(&hash).await? {
            continue;
        }
        let bytes = files
            .get(&hash)
            .await
            .with_context(|| format!("the file {hash} a record refers to is missing"))?;
        copy.put(&bytes).await?;
        if let Some(thumbnail) = files.thumbnail(&hash).await? {
            copy.put_thumbnail(&hash, thumbnail).await?;
        }
        copied += 1;
    }
    println!(
        "{} files copied to {beside:?} ({} in all).",
        copied,
        hashes.len()
    );
    Ok(())
}

/// Lists files no record refers to, and files a record refers to that the store lacks.
async fn check_files(store: &Store, files: &FileStore) -> Result<()> {
    let kept: std::collections::BTreeSet<String> =
        files.list().await?.iter().map(|h| h.to_string()).collect();
    let rows = store.all_files().await?;
    let referred: std::collections::BTreeSet<&str> =
        rows.iter().map(|f| f.content_hash.as_str()).collect();
    let unreferenced: Vec<&String> = kept
        .iter()
        .filter(|h| !referred.contains(h.as_str()))
        .collect();
    let missing: Vec<_> = rows
        .iter()
        .filter(|f| !kept.contains(&f.content_hash))
        .collect();
    for hash in &unreferenced {
        println!("unreferenced {hash}");
    }
    for file in &missing {
        println!(
            "missing {} ({} {}, file {} \"{}\")",
            file.content_hash, file.record_kind, file.record_id, file.id, file.name
        );
    }
    println!(
        "{} files kept, {} referred to; {} unreferenced, {} missing.",
        kept.len(),
        referred.len(),
        unreferenced.len(),
        missing.len()
    );
    if !missing.is_empty() {
        bail!("{} files that records refer to are missing", missing.len());
    }
    Ok(())
}

/// Runs the jobs due at `at` (RFC 3339) or now, and says what was done.
async fn run_jobs_once(
    store: Store,
    settings: liaison_web::WebSettings,
    files: liaison_web::Files,
    at: Option<&str>,
) -> Result<()> {
    let now = match at {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .with_context(|| format!("--at '{text}' is not an RFC 3339 time"))?
            .with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    };
    let today = (now + chrono::Duration::hours(8)).date_naive();
    let state = liaison_web::AppState {
        store: store.clone(),
        settings,
        files,
    };
    let report = liaison_web::notices::run_due(&state, now, today).await?;
    println!(
        "Jobs run: {} done, {} failed{}.",
        report.done,
        report.failed,
        if report.swept { ", the day swept" } else { "" }
    );
    store.close().await;
    Ok(())
}

async fn serve(
    store: Store,
    bind: String,
    settings: liaison_web::WebSettings,
    files: liaison_web::Files,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr()?;
    println!("Liaison is listening on http://{address}");
    if settings.metrics.is_on() {
        tracing::info!(allowed = %settings.metrics, "/metrics is served to these addresses");
    }
    if settings.mail.smtp_url.is_none() {
        tracing::info!("no SMTP server is set: reminders are shown inside Liaison only");
    }
    let state = liaison_web::AppState {
        store: store.clone(),
        settings,
        files,
    };
    liaison_web::notices::spawn_worker(state.clone());
    // An import's records whose search words a stopped process left queued.
    tokio::spawn({
        let store = store.clone();
        async move { store.index_imported().await }
    });
    let app = liaison_web::app(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

async fn import(
    store: &Store,
    actor: &Actor,
    files: &[PathBuf],
    kept: &liaison_web::Files,
) -> Result<()> {
    // Every file is read and parsed before anything is saved, so a bad file saves nothing.
    let mut documents = Vec::new();
    for file in files {
        let text = tokio::fs::read_to_string(file)
            .await
            .with_context(|| format!("cannot read {}", file.display()))?;
        let mut value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a Liaison document", file.display()))?;
        let carried = take_carried_files(&mut value)
            .with_context(|| format!("the files listed in {} are not readable", file.display()))?;
        let document: ExchangeDocument = serde_json::from_value(value)
            .with_context(|| format!("{} is not a Liaison document", file.display()))?;
        if !liaison_core::EXCHANGE_FORMATS.contains(&document.liaison_format) {
            bail!(
                "{} is in format {}, and this Liaison reads formats {} to {}",
                file.display(),
                document.liaison_format,
                liaison_core::EXCHANGE_FORMATS.start(),
                liaison_core::EXCHANGE_FORMATS.end()
            );
        }
        check_carried(store, file, &document, &carried)
            .await
            .with_context(|| {
                format!(
                    "{} was not imported; nothing from it was saved",
                    file.display()
                )
            })?;
        documents.push((file, document, carried));
    }
    for (file, document, carried) in documents {
        let report = store.import(actor, &document).await.with_context(|| {
            format!(
                "{} was not imported; nothing from it was saved",
                file.display()
            )
        })?;
        println!(
            "{}: {} created, {} already present.",
            file.display(),
            report.created,
            report.unchanged
        );
        import_carried_files(store, actor, file, &carried, kept).await?;
        let shown = store
            .show_imported_news_photos(actor, &document.news)
            .await
            .with_context(|| {
                format!(
                    "the photos of the news releases of {} were not shown",
                    file.display()
                )
            })?;
        if shown > 0 {
            println!(
                "{}: {shown} news releases show their photos.",
                file.display()
            );
        }
    }
    Ok(())
}

/// Checks, before anything of a document is saved, that the files it lists are beside it and
/// that every photo a news release shows is one of them or is kept already with the release's
/// activity, so a document missing a file saves nothing.
async fn check_carried(
    store: &Store,
    document_path: &Path,
    document: &ExchangeDocument,
    carried: &[CarriedFile],
) -> Result<()> {
    if !carried.is_empty() {
        let folder = FileStore::open(&carried_folder(document_path)).await?;
        for file in carried {
            let hash = ContentHash::parse(&file.content_hash)
                .with_context(|| format!("a damaged hash: {}", file.content_hash))?;
            if !folder.contains(&hash).await? {
                bail!(
                    "the file {} of {} {} is not beside the document",
                    file.name,
                    file.record,
                    file.key
                );
            }
        }
    }
    for (i, release) in document.news.iter().enumerate() {
        for photo in &release.photos {
            let is_carried = carried.iter().any(|f| {
                f.record == liaison_core::ACTIVITY.as_str()
                    && f.key == release.activity
                    && f.content_hash == photo.content_hash
            });
            if is_carried {
                continue;
            }
            let held = match store
                .id_by_key(liaison_core::ACTIVITY, &release.activity)
                .await?
            {
                Some(id) => store
                    .record_files(liaison_core::ACTIVITY, id)
                    .await?
                    .iter()
                    .any(|f| f.content_hash == photo.content_hash),
                None => false,
            };
            if !held {
                bail!(
                    "news[{i}], the {} release of {}, shows the photo {} ({}), which the \
                     document does not carry and the activity does not keep",
                    release.language.as_str(),
                    release.activity,
                    photo.name,
                    photo.content_hash
                );
            }
        }
    }
    Ok(())
}

async fn export(store: &Store, output: Option<&Path>, kept: &FileStore) -> Result<()> {
    let document = store.export().await?;
    let mut value = serde_json::to_value(&document)?;
    let rows = store.all_files().await?;
    let json_for = |value: &serde_json::Value| serde_json::to_string_pretty(value);
    match output {
        Some(path) => {
            if path.exists() {
                bail!("{} exists already; choose a new file", path.display());
            }
            if !rows.is_empty() {
                let carried = carry_files(store, kept, &rows, path).await?;
                value["files"] = serde_json::to_value(carried)?;
            }
            let json = json_for(&value)?;
            tokio::fs::write(path, json + "\n")
                .await
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Exported to {}.", path.display());
        }
        None => {
            if !rows.is_empty() {
                // The photos a release shows travel with the files: a document that carries no
                // files names none, so it imports whole wherever it goes.
                if let Some(news) = value.get_mut("news").and_then(|n| n.as_array_mut()) {
                    for release in news.iter_mut().filter_map(|r| r.as_object_mut()) {
                        release.remove("photos");
                    }
                }
                eprintln!(
                    "{} files are kept with records; export with --output to write them, and the \
                     photos news releases show, beside the document.",
                    rows.len()
                );
            }
            println!("{}", json_for(&value)?);
        }
    }
    Ok(())
}

/// A file carried by an exported document: the record that keeps it, by kind and key, and its
/// bytes in the folder beside the document (`DOCUMENT.files`), under their hash.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CarriedFile {
    record: String,
    key: String,
    name: String,
    media_type: String,
    #[serde(default)]
    caption: String,
    content_hash: String,
}

/// The folder beside an exported document that holds its files.
fn carried_folder(document: &Path) -> Location {
    Location::beside(document)
}

/// Copies the files of keyed records beside the document, and lists them for it. A file of a
/// record without a key cannot be matched on import; it is named and left out.
async fn carry_files(
    store: &Store,
    kept: &FileStore,
    rows: &[liaison_core::StoredFile],
    document: &Path,
) -> Result<Vec<CarriedFile>> {
    let folder = FileStore::open(&carried_folder(document)).await?;
    let mut carried = Vec::new();
    for row in rows {
        let Some(kind) = liaison_core::files::kind_with_files(&row.record_kind) else {
            continue;
        };
        let Some(key) = store.key_by_id(kind, row.record_id).await? else {
            eprintln!(
                "{} of {} {} is not exported: the record has no key",
                row.name, row.record_kind, row.record_id
            );
            continue;
        };
        let hash = ContentHash::parse(&row.content_hash)
            .with_context(|| format!("a damaged hash: {}", row.content_hash))?;
        if !folder.contains(&hash).await? {
            let bytes = kept
                .get(&hash)
                .await
                .with_context(|| format!("the file {} of {key} is missing", row.name))?;
            folder.put(&bytes).await?;
        }
        carried.push(CarriedFile {
            record: row.record_kind.clone(),
            key,
            name: row.name.clone(),
            media_type: row.media_type.clone(),
            caption: row.caption.clone(),
            content_hash: row.content_hash.clone(),
        });
    }
    Ok(carried)
}

/// Takes the `files` a document carries out of it, leaving the records for the store.
fn take_carried_files(value: &mut serde_json::Value) -> Result<Vec<CarriedFile>> {
    match value.as_object_mut().and_then(|o| o.remove("files")) {
        Some(files) => Ok(serde_json::from_value(files)?),
        None => Ok(Vec::new()),
    }
}

/// Keeps the files a document carries with the records it names; a record that holds the same
/// bytes under the same name already is left as it is, so importing twice adds nothing.
async fn import_carried_files(
    store: &Store,
    actor: &Actor,
    document: &Path,
    carried: &[CarriedFile],
    kept: &liaison_web::Files,
) -> Result<()> {
    if carried.is_empty() {
        return Ok(());
    }
    let folder = FileStore::open(&carried_folder(document)).await?;
    let mut added = 0;
    for file in carried {
        let kind = liaison_core::files::kind_with_files(&file.record)
            .with_context(|| format!("{} records do not keep files", file.record))?;
        let id = store.id_by_key(kind, &file.key).await?.with_context(|| {
            format!("no {} {} for the file {}", file.record, file.key, file.name)
        })?;
        let held = store.record_files(kind, id).await?;
        if held
            .iter()
            .any(|h| h.content_hash == file.content_hash && h.name == file.name)
        {
            continue;
        }
        let hash = ContentHash::parse(&file.content_hash)
            .with_context(|| format!("a damaged hash: {}", file.content_hash))?;
        let bytes = folder
            .get(&hash)
            .await
            .with_context(|| format!("the file {} is not beside the document", file.name))?;
        if kept.store.put(&bytes).await? != hash {
            bail!(
                "the file {} beside the document is not the one listed",
                file.name
            );
        }
        // A document's files are checked as an upload is: its list is not taken on trust.
        let inspected = liaison_files::inspect(&bytes)
            .map_err(|why| anyhow::anyhow!("the file {} is not kept: {why}", file.name))?;
        let new = liaison_core::NewFile {
            content_hash: hash.to_string(),
            name: liaison_core::FileName::clean(&file.name, inspected.extension),
            media_type: inspected.media_type.to_owned(),
            size: bytes.len() as i64,
            caption: file.caption.clone(),
        };
        store
            .add_file_to(actor, kind, id, new, &kept.limits)
            .await?;
        added += 1;
    }
    println!(
        "{}: {added} files kept with their records.",
        document.display()
    );
    Ok(())
}
