// The console token, typed by the user when the page was not loaded on the server's own machine
// (config.json gives it only there): the one `appsync-local` printed when it started, or the
// data directory's console-token file. Kept in sessionStorage for the tab's lifetime.
import { useId, useState } from "react";

const KEY = "appsync-local-console-token";

export function storedToken(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function forgetToken(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode): nothing was kept.
  }
}

export function TokenForm({ onToken }: { onToken(token: string): void }) {
  const inputId = useId();
  const [value, setValue] = useState("");
  return (
    <form
      className="start-form"
      aria-label="Console token"
      onSubmit={(event) => {
        event.preventDefault();
        const token = value.trim();
        if (!token) return;
        try {
          window.sessionStorage.setItem(KEY, token);
        } catch {
          // Kept in memory only.
        }
        onToken(token);
      }}
    >
      <h2>Console token</h2>
      <p className="muted">
        These pages read and change the server's data through the console API, which needs the console token
        appsync-local printed when it started (also in the data directory's <span className="mono">console-token</span>).
        Browsers on the server's own machine receive it without asking.
      </p>
      <span className="field">
        <label htmlFor={inputId}>Token</label>
        <input id={inputId} value={value} autoComplete="off" spellCheck={false} onChange={(event) => setValue(event.target.value)} />
      </span>
      <button type="submit">Use this token</button>
    </form>
  );
}
