import { type DevOutboxMessage, devOutboxSchema } from '@passline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';

/** What dev-sms "sent": the one place codes are visible, which is why dev-sms is for development only. */
export function DevOutboxPage() {
  const [messages, setMessages] = useState<DevOutboxMessage[]>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(
    () => api('GET', '/api/dev/outbox?limit=50', devOutboxSchema).then(setMessages, setError),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <>
      <h1 tabIndex={-1}>Dev outbox</h1>
      <p className="note note-warn">
        The <strong>dev-sms</strong> connector sends no SMS: its messages, test sends included, land here instead. Set
        up a real SMS connector before going live.
      </p>
      <ErrorNote error={error} />
      <section className="panel" aria-label="Captured messages">
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        <DataTable
          loading={!error}
          rows={messages}
          rowKey={(message) => message.id}
          empty="Nothing captured yet."
          columns={[
            { id: 'time', header: 'Time', cell: (message) => new Date(message.createdAt).toLocaleString() },
            { id: 'number', header: 'Number', cell: (message) => <code>{message.to}</code> },
            { id: 'usage', header: 'Usage', cell: (message) => message.usage },
            { id: 'text', header: 'Text', cell: (message) => message.text },
          ]}
        />
      </section>
    </>
  );
}
