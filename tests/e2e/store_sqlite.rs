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
