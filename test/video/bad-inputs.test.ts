import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src-main/pipeline/run.js';
import { probeVideo } from '../../src-main/ffmpeg/probe.js';
import { bundledFfmpegPath, resolveFfmpeg } from '../../src-main/ffmpeg/locate.js';
import type { Warning } from '../../src-main/pipeline/diagnostics.js';
import { InputError, SettingsError } from '../../src-shared/errors.js';
import { localSettings, makeAudio, makeTempDir, makeVideo, writeSeedCsv } from './fixtures.js';

describe('bad video inputs are one-line errors naming the file or setting', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await writeSeedCsv(join(dir, 'meta.csv'), [[[10, 10, 50, 50]], [[10, 10, 50, 50]], [[10, 10, 50, 50]]]);
    // 16:9 like the metadata space, so the only warning is the one under test.
    await makeVideo(join(dir, 'ok.mp4'), { frames: 3, width: 64, height: 36 });
    await writeFile(join(dir, 'notes.mp4'), 'these are my notes, not a video\n');
    await makeAudio(join(dir, 'tone.m4a'));
  });
  afterAll(() => cleanup());

  const failure = async (settings: ReturnType<typeof localSettings>): Promise<Error> => {
    const error = await runPipeline(settings).then(
      () => new Error('the run succeeded'),
      (caught: Error) => caught,
    );
    expect(error.message).not.toContain('\n');
    return error;
  };

  it('a missing video', async () => {
    const error = await failure(localSettings(dir, join(dir, 'missing.mp4')));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`video_file ${join(dir, 'missing.mp4')}: no such file`);
  });

  it('a text file renamed .mp4', async () => {
    const error = await failure(localSettings(dir, join(dir, 'notes.mp4')));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`video_file ${join(dir, 'notes.mp4')}: cannot be read as a video: Invalid data found when processing input`);
  });

  it('an audio-only file', async () => {
    const error = await failure(localSettings(dir, join(dir, 'tone.m4a')));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`video_file ${join(dir, 'tone.m4a')}: has no video stream`);
  });

  it('a negative output size (0 means the source\'s)', async () => {
    const error = await failure(localSettings(dir, join(dir, 'ok.mp4'), { output_video_width: -4 }));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe('output_settings.output_video_width: -4 is not allowed; give a positive whole number of pixels');
  });

  it('an ffmpeg_path that does not exist', async () => {
    const missing = join(dir, 'no-ffmpeg-here');
    const error = await failure(localSettings(dir, join(dir, 'ok.mp4'), { ffmpeg_path: missing }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`ffmpeg_path (${missing}) does not run: spawn ${missing} ENOENT`);
  });

  it('an ffmpeg_path that is not a program', async () => {
    const script = join(dir, 'fake-ffmpeg');
    await writeFile(script, '#!/bin/sh\necho "not ffmpeg"\nexit 3\n');
    await chmod(script, 0o755);
    const error = await failure(localSettings(dir, join(dir, 'ok.mp4'), { ffmpeg_path: script }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`ffmpeg_path (${script}) does not run: exit code 3`);
  });

  it('the setting wins over CROWDHEAT_FFMPEG, which wins over the bundled binary', async () => {
    const bundled = await bundledFfmpegPath();
    expect(await resolveFfmpeg('', {})).toBe(bundled);
    expect(await resolveFfmpeg('', { CROWDHEAT_FFMPEG: '/usr/bin/ffmpeg' })).toBe('/usr/bin/ffmpeg');
    expect(await resolveFfmpeg(bundled, { CROWDHEAT_FFMPEG: '/usr/bin/ffmpeg' })).toBe(bundled);
  });

  it('an odd output size is rounded up to even with a warning', async () => {
    const warnings: Warning[] = [];
    const settings = localSettings(dir, join(dir, 'ok.mp4'), { output_video_width: 65, output_video_height: 48 });
    await runPipeline(settings, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      { kind: 'odd-video-size', message: 'output_settings.output_video_width: 65 is odd; H.264 needs even sizes, using 66' },
    ]);
    const info = await probeVideo(await bundledFfmpegPath(), join(dir, 'out', 'video', 'ok_heatmap.mp4'));
    expect([info.width, info.height]).toEqual([66, 48]);
  });
});
