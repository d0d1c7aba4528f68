//! `xerrada backup` and `xerrada restore`: a consistent copy of a single-node installation,
//! taken while the server runs, in one tar file.
//!
//! The database is copied with SQLite's `VACUUM INTO`, which reads one snapshot: every
//! transaction committed before it began is in the copy, and none of those after. The files
//! are copied after it, so every file a message of the snapshot refers to is there (a file
//! is removed only a grace period after nothing refers to it); files uploaded meanwhile come
//! along unreferenced and are collected as usual. Uploads still being received (`tmp/`) are
//! left out.
//!
//! Restoring fills an empty data dir: the database is opened (so an older backup is brought
//! to this version's schema), checked with `PRAGMA integrity_check`, and counted.
//!
//! With `[backup] dir`, the server takes one every `every_hours` by itself and keeps the
//! newest `keep` archives ([`start_schedule`]).
//!
//! Several nodes keep their database in PostgreSQL: `pg_dump` and a copy of the shared files
//! directory are the backup there (docs/operations.md).

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::store::Backend;
use crate::store::sqlite::{SqliteContents, SqliteStore};

/// The database's name inside the archive and in the data dir.
const DATABASE: &str = "xerrada.db";
/// The files' folder inside the archive.
const FILES: &str = "files";
/// Where the files store keeps uploads being received (see `files/disk.rs`).
const UPLOADS_IN_PROGRESS: &str = "tmp";

/// What a backup holds.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub database_bytes: u64,
    pub files: u64,
    pub file_bytes: u64,
    pub archive_bytes: u64,
}

/// What a restore put in place.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub contents: SqliteContents,
    pub files: u64,
}

fn sqlite_database(config: &Config) -> Result<PathBuf, String> {
    let url = config.database_url();
    if Backend::of(&url) != Some(Backend::Sqlite) {
        return Err(
            "the database is PostgreSQL: back it up with pg_dump and copy the files \
                    directory (see docs/operations.md)"
                .into(),
        );
    }
    Ok(PathBuf::from(
        url.trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:"),
    ))
}

