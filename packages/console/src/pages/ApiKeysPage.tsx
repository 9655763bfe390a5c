import {
  type ApiKey,
  type ApiKeyScope,
  apiKeysSchema,
  type CreatedApiKey,
  createdApiKeySchema,
  noContentSchema,
} from '@passline/contracts';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { api } from '../api.ts';
import { useConfirm } from '../components/Confirm.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';

export function ApiKeysPage() {
  const id = useId();
  const confirm = useConfirm();
  const [keys, setKeys] = useState<ApiKey[]>();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyScope>('verify');
  const [created, setCreated] = useState<CreatedApiKey>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(() => api('GET', '/api/api-keys', apiKeysSchema).then(setKeys, setError), []);
  useEffect(() => {
    void load();
  }, [load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      setCreated(await api('POST', '/api/api-keys', createdApiKeySchema, { name, scope }));
      setName('');
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  async function revoke(key: ApiKey) {
    const yes = await confirm({
      title: `Revoke “${key.name}”?`,
      message: <p>Applications using this key stop working within a few seconds. This cannot be undone.</p>,
      confirmLabel: 'Revoke',
      danger: true,
    });
    if (!yes) return;
    try {
      await api('DELETE', `/api/api-keys/${encodeURIComponent(key.id)}`, noContentSchema);
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>API keys</h1>
      <form className="panel inline-form" onSubmit={(event) => void create(event)}>
        <h2>Create a key</h2>
        <div className="field">
          <label className="label" htmlFor={`${id}-name`}>
            Name
          </label>
          <input
            id={`${id}-name`}
            value={name}
            required
            maxLength={100}
            placeholder="backend"
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label className="label" htmlFor={`${id}-scope`}>
            Scope
          </label>
          <select id={`${id}-scope`} value={scope} onChange={(event) => setScope(event.target.value as ApiKeyScope)}>
            <option value="verify">verify: send and check codes (for your backend)</option>
            <option value="admin">admin: the whole Management API</option>
            <option value="relay">relay: deliver codes for Logto or Supabase Auth</option>
          </select>
        </div>
        <button type="submit" className="primary" disabled={name.trim() === ''}>
          Create key
        </button>
      </form>
      {created ? (
        <div className="note note-ok" role="status" data-testid="new-key">
          <p>
            <strong>Copy the key for “{created.apiKey.name}” now.</strong> It is shown only this once; Passline stores
            only its hash.
          </p>
          <p className="key-box">
            <code>{created.key}</code>{' '}
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.key)}>
              Copy
            </button>
          </p>
          {created.apiKey.accountSid ? (
            <p>
              For Twilio Verify-compatible clients, the Account SID is <code>{created.apiKey.accountSid}</code> and the
              key is the auth token.
            </p>
          ) : null}
          <button type="button" onClick={() => setCreated(undefined)}>
            I have copied it
          </button>
        </div>
      ) : null}
      <ErrorNote error={error} />
      <section className="panel" aria-label="Keys">
        <DataTable
          loading={!error}
          rows={keys}
          rowKey={(key) => key.id}
          empty="No API keys yet."
          columns={[
            { id: 'name', header: 'Name', cell: (key) => key.name },
            { id: 'scope', header: 'Scope', cell: (key) => key.scope },
            {
              id: 'key',
              header: 'Key',
              cell: (key) => (
                <>
                  <code>{key.prefix}…</code>
                  {key.accountSid ? (
                    <>
                      {' '}
                      <small title="Account SID for Twilio Verify-compatible clients">
                        <code>{key.accountSid}</code>
                      </small>
                    </>
                  ) : null}
                </>
              ),
            },
            { id: 'created', header: 'Created', cell: (key) => new Date(key.createdAt).toLocaleDateString() },
            {
              id: 'used',
              header: 'Last used',
              cell: (key) => (key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never'),
            },
            {
              id: 'actions',
              header: <span className="visually-hidden">Actions</span>,
              className: 'row-actions',
              cell: (key) =>
                key.revokedAt ? (
                  <span className="badge">revoked</span>
                ) : (
                  <button type="button" onClick={() => void revoke(key)} aria-label={`Revoke ${key.name}`}>
                    Revoke
                  </button>
                ),
            },
          ]}
        />
      </section>
    </>
  );
}
