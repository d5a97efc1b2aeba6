import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { ApiClient, FrameData, RunInfo, TimelineSeries } from '../../src-shared/api.js';
import type { GridParams } from '../../src-shared/settings/types.js';
import { getColormap } from '../../src-shared/colormaps/index.js';
import { DEFAULT_VIDEO_FPS } from '../../src-shared/render/video-format.js';
import type { DisplaySettings } from '../logic/display.js';
import { cellAt, colourScaleOf, legendGradient, paintHeat } from '../logic/heat.js';
import { gridMax } from '../logic/legend.js';
import { formatFigure } from '../logic/period.js';
import { Legend } from './Legend.js';
import {
  advancePlayback,
  chartFrameAt,
  frameForKey,
  keySteps,
  MIN_VIEW_FRAMES,
  PLAYBACK_SPEEDS,
  frameLocalText,
  frameTimeText,
  seriesPath,
  seriesSecondsPerFrame,
  sliderValueText,
  zoomView,
} from '../logic/timeline.js';
import { messageOf } from '../api/client.js';
import { loadPicturePixels } from './picture-pixels.js';

interface TimelineProps {
  api: ApiClient;
  run: RunInfo;
  /** The colours to paint with: today's display settings, so changing them repaints at once, at the same frame. */
  display: DisplaySettings;
  /** The picture switch was flipped (it is the overlay setting). */
  onOverlayChange: (overlay: boolean) => void;
  onError: (message: string) => void;
  /** "Fit to data" was clicked: the settings' max becomes the run's peak, for the next export. */
  onFitToData?: (max: number) => void;
  /** Grid and counting settings that differ from the run's: frames are re-counted with them from the store (`getFrame` params). */
  recount?: Partial<GridParams>;
  /** Moves to a frame when it changes (the period bar's busiest moment, a zone chart). */
  seek?: { index: number; serial: number } | null;
  /** The period views' time zone: the frame's local time is written in it beside its UTC time (none when UTC or absent). */
  timeZone?: string;
}

/** Width of the canvas when the source has no pictures (the heat alone, at the metadata's aspect). */
const HEAT_ONLY_WIDTH = 640;
const CHART_HEIGHT = 80;
/** Room above the peak and below 0 (viewBox units), so a line at either edge is drawn whole, not under the chart's border. */
const CHART_PAD = 6;
/** The chart's columns when its width cannot be measured yet. */
const DEFAULT_CHART_COLUMNS = 1000;
/** How long the frame must stay put before its exact picture is decoded (when it has no sampled one). */
const EXACT_PICTURE_DELAY_MS = 250;
/** Height of everything around the frame (header, facts, controls, chart, caption), for fitting the frame in the window. */
const CHROME_HEIGHT = 300;

interface Hover {
  h: number;
  v: number;
  count: number;
  left: number;
  top: number;
}

