/**
 * Zones and the report through the built command line (`npm test` builds first): a settings
 * file with zones, `crowdheat run`, then `crowdheat report`; bad zones and a bad folder end in
 * one line and exit code 2.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_MAIN_YAML, SAMPLE_PARAM_YAML } from '../settings/fixtures.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'bin', 'crowdheat');
const BUILT = existsSync(join(REPO, 'dist', 'src-main', 'cli.js'));

function crowdheat(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.CROWDHEAT_DEBUG;
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// Three MOT rows (640×480): feet at (120, 300), (320, 300) and (330, 410).
const MOT_ROWS = '1,1,100,200,40,100,1\n1,2,300,200,40,100,1\n2,1,310,310,40,100,1\n';
const PARAMS = SAMPLE_PARAM_YAML.replace(/image_size_h\s*:\s*\d+/, 'image_size_h: 640').replace(/image_size_v\s*:\s*\d+/, 'image_size_v: 480');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'crowdheat-zones-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function workdir(name: string, zones: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'config'), { recursive: true });
  const main = SAMPLE_MAIN_YAML.replace('video_file: "./input/sample.mp4"', 'video_file: ""').replace('"./input/sample.csv"', '"det.txt"');
  await writeFile(join(dir, 'config', 'heat_map_app.yaml'), `${main}${zones}\n`);
  await writeFile(join(dir, 'config', 'default_param.yaml'), PARAMS);
  await writeFile(join(dir, 'det.txt'), MOT_ROWS);
  return dir;
}

describe.skipIf(!BUILT)('zones and the report on the command line', () => {
  it('run writes zones.csv, report writes report.html and prints its path', async () => {
    const cwd = await workdir('good', 'zones: [{name: middle, points: [[300, 250], [400, 250], [400, 480], [300, 480]]}]');
    const run = await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml', '--quiet'], cwd);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    const csv = (await readFile(join(cwd, 'output', 'zones.csv'), 'utf8')).split('\n');
    // Frame 0: track 2's feet (320, 300) inside; frame 1: track 1's (330, 410). No times: two visits of one frame.
    expect(csv[1]).toBe('middle,,,,,2,frames,2,1,1,0,,,2,1,2,1,1');
    const report = await crowdheat(['report', 'output'], cwd);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(new RegExp(`^${join(cwd, 'output', 'report.html').replace(/[.]/g, '\\.')} \\(0\\.\\d\\d MB\\)\\n$`));
    expect(await readFile(join(cwd, 'output', 'report.html'), 'utf8')).toContain('<td class="text" data-value="middle">middle</td>');
  });

  it('a crossing zone stops the run before any output with one line naming the zone', async () => {
    const cwd = await workdir('bad', 'zones: [{name: bowtie, points: [[0, 0], [10, 10], [10, 0], [0, 10]]}]');
    const run = await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml'], cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'crowdheat: zones[0] "bowtie": the outline crosses itself (edges between points 1–2 and 3–4); list the points in order around the zone\n',
    );
    expect(existsSync(join(cwd, 'output'))).toBe(false);
  });

  it('report on a folder that is not a run\'s output exits 2 with one line', async () => {
    const report = await crowdheat(['report', 'nowhere'], root);
    expect(report).toEqual({ code: 2, stdout: '', stderr: `crowdheat: report: "${join(root, 'nowhere')}" is not a folder\n` });
    const none = await crowdheat(['report'], root);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('crowdheat: give one OUTPUT_DIR (the output_dir of a run) (see crowdheat help report)\n');
  });
});
