/**
 * The app's Follow: the follow engine (console/follow.ts) run in the back end, one device at a
 * time, its polls and faults pushed to the window as `follow` events. The store and rolling
 * outputs go to `<workRoot>/follow/<device>`, so stopping keeps them and a later Follow of the
 * same device continues where it stopped.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FOLLOW_IMAGE_MAX_BYTES, type ApiEvent, type FollowStatus } from '../../src-shared/api.js';
import type { ConsoleCredentials } from '../../src-shared/console/types.js';
import { CrowdheatError, isCrowdheatError } from '../../src-shared/errors.js';
import { validateSettings, type Settings } from '../../src-shared/settings/index.js';
import { checkFollowSeconds, FOLLOW_INTERVAL_S, followConsole } from '../console/follow.js';

export interface FollowRunnerOptions {
  cwd: string;
  workRoot: string;
  /** The credentials the app keeps, or null (then `setting_path` and the environment, as a run). */
  credentials: () => Promise<ConsoleCredentials | null>;
  emit: (event: ApiEvent) => void;
}

interface ActiveFollow {
  status: FollowStatus;
  controller: AbortController;
  /** Settles once the follow has ended and its store is finished. */
  ended: Promise<void>;
}

/** A device id as a folder name: letters, digits, `-`, `_` and `.` kept, the rest `_`. */
function folderNameOf(deviceId: string): string {
  const name = deviceId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return name === '' ? '_' : name.slice(0, 100);
}

export class FollowRunner {
  private active: ActiveFollow | null = null;

  constructor(private readonly options: FollowRunnerOptions) {}

  /**
   * Starts following the settings' device. A follow already running is stopped first.
   * @throws SettingsError for an interval out of 1–3600 s or settings follow cannot use.
   */
  async start(settings: Settings, intervalS: number): Promise<FollowStatus> {
    checkFollowSeconds('follow interval', intervalS, FOLLOW_INTERVAL_S);
    validateSettings(settings);
    if (this.active !== null) await this.stop(this.active.status.followId);
    const deviceId = settings.data_source_settings.console_data_settings.device_id;
    const outputDir = join(this.options.workRoot, 'follow', folderNameOf(deviceId));
    const followSettings: Settings = { ...settings, output_settings: { ...settings.output_settings, output_dir: outputDir } };
    const status: FollowStatus = {
      followId: `follow-${randomBytes(8).toString('hex')}`,
      deviceId,
      state: 'starting',
      intervalS,
      frames: 0,
      lastT: null,
      lastUpdateMs: null,
      polls: 0,
      faults: 0,
      outputDir,
      images: 0,
    };
    // Case 1: the newest image as a data: URL, and whether the events have not carried it yet.
    let newestImage: string | undefined;
    let unsent = false;
    const controller = new AbortController();
    const publish = (change: Partial<FollowStatus>): void => {
      Object.assign(status, change);
      if (change.state !== 'retrying' && change.state !== 'failed' && change.message === undefined) delete status.message;
      this.options.emit({ type: 'follow', status: withImage() });
    };
    /**
     * The status to send: events carry the newest image once after it changed (the window keeps it);
     * `always` (the start's answer, which the window takes even when it dropped the first events) carries it anyway.
     */
    const withImage = (always = false): FollowStatus => {
      const sent: FollowStatus = { ...status };
      if (newestImage !== undefined && (unsent || always)) sent.newestImage = newestImage;
      if (!always) unsent = false;
      return sent;
    };
    const credentials = await this.options.credentials();
    let started: () => void = () => undefined;
    let failedEarly: (error: unknown) => void = () => undefined;
    const firstPoll = new Promise<void>((resolve, reject) => {
      started = resolve;
      failedEarly = reject;
    });
    const ended = followConsole(followSettings, {
      signal: controller.signal,
      cwd: this.options.cwd,
      intervalMs: intervalS * 1000,
      ...(credentials === null ? {} : { credentials }),
      onPoll: (poll) => {
        publish({ state: 'following', frames: poll.frames, images: poll.images, lastT: poll.lastT, lastUpdateMs: poll.atMs, polls: status.polls + 1 });
        started();
      },
      onView: (view) => {
        status.view = { unit: view.unit, columns: view.columns, rows: view.rows, whole: Array.from(view.whole, (value) => Math.round(value * 1000) / 1000) };
      },
      onBackground: (jpeg) => {
        if (jpeg.byteLength > FOLLOW_IMAGE_MAX_BYTES) return;
        newestImage = `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`;
        unsent = true;
      },
      onFault: (fault) => {
        publish({ state: 'retrying', faults: status.faults + 1, message: fault.message });
        started();
      },
    }).then(
      (result) => {
        publish({ state: 'stopped', frames: result.frames, lastT: result.lastT });
        started();
      },
      (error: unknown) => {
        const message = isCrowdheatError(error) ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
        publish({ state: 'failed', message });
        failedEarly(isCrowdheatError(error) ? error : new CrowdheatError(message));
      },
    );
    this.active = { status, controller, ended };
    // The answer waits for the first poll (or fault), so wrong settings or credentials are the request's error.
    try {
      await firstPoll;
    } catch (error) {
      this.active = null;
      throw error;
    }
    return withImage(true);
  }

  /** Stops the follow `followId` (the poll under way is dropped) and resolves with its last status. */
  async stop(followId: string): Promise<FollowStatus> {
    const active = this.active;
    if (active === null || active.status.followId !== followId) throw new CrowdheatError('stopFollow: no such follow is running');
    active.controller.abort();
    await active.ended;
    if (this.active === active) this.active = null;
    return { ...active.status };
  }

  /** Stops any follow (the app is closing). */
  async dispose(): Promise<void> {
    if (this.active !== null) await this.stop(this.active.status.followId);
  }
}
