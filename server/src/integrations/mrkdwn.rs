//! Slack "mrkdwn" to Xerrada Markdown.
//!
//! Tools that post to Slack write `*bold*`, `~strike~`, `<url|label>`, `<!here>` and escape
//! `&`, `<`, `>` as entities. Xerrada stores Markdown (`**bold**`, `~~strike~~`,
//! `[label](url)`), so webhook text is converted once, when it arrives, and reads the same in
//! every client, notification and bot afterwards. Code spans and blocks are left as they are.

/// Converts one mrkdwn text.
pub fn to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            out.push_str(&decode_entities(line));
            continue;
        }
        if in_fence {
            out.push_str(&decode_entities(line));
            continue;
        }
        convert_line(line, &mut out);
    }
    out
}

/// Converts a line outside code blocks, leaving inline code spans alone.
fn convert_line(line: &str, out: &mut String) {
    for (i, segment) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd segments are inside a code span (when the backticks pair up).
        if i % 2 == 1 && line.matches('`').count() > i {
            out.push_str(&decode_entities(segment));
        } else {
            let linked = convert_angle_brackets(segment);
            let styled = convert_emphasis(&linked);
            out.push_str(&decode_entities(&styled));
        }
    }
}

/// `<url|label>`, `<url>`, `<!here>`, `<@U1>`, `<#C1|name>`.
fn convert_angle_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        out.push_str(&convert_reference(inner));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn convert_reference(inner: &str) -> String {
    let (target, label) = match inner.split_once('|') {
        Some((target, label)) => (target, Some(label)),
        None => (inner, None),
    };
    if let Some(special) = target.strip_prefix('!') {
        let name = special.split('^').next().unwrap_or(special);
        return match name {
            "channel" | "here" | "everyone" => format!("@{name}"),
            _ => label
                .map(str::to_owned)
                .unwrap_or_else(|| format!("@{name}")),
        };
    }
    if let Some(user) = target.strip_prefix('@') {
        return format!("@{}", label.unwrap_or(user));
    }
    if let Some(channel) = target.strip_prefix('#') {
        return format!("#{}", label.unwrap_or(channel));
    }
    let is_link = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| target.starts_with(scheme));
    match (is_link, label) {
        (true, Some(label)) => format!("[{}]({target})", label.replace(']', "\\]")),
        (true, None) => target.to_owned(),
        // Not a Slack reference: it was literal text.
        (false, _) => format!("<{inner}>"),
    }
}

/// `*bold*` to `**bold**` and `~strike~` to `~~strike~~`, for markers that open after a
/// boundary and close before one (so `2*3*4` or `a~b` stay as they are). `_italic_` is the
/// same in both dialects.
fn convert_emphasis(text: &str) -> String {
    let mut out = text.to_owned();
    for marker in ['*', '~'] {
        out = double_marker(&out, marker);
    }
    out
}

fn double_marker(text: &str, marker: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == marker
            && opens(&chars, i)
            && let Some(close) =
                (i + 1..chars.len()).find(|&j| chars[j] == marker && closes(&chars, j))
        {
            out.extend([marker, marker]);
            out.extend(&chars[i + 1..close]);
            out.extend([marker, marker]);
            i = close + 1;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_boundary(c: Option<&char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation())
}

fn opens(chars: &[char], i: usize) -> bool {
    let before = i.checked_sub(1).and_then(|j| chars.get(j));
    let after = chars.get(i + 1);
    is_boundary(before)
        && before != Some(&chars[i])
        && after.is_some_and(|c| !c.is_whitespace() && *c != chars[i])
}

fn closes(chars: &[char], i: usize) -> bool {
    let before = chars.get(i.wrapping_sub(1));
    let after = chars.get(i + 1);
    i > 0
        && before.is_some_and(|c| !c.is_whitespace() && *c != chars[i])
        && is_boundary(after)
        && after != Some(&chars[i])
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn emphasis_links_and_mentions_become_markdown() {
        assert_eq!(to_markdown("*Alert* firing"), "**Alert** firing");
        assert_eq!(to_markdown("_warn_ and ~gone~"), "_warn_ and ~~gone~~");
        assert_eq!(
            to_markdown("See <https://grafana.local/d/1|the dashboard>"),
            "See [the dashboard](https://grafana.local/d/1)"
        );
        assert_eq!(to_markdown("<https://x.local/a>"), "https://x.local/a");
        assert_eq!(to_markdown("<!channel> <!here> hi"), "@channel @here hi");
        assert_eq!(to_markdown("ping <@U123|anna>"), "ping @anna");
        assert_eq!(to_markdown("in <#C1|general>"), "in #general");
    }

    #[test]
    fn entities_are_decoded_and_literal_text_kept() {
        assert_eq!(
            to_markdown("a &lt; b &amp;&amp; c &gt; d"),
            "a < b && c > d"
        );
        assert_eq!(to_markdown("2*3*4 = 24, a~b"), "2*3*4 = 24, a~b");
        assert_eq!(to_markdown("<not a link>"), "<not a link>");
    }

    #[test]
    fn code_is_left_alone() {
        assert_eq!(to_markdown("run `rm *tmp*` now"), "run `rm *tmp*` now");
        assert_eq!(
            to_markdown("```\n*not bold* &lt;x&gt;\n```\n*bold*"),
            "```\n*not bold* <x>\n```\n**bold**"
        );
    }
}
