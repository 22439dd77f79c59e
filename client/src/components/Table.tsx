// A virtualised table for large data (100,000 rows): only the rows in view exist in the DOM. The header
// is sticky inside the scroll area so it scrolls sideways with the cells. Rows are keyboard focusable
// with one tab stop (roving tabindex): arrows, Page Up/Down, Home/End move; Enter activates.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatCount } from './format.ts';

export interface Column<Row> {
  id: string;
  header: ReactNode;
  cell: (row: Row, index: number) => ReactNode;
  /** A CSS grid track, e.g. `12rem` or `minmax(8rem, 2fr)`; `minmax(8rem, 1fr)` by default. */
  width?: string;
  align?: 'start' | 'end';
}

export interface TableProps<Row> {
  /** Names the table for assistive technology. */
  label: string;
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  rowKey: (row: Row, index: number) => string | number;
  /** Fixed row height in pixels (fixed heights keep 100,000 rows smooth). */
  rowHeight?: number;
  /** Height of the scrolling area in pixels. */
  height?: number;
  /** Filters, search and actions shown above the table. */
  toolbar?: ReactNode;
  /** Shown instead of rows when there are none. */
  empty?: ReactNode;
  onRowActivate?: (row: Row, index: number) => void;
  rowClassName?: (row: Row, index: number) => string | undefined;
  /** The live count under the toolbar; "1,234 rows" by default. */
  countLabel?: (count: number) => string;
  /**
   * Which rows are rendered (visible plus overscan), first and last index inclusive: a table whose rows
   * come page by page from the server loads the pages in view.
   */
  onRangeChange?: (first: number, last: number) => void;
}

/** The row a navigation key moves to, or null for keys the table does not handle. */
function keyTarget(key: string, from: number, count: number, page: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return from + 1;
    case 'ArrowUp':
      return from - 1;
    case 'PageDown':
      return from + page;
    case 'PageUp':
      return from - page;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

const defaultCount = (n: number) => `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;

export function Table<Row>({
  label,
  rows,
  columns,
  rowKey,
  rowHeight = 40,
  height = 480,
  toolbar,
  empty,
  onRowActivate,
  rowClassName,
  countLabel = defaultCount,
  onRangeChange,
}: TableProps<Row>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const activeIndex = Math.max(0, Math.min(active, rows.length - 1));
  const template = columns.map((c) => c.width ?? 'minmax(8rem, 1fr)').join(' ');

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    // The sticky header sits above the rows inside the same scroll area.
    scrollMargin: rowHeight,
    overscan: 8,
    initialRect: { width: 0, height },
  });

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? -1;
  const last = items.at(-1)?.index ?? -1;
  const onRange = useRef(onRangeChange);
  onRange.current = onRangeChange;
  // Also after the rows change under the same window (a page arrived, a filter changed).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `rows` is a trigger, see above.
  useEffect(() => {
    if (first >= 0) onRange.current?.(first, last);
  }, [first, last, rows]);

  // After a keyboard move the target row may only exist once the scroll has re-rendered the window.
  useLayoutEffect(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  const moveTo = (index: number) => {
    const to = Math.max(0, Math.min(index, rows.length - 1));
    setActive(to);
    pendingFocus.current = to;
    virtualizer.scrollToIndex(to, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>) => {
    // Only keys pressed on the row itself: a control inside a cell keeps its own keys.
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') {
      const row = rows[activeIndex];
      if (row !== undefined) onRowActivate?.(row, activeIndex);
      return;
    }
    const to = keyTarget(e.key, activeIndex, rows.length, Math.max(1, Math.floor(height / rowHeight) - 2));
    if (to !== null) {
      e.preventDefault();
      moveTo(to);
    }
  };

  return (
    <div className="table">
      <div className="table__toolbar">
        {toolbar}
        <div className="table__count" role="status">
          {countLabel(rows.length)}
        </div>
      </div>
      <div ref={scrollRef} className="table__scroll" style={{ height }}>
        <table className="table__grid" aria-label={label} aria-rowcount={rows.length + 1}>
          <thead className="table__head">
            <tr
              aria-rowindex={1}
              className="table__row table__row--head"
              style={{ gridTemplateColumns: template, height: rowHeight }}
            >
              {columns.map((c) => (
                <th key={c.id} scope="col" className={`table__cell table__cell--${c.align ?? 'start'}`}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          {rows.length === 0 ? (
            <tbody>
              <tr className="table__row--empty">
                <td colSpan={columns.length} className="table__empty">
                  {empty ?? 'Nothing to show.'}
                </td>
              </tr>
            </tbody>
          ) : (
            <tbody className="table__body" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const row = rows[item.index] as Row;
                const extra = rowClassName?.(row, item.index);
                return (
                  <tr
                    key={rowKey(row, item.index)}
                    data-index={item.index}
                    aria-rowindex={item.index + 2}
                    tabIndex={item.index === activeIndex ? 0 : -1}
                    className={extra ? `table__row ${extra}` : 'table__row'}
                    style={{
                      gridTemplateColumns: template,
                      height: rowHeight,
                      transform: `translateY(${item.start - rowHeight}px)`,
                    }}
                    onFocus={() => setActive(item.index)}
                    onKeyDown={onKeyDown}
                    onClick={onRowActivate ? () => onRowActivate(row, item.index) : undefined}
                  >
                    {columns.map((c) => (
                      <td key={c.id} className={`table__cell table__cell--${c.align ?? 'start'}`}>
                        {c.cell(row, item.index)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          )}
        </table>
      </div>
    </div>
  );
}
