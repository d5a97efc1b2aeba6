/**
 * report.html: one self-contained page for someone who never opens crowdheat. Everything is
 * inline — pictures as data: URIs, the chart as SVG, the style sheet in a <style> element, no
 * script — so the file opens by double-click, offline, and prints on A4 or Letter.
 *
 * Every figure the page shows from zones.csv or summary.json also carries its exact value in a
 * `data-value` attribute, so a reader (or a test) can check the page against the files.
 */
import { parseTimestamp } from '../frames.js';
import { summaryEndIso } from '../periods/range.js';
import { elapsedText, parseIsoWithOffset, summaryTimeClock } from '../periods/time-base.js';
import { FIGURE_DIGITS, shown } from '../figures.js';
import { isoWithOffset, type UtcOffset } from '../zones/time.js';
import type { ZonesSummary } from '../zones/output.js';

/** How the page writes a figure: the one way crowdheat does (figures.ts). */
export { shown };

/** The parts of summary.json the report reads (sinks write more). */
export interface ReportSummary {
  source: { mode: string; name: string; meta_file?: string; video_file?: string; device_id?: string };
  parameters: Record<string, unknown>;
  frames: number;
  detections: number;
  skipped_records: number;
  time_range: { first: string; last: string } | null;
  peak: { count: number; frame: number; h: number; v: number; timestamp?: string };
  zones?: ZonesSummary;
  /**
   * The time base (sinks/store.ts): first and last are the first and the last frame's times, ISO
   * 8601 in the run's time zone; the median interval gives the last frame's duration (the period
   * ends when the last frame does: frameSpanMs).
   */
  time_base?: {
    kind: 'T' | 'metadata_fps' | 'video_fps' | 'none';
    fps: number;
    unit: string;
    first: string | null;
    last: string | null;
    median_interval_ms?: number;
  };
  /** The run's period setting and the time zone of its local times (`output_settings.timezone` resolved). */
  period?: { period: string; timezone: string; buckets: number };
  /** The frame with the most detections; `time` in the run's time zone. */
  busiest_moment?: { frame: number; t: string | null; time: string | null; count: number } | null;
  /** The cell with the highest whole-period value (person-seconds or person-frames). */
  busiest_place?: { h: number; v: number; value: number; unit: string } | null;
  people?: {
    busiest?: { frame: number; people: number; timestamp?: string };
    gaps: { count: number; total_s: number; listed: Array<{ from_T: string; to_T: string; seconds: number }> };
  };
}

/** A picture ready to inline: a data: URI and its size in pixels. */
export interface InlinePicture {
  name: string;
  uri: string;
  width: number;
  height: number;
}

/** A CSV read as rows of named cells. */
export type CsvRows = Array<Record<string, string>>;

export interface ReportInput {
  summary: ReportSummary;
  /** heatmap_period.png when present, else heatmap.png; null when neither exists. */
  mainPicture: (InlinePicture & { outlinesDrawn: boolean }) | null;
  /** periods/*.png, in name order (already made small). */
  periodPictures: InlinePicture[];
  /** How many period pictures were left out to keep the file small. */
  periodPicturesLeftOut: number;
  zones: CsvRows | null;
  /** Zones outlined and listed in the settings instead of `summary.zones` (the app's, edited after the run). */
  outlineZones?: ReadonlyArray<{ name: string; points: ReadonlyArray<readonly [number, number]> }>;
  people: CsvRows | null;
  buckets: { columns: string[]; rows: string[][]; leftOut: number } | null;
  /** When the report was made (ms since the epoch). */
  madeMs: number;
  /** The UTC offset of the run's time zone (`summary.period.timezone`); UTC when not given. */
  offset?: UtcOffset;
}

/** A frame rate in words, singular at exactly one: `1 frame a second`, `2.5 frames a second`. */
export function framesASecond(fps: number): string {
  const figure = shown(fps, FIGURE_DIGITS.fps);
  return `${figure} ${figure === '1' ? 'frame' : 'frames'} a second`;
}

/** How the page names where frame times came from. */
const TIME_BASE_WORDS: Readonly<Record<NonNullable<ReportSummary['time_base']>['kind'], (fps: number) => string>> = {
  T: () => 'the frames\' own timestamps (T)',
  metadata_fps: (fps) => `local_data_settings.metadata_fps (${framesASecond(fps)})`,
  video_fps: (fps) => `the video's frame rate (${framesASecond(fps)})`,
  none: () => 'none',
};

