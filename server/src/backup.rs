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
    let placed = {
        let archive = archive.to_owned();
        let unpacked = unpacked.clone();
        let database = database.clone();
        let files_dir = files_dir.clone();
        tokio::task::spawn_blocking(move || unpack(&archive, &unpacked, &database, &files_dir))
            .await
            .map_err(|e| e.to_string())?
    };
    let _ = std::fs::remove_dir_all(&unpacked);
    let placed = placed?;
    match open_and_check(config).await {
        Ok(contents) => Ok(RestoreReport {
            contents,
            files: placed.files.len() as u64,
        }),
        Err(message) => {
            placed.undo(&database);
            Err(message)
        }
    }
}

async fn open_and_check(config: &Config) -> Result<SqliteContents, String> {
    let store = SqliteStore::open(&config.database_url())
        .await
        .map_err(|e| format!("the restored database does not open: {e}"))?;
    let contents = store
        .contents()
        .await
        .map_err(|e| format!("the restored database cannot be read: {e}"))?;
    store.close().await;
    if contents.integrity != "ok" {
        return Err(format!(
            "the restored database is damaged: {}",
            contents.integrity
        ));
    }
    Ok(contents)
}

/// What a restore moved into the data dir, so that a failure can take it out again and leave
/// the data dir as empty as it found it (and the restore can be tried again).
#[derive(Default)]
struct Placed {
    files: Vec<PathBuf>,
    database: bool,
}

impl Placed {
    fn undo(self, database: &Path) {
        for file in &self.files {
            let _ = std::fs::remove_file(file);
            if let Some(shard) = file.parent() {
                // Only empty shards go; `remove_dir` leaves others alone.
                let _ = std::fs::remove_dir(shard);
            }
        }
        if self.database {
            let _ = std::fs::remove_file(database);
            for suffix in ["-wal", "-shm", "-journal"] {
                let mut side = database.as_os_str().to_owned();
                side.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(side));
            }
        }
    }
}

/// Unpacks into `unpacked` (the tar crate refuses paths that leave it), then moves the files
/// and, last, the database into place: a data dir with a database is a restored one. Only
/// regular files and folders are taken; a link could point a later write outside the data dir.
/// On failure, whatever was moved is taken out again.
fn unpack(
    archive: &Path,
    unpacked: &Path,
    database: &Path,
    files_dir: &Path,
) -> Result<Placed, String> {
    let io = |e: std::io::Error| format!("cannot restore {}: {e}", archive.display());
    let input = File::open(archive).map_err(io)?;
    let mut tar = tar::Archive::new(input);
    std::fs::create_dir_all(unpacked).map_err(io)?;
    for entry in tar.entries().map_err(io)? {
        let mut entry = entry.map_err(io)?;
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind.is_dir()) {
            let path = entry.path().map_err(io)?.display().to_string();
            return Err(format!(
                "{} is not a Xerrada backup: {path} is not a regular file",
                archive.display()
            ));
        }
        entry.unpack_in(unpacked).map_err(io)?;
    }
    let restored_database = unpacked.join(DATABASE);
    if !restored_database.is_file() {
        return Err(format!("{} holds no {DATABASE}", archive.display()));
    }
    let mut placed = Placed::default();
    match place(
        unpacked,
        &restored_database,
        database,
        files_dir,
        &mut placed,
    ) {
        Ok(()) => Ok(placed),
        Err(e) => {
            placed.undo(database);
            Err(io(e))
        }
    }
}

fn place(
    unpacked: &Path,
    restored_database: &Path,
    database: &Path,
    files_dir: &Path,
    placed: &mut Placed,
) -> std::io::Result<()> {
    let restored_files = unpacked.join(FILES);
    if restored_files.is_dir() {
        for shard in std::fs::read_dir(&restored_files)? {
            let shard = shard?;
            if !shard.file_type()?.is_dir() {
                continue;
            }
            let target = files_dir.join(shard.file_name());
            std::fs::create_dir_all(&target)?;
            for file in std::fs::read_dir(shard.path())? {
                let file = file?;
                if !file.file_type()?.is_file() {
                    continue;
                }
                let to = target.join(file.file_name());
                move_file(&file.path(), &to)?;
                placed.files.push(to);
            }
        }
    }
    move_file(restored_database, database)?;
    placed.database = true;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(database, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FileConfig, Overrides, resolve};

    fn config_in(data_dir: &Path) -> Config {
        let overrides = Overrides {
            data_dir: Some(data_dir.to_owned()),
            ..Overrides::default()
        };
        resolve(overrides, FileConfig::default()).expect("config")
    }

    /// A tar with `entries` (path, bytes) and, when given, a symbolic link.
    fn archive_with(path: &Path, entries: &[(&str, &[u8])], link: Option<(&str, &str)>) {
        let mut tar = tar::Builder::new(File::create(path).expect("create"));
        for (name, bytes) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o600);
            header.set_cksum();
            tar.append_data(&mut header, name, *bytes).expect("append");
        }
        if let Some((name, target)) = link {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_size(0);
            tar.append_link(&mut header, name, target).expect("link");
        }
        tar.finish().expect("finish");
    }

    fn is_empty(dir: &Path) -> bool {
        std::fs::read_dir(dir).map_or(true, |mut entries| {
            entries.all(|e| e.is_ok_and(|e| e.file_name() == UPLOADS_IN_PROGRESS))
        })
    }

    #[tokio::test]
    async fn an_archive_with_a_link_is_refused_and_nothing_is_restored() {
        let scratch = tempfile::tempdir().expect("tempdir");
        let data = scratch.path().join("data");
        let archive = scratch.path().join("evil.tar");
        archive_with(
            &archive,
            &[("files/ab/abcdef", b"a file")],
            Some(("files/ab/passwd", "/etc/passwd")),
        );
        let config = config_in(&data);
        let refused = restore(&config, &archive).await.expect_err("refused");
        assert!(refused.contains("not a regular file"), "{refused}");
        assert!(is_empty(&config.files_dir()), "no file was placed");
        assert!(!data.join(DATABASE).exists());
    }

    #[tokio::test]
    async fn a_damaged_database_leaves_the_data_dir_empty_for_another_try() {
        let scratch = tempfile::tempdir().expect("tempdir");
        let data = scratch.path().join("data");
        let archive = scratch.path().join("damaged.tar");
        archive_with(
            &archive,
            &[
                (
                    "xerrada.db",
                    b"this is not an SQLite database, only its name is",
                ),
                ("files/ab/abcdef", b"a file"),
            ],
            None,
        );
        let config = config_in(&data);
        let failed = restore(&config, &archive).await.expect_err("damaged");
        assert!(failed.contains("restored database"), "{failed}");
        assert!(!data.join(DATABASE).exists(), "the database was taken out");
        assert!(is_empty(&config.files_dir()), "the files were taken out");

        // A sound backup restores into the same folder afterwards.
        let source = scratch.path().join("source");
        std::fs::create_dir_all(&source).expect("mkdir");
        let source_config = config_in(&source);
        let store = SqliteStore::open(&source_config.database_url())
            .await
            .expect("source store");
        store.close().await;
        let good = scratch.path().join("good.tar");
        backup(&source_config, &good).await.expect("backup");
        let report = restore(&config, &good).await.expect("restore");
        assert_eq!(report.contents.integrity, "ok");
        assert_eq!(report.files, 0);
    }
}
