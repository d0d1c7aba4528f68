//! Uploaded files (see `store/uploads.rs`), and the two changes the batch makes to them in its
//! transaction: claiming a post's files, and detaching a deleted message's.

use xerrada_protocol::FileInfo;

use super::decorations::DbConnection;
use super::*;

pub(super) fn file_from_row(row: &DbRow) -> StoreResult<FileRecord> {
    let size: i64 = row.try_get("size").map_err(db_error)?;
    let pixels = |column: &str| -> StoreResult<Option<u32>> {
        let value: Option<i64> = row.try_get(column).map_err(db_error)?;
        Ok(value.and_then(|v| u32::try_from(v).ok()))
    };
    let posted_at: Option<String> = row.try_get("posted_at").map_err(db_error)?;
    Ok(FileRecord {
        info: FileInfo {
            id: row.try_get("id").map_err(db_error)?,
            name: row.try_get("name").map_err(db_error)?,
            size: u64::try_from(size).map_err(internal)?,
            content_type: row.try_get("content_type").map_err(db_error)?,
            sha256: row.try_get("sha256").map_err(db_error)?,
            width: pixels("width")?,
            height: pixels("height")?,
        },
        uploader_id: row.try_get("uploader_id").map_err(db_error)?,
        created_at: row.try_get("created_at").map_err(db_error)?,
        channel_id: row.try_get("channel_id").map_err(db_error)?,
        message_id: row.try_get("message_id").map_err(db_error)?,
        posted: posted_at.is_some(),
    })
}

#[async_trait]
impl UploadStore for DbStore {
    async fn insert_file(&self, file: &FileRecord) -> StoreResult<()> {
        let size = i64::try_from(file.info.size).map_err(internal)?;
        sqlx::query(
            "INSERT INTO files (id, uploader_id, name, size, content_type, sha256, width, height,
                                created_at, unreferenced_since)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&file.info.id)
        .bind(&file.uploader_id)
        .bind(&file.info.name)
        .bind(size)
        .bind(&file.info.content_type)
        .bind(&file.info.sha256)
        .bind(file.info.width.map(i64::from))
        .bind(file.info.height.map(i64::from))
        .bind(&file.created_at)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn file(&self, id: &str) -> StoreResult<Option<FileRecord>> {
        let row = sqlx::query("SELECT * FROM files WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(file_from_row).transpose()
    }

    async fn files(&self, ids: &[String]) -> StoreResult<Vec<FileRecord>> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_BOUND_PER_STATEMENT) {
            let sql = format!(
                "SELECT * FROM files WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.pool).await.map_err(db_error)? {
                found.push(file_from_row(&row)?);
            }
        }
        Ok(found)
    }

    async fn take_unreferenced(&self, cutoff: &str, limit: u32) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "DELETE FROM files WHERE id IN (
                 SELECT id FROM files WHERE unreferenced_since < $1
                   AND id NOT IN (SELECT file_id FROM ticket_files)
                 ORDER BY unreferenced_since LIMIT $2)
             RETURNING id",
        )
        .bind(cutoff)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)
    }
}

/// Posts `file_ids` with `message_id` in `channel_id`, if every one is `author_id`'s and was
/// never posted; false (and nothing changed) otherwise. The rows stay locked until the batch
/// commits, so two posts can never claim the same file.
pub(super) async fn claim(
    conn: &mut DbConnection,
    author_id: &str,
    channel_id: &str,
    message_id: &str,
    file_ids: &[&str],
    at: &str,
) -> StoreResult<bool> {
    if file_ids.is_empty() {
        return Ok(true);
    }
    // Generated statements number every value with `dialect::param`, never `$N`.
    let sql = format!(
        "SELECT id FROM files WHERE uploader_id = {} AND posted_at IS NULL AND id IN ({}){}",
        dialect::param(1),
        placeholders(2, file_ids.len()),
        dialect::LOCK_FOR_WRITE
    );
    let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(author_id);
    for id in file_ids {
        query = query.bind(*id);
    }
    let claimable = query.fetch_all(&mut *conn).await.map_err(db_error)?;
    if claimable.len() != file_ids.len() {
        return Ok(false);
    }
    let sql = format!(
        "UPDATE files SET channel_id = {}, message_id = {}, posted_at = {},
                          unreferenced_since = NULL
         WHERE id IN ({})",
        dialect::param(1),
        dialect::param(2),
        dialect::param(3),
        placeholders(4, file_ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(channel_id)
        .bind(message_id)
        .bind(at);
    for id in file_ids {
        query = query.bind(*id);
    }
    query.execute(&mut *conn).await.map_err(db_error)?;
    Ok(true)
}

/// Detaches the files of a deleted message: nobody may read them any more, and they are
/// removed after the grace period, counted from `at`.
pub(super) async fn detach(conn: &mut DbConnection, message_id: &str, at: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE files SET channel_id = NULL, message_id = NULL, unreferenced_since = $2
         WHERE message_id = $1",
    )
    .bind(message_id)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}