const UTC: UtcOffset = () => 0;

/** The sentence under the title: the data's time range, its time base and time zone, or that there is none. */
function timeLine(summary: ReportSummary, offset: UtcOffset, timeOf: TimeWords): string {
  const base = summary.time_base;
  const zone = summary.period?.timezone ?? 'UTC';
  if (base !== undefined && base.kind !== 'none' && base.first !== null && base.last !== null) {
    const end = timeOf(base.median_interval_ms === undefined ? base.last : summaryEndIso(base.last, base.median_interval_ms, base.fps));
    const clock = timeOf === elapsedWords ? 'times since frame 0: no start_time, so no date' : `times in ${zone}`;
    return `From ${timeOf(base.first)} to ${end} (${clock}; time base: ${TIME_BASE_WORDS[base.kind](base.fps)}).`;
  }
  const range = summary.time_range;
  if (base === undefined && range !== null) return `From ${localOfT(range.first, offset)} to ${localOfT(range.last, offset)} (times in ${zone}).`;
  return 'The data has no time base (no timestamps, no local_data_settings.metadata_fps, no video): times are frame numbers and figures are in person-frames.';
}

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d5dae0; --accent: #0b6e99; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 8px 16px; margin: 12px 0; }
.fact { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.fact b { display: block; font-size: 20px; }
figure { margin: 0; }
.picture { position: relative; width: 100%; }
.picture img { display: block; width: 100%; height: auto; }
.picture svg { position: absolute; inset: 0; width: 100%; height: 100%; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; }
.gallery img { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
th { background: #f1f4f7; }
.chart { width: 100%; height: auto; }
@page { margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; }
  figure, .fact, tr, .chart { break-inside: avoid; }
  .gallery { grid-template-columns: repeat(4, 1fr); }
  th { background: none; }
}
`;

/** How the page writes a moment given as ISO 8601 with an offset. */
type TimeWords = (iso: string) => string;

/** A moment (ISO 8601 with an offset, or a T string) as time since frame 0 (`0:00:05`), for times from a rate without a start. */
const elapsedWords: TimeWords = (moment) => {
  const ms = /^\d{17}$/.test(moment) ? parseTimestamp(moment) : parseIsoWithOffset(moment);
  return Number.isNaN(ms) ? moment : elapsedText(ms);
};

/** How the page writes the run's moments: as time since frame 0 when they came from a rate without a start (summaryTimeClock), else as dates. */
function timeWordsOf(summary: ReportSummary): TimeWords {
  const base = summary.time_base;
  return base !== undefined && summaryTimeClock(base) === 'elapsed' ? elapsedWords : readableIso;
}

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** `2023-04-12 23:00:23 +09:00` from an ISO 8601 string with offset (as zones.csv writes them). */
export function readableIso(iso: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?([+-]\d\d:\d\d|Z)$/.exec(iso);
  return match === null ? iso : `${match[1]} ${match[2]} ${match[3]}`;
}

function localOfT(t: string | undefined, offset: UtcOffset): string {
  if (t === undefined || t === '') return '';
  const ms = parseTimestamp(t);
  return Number.isNaN(ms) ? t : readableIso(isoWithOffset(ms, offset));
}

/** A CSV cell holding a plain decimal number (`12`, `-0.5`, `1.5e-7`), as crowdheat writes them. */
const DECIMAL_CELL = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
/** A CSV cell holding a whole number (a frame index, a count). */
const INTEGER_CELL = /^-?\d+$/;

/**
 * A figure read from a CSV cell as the page shows it (`shown`, `scale` times the cell's number
 * followed by `unit`, e.g. 100 and ` %` for a share), `–` for an empty cell, and the cell as written when it is not a
 * plain decimal number (`0x1A`, `Infinity`, `n/a`): never another number or 0 in its place.
 */
function cellText(cell: string, digits: number, scale = 1, unit = ''): string {
  const trimmed = cell.trim();
  if (trimmed === '') return '–';
  return DECIMAL_CELL.test(trimmed) ? `${shown(Number(trimmed) * scale, digits)}${unit}` : cell;
}

/** `frame 50,810` for a frame index read from a CSV cell; the cell as written when it is not a whole number. */
function frameText(cell: string): string {
  return `frame ${INTEGER_CELL.test(cell.trim()) ? shown(Number(cell), 0) : cell}`;
}

function valueCell(raw: string, text: string, className = ''): string {
  const cls = className === '' ? '' : ` class="${className}"`;
  return `<td${cls} data-value="${escapeHtml(raw)}">${escapeHtml(text)}</td>`;
}

function fact(label: string, value: string, raw: string, key: string): string {
  return `<div class="fact" data-key="${escapeHtml(key)}" data-value="${escapeHtml(raw)}"><span class="muted">${escapeHtml(label)}</span><b>${escapeHtml(value)}</b></div>`;
}

/**
 * The caption of a bucket's map: its file stem `periods/<yyyyMMdd-HHmm>` (the bucket's local
 * start, SPEC's period outputs) as `yyyy-MM-dd HH:mm`; any other stem as it is.
 *
 * ```ts
 * periodCaption('20261123-0900') // '2026-11-23 09:00'
 * ```
 */
export function periodCaption(stem: string): string {
  const parts = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})$/.exec(stem);
  return parts === null ? stem : `${parts[1]}-${parts[2]}-${parts[3]} ${parts[4]}:${parts[5]}`;
}

/**
 * The caption of a bucket's map for a run whose times count from frame 0: its stem's local start
 * (on the clock `offset` gives) as time since frame 0 (`1:00:00`); any other stem as it is.
 */
function elapsedCaption(stem: string, offset: UtcOffset): string {
  const parts = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})$/.exec(stem);
  if (parts === null) return stem;
  const wall = Date.UTC(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]), Number(parts[4]), Number(parts[5]));
  return elapsedText(wall - offset(wall) * 60_000);
}

/** Builds the whole page. Pure: the caller reads the files and writes the result. */
export function reportHtml(input: ReportInput): string {
  const offset = input.offset ?? UTC;
  const { summary } = input;
  const title = `Crowd report: ${sourceTitle(summary.source)}`;
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(title)}</h1>`);
  const timeOf = timeWordsOf(summary);
  parts.push(`<p class="muted" data-key="time-base" data-value="${escapeHtml(summary.time_base?.kind ?? '')}">${escapeHtml(timeLine(summary, offset, timeOf))} Made ${escapeHtml(readableIso(isoWithOffset(input.madeMs, offset)))} by crowdheat.</p>`);

  const facts = [
    fact('frames', shown(summary.frames, 0), String(summary.frames), 'frames'),
    fact('detections', shown(summary.detections, 0), String(summary.detections), 'detections'),
  ];
  const moment = summary.busiest_moment;
  const busiest = summary.people?.busiest;
  if (moment !== undefined && moment !== null) {
    const when = moment.time !== null ? timeOf(moment.time) : `frame ${shown(moment.frame, 0)}`;
    facts.push(fact(`busiest moment: ${when}`, `${shown(moment.count, 0)} people`, String(moment.count), 'busiest-people'));
  } else if (busiest !== undefined) {
    const when = busiest.timestamp !== undefined ? localOfT(busiest.timestamp, offset) : `frame ${shown(busiest.frame, 0)}`;
    facts.push(fact(`busiest moment: ${when}`, `${shown(busiest.people, 0)} people`, String(busiest.people), 'busiest-people'));
  }
  const place = summary.busiest_place;
  if (place !== undefined && place !== null) {
    facts.push(fact(`busiest place over the whole period: ${placeOf(summary, place)}`, `${shown(place.value, FIGURE_DIGITS.figure)} ${place.unit}`, String(place.value), 'busiest-place'));
  }
  parts.push(`<div class="facts">${facts.join('')}</div>`);

  if (input.mainPicture !== null) parts.push(mainFigure(input.mainPicture, summary, input.outlineZones ?? summary.zones?.zones ?? []));

  if (input.zones !== null && input.zones.length > 0) parts.push(zoneTable(input.zones, timeOf));
  else parts.push('<h2>Zones</h2><p class="muted">No zones were defined for this analysis.</p>');

  parts.push('<h2>People over time</h2>');
  parts.push(input.people !== null && input.people.length > 0 ? peopleChart(input.people, timeOf) : '<p class="muted">No people-over-time series (people.csv) in this folder.</p>');

  if (input.periodPictures.length > 0) {
    const left = input.periodPicturesLeftOut > 0 ? ` (${shown(input.periodPicturesLeftOut, 0)} more left out to keep this file small)` : '';
    const captionOf = (stem: string): string => (timeOf === elapsedWords ? elapsedCaption(stem, offset) : periodCaption(stem));
    parts.push(`<h2>Maps by period</h2><div class="gallery">${input.periodPictures.map((picture) => `<figure><img alt="heatmap ${escapeHtml(captionOf(picture.name))}" src="${picture.uri}" width="${picture.width}" height="${picture.height}"><figcaption>${escapeHtml(captionOf(picture.name))}</figcaption></figure>`).join('')}</div><p class="muted">${escapeHtml(left)}</p>`);
  }
  if (input.buckets !== null) parts.push(bucketsTable(input.buckets, timeOf));

  parts.push(gapsSection(summary, offset, timeOf));
  parts.push(settingsSection(summary, input.outlineZones));

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}

