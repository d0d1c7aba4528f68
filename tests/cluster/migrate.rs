//! Growing from one node to several: `xerrada migrate-store` copies a populated SQLite
//! installation into PostgreSQL, and a node started on the copy serves the same accounts,
//! channels and history (and the same logins: the signing key moves too).

use serde_json::json;
use xerrada_tests::node::{NodeOptions, NodeProcess, run_cli};
use xerrada_tests::postgres::TestDatabase;
use xerrada_tests::{ADMIN_PASSWORD, USER_PASSWORD};

use crate::support::{channel_with, nats_url};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn migrate_store_moves_a_sqlite_installation_to_postgres() {
    // A single node on SQLite, with some life in it.
    let mut single = NodeProcess::start(&NodeOptions::default()).await;
    let admin = single.admin().await;
    let urbanisme = single.create_department(&admin, "urbanisme").await;
    let anna = single
        .create_user_in(&admin, "anna", &[urbanisme.id.as_str()])
        .await;
    let bernat = single.create_user(&admin, "bernat").await;
    let channel = channel_with(&single, &anna, "projectes", &[&bernat]).await;
    for n in 0..250 {
        let (status, body) = single
            .send(
                &anna,
                &channel,
                &format!("missatge {n} amb accents: àèéíòóú"),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    single
        .send(&bernat, &urbanisme.channel_id, "no sóc del departament")
        .await;
    single
        .send(&anna, &urbanisme.channel_id, "Reunió a les 10")
        .await;
    let (status, _) = single
        .post(
            "/api/v1/tickets",
            &bernat.token,
            json!({"title": "No funciona la impressora", "description": "Planta 2"}),
        )
        .await;
    assert_eq!(status, 201);
    let history_before = single.all_messages(&anna, &channel).await;
    let channels_before = single.get("/api/v1/channels", &anna.token).await.1;
    let db_path = single.data_dir.path().join("xerrada.db");
    single.kill();

    let db = TestDatabase::create().await;
    let from = format!("sqlite://{}", db_path.display());
    let (ok, stdout, stderr) = run_cli(&["migrate-store", "--from", &from, "--to", &db.url]);
    assert!(ok, "migrate-store failed: {stdout}\n{stderr}");
    assert!(
        stdout.contains("every count and checksum matches"),
        "{stdout}"
    );
    let events_line = stdout
        .lines()
        .find(|l| l.starts_with("events "))
        .expect("an events line");
    assert!(events_line.ends_with("yes"), "{events_line}");

    // Copying again into the now populated database is refused, and changes nothing.
    let (again, _, stderr) = run_cli(&["migrate-store", "--from", &from, "--to", &db.url]);
    assert!(
        !again,
        "a second copy into a non-empty database must be refused"
    );
    assert!(stderr.contains("already holds data"), "{stderr}");

    let node = NodeProcess::start(&NodeOptions {
        database_url: Some(db.url.clone()),
        nats_url: Some(nats_url()),
        ..NodeOptions::default()
    })
    .await;
    // A token issued by the old node is still valid: the signing key came along.
    let (status, me) = node.get("/api/v1/me", &anna.token).await;
    assert_eq!(status, 200, "{me}");
    node.login("admin", ADMIN_PASSWORD).await;
    let anna_again = node.login("anna", USER_PASSWORD).await;
    assert_eq!(anna_again.user.id, anna.user.id);
    assert_eq!(
        node.all_messages(&anna_again, &channel).await,
        history_before
    );
    assert_eq!(
        node.get("/api/v1/channels", &anna_again.token).await.1,
        channels_before
    );
    let (status, tickets) = node.get("/api/v1/tickets", &bernat.token).await;
    assert_eq!(status, 200);
    assert_eq!(
        tickets["tickets"].as_array().map(Vec::len),
        Some(1),
        "{tickets}"
    );
    // And the installation keeps going where it was.
    let (status, sent) = node
        .send(&anna_again, &channel, "ja som a PostgreSQL")
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        sent["seq"].as_i64(),
        history_before
            .last()
            .and_then(|m| m["seq"].as_i64())
            .map(|s| s + 1)
    );
    let (status, ticket) = node
        .post(
            "/api/v1/tickets",
            &bernat.token,
            json!({"title": "Segona", "description": "El número continua"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(ticket["number"], 2, "{ticket}");
}
