// The search view: a box where a person types words and filters (Enter searches), a line
// explaining the filters, and the results, newest first, each with its channel, author, time
// and the excerpt with the words found marked. On a phone it fills the screen like any view.
// Opening a result shows its channel scrolled to that message, highlighted for a moment.
// Escape closes the search (back to the channel).
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { SearchResult } from "../protocol";
import { formatDateTime, formatFull, t } from "../i18n";
import { parseHighlight } from "../search/highlight";
import { shownInChannel } from "../store/timeline";
import { useServices, useStore } from "./context";
import { errorText } from "./errors";
import { CloseIcon, MenuIcon, SearchIcon } from "./icons";
import { AccountBadges, Avatar } from "./people";

/** The excerpt with its found words in <mark>, built as text nodes: never parsed as HTML. */
export function Highlight({ html }: { html: string }) {
  return (
    <>
      {parseHighlight(html).map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : part.text))}
    </>
  );
}

export function SearchView({ onMenu, onClose }: { onMenu: () => void; onClose: () => void }) {
  const store = useStore();
  const { engine } = useServices();
  const search = store.search;
  const [text, setText] = useState(search.query);
  const input = useRef<HTMLInputElement>(null);

  useLayoutEffect(() => {
    input.current?.focus();
  }, []);

  // Listening from the first paint on (a layout effect), so an Escape pressed at once counts.
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || (event.target as Element | null)?.closest?.("dialog")) return;
      event.preventDefault();
      onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const error = search.error
    ? search.error.code === "invalid_request" && search.error.message
      ? t("search.invalid", { message: search.error.message })
      : t("search.failed", { error: errorText(search.error.code, search.error.retryAfterMs) })
    : null;

  return (
    <main class="main search-view" id="main" aria-labelledby="search-title">
      <header class="channel-header">
        <button type="button" class="icon-button menu-button" aria-label={t("sidebar.open")} aria-controls="sidebar" onClick={onMenu}>
          <MenuIcon />
        </button>
        <h1 id="search-title" class="channel-title">
          {t("search.title")}
        </h1>
        <button type="button" class="icon-button search-close" aria-label={t("search.close")} title={t("search.close")} onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      <form
        class="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void engine.search(text);
        }}
      >
        <div class="search-box">
          <input
            ref={input}
            type="search"
            class="search-input"
            name="q"
            value={text}
            maxLength={1000}
            enterKeyHint="search"
            autoComplete="off"
            spellcheck={false}
            aria-label={t("search.label")}
            aria-describedby="search-hint"
            placeholder={t("search.placeholder")}
            onInput={(e) => setText(e.currentTarget.value)}
            data-testid="search-input"
          />
          <button type="submit" class="icon-button search-submit" aria-label={t("search.submit")} title={t("search.submit")}>
            <SearchIcon />
          </button>
        </div>
        <p id="search-hint" class="search-hint">
          {t("search.hint")}
        </p>
      </form>
      <div class="threads-list search-results">
        <div role="status" aria-live="polite" class="search-status">
          {error ? (
            <p class="search-error" data-testid="search-error">
              {error}
            </p>
          ) : search.loading && search.results.length === 0 ? (
            <p class="empty-state">{t("search.loading")}</p>
          ) : search.done && search.results.length === 0 ? (
            <p class="empty-state">{t("search.none")}</p>
          ) : null}
        </div>
        {search.results.length > 0 && (
          <ul aria-label={t("search.results")} data-testid="search-results">
            {search.results.map((result) => (
              <li key={result.message.id}>
                <ResultItem result={result} />
              </li>
            ))}
          </ul>
        )}
        {search.nextCursor && (
          <button type="button" class="button search-more" disabled={search.loading} onClick={() => void engine.search("", true)}>
            {search.loading ? t("search.loading") : t("search.more")}
          </button>
        )}
      </div>
    </main>
  );
}

function ResultItem({ result }: { result: SearchResult }) {
  const store = useStore();
  const { engine } = useServices();
  const message = result.message;
  const channel = store.channels.get(result.channel_id);
  const channelName = channel ? store.channelLabel(channel) : "…";
  const name = store.displayName(message.author_id);
  const author = store.users.get(message.author_id);
  const where = shownInChannel(message) ? t("search.in", { channel: channelName }) : t("search.inThread", { channel: channelName });
  return (
    <button
      type="button"
      class="thread-item search-result"
      onClick={() => void engine.openAt(message)}
      aria-label={t("search.result", { author: name, time: formatDateTime(message.created_at), channel: channelName })}
      aria-describedby={`search-excerpt-${message.id}`}
      data-message-id={message.id}
    >
      <Avatar userId={message.author_id} name={name} />
      <span class="thread-item-text">
        <span class="thread-item-meta">
          <strong>{name}</strong>
          {author && store.nameSharedWithOthers(name, author.id) && <span class="author-username">{` @${author.username}`}</span>}
          <AccountBadges user={author} /> <span class="search-channel">{where}</span>{" "}
          <time dateTime={message.created_at} title={formatFull(message.created_at)}>
            {formatDateTime(message.created_at)}
          </time>
        </span>
        <span class="thread-item-body search-excerpt" id={`search-excerpt-${message.id}`}>
          <Highlight html={result.highlight} />
        </span>
      </span>
    </button>
  );
}
