/**
 * The remembered state (settings, recent files, layout) in localStorage: read once when the
 * window opens, written shortly after each change. A browser that refuses storage (private
 * mode, a full quota) only loses the memory, never the session.
 */
import { useEffect } from 'react';
import { REMEMBERED_KEY, rememberedFrom, rememberedText, type Remembered } from '../logic/remembered.js';

/** Changes are written once typing pauses for this long. */
const WRITE_DELAY_MS = 300;

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** What was remembered when the window opened. */
export function loadRemembered(): Remembered {
  try {
    return rememberedFrom(storage()?.getItem(REMEMBERED_KEY) ?? null);
  } catch {
    return rememberedFrom(null);
  }
}

/** Writes `remembered` whenever it changes (after a short pause). */
export function useRememberWrites(remembered: Remembered): void {
  const text = rememberedText(remembered);
  useEffect(() => {
    const timer = setTimeout(() => {
      try {
        storage()?.setItem(REMEMBERED_KEY, text);
      } catch {
        // Storage refused: the app works on without memory.
      }
    }, WRITE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
}
