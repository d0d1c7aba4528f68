//! Restarts: what a graceful stop and a new start on the same data dir keep.

use serde_json::json;
use xerrada_tests::{USER_PASSWORD, spawn_app, spawn_in};

#[tokio::test]
async fn a_restart_keeps_accounts_channels_history_and_lets_clients_resume() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let anna = app.create_user_in(&admin, "anna", &[&tic.id]).await;
    let mut ws = app.connect(&anna).await;
    for n in 0..20 {
        ws.send_message("r", &tic.channel_id, &format!("before-{n}"), "abans")
            .await;
    }
    for _ in 0..20 {
        ws.next_of_type("ack").await;
    }
    let data_dir = app.data_dir.clone();
    let dir = app.stop().await;
    assert_eq!(
        ws.expect_close().await,
        Some(1001),
        "a graceful stop says 'going away'"
    );

    let app = spawn_in(data_dir, |_| {}).await;
    let anna = app.login("anna", USER_PASSWORD).await;
    let mut ws = app
        .connect_resuming(&anna, json!({ tic.channel_id.clone(): 15 }))
        .await;
    for seq in 16..=21 {
        assert_eq!(ws.next_significant().await["seq"], seq);
    }
    let stored = app.all_messages(&anna, &tic.channel_id).await;
    assert_eq!(stored.len(), 20);
    ws.send_message("r", &tic.channel_id, "before-3", "abans")
        .await;
    let ack = ws.next_of_type("ack").await;
    assert_eq!(ack["seq"], 5, "idempotency survives the restart");
    drop(dir);
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let admin = app.admin().await;
    let channel = app.create_channel(&admin, "general", "public").await;
    assert_eq!(app.send(&admin, &channel, "hola").await.0, 201);
    let mode = |name: &str| {
        std::fs::metadata(app.data_dir.join(name))
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert_eq!(mode(""), 0o700, "the data dir");
    for file in ["xerrada.db", "xerrada.db-wal", "xerrada.db-shm"] {
        assert_eq!(mode(file), 0o600, "{file}");
    }

    // A database left readable by an older version is narrowed at the next start.
    let data_dir = app.data_dir.clone();
    let dir = app.stop().await;
    let db = data_dir.join("xerrada.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let app = spawn_in(data_dir.clone(), |_| {}).await;
    let mode = std::fs::metadata(&db).expect("db").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    app.stop().await;
    drop(dir);
}

/// With `[backup] dir`, the server takes a backup every period by itself and keeps the
/// newest `keep`; the newest restores what was posted before it.
#[tokio::test]
async fn scheduled_backups_are_taken_and_only_the_newest_are_kept() {
    let backups = tempfile::tempdir().expect("backup dir");
    let dir = backups.path().to_owned();
    let app = xerrada_tests::spawn_app_with(|c| {
        c.backup.dir = Some(dir.clone());
        // About every 0.4 s.
        c.backup.every_hours = 0.4 / 3600.0;
        c.backup.keep = 2;
    })
    .await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "copies", "public").await;
    let (status, _) = app.send(&anna, &channel, "abans de la copia").await;
    assert_eq!(status, 201);
    let archives = || {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("backup dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            // Not the parts of a backup being written.
            .filter(|name| name.ends_with(".tar"))
            .collect();
        names.sort();
        names
    };
    let mut first_seen = None;
    let mut rotated = false;
    for _ in 0..200 {
        let names = archives();
        assert!(names.len() <= 3, "old archives are removed: {names:?}");
        if let Some(first) = names.first() {
            let first_seen = first_seen.get_or_insert_with(|| first.clone());
            if names.len() == 2 && !names.contains(first_seen) {
                rotated = true;
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        rotated,
        "backups kept coming and the oldest went: {:?}",
        archives()
    );
    let names = archives();
    assert!(names.iter().all(|n| n.starts_with("xerrada-")), "{names:?}");

    let restored = tempfile::tempdir().expect("restore dir");
    let config = xerrada::Config::new(restored.path());
    let report = xerrada::backup::restore(&config, &dir.join(names.last().expect("newest")))
        .await
        .expect("the newest backup restores");
    assert_eq!(report.contents.integrity, "ok");
    assert!(report.contents.messages >= 1, "{:?}", report.contents);
}