/// Writes a consistent copy of the installation to `archive` (a tar file), while the server
/// may keep running. The archive appears complete or not at all.
pub async fn backup(config: &Config, archive: &Path) -> Result<BackupReport, String> {
    let database = sqlite_database(config)?;
    if !database.exists() {
        return Err(format!("there is no database at {}", database.display()));
    }
    if archive.exists() {
        return Err(format!("{} exists already", archive.display()));
    }
    let work = archive_sibling(archive, "parts")?;
    std::fs::create_dir(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let result = async {
        let snapshot = work.join(DATABASE);
        SqliteStore::snapshot_into(&database, &snapshot)
            .await
            .map_err(|e| format!("cannot copy the database: {e}"))?;
        let files_dir = config.files_dir();
        let archive = archive.to_owned();
        tokio::task::spawn_blocking(move || write_archive(&snapshot, &files_dir, &archive))
            .await
            .map_err(|e| e.to_string())?
    }
    .await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// A path next to `archive` (same folder, so that renaming it into place is atomic).
fn archive_sibling(archive: &Path, suffix: &str) -> Result<PathBuf, String> {
    let name = archive
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", archive.display()))?;
    let mut sibling = name.to_owned();
    sibling.push(format!(".{suffix}"));
    Ok(archive.with_file_name(sibling))
}

fn write_archive(
    snapshot: &Path,
    files_dir: &Path,
    archive: &Path,
) -> Result<BackupReport, String> {
    let partial = archive_sibling(archive, "partial")?;
    let io = |e: std::io::Error| format!("cannot write {}: {e}", partial.display());
    let out = File::create(&partial).map_err(io)?;
    let mut tar = tar::Builder::new(out);
    tar.follow_symlinks(false);
    tar.append_path_with_name(snapshot, DATABASE).map_err(io)?;
    let (mut files, mut file_bytes) = (0u64, 0u64);
    if files_dir.is_dir() {
        for shard in std::fs::read_dir(files_dir).map_err(io)? {
            let shard = shard.map_err(io)?;
            if shard.file_name() == UPLOADS_IN_PROGRESS || !shard.file_type().map_err(io)?.is_dir()
            {
                continue;
            }
            for file in std::fs::read_dir(shard.path()).map_err(io)? {
                let file = file.map_err(io)?;
                if !file.file_type().map_err(io)?.is_file() {
                    continue;
                }
                let name = Path::new(FILES)
                    .join(shard.file_name())
                    .join(file.file_name());
                tar.append_path_with_name(file.path(), &name).map_err(io)?;
                files += 1;
                file_bytes += file.metadata().map_err(io)?.len();
            }
        }
    }
    let out = tar.into_inner().map_err(io)?;
    out.sync_all().map_err(io)?;
    drop(out);
    std::fs::rename(&partial, archive).map_err(io)?;
    Ok(BackupReport {
        database_bytes: std::fs::metadata(snapshot).map_err(io)?.len(),
        files,
        file_bytes,
        archive_bytes: std::fs::metadata(archive).map_err(io)?.len(),
    })
}

/// Fills an empty data dir from `archive`, then opens, checks and counts what it restored.
pub async fn restore(config: &Config, archive: &Path) -> Result<RestoreReport, String> {
    let database = sqlite_database(config)?;
    if database.exists() {
        return Err(format!(
            "{} exists: restore fills an empty data dir only",
            database.display()
        ));
    }
    let files_dir = config.files_dir();
    let has_files = std::fs::read_dir(&files_dir).is_ok_and(|mut entries| {
        entries.any(|e| e.is_ok_and(|e| e.file_name() != UPLOADS_IN_PROGRESS))
    });
    if has_files {
        return Err(format!(
            "{} holds files: restore fills an empty data dir only",
            files_dir.display()
        ));
    }
    let parent = database
        .parent()
        .ok_or_else(|| format!("{} has no folder", database.display()))?
        .to_owned();
    std::fs::create_dir_all(&parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let unpacked = parent.join(".restoring");
    let _ = std::fs::remove_dir_all(&unpacked);
    let files = {
        let archive = archive.to_owned();
        let unpacked = unpacked.clone();
        let database = database.clone();
        let files_dir = files_dir.clone();
        tokio::task::spawn_blocking(move || unpack(&archive, &unpacked, &database, &files_dir))
            .await
            .map_err(|e| e.to_string())?
    };
    let _ = std::fs::remove_dir_all(&unpacked);
    let files = files?;
    let store = SqliteStore::open(&config.database_url())
        .await
        .map_err(|e| format!("the restored database does not open: {e}"))?;
    let contents = store
        .contents()
        .await
        .map_err(|e| format!("the restored database cannot be read: {e}"))?;
    if contents.integrity != "ok" {
        return Err(format!(
            "the restored database is damaged: {}",
            contents.integrity
        ));
    }
    Ok(RestoreReport { contents, files })
}

/// Unpacks into `unpacked` (the tar crate refuses paths that leave it), then moves the
/// database and the files into place. Answers how many files it restored.
fn unpack(
    archive: &Path,
    unpacked: &Path,
    database: &Path,
    files_dir: &Path,
) -> Result<u64, String> {
    let io = |e: std::io::Error| format!("cannot restore {}: {e}", archive.display());
    let input = File::open(archive).map_err(io)?;
    tar::Archive::new(input).unpack(unpacked).map_err(io)?;
    let restored_database = unpacked.join(DATABASE);
    if !restored_database.is_file() {
        return Err(format!("{} holds no {DATABASE}", archive.display()));
    }
    move_file(&restored_database, database).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(database, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    let mut files = 0;
    let restored_files = unpacked.join(FILES);
    if restored_files.is_dir() {
        for shard in std::fs::read_dir(&restored_files).map_err(io)? {
            let shard = shard.map_err(io)?;
            let target = files_dir.join(shard.file_name());
            std::fs::create_dir_all(&target).map_err(io)?;
            for file in std::fs::read_dir(shard.path()).map_err(io)? {
                let file = file.map_err(io)?;
                move_file(&file.path(), &target.join(file.file_name())).map_err(io)?;
                files += 1;
            }
        }
    }
    Ok(files)
}

/// Renames, or copies and removes when `to` is on another file system (a files directory
/// configured elsewhere).
fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)?;
    std::fs::remove_file(from)
}

/// The name of a scheduled archive: sorting names sorts them by time.
const SCHEDULED_PREFIX: &str = "xerrada-";
const SCHEDULED_SUFFIX: &str = ".tar";

/// Takes a backup every `[backup] every_hours` into `[backup] dir` and removes all but the
/// newest `keep` there; `None` without a `dir`. A failed backup is logged and tried again at
/// the next period.
pub fn start_schedule(config: &Config) -> Option<tokio::task::JoinHandle<()>> {
    let dir = config.backup.dir.clone()?;
    let config = config.clone();
    let period = std::time::Duration::from_secs_f64(config.backup.every_hours * 3600.0);
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = std::fs::create_dir_all(&dir) {
                tracing::error!(dir = %dir.display(), error = %e, "scheduled backup: no folder");
                continue;
            }
            let name = format!(
                "{SCHEDULED_PREFIX}{}{SCHEDULED_SUFFIX}",
                crate::ids::now().replace([':', '-'], "")
            );
            match backup(&config, &dir.join(&name)).await {
                Ok(report) => tracing::info!(
                    archive = %name,
                    bytes = report.archive_bytes,
                    files = report.files,
                    "scheduled backup taken"
                ),
                Err(e) => {
                    tracing::error!(archive = %name, error = %e, "scheduled backup failed");
                    continue;
                }
            }
            if let Err(e) = prune(&dir, config.backup.keep) {
                tracing::warn!(dir = %dir.display(), error = %e, "old backups not removed");
            }
        }
    }))
}

/// Removes all but the newest `keep` scheduled archives of `dir` (other files are left).
fn prune(dir: &Path, keep: usize) -> std::io::Result<()> {
    let mut archives: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| {
                    name.starts_with(SCHEDULED_PREFIX) && name.ends_with(SCHEDULED_SUFFIX)
                })
        })
        .collect();
    archives.sort();
    let excess = archives.len().saturating_sub(keep);
    for old in &archives[..excess] {
        std::fs::remove_file(old)?;
    }
    Ok(())
}
