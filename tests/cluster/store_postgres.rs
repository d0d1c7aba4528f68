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
