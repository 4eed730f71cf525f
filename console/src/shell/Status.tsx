// Loading and error states shared by the data-backed views.
import { ConsoleApiError, UNAUTHORIZED, UNAVAILABLE } from "../api/client";
import { forgetToken } from "./Token";
import type { AsyncState } from "./useAsync";

function heading(error: Error): string {
  if (!(error instanceof ConsoleApiError)) return "The console API answered with an error.";
  if (error.errorType === UNAVAILABLE) return "The console API is not available.";
  if (error.errorType === UNAUTHORIZED) return "The console API refused the console token.";
  return "The console API answered with an error.";
}

export function ErrorPanel({ error }: { error: Error }) {
  const unauthorized = error instanceof ConsoleApiError && error.errorType === UNAUTHORIZED;
  return (
    <div className="error-panel" role="alert">
      <strong>{heading(error)}</strong>
      <p>{error.message}</p>
      {unauthorized && (
        <button
          type="button"
          onClick={() => {
            forgetToken();
            window.location.reload();
          }}
        >
          Enter another token
        </button>
      )}
    </div>
  );
}

export function AsyncView<T>({ state, children }: { state: AsyncState<T>; children(value: T): React.ReactNode }) {
  if (state.error) return <ErrorPanel error={state.error} />;
  if (state.value === null) return <p className="muted" role="status">Loading…</p>;
  return <>{children(state.value)}</>;
}
