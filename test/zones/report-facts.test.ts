/**
 * report.html tells the truth about a run: its time base (a metadata_fps run has times), its
 * busiest place (summary.json's busiest_place in person-seconds, not a window's peak), and its
 * local times in output_settings.timezone, whatever the machine's zone.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { writeReport } from '../../src-main/report/build.js';
import { defaultSettings } from '../../src-shared/settings/types.js';

let dir: string;
let html: string;
interface Summary {
  time_base: { kind: string; first: string; last: string };
  busiest_place: { h: number; v: number; value: number; unit: string };
  busiest_moment: { frame: number; time: string; count: number };
  peak: { count: number; h: number; v: number };
}
let summary: Summary;

/** The value of the element with data-key `key`. */
function dataValue(key: string): string | undefined {
  return new RegExp(`data-key="${key}" data-value="([^"]*)"`).exec(html)?.[1];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowdheat-report-facts-'));
  // MOT detections, 2 frames a second: one person stands still at the left for 40 frames; a crowd
  // of 8 passes through the right for 3 frames. The window peak (W = 15) is at the right, but the
  // most person-seconds are at the left.
  const lines: string[] = [];
  for (let frame = 1; frame <= 40; frame++) {
    lines.push(`${frame},-1,100,300,40,100,1`);
    if (frame >= 20 && frame < 23) for (let p = 0; p < 8; p++) lines.push(`${frame},-1,${600 + p},300,40,100,1`);
  }
  const meta = join(dir, 'det.txt');
  await writeFile(meta, `${lines.join('\n')}\n`);
  const settings = defaultSettings();
  settings.data_source_settings.local_data_settings.meta_file = meta;
  settings.data_source_settings.local_data_settings.metadata_fps = 2;
  settings.data_source_settings.local_data_settings.start_time = '2026-11-23T09:00:00Z';
  Object.assign(settings.heat_map_settings.params, { image_size_h: 800, image_size_v: 480, grid_num_h: 40, grid_num_v: 24, bbox2pix: true, number_of_add_grid: 0 });
  Object.assign(settings.output_settings, { output_dir: join(dir, 'out'), output_video_width: 160, output_video_height: 96, timezone: 'Pacific/Chatham' });
  await runPipeline(settings, { cwd: dir });
  summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as Summary;
  await writeReport(join(dir, 'out'), Date.UTC(2026, 10, 24, 0, 0, 0));
  html = await readFile(join(dir, 'out', 'report.html'), 'utf8');
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report facts', () => {
  it('states the metadata_fps time base and the time range instead of "no timestamps"', () => {
    expect(summary.time_base.kind).toBe('metadata_fps');
    expect(dataValue('time-base')).toBe('metadata_fps');
    expect(html).not.toMatch(/no timestamps|no time base/);
    // 40 frames at 2 a second: the last starts 19.5 s in and ends 20 s in, where the period ends.
    expect(html).toContain('From 2026-11-23 22:45:00 +13:45 to 2026-11-23 22:45:20 +13:45 (times in Pacific/Chatham; time base: local_data_settings.metadata_fps (2 frames a second)).');
  });

  it('shows summary.json’s busiest place (person-seconds), not the window peak', () => {
    // The standing person: 40 frames × 0.5 s in cell (6, 20); the crowd: 8 people × 3 frames × 0.5 s = 12 in cell (31, 20).
    expect(summary.busiest_place).toMatchObject({ value: 20, unit: 'person-seconds', h: 6, v: 20 });
    expect(summary.peak).toMatchObject({ count: 24, h: 31, v: 20 });
    expect(dataValue('busiest-place')).toBe('20');
    expect(html).toContain('busiest place over the whole period: cell h 6, v 20 (around x 130, y 410)');
    expect(html).toContain('20 person-seconds');
  });

  it('shows the busiest moment and every time in output_settings.timezone', () => {
    expect(summary.busiest_moment).toMatchObject({ frame: 19, count: 9, time: '2026-11-23T22:45:09.500+13:45' });
    expect(dataValue('busiest-people')).toBe('9');
    expect(html).toContain('busiest moment: 2026-11-23 22:45:09 +13:45');
    expect(html).toContain('Made 2026-11-24 13:45:00 +13:45 by crowdheat.');
  });

  it('labels the people chart’s time ticks with seconds when the run spans under a minute, so no two ticks read the same', () => {
    const chart = /<svg class="chart"[^]*?<\/svg>/.exec(html)?.[0] ?? '';
    const labels = [...chart.matchAll(/<text x="[^"]*" y="250"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    // 20 s of data from 22:45:00 local (1 s slots, 20 of them): six ticks at slots 0, 4, 8, 11, 15, 19.
    expect(labels).toEqual(['11-23 22:45:00', '11-23 22:45:04', '11-23 22:45:08', '11-23 22:45:11', '11-23 22:45:15', '11-23 22:45:19']);
  });
});
