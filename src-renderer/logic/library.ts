/**
 * How the "Recent analyses" list describes an analysis, apart from React so it is tested in Node.
 */
import type { AnalysisEntry, RunInfo } from '../../src-shared/api.js';
import type { Settings } from '../../src-shared/settings/types.js';
import { formatFigure } from './figure.js';
import { clockOf, ELAPSED, localText, zoneOf } from './period.js';

/**
 * One line about an analysis: its frames, its time range in the analysis's own time zone (its
 * `output_settings.timezone`, else this computer's: the zone its period views use) when it has
 * one, and its state when it cannot be opened.
 *
 * ```ts
 * analysisDescription({ frames: 600, fromMs: 0, toMs: 59_000, timezone: 'Asia/Tokyo', state: 'done', ... })
 * // '600 frames, 1970-01-01 09:00:00 to 09:00:59 Asia/Tokyo'
 * analysisDescription({ frames: 12, fromMs: 0, toMs: 6_000, timeClock: 'elapsed', ... })
 * // '12 frames, 0:00:00 to 0:00:06 since frame 0' (a rate without a start_time: no date)
 * ```
 */
export function analysisDescription(entry: Pick<AnalysisEntry, 'frames' | 'fromMs' | 'toMs' | 'timezone' | 'state' | 'timeClock'>): string {
  if (entry.state === 'running') return 'being analysed';
  if (entry.state === 'interrupted') return 'interrupted before it finished: delete it and analyse again';
  const frames = `${formatFigure(entry.frames)} frame${entry.frames === 1 ? '' : 's'}`;
  if (entry.fromMs === null || entry.toMs === null) return frames;
  // Times from a rate without a start count from frame 0: no date, no zone.
  if (entry.timeClock === 'elapsed') return `${frames}, ${localText(entry.fromMs, ELAPSED)} to ${localText(entry.toMs, ELAPSED)} since frame 0`;
  const zone = zoneOf(entry.timezone);
  let clock;
  try {
    clock = clockOf(zone);
  } catch {
    // A zone this browser does not know (the analysis was made elsewhere): UTC, said so.
    const utc = (ms: number): LocalEnd => ({ iso: new Date(ms).toISOString(), repeats: false });
    return describeRange(frames, utc(entry.fromMs), utc(entry.toMs), 'UTC');
  }
  const local = (ms: number): LocalEnd => ({ iso: clock.iso(ms), repeats: clock.repeats(ms) });
  return describeRange(frames, local(entry.fromMs), local(entry.toMs), zone);
}

/** One end of a range: its ISO 8601 local time, and whether the clock shows that reading twice (the hour it goes back over). */
interface LocalEnd {
  iso: string;
  repeats: boolean;
}

/**
 * `frames, <from> to <to> <zone>`; one time when both ends read the same. A reading the clock
 * shows twice (the hour it goes back over) gets its UTC offset, so that 02:30 +02:00 to 02:15 +01:00
 * does not read as a range going backwards.
 */
function describeRange(frames: string, from: LocalEnd, to: LocalEnd, zone: string): string {
  const sameDay = from.iso.slice(0, 10) === to.iso.slice(0, 10);
  // Both ends to the second within one day, both to the minute across days: a start written
  // to the minute beside an end to the second would read as the minute's start (00:59 for 00:59:30).
  const timeOf = (end: LocalEnd): string => `${end.iso.slice(11, sameDay ? 19 : 16)}${end.repeats ? ` ${end.iso.slice(-6)}` : ''}`;
  const start = `${from.iso.slice(0, 10)} ${timeOf(from)}`;
  const end = sameDay ? timeOf(to) : `${to.iso.slice(0, 10)} ${timeOf(to)}`;
  if (sameDay && end === timeOf(from)) return `${frames}, ${start} ${zone}`;
  return `${frames}, ${start} to ${end} ${zone}`;
}

/** When an analysis was made, as the list shows it (local time of the window, to the minute). */
export function createdLabel(createdMs: number): string {
  const date = new Date(createdMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The settings form once an analysis is opened from the library: the analysis's own source and
 * time base, grid and counting parameters, output settings (period, time zone, colours) and zones,
 * so the view shows the analysis as it was analysed (with the display last chosen while looking at
 * it, `display`, when one was kept) — not re-counted with, bucketed by or marked
 * out of date against whatever the form held before (another analysis, or the defaults of a fresh
 * browser). The form's `output_dir` and `param_file` stay (the analysis's output folder is inside
 * the library); parts the analysis does not carry (`dataSource`, `zones` of older analyses) stay too.
 *
 * ```ts
 * settingsOfOpened(current, info).heat_map_settings.params // === info.params
 * ```
 */
export function settingsOfOpened(current: Settings, info: Pick<RunInfo, 'params' | 'dataSource' | 'output' | 'zones' | 'display'>): Settings {
  return {
    data_source_settings: info.dataSource ?? current.data_source_settings,
    heat_map_settings: { ...current.heat_map_settings, params: info.params },
    // The display last chosen while looking at it, when one was kept, over the one it ran with.
    output_settings: { ...info.output, ...info.display, output_dir: current.output_settings.output_dir },
    zones: info.zones ?? current.zones,
  };
}
