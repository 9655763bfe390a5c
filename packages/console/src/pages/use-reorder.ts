import { type DragEvent, useCallback, useLayoutEffect, useRef, useState } from 'react';

/**
 * Reordering a list by native HTML5 drag and drop: a handle starts the drag, an item is a drop
 * target. Each list has its own hook, and a list only accepts drags that started in it, so a
 * chain inside a rule and the list of rules do not take each other's items.
 */
export function useDragReorder(onMove: (from: number, to: number) => void) {
  const dragging = useRef<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [source, setSource] = useState<number | null>(null);

  const end = useCallback(() => {
    dragging.current = null;
    setOver(null);
    setSource(null);
  }, []);

  return {
    /** The item a drag hovers (where it would land), and the one being dragged. */
    over,
    source,
    handleProps: (index: number, image?: () => HTMLElement | null) => ({
      draggable: true,
      onDragStart: (event: DragEvent<HTMLElement>) => {
        dragging.current = index;
        setSource(index);
        event.dataTransfer.effectAllowed = 'move';
        // Firefox starts no drag without data.
        event.dataTransfer.setData('text/plain', String(index));
        const element = image?.();
        if (element) event.dataTransfer.setDragImage(element, 16, 16);
      },
      onDragEnd: end,
    }),
    targetProps: (index: number) => ({
      onDragOver: (event: DragEvent<HTMLElement>) => {
        // Not ours: let the event reach an outer list that may own the drag.
        if (dragging.current === null) return;
        event.preventDefault();
        event.stopPropagation();
        event.dataTransfer.dropEffect = 'move';
        setOver(index);
      },
      onDrop: (event: DragEvent<HTMLElement>) => {
        const from = dragging.current;
        if (from === null) return;
        event.preventDefault();
        event.stopPropagation();
        end();
        if (from !== index) onMove(from, index);
      },
    }),
  };
}

/**
 * Keeps keyboard focus on a Move up / Move down button after its item moves: the item re-renders
 * at its new place, and at the top or bottom its button is disabled, so focus goes to the other.
 */
export function useMoveFocus() {
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const pending = useRef<{ key: string; direction: 'up' | 'down' } | null>(null);

  useLayoutEffect(() => {
    const wanted = pending.current;
    if (!wanted) return;
    pending.current = null;
    const same = buttons.current.get(`${wanted.key}:${wanted.direction}`);
    const other = buttons.current.get(`${wanted.key}:${wanted.direction === 'up' ? 'down' : 'up'}`);
    (same && !same.disabled ? same : other)?.focus();
  });

  return {
    register: (key: string, direction: 'up' | 'down') => (element: HTMLButtonElement | null) => {
      if (element) buttons.current.set(`${key}:${direction}`, element);
      else buttons.current.delete(`${key}:${direction}`);
    },
    follow: (key: string, direction: 'up' | 'down') => {
      pending.current = { key, direction };
    },
  };
}
