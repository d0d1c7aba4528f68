//! The search suite on a node on PostgreSQL: the same results as on SQLite.

use xerrada_tests::postgres::TestDatabase;

use crate::support::start_nodes;

#[tokio::test]
async fn people_find_what_they_may_read_and_nothing_else_on_postgres() {
    let db = TestDatabase::create().await;
    let nodes = start_nodes(&db, 1).await;
    xerrada_tests::search_suite::people_find_what_they_may_read_and_nothing_else(&nodes[0]).await;
}
