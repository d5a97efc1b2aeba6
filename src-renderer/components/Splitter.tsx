import type { KeyboardEvent, PointerEvent } from 'react';
import { SIDEBAR_WIDTH_RANGE } from '../logic/remembered.js';

/** Pixels an arrow key moves the splitter. */
const KEY_STEP = 16;

function clampWidth(width: number): number {
  return Math.min(SIDEBAR_WIDTH_RANGE.max, Math.max(SIDEBAR_WIDTH_RANGE.min, Math.round(width)));
}

/**
 * The handle between the side panel and the timeline: dragged with the pointer, or focused and
 * moved with ← → (Home/End for the narrowest and widest), as the WAI-ARIA window splitter does.
 */
export function Splitter({ width, onResize }: { width: number; onResize: (width: number) => void }) {
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = width;
    const move = (moved: globalThis.PointerEvent) => onResize(clampWidth(startWidth + moved.clientX - startX));
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next =
      event.key === 'ArrowLeft'
        ? width - KEY_STEP
        : event.key === 'ArrowRight'
          ? width + KEY_STEP
          : event.key === 'Home'
            ? SIDEBAR_WIDTH_RANGE.min
            : event.key === 'End'
              ? SIDEBAR_WIDTH_RANGE.max
              : null;
    if (next === null) return;
    event.preventDefault();
    onResize(clampWidth(next));
  };
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label="Side panel width"
      aria-valuemin={SIDEBAR_WIDTH_RANGE.min}
      aria-valuemax={SIDEBAR_WIDTH_RANGE.max}
      aria-valuenow={width}
      tabIndex={0}
      style={{ left: width - 3 }}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      data-testid="splitter"
    />
  );
}