function placeOf(summary: ReportSummary, place: { h: number; v: number }): string {
  const p = summary.parameters;
  const { h, v } = place;
  const width = Number(p.image_size_h);
  const height = Number(p.image_size_v);
  const columns = Number(p.grid_num_h);
  const rows = Number(p.grid_num_v);
  if (![width, height, columns, rows].every((n) => Number.isFinite(n) && n > 0)) return `cell h ${h}, v ${v}`;
  const x = Math.round(((h + 0.5) * width) / columns);
  const y = Math.round(((v + 0.5) * height) / rows);
  return `cell h ${h}, v ${v} (around x ${x}, y ${y})`;
}

/** `zones`: the outlines drawn over the picture when it does not carry them. */
function mainFigure(picture: InlinePicture & { outlinesDrawn: boolean }, summary: ReportSummary, zones: NonNullable<ReportInput['outlineZones']>): string {
  const width = Number(summary.parameters.image_size_h);
  const height = Number(summary.parameters.image_size_v);
  const overlay: string[] = [];
  if (Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0) {
    if (!picture.outlinesDrawn) {
      for (const zone of zones) {
        const points = zone.points.map(([x, y]) => `${x},${y}`).join(' ');
        overlay.push(`<polygon points="${points}" fill="none" stroke="#000" stroke-width="6" vector-effect="non-scaling-stroke"/><polygon points="${points}" fill="none" stroke="#0ff" stroke-width="3" vector-effect="non-scaling-stroke"/>`);
        const top = zone.points.reduce((best, point) => (point[1] < best[1] ? point : best), zone.points[0]);
        overlay.push(`<text x="${top[0]}" y="${top[1]}" dy="1.1em" dx="0.4em" font-size="${Math.round(height / 28)}" fill="#fff" stroke="#000" stroke-width="${Math.max(1, Math.round(height / 400))}" paint-order="stroke">${escapeHtml(zone.name)}</text>`);
      }
    }
    const place = summary.busiest_place;
    const columns = Number(summary.parameters.grid_num_h);
    const rows = Number(summary.parameters.grid_num_v);
    if (place !== undefined && place !== null && columns > 0 && rows > 0) {
      const { h, v } = place;
      const cx = ((h + 0.5) * width) / columns;
      const cy = ((v + 0.5) * height) / rows;
      overlay.push(`<circle cx="${cx}" cy="${cy}" r="${Math.round(height / 30)}" fill="none" stroke="#fff" stroke-width="3" stroke-dasharray="6 4" vector-effect="non-scaling-stroke"><title>busiest place</title></circle>`);
    }
  }
  const svg = overlay.length > 0 ? `<svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" aria-hidden="true">${overlay.join('')}</svg>` : '';
  return `<h2>Where people were</h2><figure><div class="picture"><img alt="heatmap of the whole period" src="${picture.uri}" width="${picture.width}" height="${picture.height}">${svg}</div><figcaption>${escapeHtml(`${picture.name}: ${picture.name === 'heatmap.png' ? 'the heat of the last frame\'s window' : 'the heat of the whole period'} over the camera picture; zones outlined; the dashed circle marks the busiest place.${staleOutlines(picture, summary) ? ' The zones were changed after the analysis: the outlines in the picture itself are the analysis\'s own, the cyan ones over it the zones reported here.' : ''}`)}</figcaption></figure>`;
}

