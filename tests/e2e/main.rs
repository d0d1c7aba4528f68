//! End-to-end tests: real servers on port 0, real HTTP and WebSocket clients. One binary so
//! the suite links once.

mod messaging;
mod store_sqlite;
