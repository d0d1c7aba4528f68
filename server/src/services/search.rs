//! `GET /search`: messages and file names in the channels the caller belongs to now (and, with
//! `scope=public`, the public channels it has not joined), newest first. What the box says is
//! read by `crate::search`; this decides where the caller may look.

use xerrada_protocol::{ChannelKind, SearchResult, SearchResults};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::search::{self, Query, Term};
use crate::services::messages::page_limit;
use crate::store::SearchFilter;

/// The query string of `GET /search`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub channel_id: Option<String>,
    pub author_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// `public`: also public channels the caller has not joined.
    pub scope: Option<String>,
}

/// Longest search box accepted, in bytes.
const MAX_QUERY_BYTES: usize = 1_000;

pub async fn search(
    ctx: &Context,
    caller: &Caller,
    params: SearchParams,
) -> AppResult<SearchResults> {
    ctx.rate_limits
        .check(&caller.user.id, crate::rate_limits::Action::Search)?;
    let text = params.q.unwrap_or_default();
    if text.len() > MAX_QUERY_BYTES {
        return Err(AppError::TooLarge(format!(
            "the search is over {MAX_QUERY_BYTES} bytes"
        )));
    }
    let query = Query::parse(&text).map_err(|e| AppError::Invalid(e.to_string()))?;
    let limit = page_limit(params.limit, 20, 100)?;
    let below = params
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| AppError::Invalid("cursor is not one this server gave".into()))
        })
        .transpose()?;
    let with_public = match params.scope.as_deref() {
        None | Some("member") => false,
        Some("public") => true,
        Some(other) => {
            return Err(AppError::Invalid(format!(
                "scope must be member or public, not {other:?}"
            )));
        }
    };

    // Where the caller may look: its channels now, and public ones when asked. From the
    // membership cache: the store's channel list also counts every channel's unread messages,
    // which costs more than the search itself.
    let mut channel_ids = ctx.memberships.readable_by(&caller.user.id, with_public);
    if let Some(name) = &query.channel {
        // Names are in the store; only `in:#` needs them.
        let wanted = name.to_lowercase();
        let views = ctx.store.channels_for_user(&caller.user.id).await?;
        let found = views
            .iter()
            .filter(|v| v.joined || (with_public && v.channel.kind == ChannelKind::Public))
            .find(|v| v.channel.name.to_lowercase() == wanted)
            .ok_or_else(|| {
                AppError::Invalid(format!("in:#{name}: no channel of yours has that name"))
            })?;
        channel_ids = vec![found.channel.id.clone()];
    }
    if let Some(channel_id) = &params.channel_id {
        if !channel_ids.contains(channel_id) {
            // Membership rules as for messages: 403 for a public channel, 404 otherwise.
            crate::services::channels::require_member(ctx, &caller.user.id, channel_id).await?;
            return Err(AppError::not_found("channel"));
        }
        channel_ids = vec![channel_id.clone()];
    }

    let author_id = match (params.author_id, &query.author) {
        (Some(id), _) => Some(id),
        (None, Some(username)) => Some(
            ctx.store
                .credentials_by_username(username)
                .await?
                .ok_or_else(|| {
                    AppError::Invalid(format!("from:@{username}: nobody has that username"))
                })?
                .user
                .id,
        ),
        (None, None) => None,
    };
    let before = time_bound(params.before.or(query.before), false)?;
    let after = time_bound(params.after.or(query.after), true)?;
    let filter = SearchFilter {
        terms: query.terms.clone(),
        channel_ids,
        author_id,
        has_file: query.has_file,
        before,
        after,
        below,
        above: None,
        limit: limit + 1,
    };
    if filter.terms.is_empty()
        && filter.author_id.is_none()
        && !filter.has_file
        && query.channel.is_none()
        && filter.before.is_none()
        && filter.after.is_none()
    {
        return Err(AppError::Invalid("type something to search for".into()));
    }
    let mut hits = ctx.store.search(&filter).await?;
    let next_cursor = if hits.len() > limit as usize {
        hits.truncate(limit as usize);
        hits.last().map(|h| h.doc_id.to_string())
    } else {
        None
    };
    let results = hits
        .into_iter()
        .map(|hit| SearchResult {
            channel_id: hit.message.channel_id.clone(),
            highlight: highlight_of(&hit.message, &query.terms),
            message: hit.message,
        })
        .collect();
    Ok(SearchResults {
        results,
        next_cursor,
    })
}

/// The excerpt shown for a result: around the words found in the body, else in a file's name,
/// else the start of the body.
fn highlight_of(message: &xerrada_protocol::Message, terms: &[Term]) -> String {
    search::highlight(&message.body, terms)
        .or_else(|| {
            message
                .files
                .iter()
                .find_map(|f| search::highlight(&f.name, terms))
        })
        .unwrap_or_else(|| search::excerpt(&message.body))
}

/// A `before`/`after` given as a date (`YYYY-MM-DD`: the start of that day, or of the next one
/// for `after`, which means "after that day") or as an RFC 3339 time.
fn time_bound(value: Option<String>, after: bool) -> AppResult<Option<String>> {
    let Some(value) = value else {
        return Ok(None);
    };
    if value.len() == 10 {
        let day = if after {
            search::next_day(&value)
        } else {
            search::Query::parse(&format!("before:{value}"))
                .ok()
                .and_then(|q| q.before)
        }
        .ok_or_else(|| AppError::Invalid(format!("{value:?} is not a date: write YYYY-MM-DD")))?;
        return Ok(Some(format!("{day}T00:00:00.000Z")));
    }
    let at = time::OffsetDateTime::parse(&value, &time::format_description::well_known::Rfc3339)
        .map_err(|_| AppError::Invalid(format!("{value:?} is not a date or an RFC 3339 time")))?;
    Ok(Some(crate::ids::format_time(at)))
}
