// Importació CSV: people from a spreadsheet (`username,display_name,email,departments`, the
// departments as slugs separated by `;`, the header line optional), pasted or picked as a file.
// A dry run first shows who would be created and every refused line with its number; then
// "Importa N persones" creates them, and their one-time passwords are shown once, with a CSV to
// download.
import { useId, useState } from "preact/hooks";
import type { ImportError, ImportResult } from "../../api/admin";
import { AdminTable, ErrorLine, SectionHeading, downloadBlob, useAction, useAdmin } from "./common";
import { datedFileName, passwordsCsv } from "./helpers";
import { ta } from "./i18n";

const MAX_FILE_BYTES = 900 * 1024;

export function ImportCsv() {
  const { admin } = useAdmin();
  const [csv, setCsv] = useState("");
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const [fileError, setFileError] = useState("");
  const action = useAction();
  const hintId = useId();

  const changeText = (text: string) => {
    setCsv(text);
    // A preview is only good for the text it was made from.
    setPreview(null);
  };

  const pickFile = async (input: HTMLInputElement) => {
    setFileError("");
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileError(ta("import.fileTooLarge"));
      return;
    }
    changeText(await file.text());
  };

  const check = (event: Event) => {
    event.preventDefault();
    setDone(null);
    void action.run(async () => setPreview(await admin.importCsv(csv, true)));
  };

  const importNow = () =>
    void action.run(async () => {
      const result = await admin.importCsv(csv, false);
      setDone(result);
      setPreview(null);
      setCsv("");
    });

  return (
    <section>
      <SectionHeading title={ta("nav.import")} />
      <p class="muted">{ta("import.intro")}</p>
      <form class="stack" onSubmit={check}>
        <label class="field">
          <span>{ta("import.file")}</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => void pickFile(e.currentTarget)} data-testid="import-file" />
        </label>
        <ErrorLine error={fileError} />
        <label class="field">
          <span>{ta("import.text")}</span>
          <textarea
            class="code-area"
            rows={10}
            value={csv}
            onInput={(e) => changeText(e.currentTarget.value)}
            spellcheck={false}
            placeholder="username,display_name,email,departments"
            aria-describedby={hintId}
            data-testid="import-text"
          />
        </label>
        <p class="muted small" id={hintId}>
          {ta("import.hint")}
        </p>
        <div class="dialog-actions start">
          <button type="submit" class="button" disabled={action.busy || !csv.trim()} data-testid="import-check">
            {ta("import.check")}
          </button>
        </div>
      </form>
      <ErrorLine error={action.error} />

      {preview && (
        <div class="admin-subsection" data-testid="import-preview">
          <h3 class="settings-heading">{ta("import.preview")}</h3>
          <p role="status">
            {ta("import.summary", { count: preview.rows.length })}
            {" "}
            {ta("import.errorCount", { count: preview.errors.length })}
          </p>
          <ImportErrors errors={preview.errors} testId="import-errors" />
          {preview.rows.length > 0 && (
            <AdminTable testId="import-rows" columns={[ta("import.lineHeader"), ta("users.username"), ta("users.displayName"), ta("users.email"), ta("users.departments")]}>
              {preview.rows.map((row) => (
                <tr key={row.line}>
                  <td data-label={ta("import.lineHeader")}>{row.line}</td>
                  <td data-label={ta("users.username")}>{row.username}</td>
                  <td data-label={ta("users.displayName")}>{row.display_name}</td>
                  <td data-label={ta("users.email")}>{row.email}</td>
                  <td data-label={ta("users.departments")}>{row.departments.join(", ")}</td>
                </tr>
              ))}
            </AdminTable>
          )}
          <div class="dialog-actions start">
            <button type="button" class="button primary" disabled={action.busy || preview.rows.length === 0} onClick={importNow} data-testid="import-run">
              {ta("import.run", { count: preview.rows.length })}
            </button>
          </div>
        </div>
      )}

      {done && (
        <div class="admin-subsection" data-testid="import-done">
          <h3 class="settings-heading">{ta("import.doneTitle", { count: done.rows.length })}</h3>
          <ImportErrors errors={done.errors} />
          <p class="warning" role="note">
            {ta("import.passwordsOnce")}
          </p>
          <div class="dialog-actions start">
            <button
              type="button"
              class="button primary"
              onClick={() => downloadBlob(new Blob([passwordsCsv(done.rows)], { type: "text/csv;charset=utf-8" }), datedFileName("xerrada-passwords"))}
              data-testid="import-download"
            >
              {ta("import.download")}
            </button>
          </div>
          <AdminTable testId="import-passwords" columns={[ta("users.username"), ta("users.displayName"), ta("users.oneTimePassword")]}>
            {done.rows.map((row) => (
              <tr key={row.line}>
                <td data-label={ta("users.username")}>{row.username}</td>
                <td data-label={ta("users.displayName")}>{row.display_name}</td>
                <td data-label={ta("users.oneTimePassword")}>
                  <code class="secret-inline">{row.password ?? ""}</code>
                </td>
              </tr>
            ))}
          </AdminTable>
        </div>
      )}
    </section>
  );
}

/** The refused lines of an import, each with its number. */
function ImportErrors({ errors, testId }: { errors: ImportError[]; testId?: string }) {
  if (errors.length === 0) return null;
  return (
    <ul class="import-errors" aria-label={ta("import.errors")} data-testid={testId}>
      {errors.map((e) => (
        <li key={`${e.line}-${e.message}`} data-line={e.line}>
          <strong>{ta("import.line", { line: e.line })}</strong>
          {" "}
          {e.message}
        </li>
      ))}
    </ul>
  );
}
