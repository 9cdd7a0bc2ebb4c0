/** A fixed-row-height virtualised list (TanStack Virtual): only visible rows exist in the DOM. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';

export function VirtualList<T>({ items, rowHeight, height, label, render, keyOf, scrollTo, testId }: {
  items: readonly T[];
  rowHeight: number;
  height: number;
  label: string;
  render: (item: T, index: number) => ReactNode;
  keyOf: (item: T) => string | number;
  /** Index to bring into view when it changes. */
  scrollTo?: number;
  testId?: string;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: items.length, getScrollElement: () => parent.current, estimateSize: () => rowHeight, overscan: 8, getItemKey: (i) => keyOf(items[i]) });
  useEffect(() => {
    if (scrollTo !== undefined && scrollTo >= 0) v.scrollToIndex(scrollTo, { align: 'auto' });
  }, [scrollTo, v]);
  return (
    <div ref={parent} className="vlist" style={{ height }} role="list" aria-label={label} data-testid={testId} tabIndex={0}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => (
          <div key={row.key} role="listitem" className="vrow" style={{ position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${row.start}px)` }}>
            {render(items[row.index], row.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
