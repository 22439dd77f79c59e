// A small static table in the journey's `data-table` style: a named table, one header row of column
// names, and the body rows the caller gives (their first cell is usually a `<th scope="row">`). Large
// data goes in the virtualised Table instead.
import type { ReactNode } from 'react';

export interface DataTableProps {
  /** Names the table for assistive technology. */
  label: string;
  /** The column headers, left to right; each is its own key, so they must differ. */
  columns: readonly string[];
  /** The `<tr>` rows of the body. */
  children: ReactNode;
}

export function DataTable({ label, columns, children }: DataTableProps) {
  return (
    <table className="data-table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
