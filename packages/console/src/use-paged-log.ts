import { useEffect, useState } from 'react';

/** One page of a log the API pages with `nextCursor` (the message log, protection events). */
export interface LogPage<Item> {
  items: Item[];
  nextCursor: string | null;
}

/**
 * A log read newest first: the first page whenever `fetchPage` changes (a new filter) or
 * `reloadKey` does, and older pages on request. `loadOlder` is undefined on the last page.
 * `fetchPage` must be memoised (useCallback) on what it depends on.
 */
export function usePagedLog<Item>(
  fetchPage: (after: string | null) => Promise<LogPage<Item>>,
  reloadKey?: unknown,
): { items: Item[] | undefined; error: unknown; loadOlder: (() => void) | undefined } {
  const [items, setItems] = useState<Item[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey only triggers a reload.
  useEffect(() => {
    setItems(undefined);
    setError(undefined);
    fetchPage(null).then((page) => {
      setItems(page.items);
      setCursor(page.nextCursor);
    }, setError);
  }, [fetchPage, reloadKey]);

  const loadOlder = cursor
    ? () => {
        fetchPage(cursor).then((page) => {
          setItems((loaded) => [...(loaded ?? []), ...page.items]);
          setCursor(page.nextCursor);
        }, setError);
      }
    : undefined;
  return { items, error, loadOlder };
}
