/**
 * The desktop window's size, place and maximised state between sessions, in a small JSON file
 * of the app's data folder. Read leniently: a missing, broken or out-of-range file gives the
 * default window, never an error.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../sinks/atomic.js';
import { isPlainObject } from '../../src-shared/objects.js';

export interface WindowState {
  /** Left and top edge in screen pixels; absent for the system's choice. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW: Readonly<WindowState> = Object.freeze({ width: 1400, height: 900, maximized: false });
/** The smallest window the layout works in (the BrowserWindow's minimum too). */
export const MIN_WINDOW = { width: 900, height: 600 } as const;
/** Larger than any screen: a size beyond it is a broken file. */
const MAX_SIDE = 16_384;

/** A rectangle of the screen (a display's work area). */
export interface ScreenArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The state in `file`, its place kept only when the window's top-left 100×40 pixels (where the
 * title bar is) lie on one of `areas`, so a window never comes back on a display that was unplugged.
 */
export async function readWindowState(file: string, areas: readonly ScreenArea[]): Promise<WindowState> {
  let stored: unknown;
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW };
  }
  if (!isPlainObject(stored)) return { ...DEFAULT_WINDOW };
  const side = (value: unknown, min: number, fallback: number): number =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= MAX_SIDE ? Math.round(value) : fallback;
  const state: WindowState = {
    width: side(stored.width, MIN_WINDOW.width, DEFAULT_WINDOW.width),
    height: side(stored.height, MIN_WINDOW.height, DEFAULT_WINDOW.height),
    maximized: stored.maximized === true,
  };
  const { x, y } = stored;
  if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) {
    const onScreen = areas.some(
      (area) => x >= area.x && y >= area.y && x + 100 <= area.x + area.width && y + 40 <= area.y + area.height,
    );
    if (onScreen) {
      state.x = Math.round(x);
      state.y = Math.round(y);
    }
  }
  return state;
}

/** Writes the state (atomically: a crash mid-write leaves the previous file). */
export async function writeWindowState(file: string, state: WindowState): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(state));
}