/** Whether the picture carries the run's own outlines while other zones are drawn over it. */
function staleOutlines(picture: InlinePicture & { outlinesDrawn: boolean }, summary: ReportSummary): boolean {
  return !picture.outlinesDrawn && summary.zones !== undefined && summary.zones.outlines && summary.zones.zones.length > 0;
}

function zoneTable(rows: CsvRows, timeOf: TimeWords): string {
  const perFrames = rows[0]?.unit === 'frames';
  const personUnit = perFrames ? 'person-frames' : 'person-seconds';
  const visitUnit = perFrames ? 'frames' : 's';
  const hasBuckets = rows.some((row) => row.bucket_start !== '' && rows.filter((other) => other.zone === row.zone).length > 1);
  const header = [
    '<th class="text">zone</th>',
    hasBuckets ? '<th class="text">period</th>' : '',
    '<th>mean people</th><th>peak</th><th class="text">peak at</th>',
    `<th>${personUnit}</th><th>occupied</th><th>visits</th><th>mean visit (${visitUnit})</th><th>median visit (${visitUnit})</th>`,
  ].join('');
  const body = rows
    .map((row) => {
      const peakAt = row.peak_time !== '' ? timeOf(row.peak_time) : row.peak_frame === '-1' ? '' : frameText(row.peak_frame);
      return `<tr data-zone="${escapeHtml(row.zone)}">${[
        valueCell(row.zone, row.zone, 'text'),
        hasBuckets ? valueCell(row.bucket_start, `${timeOf(row.bucket_start)} – ${timeOf(row.bucket_end)}`, 'text') : '',
        valueCell(row.mean_occupancy, cellText(row.mean_occupancy, FIGURE_DIGITS.meanPeople)),
        valueCell(row.peak_occupancy, cellText(row.peak_occupancy, FIGURE_DIGITS.count)),
        valueCell(row.peak_frame, peakAt, 'text'),
        valueCell(row.person_time, cellText(row.person_time, FIGURE_DIGITS.figure)),
        valueCell(row.occupied_share, cellText(row.occupied_share, FIGURE_DIGITS.percent, 100, ' %')),
        valueCell(row.visits, cellText(row.visits, FIGURE_DIGITS.count)),
        valueCell(row.mean_visit, cellText(row.mean_visit, FIGURE_DIGITS.seconds)),
        valueCell(row.median_visit, cellText(row.median_visit, FIGURE_DIGITS.seconds)),
      ].join('')}</tr>`;
    })
    .join('\n');
  const note = perFrames
    ? 'The data has no time base, so time is counted in frames: person-frames instead of person-seconds.'
    : 'Mean people is weighted by how long each frame lasted; occupied is the share of time with at least one person in the zone.';
  const visitsNote = rows.every((row) => row.visits === '') ? ' Visits need track ids (MOT gt.txt, tracker output); these detections have none.' : '';
  return `<h2>Zones</h2><table class="zones"><thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table><p class="muted">${escapeHtml(note + visitsNote)}</p>`;
}

