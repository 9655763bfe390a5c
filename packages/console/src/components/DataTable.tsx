import type { ReactNode } from 'react';

export interface Column<Row> {
  id: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  className?: string;
}

interface DataTableProps<Row> {
  /** `undefined` while loading. */
  rows: readonly Row[] | undefined;
  columns: ReadonlyArray<Column<Row>>;
  rowKey: (row: Row) => string | number;
  /** What to say when there are no rows. */
  empty: string;
  /** False when loading failed (the page shows the error), so no "Loading…" lingers. */
  loading?: boolean;
}

/** The console's list tables: a loading line, an empty message, or a scrollable table. */
export function DataTable<Row>({ rows, columns, rowKey, empty, loading = true }: DataTableProps<Row>) {
  if (rows === undefined) return loading ? <p>Loading…</p> : null;
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column.id}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.id} className={column.className}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
