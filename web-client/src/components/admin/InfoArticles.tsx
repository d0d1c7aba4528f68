// Articles /info: the answers of the `/info` command, by topic, each in Catalan, Spanish and
// English (one tab per language: title and Markdown body), with deleting one language or the
// whole topic.
import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { InfoArticle } from "../../protocol";
import { formatDateTime } from "../../i18n";
import { ConfirmDialog, ErrorLine, Loading, Notice, SectionHeading, useAction, useAdmin, useLoad } from "./common";
import { ARTICLE_LANGS, type ArticleLang, groupArticles, normalizeTopic } from "./helpers";
import { ta, type AdminKey } from "./i18n";

const LANG_LABEL: Record<ArticleLang, AdminKey> = { ca: "lang.ca", es: "lang.es", en: "lang.en" };

export function InfoArticles() {
  const { admin } = useAdmin();
  const articles = useLoad(() => admin.info());
  const [topic, setTopic] = useState<string | null>(null);
  const [newTopic, setNewTopic] = useState("");
  const [newTopicError, setNewTopicError] = useState("");
  /** Topics opened with "new topic" that have no article yet. */
  const [drafts, setDrafts] = useState<string[]>([]);

  const groups = groupArticles(articles.data ?? []);
  const topics = [...new Set([...groups.map((g) => g.topic), ...drafts])].sort();
  const current = topic ?? topics[0] ?? null;
  const langs = groups.find((g) => g.topic === current)?.langs ?? {};

  const addTopic = (event: Event) => {
    event.preventDefault();
    const normalized = normalizeTopic(newTopic);
    if (!normalized) {
      setNewTopicError(ta("info.badTopic"));
      return;
    }
    setNewTopicError("");
    setNewTopic("");
    if (!topics.includes(normalized)) setDrafts((d) => [...d, normalized]);
    setTopic(normalized);
  };

  /** Puts a saved article into the list. */
  const saved = (article: InfoArticle) =>
    articles.setData((all) => [...(all ?? []).filter((a) => !(a.topic === article.topic && a.lang === article.lang)), article]);
  const removed = (removedTopic: string, lang?: string) => {
    articles.setData((all) => (all ?? []).filter((a) => !(a.topic === removedTopic && (!lang || a.lang === lang))));
    if (!lang) {
      setDrafts((d) => d.filter((t) => t !== removedTopic));
      setTopic(null);
    }
  };

  return (
    <section>
      <SectionHeading title={ta("nav.info")} />
      <p class="muted">{ta("info.intro")}</p>
      <ErrorLine error={articles.error} />
      <Loading loading={articles.loading && !articles.data} />
      <div class="info-layout">
        <div class="info-topics">
          <form class="inline-form" onSubmit={addTopic}>
            <label class="field grow">
              <span>{ta("info.newTopic")}</span>
              <input maxLength={40} value={newTopic} onInput={(e) => setNewTopic(e.currentTarget.value)} autocapitalize="none" spellcheck={false} name="topic" />
            </label>
            <button type="submit" class="button">
              {ta("common.add")}
            </button>
          </form>
          <ErrorLine error={newTopicError} />
          {topics.length === 0 && articles.data && <p class="muted">{ta("info.none")}</p>}
          <ul class="topic-list" aria-label={ta("info.topics")}>
            {topics.map((t) => (
              <li key={t}>
                <button type="button" class={t === current ? "topic-item active" : "topic-item"} aria-current={t === current ? "true" : undefined} onClick={() => setTopic(t)}>
                  {t}
                </button>
              </li>
            ))}
          </ul>
        </div>
        {current && <TopicEditor key={current} topic={current} langs={langs} onSaved={saved} onRemoved={removed} />}
      </div>
    </section>
  );
}

