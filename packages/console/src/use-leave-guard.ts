import { useEffect } from 'react';
import { useConfirm } from './components/Confirm.tsx';
import { setLeaveGuard } from './router.ts';

/**
 * While `dirty`, leaving the page asks first: console links and the browser's back and forward
 * buttons get the console's own question, a reload or closing the tab gets the browser's.
 * `what` completes "Your changes to … are not saved."
 */
export function useLeaveGuard(dirty: boolean, what: string): void {
  const confirm = useConfirm();
  useEffect(() => {
    if (!dirty) return;
    setLeaveGuard(() =>
      confirm({
        title: 'Leave without saving?',
        message: `Your changes to ${what} are not saved. They will be lost if you leave this page.`,
        confirmLabel: 'Leave without saving',
        danger: true,
      }),
    );
    const beforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      setLeaveGuard(undefined);
    };
  }, [dirty, confirm, what]);
}
