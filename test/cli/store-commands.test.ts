/**
 * `crowdheat export parquet` and `crowdheat recount`, spawned as a user runs them (built CLI),
 * on a run of the first 60 frames of the real AITRIOS CSV.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'bin', 'crowdheat');

function crowdheat(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function query(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJson();
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'crowdheat-store-cli-'));
  const rows = (await readFile('/work/shared/data/aitrios-sample.csv', 'utf8')).split('\n').slice(0, 61).join('\n') + '\n';
  await writeFile(join(root, 'sample.csv'), rows);
  await writeFile(
    join(root, 'run.yaml'),
    [
      'data_source_settings:',
      '  mode: local',
      '  local_data_settings:',
      '    meta_file: sample.csv',
      '    metadata_fps: 1',
      '    start_time: "2026-11-23T08:59:30+09:00"',
      'heat_map_settings:',
      '  grid_num_h: 48',
      '  grid_num_v: 27',
      'output_settings:',
      '  output_dir: out',
      '  period: hour',
      '  timezone: Asia/Tokyo',
      '',
    ].join('\n'),
  );
  const run = await crowdheat(['run', '--config', 'run.yaml', '--quiet'], root);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('stored analysis commands', () => {
  it('the run wrote hourly buckets split at local 09:00, 30 frames each', async () => {
    expect(await readFile(join(root, 'out', 'buckets.csv'), 'utf8')).toMatch(
      /^start,start_t,end,frames,detections,person_seconds,peak_frame\n2026-11-23T08:00:00\+09:00,20261122230000000,2026-11-23T09:00:00\+09:00,30,\d+,\d+,\d+\n2026-11-23T09:00:00\+09:00,20261123000000000,2026-11-23T10:00:00\+09:00,30,\d+,\d+,\d+\n$/,
    );
    const summary = JSON.parse(await readFile(join(root, 'out', 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary.period).toEqual({ period: 'hour', timezone: 'Asia/Tokyo', buckets: 2 });
    expect(summary.time_base).toMatchObject({ kind: 'metadata_fps', fps: 1, unit: 'person-seconds', covered_s: 60, gaps: { count: 0, total_s: 0, listed: [] } });
  });

  it('people.csv is on the run\'s time base (metadata_fps, start_time) and time zone', async () => {
    const lines = (await readFile(join(root, 'out', 'people.csv'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(61);
    expect(lines[1]).toMatch(/^2026-11-23T08:59:30\.000\+09:00,20261122235930000,0,0,1,\d+,\d+,\d+$/);
    expect(lines[60]).toMatch(/^2026-11-23T09:00:29\.000\+09:00,20261123000029000,59,59,1,\d+,\d+,\d+$/);
    const summary = JSON.parse(await readFile(join(root, 'out', 'summary.json'), 'utf8')) as { people: Record<string, unknown> };
    expect(summary.people).toMatchObject({ slot: 1000, slot_unit: 'ms' });
  });

  it('export parquet writes frames and detections that DuckDB reads back whole', async () => {
    const outcome = await crowdheat(['export', 'parquet', 'out', '--out', 'parquet'], root);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe(`${join(root, 'parquet', 'frames.parquet')}\n${join(root, 'parquet', 'detections.parquet')}\n`);
    const summary = JSON.parse(await readFile(join(root, 'out', 'summary.json'), 'utf8')) as { detections: number };
    expect(await query(`SELECT count(*), min(frame_index), max(frame_index), min(duration_ms), max(duration_ms) FROM '${join(root, 'parquet', 'frames.parquet')}'`)).toEqual([
      ['60', 0, 59, 1000, 1000],
    ]);
    expect(await query(`SELECT count(*) FROM '${join(root, 'parquet', 'detections.parquet')}'`)).toEqual([[String(summary.detections)]]);
  });

  it('recount with the run\'s own settings writes the same period grid as the run', async () => {
    const outcome = await crowdheat(['recount', 'out', '--out', 'same'], root);
    expect(outcome.code).toBe(0);
    expect(await readFile(join(root, 'same', 'heatmap_period.npy'))).toEqual(await readFile(join(root, 'out', 'heatmap_period.npy')));
    expect(await readFile(join(root, 'same', 'heatmap_buckets.npy'))).toEqual(await readFile(join(root, 'out', 'heatmap_buckets.npy')));
  });

  it('recount for a time range and another grid: the range halves split the whole, on the new grid', async () => {
    const first = await crowdheat(['recount', 'out', '--out', 'first', '--period', 'none', '--to', '2026-11-23T09:00:00+09:00', '--set', 'heat_map_settings.grid_num_h=24'], root);
    const second = await crowdheat(['recount', 'out', '--out', 'second', '--period', 'none', '--from', '2026-11-23T09:00:00+09:00', '--set', 'heat_map_settings.grid_num_h=24'], root);
    const whole = await crowdheat(['recount', 'out', '--out', 'whole', '--period', 'none', '--set', 'heat_map_settings.grid_num_h=24'], root);
    for (const outcome of [first, second, whole]) expect(outcome.code).toBe(0);
    const grid = async (folder: string): Promise<Float64Array> => {
      const bytes = await readFile(join(root, folder, 'heatmap_period.npy'));
      expect(bytes.subarray(0, 128).toString('latin1')).toContain("'shape': (27, 24)");
      return new Float64Array(bytes.buffer.slice(bytes.byteOffset + 128, bytes.byteOffset + bytes.length));
    };
    const [a, b, all] = [await grid('first'), await grid('second'), await grid('whole')];
    expect(Array.from(a, (value, i) => value + b[i])).toEqual(Array.from(all));
    const report = JSON.parse(await readFile(join(root, 'first', 'recount.json'), 'utf8')) as { frames: number; unit: string };
    expect(report).toMatchObject({ frames: 30, unit: 'person-seconds' });
  }, 180_000);

  it('recount for a range beside the data warns, naming the span the frames cover, and writes empty outputs', async () => {
    const outcome = await crowdheat(['recount', 'out', '--out', 'beside', '--period', 'none', '--from', '2026-11-24T09:00:00+09:00'], root);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe(
      "crowdheat: warning: --from 2026-11-24T09:00:00+09:00 --to (end) holds none of the analysis's frames " +
        '(they span 2026-11-23T08:59:30+09:00 to 2026-11-23T09:00:30+09:00); the outputs are empty\n',
    );
    const report = JSON.parse(await readFile(join(root, 'beside', 'recount.json'), 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ frames: 0, detections: 0 });
    const inside = await crowdheat(['recount', 'out', '--out', 'inside', '--period', 'none', '--from', '2026-11-23T09:00:00+09:00'], root);
    expect(inside.stderr).toBe('');
  }, 120_000);

  it('recount with a period over an analysis without a time base warns and writes the whole period only', async () => {
    await writeFile(
      join(root, 'no-time.yaml'),
      ['data_source_settings:', '  local_data_settings:', '    meta_file: sample.csv', 'output_settings:', '  output_dir: out-no-time', ''].join('\n'),
    );
    const run = await crowdheat(['run', '--config', 'no-time.yaml', '--quiet'], root);
    expect(run.code).toBe(0);
    // A warning given as the outputs finish is counted in the closing line and in summary.json.
    const warned = await crowdheat(['run', '--config', 'no-time.yaml', '--set', 'output_settings.period=hour', '--set', 'output_settings.output_dir=out-no-time-hour'], root);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('crowdheat: warning: output_settings.period is hour but the frames have no time base');
    expect(warned.stderr).toMatch(/, 1 warning\./);
    const summary = JSON.parse(await readFile(join(root, 'out-no-time-hour', 'summary.json'), 'utf8')) as { warnings: Record<string, number> };
    expect(summary.warnings).toMatchObject({ 'period-without-time-base': 1 });
    const outcome = await crowdheat(['recount', 'out-no-time', '--period', 'hour'], root);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe(
      'crowdheat: warning: output_settings.period is hour but this analysis has no time base (no T, no local_data_settings.metadata_fps, ' +
        'no video): only the whole period is written, in person-frames\n',
    );
    const report = JSON.parse(await readFile(join(root, 'out-no-time', 'recount', 'recount.json'), 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ period: 'hour', unit: 'person-frames', buckets: 0 });
    expect((report.outputs as string[]).includes('buckets.csv')).toBe(false);
  }, 120_000);

  it('a store whose detections were changed outside crowdheat is refused in one line naming it, exit code 2', async () => {
    await mkdir(join(root, 'tampered'));
    await copyFile(join(root, 'out', 'crowdheat.duckdb'), join(root, 'tampered', 'crowdheat.duckdb'));
    const db = await DuckDBInstance.create(join(root, 'tampered', 'crowdheat.duckdb'));
    const connection = await db.connect();
    await connection.run('ALTER TABLE detections ALTER "left" TYPE BIGINT');
    connection.closeSync();
    db.closeSync();
    const outcome = await crowdheat(['recount', 'tampered', '--set', 'heat_map_settings.grid_num_h=24'], root);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /^crowdheat: \/.*\/tampered\/crowdheat\.duckdb: the analysis store's column 1 \(left\) is BIGINT, not SMALLINT, FLOAT or DOUBLE: was the store changed outside crowdheat\? Run the analysis again\n$/,
    );
  }, 60_000);

  it('bad arguments and stores end in one line and exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['recount', 'out', '--set', 'heat_map_settings.grid_num_h=0'], /^crowdheat: --set heat_map_settings\.grid_num_h must be an integer from 1 to 4194304, got 0\n$/],
      [['recount', 'out', '--period', 'weekly'], /^crowdheat: --period must be none, hour, day or <N>min with N from 1 to 1440, got "weekly"\n$/],
      [['recount', 'out', '--from', 'yesterday'], /^crowdheat: --from "yesterday": expected ISO 8601 with an offset/],
      [
        ['recount', 'out', '--from', '2026-03-29T03:00:00+02:00', '--to', '2026-03-29T01:00:00+01:00'],
        /^crowdheat: --to \(2026-03-29T01:00:00\+01:00\) must be after --from \(2026-03-29T03:00:00\+02:00\)/,
      ],
      [['recount', 'nowhere'], /^crowdheat: \/.*\/nowhere: no such store or output folder\n$/],
      [['export', 'parquet', 'sample.csv'], /^crowdheat: \/.*\/sample\.csv: not a crowdheat analysis store/],
      // Flags the command does not know: the same short words as run's, not node's parseArgs text.
      [['recount', 'out', '--bogus', '1'], /^crowdheat: unknown option --bogus \(see crowdheat help recount\)\n$/],
      [['export', 'parquet', 'out', '-q'], /^crowdheat: unknown option -q \(see crowdheat help export\)\n$/],
      [['recount', 'out', '--out'], /^crowdheat: option --out needs a value \(see crowdheat help recount\)\n$/],
      // An --out that cannot be a folder: the run's words, exit 2, and /proc does not hang it (node's recursive mkdir loops there).
      [['export', 'parquet', 'out', '--out', 'out/summary.json/x'], /^crowdheat: --out: cannot create the folder \/.*\/out\/summary\.json\/x: part of the path is a file, not a folder \(ENOTDIR\)\n$/],
      [['export', 'parquet', 'out', '--out', '/proc/crowdheat-nope'], /^crowdheat: --out: cannot create the folder \/proc\/crowdheat-nope: \/proc does not allow folders in it \(ENOENT\)\n$/],
      [['recount', 'out', '--out', 'out/summary.json'], /^crowdheat: --out: cannot create the folder \/.*\/out\/summary\.json: a file is in the way \(EEXIST\)\n$/],
    ];
    for (const [args, message] of cases) {
      const outcome = await crowdheat(args, root);
      expect(outcome.code, `${args.join(' ')}: ${outcome.stderr}`).toBe(2);
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stderr.split('\n')).toHaveLength(2);
    }
  }, 180_000);
});
