//! Identifiers, timestamps and random secrets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

/// A new opaque id: a UUIDv7, so ids sort by creation time in indexes.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// RFC 3339 UTC with milliseconds and a fixed width, so that stored times also sort as text.
const RFC3339_MILLIS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Formats an instant the way the wire and the store both use.
pub fn format_time(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(RFC3339_MILLIS)
        .expect("a UTC date with a four-digit year always formats")
}

/// Now, formatted with [`format_time`].
pub fn now() -> String {
    format_time(OffsetDateTime::now_utc())
}

/// A bound of a period as people type it in a query: a date (`2026-12-01`: its start, or with
/// `end_of_day` the next day's start, so that a `to` date includes that whole day) or an RFC 3339
/// time. `None` when it is neither.
pub fn parse_time_bound(raw: &str, end_of_day: bool) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let raw = raw.trim();
    if let Ok(at) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(at);
    }
    let date = time::Date::parse(raw, format_description!("[year]-[month]-[day]")).ok()?;
    let date = if end_of_day { date.next_day()? } else { date };
    Some(date.midnight().assume_utc())
}

/// `ago` before now, formatted with [`format_time`].
pub fn time_ago(ago: std::time::Duration) -> String {
    let ago = time::Duration::try_from(ago).unwrap_or(time::Duration::MAX);
    let at = OffsetDateTime::now_utc()
        .checked_sub(ago)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format_time(at)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `len` random bytes from the OS, URL-safe base64 without padding.
pub fn random_token(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a secret, hex: how refresh (and later bot) tokens are kept at rest.
pub fn sha256_hex(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_have_a_fixed_width_and_sort_as_text() {
        let early = format_time(time::macros::datetime!(2026-01-02 03:04:05.006 UTC));
        let late = format_time(time::macros::datetime!(2026-11-02 03:04:05 UTC));
        assert_eq!(early, "2026-01-02T03:04:05.006Z");
        assert_eq!(late, "2026-11-02T03:04:05.000Z");
        assert!(early < late);
    }

    #[test]
    fn tokens_are_random_and_url_safe() {
        let a = random_token(32);
        assert_ne!(a, random_token(32));
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
