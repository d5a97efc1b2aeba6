/**
 * The report writes its figures as the app does: thousands grouped, at most the digits asked,
 * while each `data-value` keeps the figure as summary.json or the CSV has it.
 */
import { describe, expect, it } from 'vitest';
import { reportHtml, shown, type ReportSummary } from '../../src-shared/report/html.js';

const textOf = (html: string, key: string): string => {
  const match = new RegExp(`data-key="${key}" data-value="([^"]*)"><span class="muted">([^<]*)</span><b>([^<]*)</b>`).exec(html);
  if (match === null) throw new Error(`no fact ${key}`);
  return `${match[2]} | ${match[3]} | ${match[1]}`;
};

describe('figures in the report', () => {
  it('groups thousands after rounding, drops trailing zeros and never writes −0', () => {
    expect(shown(86400, 0)).toBe('86,400');
    expect(shown(1234567.891, 1)).toBe('1,234,567.9');
    expect(shown(1234.5, 2)).toBe('1,234.5');
    expect(shown(0.125, 2)).toBe('0.13');
    expect(shown(-0.001, 2)).toBe('0');
    expect(shown(-1234.5, 0)).toBe('-1,234');
    expect(shown(Number.NaN)).toBe('');
  });

  it('a week of frames without a time base: frames, detections, the busiest moment and place grouped, raw values kept', () => {
    const summary: ReportSummary = {
      source: { mode: 'local', name: 'week.csv' },
      parameters: { image_size_h: 1920, image_size_v: 1080, grid_num_h: 192, grid_num_v: 108 },
      frames: 604800,
      detections: 5046048,
      skipped_records: 1200,
      time_range: null,
      peak: { count: 15, frame: 50810, h: 1, v: 2 },
      busiest_moment: { frame: 50810, t: null, time: null, count: 1234 },
      busiest_place: { h: 100, v: 50, value: 745890.25, unit: 'person-frames' },
      people: { gaps: { count: 0, total_s: 0, listed: [] } },
    };
    const html = reportHtml({ summary, mainPicture: null, periodPictures: [], periodPicturesLeftOut: 0, zones: null, people: null, buckets: null, madeMs: 0 });
    expect(textOf(html, 'frames')).toBe('frames | 604,800 | 604800');
    expect(textOf(html, 'detections')).toBe('detections | 5,046,048 | 5046048');
    expect(textOf(html, 'busiest-people')).toBe('busiest moment: frame 50,810 | 1,234 people | 1234');
    expect(textOf(html, 'busiest-place')).toBe('busiest place over the whole period: cell h 100, v 50 (around x 1005, y 505) | 745,890.3 person-frames | 745890.25');
    expect(html).toContain('<td class="text">skipped records</td><td class="text">1,200</td>');
    expect(html).toContain('<td class="text">grid_num_h</td><td class="text">192</td>');
    const classes = reportHtml({ summary: { ...summary, parameters: { class_ids: null } }, mainPicture: null, periodPictures: [], periodPicturesLeftOut: 0, zones: null, people: null, buckets: null, madeMs: 0 });
    expect(classes).toContain('<td class="text">class_ids</td><td class="text">all classes (null)</td>');
    const person = reportHtml({ summary: { ...summary, parameters: { class_ids: [0] } }, mainPicture: null, periodPictures: [], periodPicturesLeftOut: 0, zones: null, people: null, buckets: null, madeMs: 0 });
    expect(person).toContain('<td class="text">class_ids</td><td class="text">[0]</td>');
  });

  it('is titled by the file or device its figures came from, not by the outputs\' stem', () => {
    const titleOf = (source: ReportSummary['source']): string => {
      const summary: ReportSummary = { source, parameters: {}, frames: 1, detections: 0, skipped_records: 0, time_range: null, peak: { count: 0, frame: 0, h: 0, v: 0 } };
      const html = reportHtml({ summary, mainPicture: null, periodPictures: [], periodPicturesLeftOut: 0, zones: null, people: null, buckets: null, madeMs: 0 });
      return /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? '';
    };
    expect(titleOf({ mode: 'local', name: 'heatmap', meta_file: '/data/store/week.csv', video_file: '' })).toBe('Crowd report: week.csv');
    expect(titleOf({ mode: 'local', name: 'entrance', meta_file: 'C:\\cams\\entrance.csv', video_file: 'C:\\cams\\entrance.mp4' })).toBe('Crowd report: entrance.mp4');
    expect(titleOf({ mode: 'console', name: 'heatmap', device_id: 'Aid-00010001-0000-2000-9002-000000000001' })).toBe('Crowd report: Aid-00010001-0000-2000-9002-000000000001');
    expect(titleOf({ mode: 'local', name: 'heatmap' })).toBe('Crowd report: heatmap');
  });

  it('writes the zone table\'s counts grouped, and a CSV cell that is not a plain number as written, never as another number or 0', () => {
    const row = (cells: Record<string, string>): Record<string, string> => ({
      zone: 'door',
      unit: 'frames',
      bucket_start: '',
      bucket_end: '',
      mean_occupancy: '1.5',
      peak_occupancy: '1200',
      peak_frame: '50810',
      peak_time: '',
      person_time: '1234567',
      occupied_share: '0.5',
      visits: '12345',
      mean_visit: '2.25',
      median_visit: '2',
      ...cells,
    });
    const summary: ReportSummary = { source: { mode: 'local', name: 'x.csv' }, parameters: {}, frames: 1, detections: 0, skipped_records: 0, time_range: null, peak: { count: 0, frame: 0, h: 0, v: 0 } };
    const cellsOf = (cells: Record<string, string>): string[] => {
      const html = reportHtml({ summary, mainPicture: null, periodPictures: [], periodPicturesLeftOut: 0, zones: [row(cells)], people: null, buckets: null, madeMs: 0 });
      const tr = /<tr data-zone="door">(.*?)<\/tr>/.exec(html)?.[1] ?? '';
      return [...tr.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((match) => match[1]);
    };
    // zone, mean people, peak, peak at, person-frames, occupied, visits, mean visit, median visit
    expect(cellsOf({})).toEqual(['door', '1.5', '1,200', 'frame 50,810', '1,234,567', '50 %', '12,345', '2.3', '2']);
    expect(cellsOf({ peak_frame: '0x1A', peak_occupancy: '' })[2]).toBe('–');
    expect(cellsOf({ peak_frame: '0x1A' })[3]).toBe('frame 0x1A');
    expect(cellsOf({ peak_frame: '12.6' })[3]).toBe('frame 12.6');
    expect(cellsOf({ peak_frame: '1e3' })[3]).toBe('frame 1e3');
    expect(cellsOf({ mean_occupancy: '', person_time: 'n/a', occupied_share: '' }).slice(1, 6)).toEqual(['–', '1,200', 'frame 50,810', 'n/a', '–']);
    expect(cellsOf({ mean_occupancy: 'Infinity' })[1]).toBe('Infinity');
  });

  it('draws the people chart from the rows of people.csv that hold numbers, leaving out and counting the others (no NaN in the drawing)', () => {
    const summary: ReportSummary = { source: { mode: 'local', name: 'x.csv' }, parameters: {}, frames: 40, detections: 0, skipped_records: 0, time_range: null, peak: { count: 0, frame: 0, h: 0, v: 0 } };
    const slot = (first: number, mean: string): Record<string, string> => ({
      slot_start: '', slot_start_T: '', first_frame: String(first), last_frame: String(first + 9), frames: '10', min_people: '0', max_people: '4', mean_people: mean,
    });
    const rows = [slot(0, '1'), slot(10, 'n/a'), slot(20, '2'), slot(30, '3')];
    const html = reportHtml({ summary, mainPicture: null, periodPictures: [], periodPicturesLeftOut: 0, zones: null, people: rows, buckets: null, madeMs: 0 });
    const svg = /<svg class="chart"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).not.toBe('');
    expect(svg).not.toContain('NaN');
    // Frames 0, 20 and 30 are drawn: 3 points of the mean line, in two pieces (the row left out is a break).
    const points = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((match) => match[1].split(' ').length);
    expect(points.reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(html).toContain('1 row of people.csv without numbers is left out.');
  });

  it('groups the figures of the buckets table (frames, detections, person-seconds, peak frame), never the times or T strings', () => {
    const summary: ReportSummary = { source: { mode: 'local', name: 'x.csv' }, parameters: {}, frames: 1, detections: 0, skipped_records: 0, time_range: null, peak: { count: 0, frame: 0, h: 0, v: 0 } };
    const buckets = {
      columns: ['start', 'start_t', 'end', 'frames', 'detections', 'person_seconds', 'peak_frame'],
      rows: [
        ['2026-11-23T08:00:00+09:00', '20261122230000000', '2026-11-23T09:00:00+09:00', '3600', '25200', '90123.456', '1234'],
        ['2026-11-23T09:00:00+09:00', '20261123000000000', '2026-11-23T10:00:00+09:00', '0', '0', '0', ''],
      ],
      leftOut: 1234,
    };
    const html = reportHtml({ summary, mainPicture: null, periodPictures: [], periodPicturesLeftOut: 0, zones: null, people: null, buckets, madeMs: 0 });
    const table = /<table class="buckets">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    const rows = [...table.matchAll(/<tr>((?:<td[^>]*>[^<]*<\/td>)+)<\/tr>/g)].map((match) => [...match[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((cell) => cell[1]));
    expect(rows).toEqual([
      ['2026-11-23T08:00:00+09:00', '20261122230000000', '2026-11-23T09:00:00+09:00', '3,600', '25,200', '90,123.5', '1,234'],
      ['2026-11-23T09:00:00+09:00', '20261123000000000', '2026-11-23T10:00:00+09:00', '0', '0', '0', ''],
    ]);
    expect(html).toContain('1,234 more rows in buckets.csv.');
    const picture = { name: '20261123-0800.png', uri: 'data:image/jpeg;base64,', width: 2, height: 1 };
    const gallery = reportHtml({ summary, mainPicture: null, periodPictures: [picture], periodPicturesLeftOut: 2879, zones: null, people: null, buckets: null, madeMs: 0 });
    expect(gallery).toContain('(2,879 more left out to keep this file small)');
  });
});
