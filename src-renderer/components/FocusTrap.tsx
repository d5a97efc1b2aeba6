import { useEffect, useRef, type ReactNode } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps keyboard focus inside a dialog while it is open: focus moves into it on opening, Tab
 * and Shift+Tab cycle within it, and focus returns to where it was when it closes (WCAG 2.4.3).
 */
export function FocusTrap({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const focusables = (): HTMLElement[] => Array.from(box.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
    focusables()[0]?.focus();
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== 'Tab') return;
      const inside = focusables();
      if (inside.length === 0) {
        event.preventDefault();
        return;
      }
      const first = inside[0];
      const last = inside[inside.length - 1];
      const active = document.activeElement;
      const within = active instanceof Node && box.current?.contains(active) === true;
      if (event.shiftKey && (active === first || !within)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !within)) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      // The element may have left the page meanwhile (a button that was replaced): then the page gets focus.
      if (before !== null && before.isConnected) before.focus();
    };
  }, []);
  return <div ref={box}>{children}</div>;
}
