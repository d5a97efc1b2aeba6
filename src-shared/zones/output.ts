/**
 * The zone figures as files: `zones.csv` (one row per zone per bucket) and the `zones` block of
 * summary.json. Numbers are written in full (JavaScript's shortest round-trip form), so a reader
 * gets exactly the values computed.
 */
import type { ZoneDefinition } from './definition.js';
import type { FrameTimes, ZoneFigures } from './figures.js';
import { isoWithOffset, localOffset, tOf, type UtcOffset } from './time.js';

/** The columns of zones.csv, in order. */
export const ZONES_CSV_COLUMNS = [
  'zone',
  'bucket_start',
  'bucket_end',
  'bucket_start_T',
  'bucket_end_T',
  'frames',
  'unit',
  'duration',
  'mean_occupancy',
  'peak_occupancy',
  'peak_frame',
  'peak_time',
  'peak_T',
  'person_time',
  'occupied_share',
  'visits',
  'mean_visit',
  'median_visit',
] as const;

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function number(value: number | null): string {
  return value === null ? '' : String(value);
}

/**
 * zones.csv: a header line, then one line per figures row (bucket-major, as `zoneFigures` gives
 * them). Times as ISO 8601 with offset and as T; empty without a time base.
 */
export function zonesCsv(rows: readonly ZoneFigures[], zones: readonly ZoneDefinition[], base: FrameTimes, offset: UtcOffset = localOffset): string {
  const iso = (ms: number | null): string => (ms === null ? '' : isoWithOffset(ms, offset));
  const lines = [ZONES_CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const peakMs = base.timesMs !== null && row.peakFrame >= 0 ? base.timesMs[row.peakFrame] : null;
    lines.push(
      [
        csvField(zones[row.zone].name),
        iso(row.startMs),
        iso(row.endMs),
        tOf(row.startMs),
        tOf(row.endMs),
        String(row.frames),
        base.unit,
        number(row.duration),
        number(row.meanOccupancy),
        String(row.peakOccupancy),
        String(row.peakFrame),
        iso(peakMs),
        tOf(peakMs),
        number(row.personTime),
        number(row.occupiedShare),
        number(row.visits),
        number(row.meanVisit),
        number(row.medianVisit),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One zone in summary.json's `zones` block (the whole run). */
export interface ZoneSummary {
  name: string;
  points: Array<[number, number]>;
  mean_occupancy: number;
  peak_occupancy: number;
  /** Run position of the first frame with the peak; -1 without frames. */
  peak_frame: number;
  peak_T?: string;
  /** Person-seconds, or person-frames without a time base (see `unit`). */
  person_time: number;
  occupied_share: number;
  visits: number | null;
  mean_visit: number | null;
  median_visit: number | null;
}

/** summary.json's `zones` block. */
export interface ZonesSummary {
  /** `seconds`: durations from frame times; `frames`: no time base, figures in person-frames. */
  unit: 'seconds' | 'frames';
  /** Where frame times came from, in words. */
  time_base: string;
  file: string;
  /** Whether heatmap.png and the period pictures carry the outlines (`output_settings.zone_outlines`). */
  outlines: boolean;
  zones: ZoneSummary[];
}

/** The `zones` block from whole-run figures (`zoneFigures` with no buckets); `timeBase` says where frame times came from. */
export function zonesSummary(
  rows: readonly ZoneFigures[],
  zones: readonly ZoneDefinition[],
  base: FrameTimes,
  file: string,
  outlines: boolean,
  timeBase = 'frame timestamps (T)',
): ZonesSummary {
  return {
    outlines,
    unit: base.unit,
    time_base: base.unit === 'seconds' ? timeBase : 'none: every frame counts as one frame (person-frames)',
    file,
    zones: rows.map((row) => {
      const zone = zones[row.zone];
      const peakMs = base.timesMs !== null && row.peakFrame >= 0 ? base.timesMs[row.peakFrame] : null;
      return {
        name: zone.name,
        points: zone.points,
        mean_occupancy: row.meanOccupancy,
        peak_occupancy: row.peakOccupancy,
        peak_frame: row.peakFrame,
        ...(peakMs !== null ? { peak_T: tOf(peakMs) } : {}),
        person_time: row.personTime,
        occupied_share: row.occupiedShare,
        visits: row.visits,
        mean_visit: row.meanVisit,
        median_visit: row.medianVisit,
      };
    }),
  };
}
