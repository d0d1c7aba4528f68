// Adds a person by username: a text box with the directory's usernames as suggestions (a
// native <datalist>, so arrows, Enter and touch work as the browser makes them).
import { useId, useState } from "preact/hooks";
import type { User } from "../../protocol";
import { ErrorLine, useAdmin, useLoad } from "./common";
import { ta } from "./i18n";

export function UserPicker({ exclude, busy, onPick }: { exclude: ReadonlySet<string>; busy: boolean; onPick: (user: User) => void }) {
  const { admin } = useAdmin();
  const directory = useLoad(() => admin.users());
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const listId = useId();
  const candidates = (directory.data ?? []).filter((u) => u.active && !exclude.has(u.id));

  const submit = (event: Event) => {
    event.preventDefault();
    const wanted = text.trim().replace(/^@/, "").toLowerCase();
    if (!wanted) return;
    const user = candidates.find((u) => u.username.toLowerCase() === wanted);
    if (!user) {
      setError(ta("picker.notFound", { username: wanted }));
      return;
    }
    setError("");
    setText("");
    onPick(user);
  };

  return (
    <form class="inline-form" onSubmit={submit} data-testid="add-member-form">
      <label class="field grow">
        <span>{ta("picker.label")}</span>
        <input
          list={listId}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          autocomplete="off"
          autocapitalize="none"
          spellcheck={false}
          name="member"
        />
      </label>
      <datalist id={listId}>
        {candidates.map((u) => (
          <option key={u.id} value={u.username}>
            {u.display_name}
          </option>
        ))}
      </datalist>
      <button type="submit" class="button" disabled={busy || !text.trim()}>
        {ta("common.add")}
      </button>
      <ErrorLine error={error || directory.error} />
    </form>
  );
}
