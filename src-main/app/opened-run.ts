/**
 * A finished analysis opened for the window: its store kept open, its frames and people per
 * frame read once (one SQL GROUP BY, run while the frames are read), so seeking, the chart and
 * re-counts read only what they show. DuckDB runs one query at a time on a connection: every read here waits its turn.
 *
 * ```ts
 * const opened = await OpenedRun.open('/work/runs/run-…/output', settings.heat_map_settings.params);
 * const grid = await opened.windowGrid(1234, params);   // Int32Array, grid_num_v × grid_num_h
 * opened.series(0, opened.frameCount, 800);             // min/max people per column
 * ```
 */
import type { TimelineSeries } from '../../src-shared/api.js';
import { prepareOptionsFor } from '../../src-shared/periods/accumulate.js';
import { ViewScratch } from '../../src-shared/periods/scratch.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { bothSettled, countsAtPositions, StoreReader, type StoredFrames } from '../store/store.js';
import { periodView, windowGridAt, type PeriodView, type PeriodViewOptions } from '../store/views.js';
import { timelineSeries } from './timeline-series.js';

export class OpenedRun {
  private queue: Promise<unknown> = Promise.resolve();
  /** The large arrays of the views, reused from one to the next (reads here are one at a time). */
  private readonly scratch = new ViewScratch();
  /** The store's detections' blocks loaded, then read into memory after open (`StoreReader.warm`); close waits for both. */
  private warming: Promise<void> = Promise.resolve();
  /** Set by `close`, in turn after the reads asked before it. */
  private closed = false;

  private constructor(
    readonly store: StoreReader,
    readonly frames: StoredFrames,
    /** People per frame position under the run's filters. */
    readonly counts: Int32Array,
  ) {}

  /**
   * Opens the store in `outputDir` (its folder or file) and reads frames and people per frame.
   *
   * @throws InputError when the store is missing, incomplete or of a newer schema.
   */
  static async open(outputDir: string, params: GridParams): Promise<OpenedRun> {
    const store = await StoreReader.open(outputDir);
    // The GROUP BY runs on DuckDB's threads while the frames are read, and so does the load of
    // the detections' blocks that the first views and `warm` read (not awaited by the open).
    const loading = store.loadDetectionBlocks();
    try {
      const [frames, people] = await bothSettled(store.frames(), store.peopleByFrameIndex(prepareOptionsFor(params)));
      const opened = new OpenedRun(store, frames, countsAtPositions(frames, people));
      // Not awaited: the window shows the timeline meanwhile; the first period view is then as quick as the next.
      opened.warming = loading.then(() => store.warm());
      return opened;
    } catch (error) {
      await loading;
      store.close();
      throw error;
    }
  }

  get frameCount(): number {
    return this.frames.index.length;
  }

  /** The window grid ending at frame position `position` for `params` (SPEC §3), from the store. */
  windowGrid(position: number, params: GridParams): Promise<Int32Array> {
    return this.withStore(async (store) => {
      const grid = await windowGridAt(store, this.frames, params, this.frames.index[position], this.scratch);
      return grid ?? new Int32Array(params.grid_num_h * params.grid_num_v);
    });
  }

  /**
   * A period view (whole range, buckets) for other settings, from the store, handed to `use`
   * before the next read starts: its bucket grids lie in memory the next view reuses.
   */
  periodView<T>(options: Omit<PeriodViewOptions, 'scratch'>, use: (view: PeriodView) => T): Promise<T> {
    return this.withStore(async (store) => use(await periodView(store, this.frames, { ...options, scratch: this.scratch })));
  }

  /** People per frame over positions `fromFrame ≤ i < toFrame` in at most `columns` columns. */
  series(fromFrame: number, toFrame: number, columns: number): TimelineSeries {
    return timelineSeries(this.counts, this.frames.timeMs, this.frames.t, fromFrame, toFrame, columns);
  }

  /**
   * Closes the store once the reads already asked for have ended (and `warm`, so its cache's bytes
   * go back to the budget). A read asked after that — a request that got this run just before it
   * was closed as the least recently used — is answered from the store opened for it alone.
   */
  async close(): Promise<void> {
    await this.serial(async () => {
      await this.warming;
      if (this.closed) return;
      this.closed = true;
      this.store.close();
    });
  }

  /** Runs `work` in turn on the open store, or, once closed, on the store opened again for it alone. */
  private withStore<T>(work: (store: StoreReader) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      if (!this.closed) return work(this.store);
      const store = await StoreReader.open(this.store.path);
      try {
        return await work(store);
      } finally {
        store.close();
      }
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
