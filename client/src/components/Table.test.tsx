import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockTableLayout } from '../testing/table-layout.ts';
import { SearchField } from './fields.tsx';
import { type Column, Table } from './Table.tsx';

interface Person {
  id: number;
  name: string;
  email: string;
}

const people: Person[] = Array.from({ length: 100_000 }, (_, i) => ({
  id: i + 1,
  name: `Person ${i + 1}`,
  email: `person${i + 1}@example.test`,
}));

const columns: Column<Person>[] = [
  { id: 'id', header: 'Actimo id', cell: (p) => p.id, width: '6rem', align: 'end' },
  { id: 'name', header: 'Name', cell: (p) => p.name },
  { id: 'email', header: 'Email', cell: (p) => p.email },
];

beforeEach(() => {
  mockTableLayout();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function bodyRows(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('tbody tr'));
}

function focusedRow(): { index: string | null; text: string } {
  const el = document.activeElement as HTMLElement;
  return { index: el.getAttribute('aria-rowindex'), text: el.textContent ?? '' };
}

/** A table under a search box, as screens use it. */
function Filtered() {
  const [q, setQ] = useState('');
  const rows = people.filter((p) => p.name.endsWith(q));
  return (
    <Table
      label="Persons"
      rows={rows}
      columns={columns}
      rowKey={(p) => p.id}
      toolbar={<SearchField label="Search persons" value={q} onChange={(e) => setQ(e.target.value)} />}
      countLabel={(n) => `${n} of ${people.length}`}
    />
  );
}

describe('Table', () => {
  it('puts only the rows in view into the page, out of 100,000', () => {
    render(<Table label="Persons" rows={people} columns={columns} rowKey={(p) => p.id} height={400} />);
    const table = screen.getByRole('table', { name: 'Persons' });
    expect(table.getAttribute('aria-rowcount')).toBe('100001');
    const rows = bodyRows();
    expect(rows.length).toBeGreaterThan(8);
    expect(rows.length).toBeLessThan(30);
    expect(rows[0]?.getAttribute('aria-rowindex')).toBe('2');
    expect(
      within(rows[0]!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['1', 'Person 1', 'person1@example.test']);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Actimo id',
      'Name',
      'Email',
    ]);
    expect(screen.getByRole('status').textContent).toBe('100,000 rows');
  });

  it('has one tab stop and moves between rows with the arrow, page and Home/End keys', async () => {
    render(<Table label="Persons" rows={people} columns={columns} rowKey={(p) => p.id} height={400} />);
    expect(document.querySelectorAll('tbody tr[tabindex="0"]')).toHaveLength(1);
    await userEvent.tab();
    expect(focusedRow()).toEqual({ index: '2', text: '1Person 1person1@example.test' });
    await userEvent.keyboard('{ArrowDown}');
    expect(focusedRow().index).toBe('3');
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(focusedRow().index).toBe('2');
    // 400 px of 40 px rows, less two for the header and context: pages of 8.
    await userEvent.keyboard('{PageDown}');
    expect(focusedRow().index).toBe('10');
    await userEvent.keyboard('{End}');
    expect(focusedRow()).toEqual({ index: '100001', text: '100000Person 100000person100000@example.test' });
    await userEvent.keyboard('{Home}');
    expect(focusedRow().index).toBe('2');
    expect(document.querySelectorAll('tbody tr[tabindex="0"]')).toHaveLength(1);
  });

  it('activates a row with Enter or a click', async () => {
    const onRowActivate = vi.fn();
    render(
      <Table
        label="Persons"
        rows={people}
        columns={columns}
        rowKey={(p) => p.id}
        onRowActivate={onRowActivate}
      />,
    );
    await userEvent.tab();
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(onRowActivate).toHaveBeenLastCalledWith(people[1], 1);
    await userEvent.click(screen.getByText('Person 3'));
    expect(onRowActivate).toHaveBeenLastCalledWith(people[2], 2);
  });

  it('leaves keys pressed in a control inside a cell to that control', async () => {
    const withInput: Column<Person>[] = [
      ...columns,
      { id: 'note', header: 'Note', cell: (p) => <input aria-label={`Note for ${p.name}`} /> },
    ];
    render(<Table label="Persons" rows={people} columns={withInput} rowKey={(p) => p.id} />);
    const input = screen.getByRole('textbox', { name: 'Note for Person 1' });
    await userEvent.click(input);
    await userEvent.keyboard('ab{ArrowDown}');
    expect(document.activeElement).toBe(input);
    expect((input as HTMLInputElement).value).toBe('ab');
  });

  it('tells which rows it renders, as they change, so pages of rows can load on demand', async () => {
    const onRangeChange = vi.fn();
    render(
      <Table
        label="Persons"
        rows={people}
        columns={columns}
        rowKey={(p) => p.id}
        height={400}
        onRangeChange={onRangeChange}
      />,
    );
    // The 9 rows under the header in 400 px, plus 8 rows of overscan.
    expect(onRangeChange).toHaveBeenLastCalledWith(0, 16);
    await userEvent.tab();
    await userEvent.keyboard('{End}');
    const [first, last] = onRangeChange.mock.lastCall ?? [];
    expect([first, last]).toEqual([99_982, 99_999]);
  });

  it('shows its empty state when there are no rows', () => {
    render(
      <Table
        label="Persons"
        rows={[]}
        columns={columns}
        rowKey={(p) => p.id}
        empty="No person matches the search."
      />,
    );
    expect(screen.getByRole('cell').textContent).toBe('No person matches the search.');
    expect(screen.getByRole('status').textContent).toBe('0 rows');
  });

  it('shows filters in its toolbar and keeps the focus target within the filtered rows', async () => {
    render(<Filtered />);
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.keyboard('{End}');
    expect(focusedRow().index).toBe('100001');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search persons' }), '0000');
    expect(screen.getByRole('status').textContent).toBe('10 of 100000');
    expect(bodyRows().map((r) => r.getAttribute('tabindex'))).toEqual([...Array(9).fill('-1'), '0']);
  });
});
