//! Several nodes on the machine's real PostgreSQL and NATS (`.ci/run` points
//! `XERRADA_TEST_POSTGRES_URL` and `XERRADA_TEST_NATS_URL` at them). Each test gets its own
//! database; nodes are real `xerrada` processes.

mod failover;
mod migrate;
mod nodes;
mod search;
mod store_postgres;
mod support;
