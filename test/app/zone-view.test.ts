/**
 * The app's zone requests through the web host (`crowdheat serve`): zone figures of a finished
 * analysis from its store for the run's zones and for edited ones, zones.csv of edited zones in
 * an export, and report.html written into a chosen folder.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newExportId } from '../../src-shared/api.js';
import { defaultSettings } from '../../src-shared/settings/types.js';
import type { ZoneDefinition } from '../../src-shared/zones/definition.js';
import { startTestHost, type TestHost } from './web-host-fixture.js';

let app: TestHost;

const ZONES: ZoneDefinition[] = [
  { name: 'left', points: [[0, 500], [700, 500], [700, 1080], [0, 1080]] },
  { name: 'ell', points: [[600, 200], [1300, 200], [1300, 900], [1000, 900], [1000, 500], [600, 500]] },
];

beforeAll(async () => {
  app = await startTestHost();
});

afterAll(() => app.close());

describe('zone requests through the web host', () => {
  it('answer figures from the store, recount edited zones, export their zones.csv and write the report', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'sample.csv';
    settings.data_source_settings.local_data_settings.metadata_fps = 1;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T08:59:00+09:00';
    settings.output_settings.timezone = 'Asia/Tokyo';
    settings.zones = ZONES;
    const { runId } = await app.client.call('analyse', { settings });
    expect(await app.finished(runId)).toEqual({ type: 'done', runId, frames: 120 });

    const own = await app.client.call('zoneView', { runId, columns: 10 });
    expect(own).toMatchObject({ unit: 'seconds', first: 0, last: 120 });
    expect(own.zones.map((zone) => zone.name)).toEqual(['left', 'ell']);
    expect(own.zones[0].figures).toMatchObject({ start: '2026-11-23T08:59:00+09:00', frames: 120, duration: 120 });
    expect(own.zones[0].series.firstFrame).toEqual([0, 12, 24, 36, 48, 60, 72, 84, 96, 108]);
    expect(Math.max(...own.zones[0].series.max)).toBe(own.zones[0].figures.peakOccupancy);

    // Hourly: two buckets whose person-seconds add up to the whole.
    const hourly = await app.client.call('zoneView', { runId, period: 'hour' });
    const [first, second] = hourly.zones[1].buckets;
    expect([first.start, second.start]).toEqual(['2026-11-23T08:00:00+09:00', '2026-11-23T09:00:00+09:00']);
    expect(first.personTime + second.personTime).toBe(own.zones[1].figures.personTime);

    // A corner dragged: the figures change, and the export's zones.csv has exactly them.
    const edited: ZoneDefinition[] = [ZONES[0], { name: 'ell', points: [[600, 200], [1600, 200], [1300, 900], [1000, 900], [1000, 500], [600, 500]] }];
    const moved = await app.client.call('zoneView', { runId, zones: edited });
    expect(moved.zones[1].figures.personTime).not.toBe(own.zones[1].figures.personTime);
    expect(moved.zones[0].figures).toEqual(own.zones[0].figures);
    const exportId = newExportId();
    const folder = join(app.cwd, 'exported');
    await app.client.call('export', { exportId, runId, outputs: ['zones-csv'], folder, zones: edited });
    expect(await app.waitFor((event) => 'exportId' in event && event.exportId === exportId && event.type !== 'export-progress')).toMatchObject({ type: 'export-done', files: ['zones.csv'] });
    const csv = parse(await readFile(join(folder, 'zones.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(csv.map((row) => [row.zone, Number(row.person_time), Number(row.mean_occupancy), Number(row.peak_occupancy)])).toEqual(
      moved.zones.map((zone) => [zone.name, zone.figures.personTime, zone.figures.meanOccupancy, zone.figures.peakOccupancy]),
    );

    // Zones that break the rules are refused with the zone named.
    await expect(app.client.call('zoneView', { runId, zones: [{ name: 'flat', points: [[0, 0], [10, 10]] }] })).rejects.toThrow('zoneView: zones[0] "flat": needs at least 3 points, got 2');

    const report = await app.client.call('writeReport', { runId, folder: 'report-here' });
    expect(report.path).toBe(join(app.cwd, 'report-here', 'report.html'));
    expect(await readdir(join(app.cwd, 'report-here'))).toEqual(['report.html']);
    expect(await readFile(report.path, 'utf8')).toContain('times in Asia/Tokyo');
    expect(await readFile(report.path, 'utf8')).not.toContain('The zones were changed after the analysis');

    // The edited zones: the table from the store, and the picture's own outlines said to be the run's.
    const editedReport = await readFile((await app.client.call('writeReport', { runId, folder: 'report-edited', zones: edited })).path, 'utf8');
    expect(editedReport).toContain('The zones were changed after the analysis: the outlines in the picture itself are the analysis&#39;s own');
    expect(editedReport).toContain('<polygon points="600,200 1600,200 1300,900');
    expect([...editedReport.matchAll(/<tr data-zone="ell">.*?data-value="[^"]*".*?data-value="([^"]*)"/g)].map((row) => Number(row[1]))).toEqual([moved.zones[1].figures.meanOccupancy]);
  });

  it('writes the report of the zones on screen: an analysis without zones, one zone drawn after it', async () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'sample.csv';
    settings.data_source_settings.local_data_settings.metadata_fps = 1;
    settings.data_source_settings.local_data_settings.start_time = '2026-11-23T08:59:00+09:00';
    settings.output_settings.timezone = 'Asia/Tokyo';
    const { runId } = await app.client.call('analyse', { settings });
    expect(await app.finished(runId)).toEqual({ type: 'done', runId, frames: 120 });

    const before = await readFile((await app.client.call('writeReport', { runId, folder: 'report-no-zones' })).path, 'utf8');
    expect(before).toContain('No zones were defined');

    const drawn = [ZONES[1]];
    const view = await app.client.call('zoneView', { runId, zones: drawn });
    const report = await app.client.call('writeReport', { runId, folder: 'report-drawn', zones: drawn });
    expect(await readdir(join(app.cwd, 'report-drawn'))).toEqual(['report.html']);
    const html = await readFile(report.path, 'utf8');
    expect(html).not.toContain('No zones were defined');
    const rows = [...html.matchAll(/<tr data-zone="([^"]*)">(.*?)<\/tr>/g)];
    expect(rows.map((row) => row[1])).toEqual(['ell']);
    const values = [...rows[0][2].matchAll(/data-value="([^"]*)"/g)].map((cell) => cell[1]);
    const figures = view.zones[0].figures;
    // zone, mean people, peak, peak frame, person-seconds, occupied share, visits, mean and median visit.
    expect(values.slice(0, 6).map((value, at) => (at === 0 ? value : Number(value)))).toEqual([
      'ell', figures.meanOccupancy, figures.peakOccupancy, figures.peakFrame, figures.personTime, figures.occupiedShare,
    ]);
    // The run drew no outlines into its pictures: the drawn zone is outlined over the picture, and listed in the settings.
    expect(html).toContain('<polygon points="600,200 1300,200 1300,900 1000,900 1000,500 600,500"');
    expect(html).toContain('zone ell');
    // Zones that break the rules are refused before anything is written.
    await expect(app.client.call('writeReport', { runId, folder: 'report-bad', zones: [{ name: 'flat', points: [[0, 0], [10, 10]] }] })).rejects.toThrow(
      'writeReport: zones[0] "flat": needs at least 3 points, got 2',
    );
    expect(await readdir(app.cwd)).not.toContain('report-bad');
  });
});
