// Building blocks shared by the admin sections: the admin API in a context, loading a resource,
// the API's refusals in words (next to the form that caused them), a modal that can open over
// another, a confirmation for destructive actions, the once-only secret with its copy button,
// the tables, and renaming a list's row in place.
import type { ComponentChildren } from "preact";
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { AdminApi } from "../../api/admin";
import { ApiError, NetworkError } from "../../api/client";
import type { User } from "../../protocol";
import { DialogCard } from "../dialogs";
import { errorText } from "../errors";
import { ta } from "./i18n";

export interface AdminServices {
  admin: AdminApi;
  me: User | null;
}

export const AdminContext = createContext<AdminServices | null>(null);

export function useAdmin(): AdminServices {
  const services = useContext(AdminContext);
  if (!services) throw new Error("useAdmin outside <AdminContext.Provider>");
  return services;
}

/** Why a call failed: the kind of refusal in the UI language, then the server's own words. */
export function apiErrorText(e: unknown): string {
  if (e instanceof ApiError) {
    const kind = e.code === "unknown" ? ta("error.status", { status: e.status }) : errorText(e.code, e.retryAfterMs);
    return e.message && e.message !== kind ? `${kind} ${ta("error.detail", { detail: e.message })}` : kind;
  }
  if (e instanceof NetworkError) return errorText("offline");
  return errorText("other");
}

/** A resource as `useLoad` keeps it. */
export interface Loaded<T> {
  data: T | null;
  setData: (value: T | null | ((old: T | null) => T | null)) => void;
  error: string;
  loading: boolean;
  reload: () => Promise<void>;
}

/** A resource loaded when the component mounts (and again on `reload`). */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await load();
      if (mine !== generation.current) return;
      setData(value);
      setError("");
    } catch (e) {
      if (mine === generation.current) setError(apiErrorText(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
    // `load` changes every render; `deps` says when it means something else.
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, setData, error, loading, reload };
}

/**
 * One action at a time with its own error line: `run(fn)` clears the error, runs `fn`, and keeps
 * the refusal to show next to the form. Resolves true when `fn` succeeded.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const run = useCallback(async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError("");
    try {
      await fn();
      return true;
    } catch (e) {
      setError(apiErrorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

export function ErrorLine({ error, id }: { error: string; id?: string }) {
  if (!error) return null;
  return (
    <p class="form-error" role="alert" id={id}>
      {error}
    </p>
  );
}

/** A short confirmation ("Saved."), announced to screen readers; nothing when empty. */
export function Notice({ text }: { text: string }) {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

/** A labelled select box of fixed choices, given as `[value, words]` pairs. */
export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  name,
  disabled,
}: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
  name?: string;
  disabled?: boolean;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as T)} disabled={disabled} name={name}>
        {options.map(([choice, words]) => (
          <option key={choice} value={choice}>
            {words}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  return loading ? (
    <p class="muted" role="status">
      {ta("common.loading")}
    </p>
  ) : null;
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes); several may stack. */
export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    // Back to where the dialog was opened from when it closes.
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      // Closed before it leaves the page: while it is open, everything behind it is inert and
      // cannot take the focus back.
      if (dialog?.open) dialog.close();
      if (opener && document.contains(opener)) return opener.focus();
      // The opener is gone (a "Deactivate" that became "Reactivate"): stay in the dialog below.
      const below = [...document.querySelectorAll<HTMLDialogElement>("dialog[open]")].filter((d) => d !== dialog).pop();
      below?.querySelector<HTMLElement>("input, select, textarea, button")?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={wide ? "dialog admin-dialog wide" : "dialog admin-dialog"}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <DialogCard titleId={titleId} title={title} closeLabel={ta("common.close")} closeTooltip onClose={onClose}>
        {children}
      </DialogCard>
    </dialog>
  );
}

