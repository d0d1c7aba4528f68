//! Accounts and sessions.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use super::*;

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.kind, u.role, u.active, u.status_text, u.timezone, u.email, \
     (SELECT string_agg(d.department_id, ',') FROM department_members d WHERE d.user_id = u.id) AS department_ids";

impl DbStore {
    async fn fetch_user(&self, id: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| user_from_row(&r)).transpose()
    }
}

#[async_trait]
impl AccountStore for DbStore {
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        insert_user(&mut tx, &user).await?;
        tx.commit().await.map_err(db_error)?;
        self.fetch_user(&user.id)
            .await?
            .ok_or_else(|| internal("user vanished after insert"))
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        self.fetch_user(id).await
    }

    async fn users_by_ids(&self, ids: &[String]) -> StoreResult<Vec<User>> {
        let mut users = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BOUND_PER_STATEMENT) {
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.pool).await.map_err(db_error)? {
                users.push(user_from_row(&row)?);
            }
        }
        users.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(users)
    }

    async fn credentials_by_username(&self, username: &str) -> StoreResult<Option<Credentials>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username_key = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.to_lowercase())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| {
            Ok(Credentials {
                user: user_from_row(&r)?,
                password_hash: r.try_get("password_hash").map_err(db_error)?,
            })
        })
        .transpose()
    }

    async fn password_hash(&self, user_id: &str) -> StoreResult<Option<String>> {
        let hash: Option<Option<String>> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(hash.flatten())
    }

    async fn language(&self, user_id: &str) -> StoreResult<Option<String>> {
        let lang: Option<Option<String>> =
            sqlx::query_scalar("SELECT lang FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(lang.flatten())
    }

    async fn set_language(&self, user_id: &str, lang: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn list_users(&self, query: Option<&str>, limit: u32) -> StoreResult<Vec<User>> {
        // SQLite's lower(), and PostgreSQL's in the "C" collation of every text column, fold
        // ASCII letters only; the needle is folded the same way here.
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u
             WHERE CAST($1 AS TEXT) IS NULL
                   OR {position}(lower(u.username), $1) > 0
                   OR {position}(lower(u.display_name), $1) > 0
             ORDER BY u.username_key LIMIT $2",
            position = dialect::POSITION,
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(query.map(str::to_ascii_lowercase))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn update_user(&self, id: &str, change: UserChange) -> StoreResult<Option<User>> {
        let done = sqlx::query(
            "UPDATE users SET
                display_name = COALESCE($2, display_name),
                password_hash = COALESCE($3, password_hash),
                role = COALESCE($4, role),
                status_text = COALESCE($5, status_text),
                timezone = COALESCE($6, timezone),
                email = COALESCE($7, email)
             WHERE id = $1",
        )
        .bind(id)
        .bind(&change.display_name)
        .bind(&change.password_hash)
        .bind(change.role.map(role_str))
        .bind(&change.status_text)
        .bind(&change.timezone)
        .bind(&change.email)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.fetch_user(id).await
    }

    async fn deactivate_user(&self, id: &str, at: &str) -> StoreResult<Option<Vec<String>>> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET active = FALSE WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let sessions = revoke_sessions_of(&mut tx, id, at).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(sessions))
    }

    async fn reactivate_user(&self, id: &str) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE users SET active = TRUE WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn revoke_user_sessions(&self, user_id: &str, at: &str) -> StoreResult<Vec<String>> {
        let mut tx = self.begin_write().await?;
        let sessions = revoke_sessions_of(&mut tx, user_id, at).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(sessions)
    }

    async fn reset_password(
        &self,
        user_id: &str,
        password_hash: &str,
        at: &str,
    ) -> StoreResult<Option<Vec<String>>> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let sessions = revoke_sessions_of(&mut tx, user_id, at).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(sessions))
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&session.id)
        .bind(&session.user_id)
        .bind(&session.created_at)
        .bind(&session.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        insert_refresh_token(
            &mut tx,
            &session.refresh_hash,
            &session.id,
            &session.created_at,
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn create_bot(&self, bot: NewUser, token: NewTokenSession) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        insert_user(&mut tx, &bot).await?;
        insert_token_session(&mut tx, &token).await?;
        tx.commit().await.map_err(db_error)?;
        self.fetch_user(&bot.id)
            .await?
            .ok_or_else(|| internal("bot vanished after insert"))
    }

    async fn create_token_session(&self, token: NewTokenSession) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_token_session(&mut tx, &token).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn token_session(&self, token_hash: &str) -> StoreResult<Option<TokenSession>> {
        let row = sqlx::query(
            "SELECT id, user_id, revoked_at IS NOT NULL AS revoked FROM sessions
             WHERE token_hash = $1 AND kind = 'bot_token'",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.as_ref().map(from_row::<TokenSessionRow, _>).transpose()
    }

    async fn token_sessions(&self, user_id: &str) -> StoreResult<Vec<TokenSessionInfo>> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, revoked_at FROM sessions
             WHERE user_id = $1 AND kind = 'bot_token' ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(from_row::<TokenSessionInfoRow, _>)
            .collect()
    }

    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: &str,
        reuse_grace_since: &str,
    ) -> StoreResult<RefreshOutcome> {
        let mut tx = self.begin_write().await?;
        // The token's row is locked: when two nodes present the same token at once, the second
        // waits, then sees it used (a reuse), as after SQLite's BEGIN IMMEDIATE.
        let sql = format!(
            "SELECT r.session_id, r.used_at, s.user_id, s.revoked_at, s.expires_at
             FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
             WHERE r.token_hash = $1{}",
            dialect::lock_rows_of("r")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(old_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(RefreshOutcome::Invalid);
        };
        let session_id: String = row.try_get("session_id").map_err(db_error)?;
        let user_id: String = row.try_get("user_id").map_err(db_error)?;
        let used_at: Option<String> = row.try_get("used_at").map_err(db_error)?;
        let revoked_at: Option<String> = row.try_get("revoked_at").map_err(db_error)?;
        let expires_at: String = row.try_get("expires_at").map_err(db_error)?;
        if revoked_at.is_some() || expires_at.as_str() <= now {
            return Ok(RefreshOutcome::Invalid);
        }
        if let Some(used_at) = used_at {
            if used_at.as_str() > reuse_grace_since {
                // Within the grace: a second token for the session. `used_at` stays, so the
                // grace is not stretched by retrying.
                insert_refresh_token(&mut tx, new_hash, &session_id, now).await?;
                tx.commit().await.map_err(db_error)?;
                return Ok(RefreshOutcome::Rotated {
                    session_id,
                    user_id,
                });
            }
            sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1")
                .bind(&session_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            tx.commit().await.map_err(db_error)?;
            return Ok(RefreshOutcome::Reused { session_id });
        }
        sqlx::query("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1")
            .bind(old_hash)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        insert_refresh_token(&mut tx, new_hash, &session_id, now).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(RefreshOutcome::Rotated {
            session_id,
            user_id,
        })
    }

    async fn revoke_session(&self, session_id: &str, at: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(session_id)
                .bind(at)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn sessions_revoked_since(&self, since: &str) -> StoreResult<Vec<String>> {
        sqlx::query_scalar("SELECT id FROM sessions WHERE revoked_at >= $1")
            .bind(since)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)
    }
}

async fn insert_token_session(
    tx: &mut Transaction<'static, Db>,
    token: &NewTokenSession,
) -> StoreResult<()> {
    // Bot tokens live until revoked; `expires_at` is far enough away to mean "never".
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, kind, token_hash, label)
         VALUES ($1, $2, $3, '9999-12-31T23:59:59.999Z', 'bot_token', $4, $5)",
    )
    .bind(&token.id)
    .bind(&token.user_id)
    .bind(&token.created_at)
    .bind(&token.token_hash)
    .bind(&token.label)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_refresh_token(
    tx: &mut Transaction<'static, Db>,
    hash: &str,
    session_id: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(hash)
    .bind(session_id)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Inserts an active account; `Conflict` when the username (case-insensitive) is taken.
async fn insert_user(tx: &mut Transaction<'static, Db>, user: &NewUser) -> StoreResult<()> {
    let result = sqlx::query(
        "INSERT INTO users (id, username, username_key, display_name, kind, role, password_hash, active, created_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9)",
    )
    .bind(&user.id)
    .bind(&user.username)
    .bind(user.username.to_lowercase())
    .bind(&user.display_name)
    .bind(user_kind_str(user.kind))
    .bind(role_str(user.role))
    .bind(&user.password_hash)
    .bind(&user.created_at)
    .bind(&user.email)
    .execute(&mut **tx)
    .await;
    match result {
        Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("username")),
        other => other.map(|_| ()).map_err(db_error),
    }
}

/// Revokes the account's live sessions; their ids, so that nodes drop them at once.
async fn revoke_sessions_of(
    tx: &mut Transaction<'static, Db>,
    user_id: &str,
    at: &str,
) -> StoreResult<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
    )
    .bind(user_id)
    .bind(at)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)
}