export function Timeline({ api, run, display, onOverlayChange, onError, onFitToData, recount, seek, timeZone }: TimelineProps) {
  const [index, setIndex] = useState(0);
  const [frame, setFrame] = useState<FrameData | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [hover, setHover] = useState<Hover | null>(null);
  /** The frame's own picture, decoded on demand when it has no sampled one. */
  const [exactPicture, setExactPicture] = useState<{ index: number; url: string } | null>(null);
  /** The frames the chart shows (zoom), and its series for them at its width. */
  const [view, setView] = useState({ from: 0, to: run.frameCount });
  const [series, setSeries] = useState<TimelineSeries | null>(null);
  // Null until the chart's width is measured, so that opening asks for the series once, at that width.
  const [chartColumns, setChartColumns] = useState<number | null>(null);
  /** The analysis's mean frame interval in seconds (its first and last frames' times); null without a time base. */
  const [frameSeconds, setFrameSeconds] = useState<number | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<SVGSVGElement>(null);
  const params = useMemo(() => (recount === undefined ? run.params : { ...run.params, ...recount }), [run.params, recount]);
  const { cmap, transparency, min, max: displayMax, interpolation, overlay: showImage, empty_cells: emptyCells } = display;
  // "Fit to data" repaints at once with the run's peak as the max, until the display's max changes
  // (the window normally takes the fitted max into the settings, which makes it the display's).
  const [fitted, setFitted] = useState<{ max: number; over: number } | null>(null);
  const max = fitted !== null && fitted.over === displayMax ? fitted.max : displayMax;
  // The run's output settings with today's display settings over them: what every pixel is painted with.
  const localTime = frame === null || timeZone === undefined ? '' : frameLocalText(frame.timeMs, timeZone);
  const output = useMemo(
    () => ({ ...run.output, cmap, transparency, min, max, interpolation, overlay: showImage, empty_cells: emptyCells }),
    [run.output, cmap, transparency, min, max, interpolation, showImage, emptyCells],
  );
  const columns = params.grid_num_h;
  const rows = params.grid_num_v;
  const width = run.hasImages ? run.previewWidth : HEAT_ONLY_WIDTH;
  const height = run.hasImages
    ? run.previewHeight
    : Math.max(1, Math.round((HEAT_ONLY_WIDTH * params.image_size_v) / params.image_size_h));
  const table = useMemo(() => getColormap(output.cmap), [output.cmap]);
  const legend = useMemo(() => legendGradient(table), [table]);
  const frameMax = useMemo(() => (frame === null ? 0 : gridMax(frame.grid)), [frame]);
  // The running maximum only matters with W = 0, when every cell only grows: it is this frame's highest cell.
  const legendScale = colourScaleOf(output, params, frameMax);
  const fitToData = (peak: number): void => {
    setFitted({ max: peak, over: displayMax });
    onFitToData?.(peak);
  };
  // The video's rate (the source's when the settings leave it at 0), so playback matches the export.
  const playbackFps = run.video?.fps ?? (output.output_video_fps > 0 ? output.output_video_fps : DEFAULT_VIDEO_FPS);

  useEffect(() => {
    let current = true;
    api.call('getFrame', { runId: run.runId, index, ...(recount === undefined ? {} : { params: recount }) }).then(
      (data) => {
        if (current) setFrame(data);
      },
      (error: unknown) => onError(messageOf(error)),
    );
    return () => {
      current = false;
    };
  }, [api, run.runId, index, recount, onError]);

  useEffect(() => {
    if (seek === undefined || seek === null) return;
    setPlaying(false);
    setIndex(Math.min(Math.max(0, seek.index), Math.max(0, run.frameCount - 1)));
  }, [seek, run.frameCount]);

  // The keys' steps are in time units when the analysis has a time base: the mean interval comes from the first
  // chart series of the analysis (its columns' times), not from frames asked for it, which would compete with the
  // frame on screen while a just-opened analysis is still being read.
  useEffect(() => setFrameSeconds(null), [run.runId]);

  // The chart is as many columns as it is pixels wide: asked again when it resizes or zooms.
  useEffect(() => {
    const chart = chartRef.current;
    const measured = chart === null ? 0 : Math.round(chart.getBoundingClientRect().width);
    setChartColumns(measured > 0 ? measured : DEFAULT_CHART_COLUMNS);
    if (chart === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const width = Math.round(chart.getBoundingClientRect().width);
      if (width > 0) setChartColumns(width);
    });
    observer.observe(chart);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (chartColumns === null) return;
    let current = true;
    api.call('timelineSeries', { runId: run.runId, fromFrame: view.from, toFrame: view.to, columns: chartColumns }).then(
      (data) => {
        if (!current) return;
        setSeries(data);
        setFrameSeconds((known) => known ?? seriesSecondsPerFrame(data.columns));
      },
      (error: unknown) => onError(messageOf(error)),
    );
    return () => {
      current = false;
    };
  }, [api, run.runId, view, chartColumns, onError]);

  // Stopped on a frame without a sampled picture: its exact picture is decoded (the nearest shows meanwhile).
  const needsExact = frame !== null && frame.index === index && frame.pictureFrame !== null && frame.pictureFrame !== index && showImage;
  useEffect(() => {
    if (!needsExact || playing) return;
    let current = true;
    const timer = setTimeout(() => {
      api.call('getFramePicture', { runId: run.runId, index }).then(
        (picture) => {
          if (current && picture.imageUrl !== null && picture.pictureFrame === index) setExactPicture({ index, url: picture.imageUrl });
        },
        (error: unknown) => onError(messageOf(error)),
      );
    }, EXACT_PICTURE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, run.runId, index, needsExact, playing, onError]);

  useEffect(() => {
    const canvas = canvasRef.current;
    // A frame counted with other grid sizes (asked before a re-count) waits for its successor.
    if (frame === null || canvas === null || frame.grid.length !== columns * rows) return;
    let cancelled = false;
    const draw = (image: Uint8ClampedArray | null): void => {
      const context = canvas.getContext('2d');
      if (cancelled || context === null) return;
      try {
        const scale = colourScaleOf(output, params, gridMax(frame.grid));
        const pixels = paintHeat(
          { grid: frame.grid, columns, rows, scale, table, interpolation: output.interpolation, image, transparency: output.transparency, emptyCells: output.empty_cells },
          width,
          height,
        );
        context.putImageData(new ImageData(pixels, width, height), 0, 0);
        // The grid painted, for tests and tools reading the page: a re-count shows here.
        canvas.dataset.grid = `${columns}x${rows}`;
      } catch (error) {
        onError(messageOf(error));
      }
    };
    const imageUrl = exactPicture !== null && exactPicture.index === frame.index ? exactPicture.url : frame.imageUrl;
    if (imageUrl === null || !showImage) {
      draw(null);
    } else {
      loadPicturePixels(imageUrl, width, height, draw, () => onError(`cannot load the picture of frame ${frame.index}`));
    }
    return () => {
      cancelled = true;
    };
  }, [frame, exactPicture, showImage, output, params, columns, rows, table, width, height, onError]);

  useEffect(() => {
    if (!playing) return;
    let position = index;
    let last = performance.now();
    let handle = requestAnimationFrame(function tick(now) {
      const next = advancePlayback(position, now - last, playbackFps, speed, run.frameCount);
      last = now;
      position = next.position;
      setIndex(Math.floor(position));
      if (next.ended) setPlaying(false);
      else handle = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(handle);
    // Playback restarts from the current frame only when play, speed or the run change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing, speed, run.frameCount, playbackFps]);

  /** Play from the current frame, or from the first when at the end; pause when playing. */
  const togglePlay = useCallback(() => {
    if (!playing && index >= run.frameCount - 1) setIndex(0);
    setPlaying(!playing);
  }, [playing, index, run.frameCount]);

  /** One frame back or on; stepping stops playback, which would otherwise overwrite the step. */
  const step = (by: -1 | 1) => {
    setPlaying(false);
    setIndex((value) => Math.min(run.frameCount - 1, Math.max(0, value + by)));
  };

  const steps = useMemo(() => keySteps(view.to - view.from, frameSeconds), [view, frameSeconds]);

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      // The speed list and the picture switch keep their own keys.
      const target = event.target;
      if (target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && target.type !== 'range')) return;
      if (event.key === ' ') {
        event.preventDefault();
        togglePlay();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const next = frameForKey(event.key, index, run.frameCount, steps, event.shiftKey);
      if (next !== null) {
        event.preventDefault();
        setPlaying(false);
        setIndex(next);
      }
    },
    [index, run.frameCount, steps, togglePlay],
  );

  const onCanvasMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const canvas = event.currentTarget;
    const bounds = canvas.getBoundingClientRect();
    const x = ((event.clientX - bounds.left) * width) / bounds.width;
    const y = ((event.clientY - bounds.top) * height) / bounds.height;
    const cell = cellAt(x, y, width, height, columns, rows);
    if (cell === null || frame === null || frame.grid.length !== columns * rows) {
      setHover(null);
      return;
    }
    setHover({
      ...cell,
      count: frame.grid[cell.v * columns + cell.h],
      left: event.clientX - bounds.left,
      top: event.clientY - bounds.top,
    });
  };

  const onChartClick = (event: MouseEvent<SVGSVGElement>) => {
    const bounds = event.currentTarget.getBoundingClientRect();
    setPlaying(false);
    setIndex(view.from + chartFrameAt(event.clientX - bounds.left, bounds.width, view.to - view.from));
  };

  /** Zooms the chart around the current frame (factor < 1: closer). */
  const zoom = (factor: number) => setView((current) => zoomView(current, factor, index, run.frameCount));
  const whole = view.from === 0 && view.to === run.frameCount;

  const chartWidth = 1000;
  const shown = series !== null && series.fromFrame === view.from && series.toFrame === view.to ? series : null;
  const peopleMax = Math.max(1, shown?.max ?? 0);
  const path = useMemo(
    () => (shown === null ? '' : seriesPath(shown.columns, view.from, view.to, chartWidth, CHART_HEIGHT, peopleMax)),
    [shown, view, peopleMax],
  );
  const markerX = ((index + 0.5 - view.from) / Math.max(1, view.to - view.from)) * chartWidth;
  const valueText = frame !== null && frame.index === index ? sliderValueText(index, run.frameCount, frame.timestamp, frame.timeMs, timeZone) : sliderValueText(index, run.frameCount, '');

  return (
    <section className="timeline" tabIndex={0} onKeyDown={onKeyDown} aria-label="Timeline" data-run-id={run.runId}>
      <div className="stage">
        {/* As wide as the panel, but never so tall that the controls below leave the window. */}
        <div className="frame" style={{ width: `min(100%, max(320px, calc((100vh - ${CHROME_HEIGHT}px) * ${width / height})))` }}>
          <canvas
            ref={canvasRef}
            width={width}
            height={height}
            data-testid="frame-canvas"
            onMouseMove={onCanvasMove}
            onMouseLeave={() => setHover(null)}
          />
          {hover !== null && (
            <div className="cell-tooltip" data-testid="cell-tooltip" style={{ left: hover.left + 14, top: hover.top + 14 }}>
              cell h {hover.h}, v {hover.v}: {hover.count}
            </div>
          )}
        </div>
      </div>
      <div className="frame-facts">
        <span data-testid="frame-number">
          frame {formatFigure(index + 1)} / {formatFigure(run.frameCount)}
        </span>
        <span data-testid="frame-time">{frame === null ? '' : frameTimeText(frame.timestamp, frame.timeMs, timeZone)}</span>
        {localTime !== '' && <span data-testid="frame-local-time">{localTime}</span>}
        <Legend
          gradient={legend}
          scale={legendScale}
          frameMax={frameMax}
          runPeak={run.peak}
          windowFrames={params.last_valid_frame}
          onFit={fitToData}
        />
        <span data-testid="people-count">people: {frame?.count ?? '…'}</span>
      </div>
      <div className="controls">
        <button type="button" onClick={togglePlay} data-testid="play">
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={() => step(-1)} aria-label="Previous frame">
          ◀
        </button>
        <input
          type="range"
          min={0}
          max={Math.max(0, run.frameCount - 1)}
          value={index}
          data-testid="scrubber"
          aria-label="Frame"
          aria-valuetext={valueText}
          onChange={(event) => {
            setPlaying(false);
            setIndex(Number(event.target.value));
          }}
        />
        <button
          type="button"
          onClick={() => step(1)}
          aria-label="Next frame"
        >
          ▶
        </button>
        <label>
          speed
          <select value={speed} onChange={(event) => setSpeed(Number(event.target.value))}>
            {PLAYBACK_SPEEDS.map((value) => (
              <option key={value} value={value}>
                {value}×
              </option>
            ))}
          </select>
        </label>
        <span className="chart-zoom" role="group" aria-label="Chart zoom">
          <button type="button" className="secondary small" onClick={() => zoom(0.5)} disabled={view.to - view.from <= Math.min(MIN_VIEW_FRAMES, run.frameCount)} title="Show half as many frames on the chart, around this one">
            Zoom in
          </button>
          <button type="button" className="secondary small" onClick={() => zoom(2)} disabled={whole} title="Show twice as many frames on the chart">
            Zoom out
          </button>
          <button type="button" className="secondary small" onClick={() => setView({ from: 0, to: run.frameCount })} disabled={whole} title="Show every frame on the chart">
            All frames
          </button>
        </span>
        {run.hasImages && (
          <label>
            <input type="checkbox" checked={showImage} onChange={(event) => onOverlayChange(event.target.checked)} /> picture
          </label>
        )}
      </div>
      <svg
        ref={chartRef}
        className="chart"
        viewBox={`0 ${-CHART_PAD} ${chartWidth} ${CHART_HEIGHT + 2 * CHART_PAD}`}
        preserveAspectRatio="none"
        onClick={onChartClick}
        data-testid="people-chart"
        // Reachable by Tab and moved by the timeline's keys (they bubble to the section's handler).
        tabIndex={0}
        role="slider"
        aria-label={`People per frame chart, frames ${view.from + 1} to ${view.to}, up to ${peopleMax} people`}
        aria-valuemin={1}
        aria-valuemax={Math.max(1, run.frameCount)}
        aria-valuenow={index + 1}
        aria-valuetext={`${valueText}: ${frame?.count ?? '…'} people`}
      >
        <path d={path} className="chart-line" vectorEffect="non-scaling-stroke" data-testid="people-chart-path" />
        {index >= view.from && index < view.to && <line x1={markerX} x2={markerX} y1={-CHART_PAD} y2={CHART_HEIGHT + CHART_PAD} className="chart-marker" vectorEffect="non-scaling-stroke" />}
      </svg>
      <div className="chart-caption">
        people per frame (max {peopleMax}{whole ? '' : `, frames ${view.from + 1}–${view.to}`}) — click or focus it to seek; ← → one frame,{' '}
        <span data-testid="key-steps">
          {/* Shift's step said only when it is more than the arrows' one frame (a short run: both are 1 frame). */}
          {steps.small > 1 && `Shift+← → ${steps.smallText}, `}Page Up/Down {steps.largeText}
        </span>
        , space plays, ? lists every key
      </div>
    </section>
  );
}
