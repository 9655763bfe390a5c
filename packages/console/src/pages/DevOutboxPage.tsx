import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNote } from '../components/ErrorNote.tsx';

interface OutboxMessage {
  id: number;
  to: string;
  usage: string;
  text: string;
  createdAt: string;
}

/** What dev-sms "sent": the one place codes are visible, which is why dev-sms is for development only. */
export function DevOutboxPage() {
  const [messages, setMessages] = useState<OutboxMessage[]>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(
    () => api<OutboxMessage[]>('GET', '/api/dev/outbox?limit=50').then(setMessages, setError),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <>
      <h1 tabIndex={-1}>Dev outbox</h1>
      <p className="note note-warn">
        The <strong>dev-sms</strong> connector is active: no SMS leaves this server. Messages land here instead. Set up
        a real SMS connector before going live.
      </p>
      <ErrorNote error={error} />
      <section className="panel" aria-label="Captured messages">
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        {messages?.length === 0 ? <p className="muted">Nothing captured yet.</p> : null}
        {messages?.length ? (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Number</th>
                  <th scope="col">Usage</th>
                  <th scope="col">Text</th>
                </tr>
              </thead>
              <tbody>
                {messages.map((message) => (
                  <tr key={message.id}>
                    <td>{new Date(message.createdAt).toLocaleString()}</td>
                    <td>
                      <code>{message.to}</code>
                    </td>
                    <td>{message.usage}</td>
                    <td>{message.text}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