/** The chart's drawing area, in SVG units. */
const CHART = { width: 1000, height: 260, left: 44, right: 12, top: 12, bottom: 34 };

/**
 * The people-over-time chart of people.csv's rows. A row whose place on the time axis or whose
 * people are not numbers (a file edited by hand) is left out, which breaks the line there, and
 * the caption counts it; with none left, a line says so instead of a chart.
 */
function peopleChart(allRows: CsvRows, timeOf: TimeWords): string {
  const timed = allRows[0].slot_start_T !== '';
  const xOf = (row: Record<string, string>): number => (timed ? parseTimestamp(row.slot_start_T) : INTEGER_CELL.test(row.first_frame.trim()) ? Number(row.first_frame) : Number.NaN);
  const isFigure = (cell: string | undefined): boolean => cell !== undefined && DECIMAL_CELL.test(cell.trim());
  const rows = allRows.filter((row) => Number.isFinite(xOf(row)) && isFigure(row.min_people) && isFigure(row.max_people) && isFigure(row.mean_people));
  const leftOut = allRows.length - rows.length;
  const leftOutText = leftOut === 0 ? '' : ` ${shown(leftOut, 0)} row${leftOut === 1 ? '' : 's'} of people.csv without numbers ${leftOut === 1 ? 'is' : 'are'} left out.`;
  if (rows.length === 0) return `<p class="muted">${escapeHtml(`No people-over-time chart:${leftOutText}`)}</p>`;
  const xs = rows.map(xOf);
  const mins = rows.map((row) => Number(row.min_people));
  const maxs = rows.map((row) => Number(row.max_people));
  const means = rows.map((row) => Number(row.mean_people));
  const x0 = xs[0];
  const x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
  const top = Math.max(1, ...maxs);
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const px = (x: number): number => CHART.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const py = (y: number): number => CHART.top + plotH - (y / top) * plotH;
  // A jump of more than two typical slots is a gap: the line breaks there.
  const step = xs.length > 1 ? Math.min(...xs.slice(1).map((x, i) => x - xs[i])) : 1;
  const segments: number[][] = [];
  xs.forEach((x, i) => {
    if (i === 0 || x - xs[i - 1] > 2 * step) segments.push([]);
    segments[segments.length - 1].push(i);
  });
  const fmt = (n: number): string => n.toFixed(1);
  const band = segments.map((seg) => `<polygon points="${[...seg.map((i) => `${fmt(px(xs[i]))},${fmt(py(maxs[i]))}`), ...[...seg].reverse().map((i) => `${fmt(px(xs[i]))},${fmt(py(mins[i]))}`)].join(' ')}" fill="#0b6e99" fill-opacity="0.18" stroke="none"/>`).join('');
  const line = segments.map((seg) => `<polyline points="${seg.map((i) => `${fmt(px(xs[i]))},${fmt(py(means[i]))}`).join(' ')}" fill="none" stroke="#0b6e99" stroke-width="1.5"/>`).join('');
  const ticks: string[] = [];
  const tickCount = Math.min(6, rows.length);
  const tickRows = Array.from({ length: tickCount }, (_, k) => Math.round((k * (rows.length - 1)) / Math.max(1, tickCount - 1)));
  // Minutes name the ticks unless two neighbours would then read the same (a span of a few
  // minutes): then seconds are shown too, so no two ticks carry one label.
  const tickLabel = (i: number, end: number): string =>
    !timed ? frameText(rows[i].first_frame) : timeOf === elapsedWords ? timeOf(rows[i].slot_start) : readableIso(rows[i].slot_start).slice(5, end);
  const labelEnd = tickRows.some((i, k) => k > 0 && tickLabel(i, 16) === tickLabel(tickRows[k - 1], 16)) ? 19 : 16;
  for (let k = 0; k < tickCount; k++) {
    const i = tickRows[k];
    const label = tickLabel(i, labelEnd);
    const x = px(xs[i]);
    ticks.push(`<line x1="${fmt(x)}" x2="${fmt(x)}" y1="${CHART.top + plotH}" y2="${CHART.top + plotH + 5}" stroke="#5b6470"/><text x="${fmt(x)}" y="${CHART.height - 10}" text-anchor="${k === 0 ? 'start' : k === tickCount - 1 ? 'end' : 'middle'}" font-size="12" fill="#5b6470">${escapeHtml(label)}</text>`);
  }
  for (const y of [0, top / 2, top]) {
    ticks.push(`<text x="${CHART.left - 6}" y="${fmt(py(y) + 4)}" text-anchor="end" font-size="12" fill="#5b6470">${shown(y, 1)}</text><line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${fmt(py(y))}" y2="${fmt(py(y))}" stroke="#d5dae0"/>`);
  }
  const slotText = !timed ? 'frames' : timeOf === elapsedWords ? 'time since frame 0' : 'local time';
  const caption = `People per frame: the line is the mean of each slot of people.csv, the band its minimum to maximum; x: ${slotText}. Breaks in the line are gaps in the data.${leftOutText}`;
  return `<figure><svg class="chart" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="people over time">${ticks.join('')}${band}${line}</svg><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** The figures of buckets.csv, by column, and the decimals each is shown with; other columns (times, T strings) are shown as written. */
const BUCKET_FIGURES: Readonly<Record<string, number>> = { frames: 0, detections: 0, person_seconds: 1, peak_frame: 0 };

function bucketsTable(buckets: { columns: string[]; rows: string[][]; leftOut: number }, timeOf: TimeWords): string {
  const head = buckets.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const cellOf = (cell: string, at: number): string => {
    const digits = BUCKET_FIGURES[buckets.columns[at]] as number | undefined;
    // Times since frame 0 are no dates: a bucket's ISO start and end read as such.
    if (digits === undefined) return timeOf === elapsedWords ? timeOf(cell) : cell;
    // An empty peak_frame is a bucket without frames: left empty.
    return cell.trim() === '' ? cell : cellText(cell, digits);
  };
  const body = buckets.rows.map((row) => `<tr>${row.map((cell, at) => `<td>${escapeHtml(cellOf(cell, at))}</td>`).join('')}</tr>`).join('\n');
  const more = buckets.leftOut > 0 ? `<p class="muted">${shown(buckets.leftOut, 0)} more rows in buckets.csv.</p>` : '';
  return `<h2>Periods</h2><table class="buckets"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
}

