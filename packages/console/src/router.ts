import { useSyncExternalStore } from 'react';

/**
 * A tiny history router: the console has a handful of pages, and one rule a library would make
 * awkward: a page with unsaved changes can hold navigation until the admin confirms.
 */
export const basePath = '/console';

type LeaveGuard = () => Promise<boolean>;
let leaveGuard: LeaveGuard | undefined;
const listeners = new Set<() => void>();

function currentPath(): string {
  const path = window.location.pathname.startsWith(basePath)
    ? window.location.pathname.slice(basePath.length)
    : window.location.pathname;
  // The dashboard is the landing page.
  return path === '' || path === '/' ? '/dashboard' : path.replace(/\/$/, '');
}

function notify() {
  for (const listener of listeners) listener();
}

// The URL of the page on screen: a guarded page puts it back when the back or forward button left it.
let shownUrl = window.location.pathname + window.location.search;

window.addEventListener('popstate', () => {
  const guard = leaveGuard;
  if (!guard) {
    shownUrl = window.location.pathname + window.location.search;
    notify();
    return;
  }
  // The browser has already moved: stay on this page while the guard asks. Whether the admin
  // pressed back or forward, the entry before the restored one is where they wanted to go.
  window.history.pushState(null, '', shownUrl);
  void guard().then((leave) => {
    if (!leave) return;
    leaveGuard = undefined;
    window.history.back();
  });
});

export function useRoute(): { path: string; search: URLSearchParams } {
  const path = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => `${currentPath()}${window.location.search}`,
  );
  const [pathname = '/dashboard', query = ''] = path.split('?');
  return { path: pathname, search: new URLSearchParams(query) };
}

/** Set by a page with unsaved changes; cleared when it unmounts or saves. */
export function setLeaveGuard(guard: LeaveGuard | undefined): void {
  leaveGuard = guard;
}

export async function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): Promise<void> {
  if (!options.force && leaveGuard && !(await leaveGuard())) return;
  leaveGuard = undefined;
  const url = `${basePath}${to}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  shownUrl = url;
  notify();
  window.scrollTo(0, 0);
}

export function href(to: string): string {
  return `${basePath}${to}`;
}
