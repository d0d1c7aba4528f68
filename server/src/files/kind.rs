//! What a file is, from its bytes (never from the uploader's claim or the name), and how it may
//! be shown: only raster images inline; everything else, HTML, SVG and scripts included, as a
//! download.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// How many leading bytes [`content_type`] looks at.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The media type of a file that starts with `head`.
pub fn content_type(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    // Text: whatever it says it is (HTML, SVG, a script), it is served as plain text.
    if !head.is_empty() && !head.contains(&0) && looks_like_utf8(head) {
        return "text/plain; charset=utf-8".to_owned();
    }
    "application/octet-stream".to_owned()
}

/// UTF-8, allowing a character cut at the end of the sniffed prefix.
fn looks_like_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() >= SNIFF_BYTES,
    }
}

/// Shown in the page (`inline`) rather than downloaded: the raster images browsers decode
/// without running anything.
pub fn shown_inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/jpeg" | "image/png" | "image/gif" | "image/webp"
    )
}

/// Characters kept as they are in an RFC 8187 `filename*` value (`attr-char`).
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The `Content-Disposition` of a file named `name`: an ASCII `filename` for old clients and
/// the exact name as UTF-8 in `filename*`.
pub fn content_disposition(name: &str, inline: bool) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = if inline { "inline" } else { "attachment" };
    let encoded = utf8_percent_encode(name, ATTR_CHAR_ESCAPES);
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file name as given by an uploader, made safe to keep and show: no folders, no control
/// characters, at most 255 bytes; `None` when nothing is left.
pub fn clean_name(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let mut name: String = base.chars().filter(|c| !c.is_control()).collect();
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        return None;
    }
    name = trimmed.to_owned();
    while name.len() > 255 {
        name.pop();
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide_the_type() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(content_type(png), "image/png");
        assert_eq!(content_type(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(
            content_type(b"<html><script>alert(1)</script>"),
            "text/html"
        );
        assert_eq!(
            content_type(b"alert(document.cookie)"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(content_type(b"\0\x01\x02"), "application/octet-stream");
        assert_eq!(content_type(b""), "application/octet-stream");
    }

    #[test]
    fn only_raster_images_are_inline() {
        for inline in ["image/jpeg", "image/png", "image/gif", "image/webp"] {
            assert!(shown_inline(inline));
        }
        for download in [
            "text/html",
            "image/svg+xml",
            "text/plain; charset=utf-8",
            "application/pdf",
        ] {
            assert!(!shown_inline(download));
        }
    }

    #[test]
    fn names_are_cleaned_and_encoded() {
        assert_eq!(
            clean_name("C:\\Users\\marta\\plànol 3.pdf").as_deref(),
            Some("plànol 3.pdf")
        );
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_name("a\u{0}b\n.txt").as_deref(), Some("ab.txt"));
        assert_eq!(clean_name(" .. "), None);
        assert_eq!(clean_name(""), None);
        assert_eq!(
            content_disposition("informe \"final\" d'obres.pdf", false),
            "attachment; filename=\"informe _final_ d'obres.pdf\"; filename*=UTF-8''informe%20%22final%22%20d%27obres.pdf"
        );
        assert_eq!(
            content_disposition("plànol.png", true),
            "inline; filename=\"pl_nol.png\"; filename*=UTF-8''pl%C3%A0nol.png"
        );
    }
}
