/**
 * A video with its metadata: frame i of the video pairs with metadata frame i. The source
 * yields the metadata's frames (counting stays in metadata space); the pictures stay in the
 * video file, which the video and PNG sinks hand to ffmpeg, so no full-size picture passes
 * through JS.
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Frame } from '../../src-shared/frames.js';
import { InputError } from '../../src-shared/errors.js';
import type { Diagnostics } from '../pipeline/diagnostics.js';
import type { FrameSource } from '../pipeline/types.js';
import { probeVideo, type VideoInfo } from '../ffmpeg/probe.js';

export interface VideoFrameSource extends FrameSource {
  /** The video's stream (size, rate, frame count); its frames are the run's pictures. */
  readonly video: VideoInfo;
  /** The ffmpeg binary that read it (sinks use the same one). */
  readonly ffmpeg: string;
}

export function isVideoSource(source: FrameSource): source is VideoFrameSource {
  return 'video' in source && 'ffmpeg' in source;
}

/**
 * Opens `videoPath` for pairing with `metadata`. A missing or unreadable file, or one without
 * a video stream, is an InputError naming the path. When the video and the metadata have
 * different frame counts, the shorter one decides and a `frame-count-mismatch` warning gives
 * both counts once the run knows them.
 */
export async function openVideo(
  videoPath: string,
  metadata: FrameSource,
  diagnostics: Diagnostics,
  ffmpeg: string,
  signal?: AbortSignal,
): Promise<VideoFrameSource> {
  try {
    const info = await stat(videoPath);
    if (!info.isFile()) throw new InputError(`video_file ${videoPath}: is not a file`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`video_file ${videoPath}: no such file`);
  }
  const video = await probeVideo(ffmpeg, videoPath, signal);
  if (video.frameCount === 0) throw new InputError(`video_file ${videoPath}: has no frames`);
  return {
    name: basename(videoPath, extname(videoPath)),
    // The shorter of the two decides; the metadata's count is known once its first pass is done
    // (before the first frame), and until then the video's stands.
    get expectedFrames() {
      const metadataFrames = metadata.expectedFrames;
      return metadataFrames === undefined ? video.frameCount : Math.min(video.frameCount, metadataFrames);
    },
    ...(metadata.preparing === undefined ? {} : { preparing: metadata.preparing }),
    hasImages: true,
    video,
    ffmpeg,
    frames: (frameSignal) => pairFrames(video, metadata, diagnostics, frameSignal),
  };
}

async function* pairFrames(
  video: VideoInfo,
  metadata: FrameSource,
  diagnostics: Diagnostics,
  signal: AbortSignal,
): AsyncGenerator<Frame> {
  let metadataFrames = 0;
  for await (const frame of metadata.frames(signal)) {
    if (metadataFrames < video.frameCount) yield frame;
    // Past the video's end the rest of the metadata is only counted (cheap), so the warning can
    // give the exact count of both.
    metadataFrames += 1;
    if (signal.aborted) return;
  }
  if (metadataFrames !== video.frameCount) {
    const used = Math.min(metadataFrames, video.frameCount);
    diagnostics.warn(
      'frame-count-mismatch',
      `video ${video.path} has ${video.frameCount} frames but the metadata has ${metadataFrames}; using the first ${used}`,
    );
  }
}
