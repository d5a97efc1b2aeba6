/**
 * The app's zone requests: figures and occupancy series of a finished analysis for its zones or
 * edited ones (`zoneView`), and zones.csv of those zones for an export — both from the analysis
 * store (store/zones.ts), never from the source.
 */
import type { ZoneFiguresData, ZoneViewData, ZoneViewRequest } from '../../src-shared/api.js';
import { CrowdheatError, SettingsError } from '../../src-shared/errors.js';
import { LocalClock } from '../../src-shared/periods/buckets.js';
import { timeRangeProblem } from '../../src-shared/periods/range.js';
import type { SettingOverride } from '../../src-shared/settings/index.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import type { FrameTimes, ZoneFigures } from '../../src-shared/zones/figures.js';
import { zonesCsv } from '../../src-shared/zones/output.js';
import { readZones, zoneProblems } from '../../src-shared/zones/settings.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { periodOf, timeZoneOf } from '../sinks/store.js';
import { recountSettings } from '../store/settings.js';
import { StoreReader } from '../store/store.js';
import { occupancySeries, zoneView, type ZoneView } from '../store/zones.js';

/** Columns of an occupancy series when the request names none, and the most it may ask for. */
export const DEFAULT_SERIES_COLUMNS = 600;
export const MAX_SERIES_COLUMNS = 4096;

/**
 * Zones as a request sends them, checked for shape and rules (names, ≥ 3 points, simple outlines).
 *
 * @throws SettingsError naming the request and the first problem.
 */
export function checkedZones(value: unknown, request: string): ZoneDefinition[] {
  const { zones } = readZones(value, request);
  const problems = zoneProblems(zones);
  if (problems.length > 0) throw new SettingsError(`${request}: ${problems[0]}`);
  return zones;
}

interface ComputedZones {
  view: ZoneView;
  zones: readonly ZoneDefinition[];
  clock: LocalClock;
}

async function computeZones(outputDir: string, request: Omit<ZoneViewRequest, 'runId' | 'columns'>, name: string): Promise<ComputedZones> {
  const rangeProblem = timeRangeProblem(request.fromMs, request.toMs, { from: 'fromMs', to: 'toMs' });
  if (rangeProblem !== null) throw new CrowdheatError(`${name}: ${rangeProblem}`);
  const store = await StoreReader.open(outputDir);
  try {
    const overrides: SettingOverride[] = [];
    if (request.period !== undefined) overrides.push({ key: 'output_settings.period', value: request.period, label: `${name}: period` });
    const settings = recountSettings(store.meta.settings, overrides);
    const zones = request.zones === undefined ? settings.zones : checkedZones(request.zones, name);
    const timeZone = timeZoneOf(settings);
    const view = await zoneView(store, {
      zones,
      params: settings.heat_map_settings.params,
      period: periodOf(settings),
      timeZone,
      ...(request.fromMs === undefined ? {} : { fromMs: request.fromMs }),
      ...(request.toMs === undefined ? {} : { toMs: request.toMs }),
    });
    return { view, zones, clock: new LocalClock(timeZone) };
  } finally {
    store.close();
  }
}

function figuresData(row: ZoneFigures, base: FrameTimes, clock: LocalClock): ZoneFiguresData {
  const iso = (ms: number | null): string | null => (ms === null ? null : clock.iso(ms));
  return {
    start: iso(row.startMs),
    end: iso(row.endMs),
    frames: row.frames,
    duration: row.duration,
    meanOccupancy: row.meanOccupancy,
    peakOccupancy: row.peakOccupancy,
    peakFrame: row.peakFrame,
    peakTime: base.timesMs !== null && row.peakFrame >= 0 ? clock.iso(base.timesMs[row.peakFrame]) : null,
    personTime: row.personTime,
    occupiedShare: row.occupiedShare,
    visits: row.visits,
    meanVisit: row.meanVisit,
    medianVisit: row.medianVisit,
  };
}

/**
 * The `zoneView` answer for the analysis in `outputDir`: every zone's figures over the range,
 * per bucket, and its occupancy series in `columns` columns.
 *
 * @throws SettingsError for bad zones or period; InputError when the store cannot be read.
 */
export async function zoneViewData(outputDir: string, request: Omit<ZoneViewRequest, 'runId'>): Promise<ZoneViewData> {
  const columns = request.columns ?? DEFAULT_SERIES_COLUMNS;
  if (!Number.isInteger(columns) || columns < 1 || columns > MAX_SERIES_COLUMNS) {
    throw new CrowdheatError(`zoneView: columns must be a whole number from 1 to ${MAX_SERIES_COLUMNS}, got ${String(columns)}`);
  }
  const { view, zones, clock } = await computeZones(outputDir, request, 'zoneView');
  const zoneCount = zones.length;
  return {
    unit: view.base.unit,
    first: view.first,
    last: view.last,
    zones: zones.map((zone, z) => {
      const series = occupancySeries(view.occupancy, zoneCount, z, view.first, view.last, columns);
      return {
        name: zone.name,
        figures: figuresData(view.whole[z], view.base, clock),
        buckets: (view.buckets ?? []).filter((row) => row.zone === z).map((row) => figuresData(row, view.base, clock)),
        series: { min: series.min, max: series.max, firstFrame: series.firstPosition },
      };
    }),
  };
}

/**
 * Writes zones.csv of `zones` (the analysis's own when undefined) for the analysis in
 * `outputDir` to `target`, atomically: per bucket of the run's period, as the run writes it.
 *
 * @throws SettingsError for bad zones, CrowdheatError when there are none.
 */
export async function writeZonesCsv(outputDir: string, zones: unknown, target: string): Promise<void> {
  const { view, zones: counted, clock } = await computeZones(outputDir, zones === undefined ? {} : { zones: zones as ZoneDefinition[] }, 'export');
  if (counted.length === 0) throw new CrowdheatError('export: this analysis has no zones; draw one first');
  const offset = (ms: number): number => Math.round(clock.offset(ms) / 60_000);
  await writeFileAtomic(target, zonesCsv(view.buckets ?? view.whole, counted, view.base, offset));
}