function gapsSection(summary: ReportSummary, offset: UtcOffset, timeOf: TimeWords): string {
  const range = summary.time_range;
  const base = summary.time_base;
  const lines: string[] = ['<h2>Time range and gaps</h2>'];
  if (base !== undefined && base.kind !== 'none' && base.first !== null && base.last !== null) {
    lines.push(`<p>First frame ${escapeHtml(timeOf(base.first))}, last frame ${escapeHtml(timeOf(base.last))}; frame times from ${escapeHtml(TIME_BASE_WORDS[base.kind](base.fps))}.</p>`);
  } else if (base === undefined && range !== null) {
    lines.push(`<p>First frame ${escapeHtml(localOfT(range.first, offset))} (T ${escapeHtml(range.first)}), last frame ${escapeHtml(localOfT(range.last, offset))} (T ${escapeHtml(range.last)}).</p>`);
  } else {
    lines.push('<p>The frames have no time base, so there is no time range; frames are numbered from 0.</p>');
    return lines.join('');
  }
  const gaps = summary.people?.gaps;
  if (gaps === undefined || gaps.count === 0) {
    lines.push('<p data-key="gaps" data-value="0">No gaps: no interval between frames was longer than 3 typical intervals.</p>');
    return lines.join('');
  }
  lines.push(`<p data-key="gaps" data-value="${gaps.count}">${shown(gaps.count, 0)} gap${gaps.count === 1 ? '' : 's'} in the data, ${escapeHtml(shown(gaps.total_s, 1))} s in all (an interval longer than 3 typical intervals; that time counts for no one).</p>`);
  const rows = gaps.listed.map((gap) => `<tr><td class="text">${escapeHtml(localOfT(gap.from_T, offset))}</td><td class="text">${escapeHtml(localOfT(gap.to_T, offset))}</td><td>${escapeHtml(shown(gap.seconds, 1))}</td></tr>`).join('');
  const more = gaps.count > gaps.listed.length ? `<p class="muted">The first ${gaps.listed.length} are listed.</p>` : '';
  lines.push(`<table class="gaps"><thead><tr><th class="text">from</th><th class="text">to</th><th>seconds</th></tr></thead><tbody>${rows}</tbody></table>${more}`);
  return lines.join('');
}

