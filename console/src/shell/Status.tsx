// Loading and error states shared by the data-backed views.
import { ConsoleApiError, UNAVAILABLE } from "../api/client";
import type { AsyncState } from "./useAsync";

export function ErrorPanel({ error }: { error: Error }) {
  return (
    <div className="error-panel" role="alert">
      <strong>
        {error instanceof ConsoleApiError && error.errorType === UNAVAILABLE
          ? "The console API is not available."
          : "The console API answered with an error."}
      </strong>
      <p>{error.message}</p>
    </div>
  );
}

export function AsyncView<T>({ state, children }: { state: AsyncState<T>; children(value: T): React.ReactNode }) {
  if (state.error) return <ErrorPanel error={state.error} />;
  if (state.value === null) return <p className="muted" role="status">Loading…</p>;
  return <>{children(state.value)}</>;
}
