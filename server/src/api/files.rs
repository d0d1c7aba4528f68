//! `/api/v1/files`: uploading (multipart, streamed) and downloading with the headers that keep
//! an uploaded file from ever running as part of the site.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use xerrada_protocol::{ApiError, ErrorCode, FileInfo};

use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::error::AppError;
use crate::files::kind;
use crate::http_error::{HttpError, HttpResult};
use crate::services::files;

/// `POST /files`: one part named `file`; 201 with the new upload.
/// Upload a file, to attach to a message (`file_ids`) within the caller's own files.
///
/// The type is read from the bytes, not from the client's claim; images get a preview.
#[utoipa::path(
    post,
    path = "/files",
    tag = "files",
    request_body(content = inline(UploadForm), content_type = "multipart/form-data"),
    responses((status = 201, description = "the stored file", body = FileInfo), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn upload(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> HttpResult<(StatusCode, Json<FileInfo>)> {
    let mut multipart = multipart.map_err(|e| {
        AppError::Invalid(format!(
            "send the file as multipart/form-data in a part named \"file\" ({e})"
        ))
    })?;
    let field = multipart
        .next_field()
        .await
        .map_err(multipart_error)?
        .ok_or_else(|| AppError::Invalid("no part named \"file\" in the upload".into()))?;
    if field.name() != Some("file") {
        return Err(AppError::Invalid(format!(
            "unexpected part {:?}: send one part named \"file\"",
            field.name().unwrap_or("")
        ))
        .into());
    }
    let name = field.file_name().map(str::to_owned);
    let body = field.map_err(multipart_error);
    let info = files::upload(&ctx, &caller, name.as_deref(), body).await?;
    // One part, as the form says: a second one is refused rather than read past. The stored
    // file's id was never given, and the sweeper removes it with other unposted uploads.
    if let Some(extra) = multipart.next_field().await.map_err(multipart_error)? {
        return Err(AppError::Invalid(format!(
            "unexpected part {:?} after \"file\": send one part",
            extra.name().unwrap_or("")
        ))
        .into());
    }
    Ok((StatusCode::CREATED, Json(info)))
}

/// The multipart body of an upload, for the OpenAPI document: one part named `file`.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct UploadForm {
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

fn multipart_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(format!("the upload is too large ({})", e.body_text()))
    } else {
        AppError::Invalid(format!("the upload could not be read: {}", e.body_text()))
    }
}

/// `GET /files/{id}`: the bytes, whole or one `Range`, for whoever may read them now.
/// A file's bytes, for its uploader until it is posted, then for the members of a channel
/// where it is posted. `Range` requests are answered with 206.
#[utoipa::path(
    get,
    path = "/files/{id}",
    tag = "files",
    params(
        ("id" = String, Path, description = "the file's id"),
        ("Range" = Option<String>, Header, description = "one byte range, e.g. bytes=0-1023"),
    ),
    responses(
        (status = 200, description = "the file (inline only for raster images)", content_type = "*/*"),
        (status = 206, description = "the asked range of the file", content_type = "*/*"),
        (status = 416, description = "a range outside the file", body = ApiError),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::FILE_READER))),
)]
pub async fn download(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(file_id): Path<String>,
    request_headers: HeaderMap,
) -> HttpResult<Response> {
    let file = files::readable(&ctx, &caller, &file_id).await?;
    let info = file.info;
    let size = info.size;
    let mut status = StatusCode::OK;
    let mut range = 0..size;
    let mut content_range = None;
    if let Some(asked) = request_headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    {
        // A range that cannot be parsed is ignored (the whole file is sent), as RFC 9110 says;
        // one that cannot be satisfied is 416. Several ranges are answered with the whole file.
        if let Ok(parsed) = http_range_header::parse_range_header(asked) {
            match parsed.validate(size) {
                Ok(ranges) if ranges.len() == 1 => {
                    let (start, end) = (*ranges[0].start(), *ranges[0].end());
                    range = start..end + 1;
                    status = StatusCode::PARTIAL_CONTENT;
                    content_range = Some(format!("bytes {start}-{end}/{size}"));
                }
                Ok(_) => {}
                Err(_) => {
                    let mut response = HttpError::new(
                        StatusCode::RANGE_NOT_SATISFIABLE,
                        ErrorCode::InvalidRequest,
                        format!("the range is outside the file's {size} bytes"),
                    )
                    .into_response();
                    response.headers_mut().insert(
                        header::CONTENT_RANGE,
                        header_value(&format!("bytes */{size}")),
                    );
                    return Ok(response);
                }
            }
        }
    }
    let reader = ctx
        .files
        .read(&info.id, range.clone())
        .await
        .map_err(AppError::internal)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let inline = kind::shown_inline(&info.content_type);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LENGTH,
        header_value(&(range.end - range.start).to_string()),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(content_range) = content_range {
        headers.insert(header::CONTENT_RANGE, header_value(&content_range));
    }
    keep_out_of_the_page(headers, &info.content_type, &info.name, inline);
    headers.insert(header::ETAG, header_value(&format!("\"{}\"", info.sha256)));
    Ok(response)
}

/// `GET /files/{id}/thumbnail`: the preview of an image (JPEG or PNG made by the server).
/// An image's preview (about 400 px, re-encoded without its metadata), under the file's
/// access rule.
#[utoipa::path(
    get,
    path = "/files/{id}/thumbnail",
    tag = "files",
    params(("id" = String, Path, description = "the file's id")),
    responses(
        (status = 200, description = "the preview", content_type = "image/*"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::FILE_READER))),
)]
pub async fn thumbnail(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(file_id): Path<String>,
) -> HttpResult<Response> {
    let (file, bytes) = files::preview(&ctx, &caller, &file_id).await?;
    let content_type = kind::content_type(&bytes);
    let mut response = bytes.into_response();
    keep_out_of_the_page(response.headers_mut(), &content_type, &file.info.name, true);
    Ok(response)
}

/// The headers every file is served with, so that no upload ever runs as part of the site:
/// its real type, not to be sniffed, in a sandbox with nothing allowed, never in a shared
/// cache, and shown inline only when `inline` (raster images).
fn keep_out_of_the_page(headers: &mut HeaderMap, content_type: &str, name: &str, inline: bool) {
    headers.insert(header::CONTENT_TYPE, header_value(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        header_value(&kind::content_disposition(name, inline)),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
}

/// A header value from text the server made (ASCII by construction).
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}
