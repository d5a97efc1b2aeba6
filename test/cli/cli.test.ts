/**
 * The built command line, spawned as a user runs it (`npm test` builds first). Every bad input
 * must end in exactly one line on stderr, `crowdheat: ...`, naming the file, key and value,
 * with no stack trace and a non-zero exit code.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SAMPLE_MAIN_YAML, SAMPLE_PARAM_YAML } from '../settings/fixtures.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'bin', 'crowdheat');
const SAMPLE_CSV = '/work/shared/data/aitrios-sample.csv';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function crowdheat(args: string[], cwd: string, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Outcome> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.CROWDHEAT_DEBUG;
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, child);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Exactly one line, `crowdheat: ...`, no stack trace. */
function expectOneErrorLine(outcome: Outcome, exitCode: number): string {
  expect(outcome.code).toBe(exitCode);
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).not.toContain('    at ');
  expect(outcome.stderr.endsWith('\n')).toBe(true);
  const lines = outcome.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith('crowdheat: ')).toBe(true);
  return lines[0];
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe('crowdheat (built)', () => {
  let root: string;
  let caseNumber = 0;

  /** A fresh working directory holding the sample's config files, edited by the test. */
  function workdir(main = SAMPLE_MAIN_YAML, param = SAMPLE_PARAM_YAML): string {
    caseNumber += 1;
    const dir = join(root, `case-${caseNumber}`);
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config', 'heat_map_app.yaml'), main);
    writeFileSync(join(dir, 'config', 'default_param.yaml'), param);
    return dir;
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'crowdheat-cli-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('the CLI is built', () => {
    expect(existsSync(join(REPO, 'dist', 'src-main', 'cli.js'))).toBe(true);
  });

  test('--help prints the commands on stdout and exits 0', async () => {
    const outcome = await crowdheat(['--help'], root);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toContain('Usage: crowdheat <command> [flags]');
    expect(outcome.stdout).toMatch(/^ {2}run +analyse detections with a settings file and flags$/m);
    expect(outcome.stdout).toMatch(/^ {2}demo +run a synthetic crowd scene/m);
  });

  test('help run and run --help print the flags of run', async () => {
    const viaHelp = await crowdheat(['help', 'run'], root);
    const viaFlag = await crowdheat(['run', '--help'], root);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain('--set SECTION.KEY=VALUE');
    expect(viaFlag.stdout).toBe(viaHelp.stdout);
  });

  test('--version prints the package version', async () => {
    const outcome = await crowdheat(['--version'], root);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  test('an unknown command exits 2 with a usage hint', async () => {
    const line = expectOneErrorLine(await crowdheat(['analyse'], root), 2);
    // Other commands join the list over time; run, demo and help are always there.
    expect(line).toMatch(/^crowdheat: unknown command "analyse"; commands: run, demo, (\w+, )*help \(see crowdheat --help\)$/);
  });

  test('an unknown flag exits 2 pointing at the command help', async () => {
    const line = expectOneErrorLine(await crowdheat(['run', '--colour', 'red'], root), 2);
    expect(line).toBe('crowdheat: unknown option --colour (see crowdheat help run)');
  });

  test('serve with a --data-dir that cannot be a folder exits 2 in one line, also under /proc (where node\'s recursive mkdir never returns)', async () => {
    writeFileSync(join(root, 'not-a-folder'), 'x');
    const inFile = expectOneErrorLine(await crowdheat(['serve', '--port', '0', '--data-dir', 'not-a-folder/data'], root), 2);
    expect(inFile).toBe(`crowdheat: --data-dir: cannot create the folder ${join(root, 'not-a-folder', 'data')}: part of the path is a file, not a folder (ENOTDIR)`);
    const inProc = expectOneErrorLine(await crowdheat(['serve', '--port', '0', '--data-dir', '/proc/crowdheat-data'], root), 2);
    expect(inProc).toBe('crowdheat: --data-dir: cannot create the folder /proc/crowdheat-data: /proc does not allow folders in it (ENOENT)');
  }, 30_000);

  test('a flag without its value', async () => {
    const line = expectOneErrorLine(await crowdheat(['run', '--config_path'], root), 2);
    expect(line).toBe('crowdheat: option --config_path needs a value (see crowdheat help run)');
  });

  test('run with nothing to analyse', async () => {
    const line = expectOneErrorLine(await crowdheat(['run'], root), 2);
    expect(line).toBe('crowdheat: nothing to analyse: give --config_path FILE, or --meta_file FILE (see crowdheat help run)');
  });

  const P = 'heat_map_settings.param_file (./config/default_param.yaml): ';
  const M = 'config/heat_map_app.yaml: ';
  const badParams: Array<[string, string, string, string]> = [
    ['grid_num_h: 0', 'grid_num_h : 192', 'grid_num_h : 0', `${P}grid_num_h must be an integer from 1 to 4194304, got 0`],
    ['number_of_add_grid: -1', 'number_of_add_grid : 1', 'number_of_add_grid : -1', `${P}number_of_add_grid must be an integer from 0 to 4194304, got -1`],
    ['a non-integer size', 'image_size_v : 1080', 'image_size_v : 1080.5', `${P}image_size_v must be an integer from 1 to 100000, got 1080.5`],
    ['a bad boolean', 'bbox2pix : false', 'bbox2pix : "no"', `${P}bbox2pix must be true or false, got "no"`],
    ['an unknown counting', 'bbox2pix : false', 'counting: approximate', `${P}counting must be one of exact, legacy, got "approximate"`],
    ['point_ratio above 1', 'bbox2pix : false', 'point_ratio: 2', `${P}point_ratio must be a number from 0 to 1, got 2`],
    [
      'legacy counting with sizes that do not divide',
      'grid_num_v : 108',
      'grid_num_v : 100\ncounting: legacy',
      `${P}counting is legacy, which needs image_size_v (1080) to be divisible by grid_num_v (100); ` +
        'use counting: exact, or sizes that divide evenly',
    ],
  ];
  test.concurrent.each(badParams)('param file with %s', async (_name, from, to, message) => {
    const cwd = workdir(SAMPLE_MAIN_YAML, replaceOnce(SAMPLE_PARAM_YAML, from, to));
    const line = expectOneErrorLine(await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml'], cwd), 2);
    expect(line).toBe(`crowdheat: ${message}`);
  });

  const consoleCase2 = (yaml: string): string =>
    replaceOnce(replaceOnce(yaml, 'mode: "local"', 'mode: "console"'), '"__device_id__"', '"Aid-0001"');
  const badMain: Array<[string, (yaml: string) => string, string]> = [
    ['transparency: 1.5', (y) => replaceOnce(y, 'transparency: 0.4', 'transparency: 1.5'), `${M}output_settings.transparency must be a number from 0 to 1, got 1.5`],
    ['an unknown mode', (y) => replaceOnce(y, 'mode: "local"', 'mode: "remote"'), `${M}data_source_settings.mode must be one of console, local, got "remote"`],
    [
      'min not below max',
      (y) => replaceOnce(y, 'min: 0', 'min: 20'),
      `${M}output_settings.min (20) must be less than output_settings.max (15); or set max to 0 for an automatic scale`,
    ],
    ['a bad boolean', (y) => replaceOnce(y, 'overlay: true', 'overlay: on'), `${M}output_settings.overlay must be true or false, got "on"`],
    [
      'a negative output width (0 is the source\'s)',
      (y) => replaceOnce(y, 'output_video_width: 300', 'output_video_width: -2'),
      `${M}output_settings.output_video_width must be 0 (the source's) or an integer from 1 to 8192, got -2`,
    ],
    [
      'fps below 0.1',
      (y) => replaceOnce(y, 'output_video_fps: 2', 'output_video_fps: 0.05'),
      `${M}output_settings.output_video_fps must be 0 (the source's) or a number from 0.1 to 240, got 0.05`,
    ],
    [
      'a YAML syntax error',
      (y) => replaceOnce(y, '  cbar: false', '\tcbar: false'),
      'config/heat_map_app.yaml:22:1: YAML syntax error: tab characters must not be used in indentation',
    ],
    [
      'a missing param file',
      (y) => replaceOnce(y, './config/default_param.yaml', './config/params.yaml'),
      'heat_map_settings.param_file: "./config/params.yaml": not found (looked for "<cwd>/config/params.yaml")',
    ],
    [
      'mode local without meta_file',
      (y) => replaceOnce(y, '    meta_file: "./input/sample.csv"\n', ''),
      'data_source_settings.local_data_settings.meta_file must be a path (not empty) in mode local, got ""',
    ],
    [
      'a timestamp that is neither a T string nor ISO 8601 with an offset',
      (y) => replaceOnce(consoleCase2(y), 'last_timestamp: ""', 'last_timestamp: "2023-04-12T14:00:29"'),
      `${M}data_source_settings.console_data_settings.last_timestamp must be "" or a quoted T string ` +
        'yyyyMMddHHmmssfff (17 digits, UTC) or ISO 8601 with an offset (2024-05-01T21:00:00+09:00) in mode console, ' +
        'got "2023-04-12T14:00:29"',
    ],
    [
      'number_of_images 0 in Case 1',
      (y) =>
        replaceOnce(
          replaceOnce(consoleCase2(y), 'sub_directory_name: ""', 'sub_directory_name: "20230412135950"'),
          'number_of_images: 20',
          'number_of_images: 0',
        ).replace('first_timestamp: ""', 'first_timestamp: "20230412140023098"'),
      `${M}data_source_settings.console_data_settings.number_of_images must be an integer from 1 to 1000000 in mode console ` +
        'with a sub_directory_name, got 0',
    ],
    [
      'number_of_inference_results 0 in Case 2',
      (y) => replaceOnce(consoleCase2(y), 'number_of_inference_results: 20', 'number_of_inference_results: 0'),
      `${M}data_source_settings.console_data_settings.number_of_inference_results must be an integer from 1 to 1000000 in mode ` +
        'console without a sub_directory_name, got 0',
    ],
  ];
  test.concurrent.each(badMain)('settings file with %s', async (_name, edit, message) => {
    const cwd = workdir(edit(SAMPLE_MAIN_YAML));
    const line = expectOneErrorLine(await crowdheat(['run', '--config', 'config/heat_map_app.yaml'], cwd), 2);
    expect(line).toBe(`crowdheat: ${message.replace('<cwd>', cwd)}`);
  });

  test('a missing settings file', async () => {
    const line = expectOneErrorLine(await crowdheat(['run', '--config_path', 'config/nope.yaml'], root), 2);
    expect(line).toBe(`crowdheat: "config/nope.yaml": not found (looked for "${join(root, 'config', 'nope.yaml')}")`);
  });

  const badFlags: Array<[string[], string]> = [
    [['--set', 'output_settings.transparency=1.5'], '--set output_settings.transparency must be a number from 0 to 1, got 1.5'],
    [['--last_valid_frame', 'ten'], '--last_valid_frame must be an integer from 0 to 1000000, got "ten"'],
    [['--number_of_add_grid=-2'], '--number_of_add_grid must be an integer from 0 to 4194304, got -2'],
    [['--counting', 'fuzzy'], '--counting must be one of exact, legacy, got "fuzzy"'],
    [['--mode', 'cloud'], '--mode must be one of console, local, got "cloud"'],
    [['--meta_format', 'xml'], '--meta_format must be one of auto, seed_csv, mot, inference_json, got "xml"'],
    [['--set', 'heat_map_settings.bbox2pix=yes'], '--set heat_map_settings.bbox2pix must be true or false, got "yes"'],
    [
      ['--set', 'output_settings.cmapp=red'],
      '--set output_settings.cmapp: no such setting (close matches in output_settings: cmap, cbar, max)',
    ],
  ];
  test.concurrent.each(badFlags)('flags %j over the sample', async (flags, message) => {
    const cwd = workdir();
    const line = expectOneErrorLine(await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml', ...flags], cwd), 2);
    expect(line).toBe(`crowdheat: ${message}`);
  });

  test('an error line is at most 300 characters with its "crowdheat: " prefix', async () => {
    const line = expectOneErrorLine(
      await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml', '--set', 'output_settings.bogus\u001b[2J=1'], workdir()),
      2,
    );
    expect(line).toBe(
      'crowdheat: --set output_settings.bogus\\u001b[2J: no such setting (settings of output_settings: output_dir, ' +
        'output_video_fps, output_video_width, output_video_height, cmap, cbar, min, max, overlay, transparency, interpolation, ' +
        'ffmpeg_path, period, timezone, per_frame_outputs, zone_outlines, encoder_…',
    );
    expect(line.length).toBe(300);
  });

  test('--bbox2pix and --no-bbox2pix together', async () => {
    const line = expectOneErrorLine(await crowdheat(['run', '--meta_file', 'x.csv', '--bbox2pix', '--no-bbox2pix'], root), 2);
    expect(line).toBe('crowdheat: --bbox2pix and --no-bbox2pix contradict each other (see crowdheat help run)');
  });

  test('a missing metadata file is an input error naming it', async () => {
    const outcome = await crowdheat(['run', '--meta_file', 'input/none.csv'], workdir());
    const line = expectOneErrorLine(outcome, 2);
    expect(line).toContain('none.csv');
  });

  /** Three frames of MOTChallenge detections; frame 2 has no row, so it is an empty frame. */
  const MOT_ROWS = '1,-1,100,200,50,120,0.9,-1,-1,-1\n1,-1,400,300,60,140,0.8,-1,-1,-1\n3,-1,120,210,50,120,0.95,-1,-1,-1\n';

  test('a run from flags alone writes the outputs and a one-paragraph summary on stderr', async () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'det.txt'), MOT_ROWS);
    const outcome = await crowdheat(
      ['run', '--meta_file', 'det.txt', '--output_dir', 'out', '--set', 'heat_map_settings.image_size_h=640',
        '--set', 'heat_map_settings.image_size_v=480', '--set', 'heat_map_settings.grid_num_h=64',
        '--set', 'heat_map_settings.grid_num_v=48', '--no-bbox2pix'],
      cwd,
    );
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('');
    // A slow machine may show progress lines first; the summary is the last line.
    const lines = outcome.stderr.trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^crowdheat: \d+(\/\d+)? frames /);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        '^crowdheat: done in \\d+\\.\\d s: 3 frames, 3 detections, 0 skipped records, 0 warnings\\. ' +
          // Frames 1 and 3 overlap (box mode, one cell of margin, 10-pixel cells) from cell (11, 20) on.
          'Busiest cell: 2 at \\(h 11, v 20\\), frame 2\\. ' +
          // The same cells are the whole period's busiest place: 2 person-frames (no time base).
          'Busiest place over the whole period: 2 person-frames at \\(h 11, v 20\\)\\. ' +
          `Outputs in ${join(cwd, 'out').replace(/[.]/g, '\\.')}: .*summary\\.json$`,
      ),
    );
    expect(readdirSync(join(cwd, 'out', 'detect')).sort()).toEqual(['00000000.json', '00000001.json', '00000002.json']);
  });

  test('a settings warning is printed and the run goes on; --quiet silences it', async () => {
    const main = replaceOnce(
      replaceOnce(replaceOnce(SAMPLE_MAIN_YAML, '"./input/sample.mp4"', '""'), '"./input/sample.csv"', '"det.txt"'),
      '  cbar: false\n',
      '  cbar: false\n  dpi: 100\n',
    );
    const cwd = workdir(main);
    writeFileSync(join(cwd, 'det.txt'), MOT_ROWS);
    const outcome = await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml'], cwd);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr.split('\n')[0]).toBe(
      'crowdheat: warning: config/heat_map_app.yaml: unknown key output_settings.dpi (ignored)',
    );
    const quiet = await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml', '-q'], cwd);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('--quiet prints nothing on success', async () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'det.txt'), MOT_ROWS);
    const outcome = await crowdheat(['run', '--meta_file', 'det.txt', '--output_dir', 'out', '--quiet'], cwd);
    expect(outcome).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('Ctrl-C cancels a run: exit code 130 and one line saying so', async () => {
    const cwd = workdir();
    // One row every 5,000 frames up to frame 100,001 (gaps below the 9,000-frame cap): that many
    // frames, nearly all empty, so the run lasts long enough to interrupt.
    const rows = Array.from({ length: 21 }, (_, i) => `${i * 5000 + 1},-1,100,200,50,120,0.9,-1,-1,-1\n`);
    writeFileSync(join(cwd, 'det.txt'), rows.join(''));
    let interrupted = false;
    const outcome = await crowdheat(['run', '--meta_file', 'det.txt', '--output_dir', 'out'], cwd, (stderr, child) => {
      // The first progress line proves the run is under way.
      if (!interrupted && stderr.includes(' frames')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(interrupted).toBe(true);
    expect(outcome.code).toBe(130);
    expect(outcome.stderr).not.toContain('    at ');
    expect(outcome.stderr.trimEnd().split('\n').at(-1)).toBe('crowdheat: cancelled');
    expect(existsSync(join(cwd, 'out', 'summary.json'))).toBe(false);
  });

  describe.skipIf(!existsSync(SAMPLE_CSV))('with the real AITRIOS sample CSV', () => {
    test("the sample's heat_map_app.yaml runs unchanged but for its meta_file", async () => {
      const main = replaceOnce(
        replaceOnce(SAMPLE_MAIN_YAML, '"./input/sample.mp4"', '""'),
        '"./input/sample.csv"',
        JSON.stringify(SAMPLE_CSV),
      );
      const cwd = workdir(main);
      const outcome = await crowdheat(['run', '--config_path', 'config/heat_map_app.yaml'], cwd);
      expect(outcome.code).toBe(0);
      expect(outcome.stderr.trimEnd().split('\n').at(-1)).toMatch(/^crowdheat: done in .* 600 frames, /);
      expect(readdirSync(join(cwd, 'output', 'detect'))).toHaveLength(600);
    });
  });
});
