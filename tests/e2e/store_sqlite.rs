//! The store conformance suite on the SQLite backend (a fresh database file per test).

use std::sync::Arc;

use xerrada::store::Store;
use xerrada::store::sqlite::SqliteStore;

async fn fresh_sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("xerrada.db").display());
    let store = SqliteStore::open(&url).await.expect("store opens");
    (Arc::new(store), dir)
}

xerrada_tests::store_conformance!(fresh_sqlite());

/// An installation from before the search index moved under the messages' own ids
/// (migration 0020): its messages are indexed again when the new version opens it, with the
/// words the server makes (the ela geminada joined, the files' names), deleted messages left
/// out, and every message keeping its place.
#[tokio::test]
async fn an_older_database_is_indexed_again_when_opened() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use xerrada::search::Query;
    use xerrada::store::{SearchFilter, SearchStore};

    let dir = tempfile::tempdir().expect("temp dir");
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).expect("migrations dir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
    let mut names: Vec<_> = std::fs::read_dir(&source)
        .expect("migrations")
        .map(|entry| entry.expect("entry").file_name())
        .filter(|name| name.to_string_lossy().as_ref() < "0020")
        .collect();
    names.sort();
    assert_eq!(names.len(), 19, "{names:?}");
    for name in &names {
        std::fs::copy(source.join(name), migrations.join(name)).expect("copy");
    }
    let path = dir.path().join("xerrada.db");
    let old = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true),
        )
        .await
        .expect("old database");
    sqlx::migrate::Migrator::new(migrations.as_path())
        .await
        .expect("old migrations")
        .run(&old)
        .await
        .expect("old schema");
    let file = r#"[{"id":"f1","name":"Informe-llicència.pdf","size":3,"content_type":"application/pdf","sha256":"00"}]"#;
    for statement in [
        "INSERT INTO users (id, username, username_key, display_name, kind, role, created_at)
         VALUES ('u1', 'marta', 'marta', 'Marta', 'human', 'member', '2026-01-01T00:00:00Z')",
        "INSERT INTO channels (id, name, kind, created_at, last_seq)
         VALUES ('c1', 'urbanisme', 'public', '2026-01-01T00:00:00Z', 5)",
        "INSERT INTO events (channel_id, seq, kind, actor_id, created_at)
         VALUES ('c1', 1, 'member_joined', 'u1', '2026-01-01T00:00:00Z')",
        "INSERT INTO events (channel_id, seq, kind, actor_id, message_id, body, created_at)
         VALUES ('c1', 2, 'message', 'u1', 'm2', 'La col·lecció d''obres és a l''arxiu', '2026-01-02T00:00:00Z')",
        "INSERT INTO events (channel_id, seq, kind, actor_id, message_id, body, created_at, deleted)
         VALUES ('c1', 3, 'message', 'u1', 'm3', 'Un esborrany esborrat', '2026-01-03T00:00:00Z', 1)",
        "INSERT INTO events (channel_id, seq, kind, actor_id, message_id, body, created_at, files)
         VALUES ('c1', 4, 'message', 'u1', 'm4', 'Us passo el document', '2026-01-04T00:00:00Z', ?)",
        "INSERT INTO events (channel_id, seq, kind, actor_id, message_id, body, created_at)
         VALUES ('c1', 5, 'message', 'u1', 'm5', 'Reunió sobre les obres dijous', '2026-01-05T00:00:00Z')",
    ] {
        let query = sqlx::query(statement);
        let query = if statement.contains('?') {
            query.bind(file)
        } else {
            query
        };
        query.execute(&old).await.expect(statement);
    }
    old.close().await;

    let store = SqliteStore::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("the new version opens the old database");
    let search = |q: &str| {
        let filter = SearchFilter {
            terms: Query::parse(q).expect("query").terms,
            channel_ids: vec!["c1".into()],
            limit: 10,
            ..Default::default()
        };
        let store = store.clone();
        async move {
            store
                .search(&filter)
                .await
                .expect("search")
                .into_iter()
                .map(|hit| hit.message.seq)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        search("colleccio").await,
        vec![2],
        "the ela geminada, joined"
    );
    assert_eq!(search("col.lecció").await, vec![2]);
    assert_eq!(search("llicencia").await, vec![4], "a file's name");
    assert_eq!(search("obres").await, vec![5, 2], "newest first");
    assert!(search("esborrat").await.is_empty(), "a deleted message");
    assert_eq!(
        search("").await,
        vec![5, 4, 2],
        "messages only, no deleted one"
    );

    // Asked once: opening it again indexes nothing twice.
    drop(store);
    let store = SqliteStore::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("opens again");
    let filter = SearchFilter {
        terms: Query::parse("obres").expect("query").terms,
        channel_ids: vec!["c1".into()],
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.search(&filter).await.expect("search").len(), 2);
}

/// Nothing rewrites the audit log, not even SQL run straight on the file.
#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    use xerrada_tests::conformance::failed_login_entry;
    let (store, dir) = fresh_sqlite().await;
    store
        .append_audit(failed_login_entry("marta"))
        .await
        .expect("append");
    let url = format!("sqlite://{}", dir.path().join("xerrada.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("raw pool");
    for sql in [
        "UPDATE audit_log SET actor_name = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let refused = sqlx::query(sql).execute(&pool).await.expect_err(sql);
        assert!(
            refused.to_string().contains("append-only"),
            "{sql}: {refused}"
        );
    }
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'marta'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(count, 1);
}
