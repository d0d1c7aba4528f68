//! The store conformance suite on the PostgreSQL backend (a fresh database per test).

use std::sync::Arc;

use xerrada::store::Store;
use xerrada::store::postgres::PostgresStore;
use xerrada_tests::postgres::TestDatabase;

async fn fresh_postgres() -> (Arc<dyn Store>, TestDatabase) {
    let db = TestDatabase::create().await;
    let store = PostgresStore::open(&db.url).await.expect("store opens");
    (Arc::new(store), db)
}

xerrada_tests::store_conformance!(fresh_postgres());

/// Nothing rewrites the audit log, not even SQL run straight on the database.
#[tokio::test]
async fn the_audit_log_refuses_updates_deletes_and_truncation() {
    use xerrada_tests::conformance::failed_login_entry;
    let (store, db) = fresh_postgres().await;
    store
        .append_audit(failed_login_entry("marta"))
        .await
        .expect("append");
    let pool = sqlx::PgPool::connect(&db.url).await.expect("raw pool");
    for sql in [
        "UPDATE audit_log SET actor_name = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
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
