import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import { Dialog } from './Dialog.tsx';

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

type Ask = (options: ConfirmOptions) => Promise<boolean>;
const ConfirmContext = createContext<Ask>(async () => false);

/** `const confirm = useConfirm(); if (await confirm({...})) ...` with an accessible dialog. */
export function useConfirm(): Ask {
  return useContext(ConfirmContext);
}

export function ConfirmProvider(props: { children: ReactNode }) {
  const [pending, setPending] = useState<{ options: ConfirmOptions; resolve: (yes: boolean) => void }>();
  const ask = useCallback<Ask>((options) => new Promise((resolve) => setPending({ options, resolve })), []);
  const answer = (yes: boolean) => {
    pending?.resolve(yes);
    setPending(undefined);
  };
  return (
    <ConfirmContext.Provider value={ask}>
      {props.children}
      <Dialog open={pending !== undefined} title={pending?.options.title ?? ''} onClose={() => answer(false)}>
        <div className="dialog-body">
          <div className="confirm-message">{pending?.options.message}</div>
          <div className="actions">
            <button type="button" onClick={() => answer(false)}>
              Cancel
            </button>
            <button
              type="button"
              className={pending?.options.danger ? 'danger' : 'primary'}
              onClick={() => answer(true)}
            >
              {pending?.options.confirmLabel}
            </button>
          </div>
        </div>
      </Dialog>
    </ConfirmContext.Provider>
  );
}
