//! A fresh PostgreSQL database per test, on the server named by `XERRADA_TEST_POSTGRES_URL`
//! (default: the local server, database `postgres`), dropped when the guard goes.
//!
//! Every test gets its own database, so tests run in parallel and runs never see each other's
//! data; a crashed run leaves only a uniquely named database behind.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The maintenance connection URL tests create their databases with.
pub fn admin_url() -> String {
    std::env::var("XERRADA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database that exists for as long as this value.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        let admin = admin_url();
        let name = format!("xerrada_test_{}", uuid_like());
        let mut conn = PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed for this test: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create the test database");
        let _ = conn.close().await;
        let url = match admin.rfind('/') {
            Some(slash) => format!("{}/{name}", &admin[..slash]),
            None => panic!("XERRADA_TEST_POSTGRES_URL must end with /database"),
        };
        TestDatabase { name, url }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = admin_url();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop may run inside or outside a runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// A unique, lower-case identifier fragment (time + process + counter).
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{nanos:x}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDatabase {
    /// The database's URL, reached through `addr` instead (a [`crate::proxy::Proxy`]).
    pub fn url_via(&self, addr: std::net::SocketAddr) -> String {
        let (scheme, rest) = self.url.split_once("://").expect("a URL");
        let (authority, path) = rest.split_once('/').expect("a database path");
        let user = authority
            .rsplit_once('@')
            .map(|(user, _)| format!("{user}@"));
        format!("{scheme}://{}{addr}/{path}", user.unwrap_or_default())
    }

    /// The socket address of the PostgreSQL server itself.
    pub fn server_addr(&self) -> std::net::SocketAddr {
        host_port(&self.url, 5432)
    }
}

/// `host:port` of a URL like `scheme://user@host:port/path`, resolved.
pub fn host_port(url: &str, default_port: u16) -> std::net::SocketAddr {
    use std::net::ToSocketAddrs;
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let with_port = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:{default_port}")
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .unwrap_or_else(|| panic!("cannot resolve {with_port}"))
}
