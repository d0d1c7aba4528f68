//! The audit log and the dashboard's counts.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use xerrada_protocol::AuditEntry;

use super::*;

#[async_trait]
impl AdminStore for DbStore {
    async fn append_audit(&self, entry: NewAuditEntry) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, target, ip, details)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&entry.at)
        .bind(&entry.actor_id)
        .bind(&entry.actor_name)
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(&entry.ip)
        .bind(&entry.details)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        // An absent filter is bound as NULL and matches everything: one statement, one plan
        // per backend.
        let rows = sqlx::query(
            "SELECT id, at, actor_id, actor_name, action, target, ip, details FROM audit_log
             WHERE (CAST($1 AS TEXT) IS NULL OR actor_id = $1 OR actor_name = $1)
               AND (CAST($2 AS TEXT) IS NULL OR action = $2)
               AND (CAST($3 AS TEXT) IS NULL OR at >= $3)
               AND (CAST($4 AS TEXT) IS NULL OR at < $4)
               AND (CAST($5 AS BIGINT) IS NULL OR id < $5)
             ORDER BY id DESC LIMIT $6",
        )
        .bind(&filter.actor)
        .bind(&filter.action)
        .bind(&filter.from)
        .bind(&filter.to)
        .bind(filter.before_id)
        .bind(i64::from(filter.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let details: String = row.try_get("details").map_err(db_error)?;
                Ok(AuditEntry {
                    id: row.try_get("id").map_err(db_error)?,
                    at: row.try_get("at").map_err(db_error)?,
                    actor_id: row.try_get("actor_id").map_err(db_error)?,
                    actor_name: row.try_get("actor_name").map_err(db_error)?,
                    action: row.try_get("action").map_err(db_error)?,
                    target: row.try_get("target").map_err(db_error)?,
                    ip: row.try_get("ip").map_err(db_error)?,
                    details: serde_json::from_str(&details).map_err(internal)?,
                })
            })
            .collect()
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn set_setting(&self, key: &str, value: &str, by: &str, at: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(by)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn dashboard_counts(&self, today: &str) -> StoreResult<DashboardCounts> {
        let (messages_today, open_tickets, users, channels, files_bytes): (
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM events WHERE kind = 'message' AND created_at >= $1),
               (SELECT COUNT(*) FROM tickets WHERE status NOT IN ('resolved', 'closed')),
               (SELECT COUNT(*) FROM users WHERE kind = 'human' AND active = TRUE),
               (SELECT COUNT(*) FROM channels WHERE kind <> 'direct'),
               (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files)",
        )
        .bind(today)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        let database_bytes: i64 = sqlx::query_scalar(dialect::DATABASE_BYTES)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(DashboardCounts {
            messages_today,
            open_tickets,
            users,
            channels,
            files_bytes,
            database_bytes,
        })
    }
}
