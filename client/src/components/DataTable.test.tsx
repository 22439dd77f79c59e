import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DataTable } from './DataTable.tsx';

describe('DataTable', () => {
  it('is a table named by its label with one column header per column, in order', () => {
    render(
      <DataTable label="Records per kind" columns={['Kind', 'Created', 'Skipped']}>
        <tr>
          <th scope="row">People</th>
          <td>3</td>
          <td>1</td>
        </tr>
      </DataTable>,
    );
    const table = screen.getByRole('table', { name: 'Records per kind' });
    expect(table.className).toBe('data-table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Kind', 'Created', 'Skipped']);
  });

  it('puts the given rows in its body, after the header row', () => {
    render(
      <DataTable label="History" columns={['When', 'What']}>
        <tr>
          <th scope="row">Today</th>
          <td>Created</td>
        </tr>
      </DataTable>,
    );
    const rows = within(screen.getByRole('table', { name: 'History' })).getAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(within(rows[1] as HTMLElement).getByRole('rowheader').textContent).toBe('Today');
    expect(rows[1]?.parentElement?.tagName).toBe('TBODY');
  });
});