/** Asks before a destructive action; shows the refusal in the dialog if the call fails. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const { busy, error, run } = useAction();
  return (
    <Modal title={title} onClose={onClose}>
      <p class="confirm-message">{message}</p>
      <ErrorLine error={error} />
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose} autofocus>
          {ta("common.cancel")}
        </button>
        <button
          type="button"
          class="button danger-solid"
          disabled={busy}
          data-testid="confirm"
          onClick={() =>
            void run(onConfirm).then((ok) => {
              if (ok) onClose();
            })
          }
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** Copies `text`, saying so for a moment (and to screen readers). */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<"" | "ok" | "failed">("");
  const copy = async () => {
    setCopied((await copyText(text)) ? "ok" : "failed");
    setTimeout(() => setCopied(""), 2500);
  };
  return (
    <>
      <button type="button" class="button" onClick={() => void copy()} data-testid="copy">
        {label ?? ta("common.copy")}
      </button>
      <span class="muted small" role="status">
        {copied === "ok" ? ta("common.copied") : copied === "failed" ? ta("common.copyFailed") : ""}
      </span>
    </>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A secret the server shows only once (a password, a bot token, a webhook URL): selectable,
 * with a copy button and the warning that it will not be shown again.
 */
export function SecretDialog({ title, label, secret, intro, onClose, children }: { title: string; label: string; secret: string; intro?: string; onClose: () => void; children?: ComponentChildren }) {
  const labelId = useId();
  return (
    <Modal title={title} onClose={onClose}>
      {intro && <p>{intro}</p>}
      <div class="field">
        <span id={labelId}>{label}</span>
        <div class="secret-row">
        <input
          aria-labelledby={labelId}
          class="secret-value"
          readOnly
          value={secret}
          data-testid="one-time-secret"
          autofocus
          onFocus={(e) => e.currentTarget.select()}
          spellcheck={false}
          autocomplete="off"
        />
        <CopyButton text={secret} />
        </div>
      </div>
      <p class="warning" role="note">
        {ta("common.onceWarning")}
      </p>
      {children}
      <div class="dialog-actions">
        <button type="button" class="button primary" onClick={onClose} data-testid="secret-done">
          {ta("common.done")}
        </button>
      </div>
    </Modal>
  );
}

/** Saves a Blob as a file. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A user's name for tables: the display name, or the username. */
export function userLabel(user: Pick<User, "display_name" | "username"> | undefined, fallback = ""): string {
  return user ? user.display_name || user.username : fallback;
}

/** The heading of a section, focused when the section opens so screen readers announce it. */
export function SectionHeading({ title, children }: { title: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  // A layout effect: the focus moves in the same turn as the section appears, before anyone
  // (a screen reader, a keyboard user's next key) can act on the old focus.
  useLayoutEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div class="admin-section-head">
      <h2 ref={ref} tabIndex={-1} id="admin-section-title">
        {title}
      </h2>
      {children && <div class="admin-section-tools">{children}</div>}
    </div>
  );
}

/**
 * A table of the admin area, scrolling sideways when it must: the column headings, then `children`
 * (the rows; each cell repeats its heading in `data-label`, shown above it on a phone). With
 * `actions`, a last column for the rows' buttons, named for screen readers only; `after` goes
 * below the table, inside its frame.
 */
export function AdminTable({
  testId,
  columns,
  actions,
  after,
  children,
}: {
  testId: string;
  columns: readonly string[];
  actions?: boolean;
  after?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class="admin-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span class="visually-hidden">{ta("common.actions")}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {after}
    </div>
  );
}

/**
 * A list row that can be renamed in place: `children(startRenaming)` shows the row; renaming, a
 * text box labelled `label` with Save and Cancel takes its place. `rename` gets the trimmed new
 * name; its refusal shows at the end of the row.
 */
export function InlineRename({
  name,
  label,
  rename,
  children,
}: {
  name: string;
  label: string;
  rename: (name: string) => Promise<unknown>;
  children: (startRenaming: () => void) => ComponentChildren;
}) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const action = useAction();
  const save = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await rename(value.trim());
      setEditing(false);
    });
  };
  return (
    <>
      {editing ? (
        <form class="inline-form grow" onSubmit={save}>
          <label class="field grow">
            <span>{label}</span>
            <input required maxLength={80} value={value} onInput={(e) => setValue(e.currentTarget.value)} autofocus />
          </label>
          <button type="submit" class="button primary" disabled={action.busy}>
            {ta("common.save")}
          </button>
          <button
            type="button"
            class="button"
            onClick={() => {
              setEditing(false);
              setValue(name);
            }}
          >
            {ta("common.cancel")}
          </button>
        </form>
      ) : (
        children(() => setEditing(true))
      )}
      <ErrorLine error={action.error} />
    </>
  );
}
