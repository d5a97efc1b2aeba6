/**
 * What the app remembers between sessions (in the page's localStorage, in Electron and in the
 * browser alike): the settings, the recent files and the layout. Settings hold paths and
 * choices, never credentials (those live in the back end's credential store), so nothing
 * secret is written.
 *
 * What is read back is checked setting by setting against the settings table: a value of the
 * wrong type (an older version's, an edited one) falls back to its default instead of
 * reaching the form.
 */
import { defaultSettings, SETTING_FIELDS, type Settings } from '../../src-shared/settings/index.js';
import { isPlainObject } from '../../src-shared/objects.js';

/** The key in localStorage; the version changes when the stored shape does. */
export const REMEMBERED_KEY = 'crowdheat.remembered.v1';
/** Recent files kept, newest first. */
export const MAX_RECENT = 8;

export type RecentRole = 'metadata' | 'video' | 'settings';

export interface RecentFile {
  path: string;
  role: RecentRole;
}

export interface Layout {
  /** The Advanced settings are open. */
  advancedOpen: boolean;
  /** Width of the side panel in CSS pixels. */
  sidebarWidth: number;
}

export interface Remembered {
  settings: Settings;
  recent: RecentFile[];
  layout: Layout;
}

export const DEFAULT_LAYOUT: Readonly<Layout> = Object.freeze({ advancedOpen: false, sidebarWidth: 360 });
export const SIDEBAR_WIDTH_RANGE = { min: 280, max: 640 } as const;

/** The least width the main area (timeline, period views) keeps beside the side panel, in CSS pixels. */
export const MIN_MAIN_WIDTH = 620;

/**
 * The side panel's width as drawn in a window `windowWidth` CSS pixels wide: the remembered
 * width, narrowed so the main area keeps `MIN_MAIN_WIDTH` (never below the range's minimum). A
 * width chosen in a wide window thus never squeezes the timeline of a narrow one; the remembered
 * width is kept for when the window is wide again.
 *
 * ```ts
 * shownSidebarWidth(640, 1024) // 404
 * shownSidebarWidth(360, 1024) // 360
 * shownSidebarWidth(360, 800)  // 280
 * ```
 */
export function shownSidebarWidth(remembered: number, windowWidth: number): number {
  return Math.min(remembered, Math.max(SIDEBAR_WIDTH_RANGE.min, Math.floor(windowWidth - MIN_MAIN_WIDTH)));
}

/** What a fresh install starts with. */
export function nothingRemembered(): Remembered {
  return { settings: defaultSettings(), recent: [], layout: { ...DEFAULT_LAYOUT } };
}

/** The remembered state from stored text; anything unreadable is replaced by its default, never thrown. */
export function rememberedFrom(text: string | null): Remembered {
  const fallback = nothingRemembered();
  if (text === null) return fallback;
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return fallback;
  }
  if (!isPlainObject(stored)) return fallback;
  return {
    settings: settingsFrom(stored.settings),
    recent: recentFrom(stored.recent),
    layout: layoutFrom(stored.layout),
  };
}

/** The text to store. */
export function rememberedText(remembered: Remembered): string {
  return JSON.stringify(remembered);
}

/** Each stored setting of the right type over the defaults. */
function settingsFrom(stored: unknown): Settings {
  const settings = defaultSettings();
  if (!isPlainObject(stored)) return settings;
  for (const field of SETTING_FIELDS) {
    let value: unknown;
    try {
      value = field.get(stored as unknown as Settings);
    } catch {
      continue;
    }
    if (value !== undefined && field.rule.hasType(value)) field.set(settings, Array.isArray(value) ? [...(value as unknown[])] : value);
  }
  return settings;
}

function recentFrom(stored: unknown): RecentFile[] {
  if (!Array.isArray(stored)) return [];
  const roles: readonly string[] = ['metadata', 'video', 'settings'];
  return stored
    .filter((entry): entry is RecentFile => isPlainObject(entry) && typeof entry.path === 'string' && entry.path !== '' && roles.includes(String(entry.role)))
    .map((entry) => ({ path: entry.path, role: entry.role }))
    .slice(0, MAX_RECENT);
}

function layoutFrom(stored: unknown): Layout {
  if (!isPlainObject(stored)) return { ...DEFAULT_LAYOUT };
  const width = stored.sidebarWidth;
  return {
    advancedOpen: stored.advancedOpen === true,
    sidebarWidth:
      typeof width === 'number' && Number.isFinite(width)
        ? Math.min(SIDEBAR_WIDTH_RANGE.max, Math.max(SIDEBAR_WIDTH_RANGE.min, Math.round(width)))
        : DEFAULT_LAYOUT.sidebarWidth,
  };
}

/** `recent` with `file` first, without an older entry of the same path and role, at most `MAX_RECENT`. */
export function withRecent(recent: readonly RecentFile[], file: RecentFile): RecentFile[] {
  return [file, ...recent.filter((entry) => entry.path !== file.path || entry.role !== file.role)].slice(0, MAX_RECENT);
}