function TopicEditor({
  topic,
  langs,
  onSaved,
  onRemoved,
}: {
  topic: string;
  langs: Partial<Record<ArticleLang, InfoArticle>>;
  onSaved: (a: InfoArticle) => void;
  onRemoved: (topic: string, lang?: string) => void;
}) {
  const [lang, setLang] = useState<ArticleLang>("ca");
  const [removingAll, setRemovingAll] = useState(false);
  const { admin } = useAdmin();
  const baseId = useId();
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  const onTabKey = (event: KeyboardEvent) => {
    const index = ARTICLE_LANGS.indexOf(lang);
    let next = -1;
    if (event.key === "ArrowRight") next = (index + 1) % ARTICLE_LANGS.length;
    if (event.key === "ArrowLeft") next = (index + ARTICLE_LANGS.length - 1) % ARTICLE_LANGS.length;
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = ARTICLE_LANGS.length - 1;
    if (next < 0) return;
    event.preventDefault();
    const l = ARTICLE_LANGS[next]!;
    setLang(l);
    tabRefs.current[l]?.focus();
  };

  return (
    <div class="topic-editor" data-topic={topic}>
      <div class="admin-section-head">
        <h3 class="settings-heading">{ta("info.topicTitle", { topic })}</h3>
        {Object.keys(langs).length > 0 && (
          <button type="button" class="button small danger" onClick={() => setRemovingAll(true)}>
            {ta("info.deleteAll")}
          </button>
        )}
      </div>
      <div role="tablist" aria-label={ta("info.languages")} class="tabs" onKeyDown={onTabKey}>
        {ARTICLE_LANGS.map((l) => (
          <button
            key={l}
            ref={(el) => {
              tabRefs.current[l] = el;
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${l}`}
            aria-selected={l === lang}
            aria-controls={`${baseId}-panel`}
            tabIndex={l === lang ? 0 : -1}
            class={l === lang ? "tab active" : "tab"}
            onClick={() => setLang(l)}
            data-lang={l}
          >
            {ta(LANG_LABEL[l])}
            {!langs[l] && <span class="muted small">{` (${ta("info.missing")})`}</span>}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${lang}`}>
        <ArticleForm key={lang} topic={topic} lang={lang} article={langs[lang]} onSaved={onSaved} onRemoved={onRemoved} />
      </div>
      {removingAll && (
        <ConfirmDialog
          title={ta("info.deleteAll")}
          message={ta("info.deleteAllConfirm", { topic })}
          confirmLabel={ta("info.deleteAll")}
          onClose={() => setRemovingAll(false)}
          onConfirm={async () => {
            await admin.removeInfo(topic);
            onRemoved(topic);
          }}
        />
      )}
    </div>
  );
}

function ArticleForm({
  topic,
  lang,
  article,
  onSaved,
  onRemoved,
}: {
  topic: string;
  lang: ArticleLang;
  article: InfoArticle | undefined;
  onSaved: (a: InfoArticle) => void;
  onRemoved: (topic: string, lang?: string) => void;
}) {
  const { admin } = useAdmin();
  const [title, setTitle] = useState(article?.title ?? "");
  const [body, setBody] = useState(article?.body ?? "");
  const [notice, setNotice] = useState("");
  const [removing, setRemoving] = useState(false);
  const save = useAction();
  useEffect(() => setNotice(""), [title, body]);

  const submit = (event: Event) => {
    event.preventDefault();
    void save.run(async () => {
      onSaved(await admin.setInfo(topic, lang, title.trim(), body));
      setNotice(ta("common.saved"));
    });
  };

  return (
    <form class="stack" onSubmit={submit} data-testid="article-form">
      <label class="field">
        <span>{ta("info.title")}</span>
        <input required maxLength={80} value={title} onInput={(e) => setTitle(e.currentTarget.value)} name="title" lang={lang} />
      </label>
      <label class="field">
        <span>{ta("info.body")}</span>
        <textarea class="code-area" required maxLength={4000} rows={10} value={body} onInput={(e) => setBody(e.currentTarget.value)} name="body" lang={lang} />
      </label>
      <p class="muted small">
        {article ? ta("info.updated", { at: formatDateTime(article.updated_at) }) : ta("info.notYet")}
      </p>
      <ErrorLine error={save.error} />
      <Notice text={notice} />
      <div class="dialog-actions start">
        <button type="submit" class="button primary" disabled={save.busy}>
          {ta("common.save")}
        </button>
        {article && (
          <button type="button" class="button danger" onClick={() => setRemoving(true)}>
            {ta("info.deleteLang", { lang: ta(LANG_LABEL[lang]) })}
          </button>
        )}
      </div>
      {removing && (
        <ConfirmDialog
          title={ta("info.deleteLang", { lang: ta(LANG_LABEL[lang]) })}
          message={ta("info.deleteLangConfirm", { topic, lang: ta(LANG_LABEL[lang]) })}
          confirmLabel={ta("common.delete")}
          onClose={() => setRemoving(false)}
          onConfirm={async () => {
            await admin.removeInfo(topic, lang);
            onRemoved(topic, lang);
            setTitle("");
            setBody("");
          }}
        />
      )}
    </form>
  );
}
