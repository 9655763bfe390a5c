import { noContentSchema, type ProtectionBlock, protectionBlocksSchema } from '@passline/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useConfirm } from '../components/Confirm.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorNote } from '../components/ErrorNote.tsx';
import { type CountryNamer, countryLabel } from './protection-countries.ts';

const dimensionLabels: Record<ProtectionBlock['dimension'], string> = {
  range: 'Number range',
  ip: 'Client IP',
  country: 'Country',
};

/** What the conversion guard refuses right now, each with a "Clear" that asks first. */
export function ProtectionBlocks(props: { nameOf: CountryNamer; refreshKey: number }) {
  const confirm = useConfirm();
  const [blocks, setBlocks] = useState<ProtectionBlock[]>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();

  const load = useCallback(
    () => api('GET', '/api/protection/blocks', protectionBlocksSchema).then(setBlocks, setError),
    [],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: the page's Refresh bumps refreshKey to reload.
  useEffect(() => {
    void load();
  }, [load, props.refreshKey]);

  const what = (block: ProtectionBlock) =>
    block.dimension === 'country' ? countryLabel(block.value, props.nameOf) : block.value;

  async function clear(block: ProtectionBlock) {
    const yes = await confirm({
      title: `Clear the block on ${what(block)}?`,
      message: (
        <>
          <p>
            Codes to this {dimensionLabels[block.dimension].toLowerCase()} are sent again at once. Only{' '}
            {block.approved.toLocaleString('en')} of its {block.sent.toLocaleString('en')} codes were entered; if the
            pattern goes on, the guard blocks it again.
          </p>
          <p>To stop it from ever being blocked, add it to "Always allow" in the policy instead.</p>
        </>
      ),
      confirmLabel: 'Clear block',
      danger: true,
    });
    if (!yes) return;
    setError(undefined);
    try {
      await api('DELETE', `/api/protection/blocks/${encodeURIComponent(block.key)}`, noContentSchema);
      setStatus(`Cleared the block on ${what(block)}.`);
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      <ErrorNote error={error} />
      {status ? (
        <p className="note note-ok" role="status">
          {status}
        </p>
      ) : null}
      <DataTable
        loading={!error}
        rows={blocks}
        rowKey={(block) => block.key}
        empty="Nothing is blocked."
        columns={[
          { id: 'what', header: 'Blocked', cell: (block) => dimensionLabels[block.dimension] },
          { id: 'value', header: 'Which', cell: (block) => <code>{what(block)}</code> },
          {
            id: 'conversion',
            header: 'Entered / sent',
            cell: (block) => `${block.approved.toLocaleString('en')} / ${block.sent.toLocaleString('en')}`,
          },
          { id: 'since', header: 'Since', cell: (block) => new Date(block.createdAt).toLocaleString() },
          { id: 'until', header: 'Until', cell: (block) => new Date(block.until).toLocaleString() },
          {
            id: 'actions',
            header: <span className="visually-hidden">Actions</span>,
            cell: (block) => (
              <button type="button" onClick={() => void clear(block)} aria-label={`Clear ${what(block)}`}>
                Clear
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