/**
 * What the report is of, as a person named it: the video's file name, else the metadata file's
 * (a metadata-only run's `source.name` is the outputs' stem, `heatmap`), else the Console device.
 */
function sourceTitle(source: ReportSummary['source']): string {
  const fileName = (path: string | undefined): string => (path === undefined ? '' : (path.split(/[\\/]/).pop() ?? ''));
  return fileName(source.video_file) || fileName(source.meta_file) || source.device_id || source.name;
}

function settingsSection(summary: ReportSummary, outlineZones?: ReportInput['outlineZones']): string {
  const rows: Array<[string, string]> = [['source', `${summary.source.mode}: ${summary.source.name}`]];
  if (summary.source.meta_file !== undefined) rows.push(['metadata file', summary.source.meta_file]);
  if (summary.source.video_file !== undefined) rows.push(['video file', summary.source.video_file]);
  if (summary.source.device_id !== undefined) rows.push(['device', summary.source.device_id]);
  // class_ids null counts every class (SPEC §3): said so, as the app says it.
  for (const [key, value] of Object.entries(summary.parameters)) rows.push([key, key === 'class_ids' && value === null ? 'all classes (null)' : (JSON.stringify(value) ?? 'null')]);
  if (summary.skipped_records > 0) rows.push(['skipped records', shown(summary.skipped_records, 0)]);
  for (const zone of outlineZones ?? summary.zones?.zones ?? []) rows.push([`zone ${zone.name}`, JSON.stringify(zone.points)]);
  if (summary.zones !== undefined) rows.push(['zone time base', summary.zones.time_base]);
  const body = rows.map(([key, value]) => `<tr><td class="text">${escapeHtml(key)}</td><td class="text">${escapeHtml(value)}</td></tr>`).join('');
  return `<h2>Settings used</h2><table class="settings"><tbody>${body}</tbody></table>`;
}
