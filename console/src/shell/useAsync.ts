// A promise's state for a view: loading, its value, or its error; reload() runs it again.
import { useCallback, useEffect, useState } from "react";

export type AsyncState<T> = { loading: boolean; value: T | null; error: Error | null; reload(): void };

export function useAsync<T>(run: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ loading: boolean; value: T | null; error: Error | null }>({
    loading: true,
    value: null,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    run().then(
      (value) => current && setState({ loading: false, value, error: null }),
      (error: unknown) =>
        current && setState({ loading: false, value: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
