/**
 * `crowdheat report OUTPUT_DIR`: reads what a run wrote there (summary.json, heatmap.png,
 * zones.csv, people.csv and, when present, heatmap_period.png, periods/*.png, buckets.csv) and
 * writes OUTPUT_DIR/report.html (src-shared/report/html.ts), atomically. Pictures are re-encoded
 * as JPEG and made smaller, so a week of hourly maps stays within a few MB.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { InputError } from '../../src-shared/errors.js';
import { compareFileStamps, isTimeZone, LocalClock } from '../../src-shared/periods/buckets.js';
import type { UtcOffset } from '../../src-shared/zones/time.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { showValue } from '../../src-shared/messages.js';
import { isPlainObject } from '../../src-shared/objects.js';
import { reportHtml, type CsvRows, type InlinePicture, type ReportSummary } from '../../src-shared/report/html.js';
import { makeFolder, writeFileAtomic } from '../sinks/atomic.js';

export const REPORT_FILE = 'report.html';

/** The widest the main picture is inlined, in pixels. */
const MAIN_WIDTH = 1280;
/** The widest a period picture is inlined. */
const PERIOD_WIDTH = 360;
/** Period pictures stop being added once they take this many bytes (base64 included). */
const PERIOD_BUDGET_BYTES = 3_000_000;
/** Period pictures re-encoded at the same time. */
const PICTURES_AT_ONCE = 4;
/** buckets.csv rows shown; the rest are counted. */
const BUCKET_ROWS = 500;
/** The largest input file read (summary.json of a week at 1 fps is about 13 MB). */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Zones other than the run's own (the app's, drawn or edited after the analysis). */
export interface ReportZones {
  zones: readonly ZoneDefinition[];
  /** Their zones.csv, computed from the store (app/zones.ts writeZonesCsv); null when there are none. */
  zonesCsv: string | null;
}

export interface ReportResult {
  path: string;
  bytes: number;
  periodPictures: number;
  periodPicturesLeftOut: number;
}

/**
 * Builds OUTPUT_DIR/report.html.
 *
 * @param outputDir a folder a run wrote (absolute, or relative to the process's directory).
 * @param targetDir the folder report.html goes into (created when missing); `outputDir` by default.
 * @param shownZones zones to report instead of the run's: the zone table from their zones.csv, the
 *   outlines drawn over the picture from them (the run's outlines are then not trusted to match).
 * @throws InputError (one line naming the file) when the folder or summary.json is missing or unreadable,
 *   or when targetDir cannot be made (`report: cannot create the folder …`).
 */
export async function writeReport(outputDir: string, madeMs = Date.now(), targetDir = outputDir, shownZones?: ReportZones): Promise<ReportResult> {
  const folder = await stat(outputDir).catch(() => null);
  if (folder === null || !folder.isDirectory()) throw new InputError(`report: "${showValue(outputDir)}" is not a folder`);
  const summary = await readSummary(join(outputDir, 'summary.json'));

  const periodPath = join(outputDir, 'heatmap_period.png');
  const lastPath = join(outputDir, 'heatmap.png');
  let mainPicture: (InlinePicture & { outlinesDrawn: boolean }) | null = null;
  if (await isFile(periodPath)) {
    // The period pictures carry the outlines as heatmap.png does (output_settings.zone_outlines).
    mainPicture = { ...(await inlinePicture(periodPath, 'heatmap_period.png', MAIN_WIDTH, 85)), outlinesDrawn: summary.zones?.outlines ?? true };
  } else if (await isFile(lastPath)) {
    mainPicture = { ...(await inlinePicture(lastPath, 'heatmap.png', MAIN_WIDTH, 85)), outlinesDrawn: summary.zones?.outlines ?? true };
  }

  const periodPictures: InlinePicture[] = [];
  let periodPicturesLeftOut = 0;
  const periodsDir = join(outputDir, 'periods');
  if (await isDirectory(periodsDir)) {
    const names = (await readdir(periodsDir)).filter((name) => name.toLowerCase().endsWith('.png') && !name.startsWith('.')).sort(compareFileStamps);
    let bytes = 0;
    // A few at a time: sharp decodes on libuv's thread pool, so the cores share the work.
    for (let at = 0; at < names.length; at += PICTURES_AT_ONCE) {
      const batch = names.slice(at, at + PICTURES_AT_ONCE);
      if (bytes >= PERIOD_BUDGET_BYTES) {
        periodPicturesLeftOut += batch.length;
        continue;
      }
      const pictures = await Promise.all(
        batch.map((name) => inlinePicture(join(periodsDir, name), name.replace(/\.png$/i, ''), PERIOD_WIDTH, 60)),
      );
      for (const picture of pictures) {
        bytes += picture.uri.length;
        periodPictures.push(picture);
      }
    }
  }

  // The run's pictures carry the run's outlines only; other zones are drawn over them.
  if (mainPicture !== null && shownZones !== undefined && !sameZones(shownZones.zones, summary.zones?.zones ?? [])) {
    mainPicture.outlinesDrawn = false;
  }
  const html = reportHtml({
    summary,
    ...(shownZones === undefined ? {} : { outlineZones: shownZones.zones }),
    mainPicture,
    periodPictures,
    periodPicturesLeftOut,
    zones: shownZones === undefined ? await readCsvRows(join(outputDir, 'zones.csv')) : shownZones.zonesCsv === null ? null : await readCsvRows(shownZones.zonesCsv),
    people: await readCsvRows(join(outputDir, 'people.csv')),
    buckets: await readBuckets(join(outputDir, 'buckets.csv')),
    madeMs,
    offset: timeZoneOffset(summary),
  });
  // The runs' own folder maker: a folder that cannot be made is an InputError in words, and /proc does not hang it.
  await makeFolder(targetDir, new AbortController().signal, 'report');
  const path = join(targetDir, REPORT_FILE);
  await writeFileAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html), periodPictures: periodPictures.length, periodPicturesLeftOut };
}

/**
 * The UTC offset (minutes) of the run's time zone, `summary.period.timezone` (the resolved
 * `output_settings.timezone`): the report shows the run's local times, never the machine's.
 * A summary without one (an older run) is shown in UTC, and says so.
 */
function timeZoneOffset(summary: ReportSummary): UtcOffset {
  const zone = summary.period?.timezone;
  if (zone === undefined || !isTimeZone(zone)) return () => 0;
  const clock = new LocalClock(zone);
  return (ms) => Math.round(clock.offset(ms) / 60_000);
}

/** Whether two zone lists have the same names and outlines, in order. */
function sameZones(a: readonly ZoneDefinition[], b: readonly { name: string; points: ReadonlyArray<readonly [number, number]> }[]): boolean {
  return a.length === b.length && a.every((zone, z) => zone.name === b[z].name && JSON.stringify(zone.points) === JSON.stringify(b[z].points));
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

async function readBounded(path: string): Promise<string> {
  const info = await stat(path);
  if (info.size > MAX_INPUT_BYTES) throw new InputError(`${path}: ${info.size} bytes, more than the ${MAX_INPUT_BYTES} a report reads`);
  return readFile(path, 'utf8');
}

async function readSummary(path: string): Promise<ReportSummary> {
  if (!(await isFile(path))) throw new InputError(`${path}: not found; a report is made from a folder crowdheat run wrote`);
  let data: unknown;
  try {
    data = JSON.parse(await readBounded(path));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: not valid JSON (${showValue(error instanceof Error ? error.message : String(error))})`);
  }
  const problem = summaryProblem(data);
  if (problem !== null) throw new InputError(`${path}: not a crowdheat summary: ${problem}`);
  return data as ReportSummary;
}

/** What is wrong with the shape of summary.json, or null when the report can use it. */
function summaryProblem(data: unknown): string | null {
  if (!isPlainObject(data)) return 'expected a JSON object';
  for (const key of ['frames', 'detections', 'skipped_records']) {
    if (typeof data[key] !== 'number') return `"${key}" must be a number`;
  }
  for (const key of ['source', 'parameters', 'peak']) {
    if (!isPlainObject(data[key])) return `"${key}" must be an object`;
  }
  const source = data.source as Record<string, unknown>;
  if (typeof source.name !== 'string' || typeof source.mode !== 'string') return '"source" needs "mode" and "name"';
  const peak = data.peak as Record<string, unknown>;
  if (!['count', 'frame', 'h', 'v'].every((key) => typeof peak[key] === 'number')) return '"peak" needs count, frame, h and v';
  const range = data.time_range;
  if (range !== null && !(isPlainObject(range) && typeof range.first === 'string' && typeof range.last === 'string')) {
    return '"time_range" must be null or {first, last}';
  }
  return null;
}

async function readCsvRows(path: string): Promise<CsvRows | null> {
  if (!(await isFile(path))) return null;
  try {
    return parse(await readBounded(path), { columns: true, skip_empty_lines: true }) as CsvRows;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: not a CSV the report can read (${showValue(error instanceof Error ? error.message : String(error))})`);
  }
}

async function readBuckets(path: string): Promise<{ columns: string[]; rows: string[][]; leftOut: number } | null> {
  if (!(await isFile(path))) return null;
  let records: string[][];
  try {
    records = parse(await readBounded(path), { skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: not a CSV the report can read (${showValue(error instanceof Error ? error.message : String(error))})`);
  }
  if (records.length === 0) return null;
  const [columns, ...rows] = records;
  return { columns, rows: rows.slice(0, BUCKET_ROWS), leftOut: Math.max(0, rows.length - BUCKET_ROWS) };
}

async function inlinePicture(path: string, name: string, maxWidth: number, quality: number): Promise<InlinePicture> {
  try {
    const { data, info } = await sharp(path)
      .resize({ width: maxWidth, withoutEnlargement: true })
      .jpeg({ quality, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { name, uri: `data:image/jpeg;base64,${data.toString('base64')}`, width: info.width, height: info.height };
  } catch (error) {
    throw new InputError(`${path}: not a picture the report can read (${showValue(error instanceof Error ? error.message : String(error))})`);
  }
}
