/**
 * A finished analysis seen through the period bar: this moment (the timeline, given as
 * `children`), the whole period, its buckets with their strip of small maps, or a custom range —
 * each computed from the analysis's store by `periodView`, re-counted with today's grid and
 * counting settings when they differ from the analysis's (the timeline re-counts its frame the
 * same way through `getFrame`). The busiest moment seeks the timeline; the busiest place is
 * outlined on the picture.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApiClient, PeriodViewData, RunInfo } from '../../src-shared/api.js';
import type { GridParams, Settings } from '../../src-shared/settings/types.js';
import type { DisplaySettings } from '../logic/display.js';
import { gridMax, windowUnit } from '../logic/legend.js';
import {
  bucketPeriod,
  countsExplanation,
  customRangeOf,
  formatFigure,
  localText,
  periodRequest,
  recountParams,
  unitExplanation,
  unitName,
  wallInputOf,
  shownZoneOf,
  zoneLabel,
  type PeriodMode,
  type WallRange,
} from '../logic/period.js';
import { BusiestCards } from './BusiestCards.js';
import { PeriodBar } from './PeriodBar.js';
import { PeriodPicture } from './PeriodPicture.js';
import { SmallMultiples } from './SmallMultiples.js';
import { usePeriodView } from './usePeriodView.js';

/** A request to move the timeline to a frame; `serial` makes a repeated seek to the same frame a new one. */
export interface Seek {
  index: number;
  serial: number;
}

let lastSeekSerial = 0;

/** A new seek to frame `index`: serials rise across every source of seeks (period bar, zone charts). */
export function newSeek(index: number): Seek {
  lastSeekSerial += 1;
  return { index, serial: lastSeekSerial };
}

/** The later of two seeks (or the one there is). */
export function latestSeek(a: Seek | null, b: Seek | null): Seek | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.serial >= b.serial ? a : b;
}

/** What the This-moment view (the timeline) is given. */
export interface MomentView {
  /** Grid and counting settings to re-count frames with (those that differ from the analysis's), or undefined. */
  recount: Partial<GridParams> | undefined;
  seek: Seek | null;
  /** The period views' time zone (`output_settings.timezone`, else this computer's): the timeline writes each frame's local time in it too. */
  timeZone: string;
}

interface PeriodViewsProps {
  api: ApiClient;
  run: RunInfo;
  display: DisplaySettings;
  /** Today's settings: their grid settings re-count, their period and time zone bucket. */
  settings: Settings;
  /** Dotted keys of today's settings' problems: such values are not used. */
  issueKeys: ReadonlySet<string>;
  onError: (message: string) => void;
  children: (moment: MomentView) => ReactNode;
}

export function PeriodViews({ api, run, display, settings, issueKeys, onError, children }: PeriodViewsProps) {
  const [mode, setMode] = useState<PeriodMode>('moment');
  const [range, setRange] = useState<WallRange>({ from: '', to: '' });
  const [openBucket, setOpenBucket] = useState<{ startMs: number; endMs: number } | null>(null);
  const [highlight, setHighlight] = useState<{ h: number; v: number } | null>(null);
  const [seek, setSeek] = useState<Seek | null>(null);

  const output = settings.output_settings;
  // An analysis whose times count from frame 0 shows them so (ELAPSED), whatever the time zone.
  const timeZone = shownZoneOf(run.timeClock, issueKeys.has('output_settings.timezone') ? run.output.timezone : output.timezone);
  const period = bucketPeriod(issueKeys.has('output_settings.period') ? run.output.period : output.period);
  const recountKey = JSON.stringify(recountParams(run.params, settings.heat_map_settings.params, issueKeys) ?? null);
  const recount = useMemo(() => (JSON.parse(recountKey) as Partial<GridParams> | null) ?? undefined, [recountKey]);

  const rangeEmpty = range.from === '' && range.to === '';
  const custom = rangeEmpty ? null : customRangeOf(range, timeZone);
  const rangeProblem = custom !== null && 'problem' in custom ? custom.problem : null;
  const mainRequest =
    mode === 'moment' || rangeProblem !== null
      ? null
      : periodRequest(run.runId, {
          mode: mode === 'custom' && custom === null ? 'whole' : mode,
          period,
          timezone: timeZone,
          ...(custom !== null && !('problem' in custom) ? { range: custom } : {}),
          ...(recount === undefined ? {} : { params: recount }),
        });
  const main = usePeriodView(api, mainRequest);
  const bucketRequest =
    mode === 'buckets' && openBucket !== null
      ? periodRequest(run.runId, {
          mode: 'custom',
          period,
          timezone: timeZone,
          range: { fromMs: openBucket.startMs, toMs: openBucket.endMs },
          ...(recount === undefined ? {} : { params: recount }),
        })
      : null;
  const bucket = usePeriodView(api, bucketRequest);

  // Until the user picks, the custom range's pickers show the analysis's span (and the view is the whole period).
  const span = main.data?.span ?? null;
  const pickerRange = rangeEmpty && span !== null ? { from: wallInputOf(span.fromMs, timeZone), to: wallInputOf(span.toMs, timeZone) } : range;

  useEffect(() => {
    for (const error of [main.error, bucket.error]) if (error !== null) onError(error);
  }, [main.error, bucket.error, onError]);

  const changeMode = (next: PeriodMode): void => {
    setMode(next);
    setHighlight(null);
    if (next !== 'buckets') setOpenBucket(null);
  };

  // An opened bucket is shown once its answer is in; until then the view by buckets stays. The
  // caption says what the figures on screen are of (the answer's own request), not what is being counted.
  const showsBucket = mode === 'buckets' && openBucket !== null && bucket.data !== null;
  const shownState = showsBucket ? bucket : main;
  const shown: PeriodViewData | null = shownState.data;
  const unit = main.data?.unit ?? 'person-seconds';
  const timed = main.data === null ? null : main.data.unit === 'person-seconds';
  const loading = main.loading || bucket.loading;
  const explanation = mode === 'moment' ? countsExplanation(windowUnit({ ...run.params, ...recount }.last_valid_frame)) : unitExplanation(unit);

  // Times on the buckets' clock, which is named: the library lists analyses in UTC, the timeline its frames too.
  const answered = shownState.answered;
  let caption = 'whole period';
  if (answered !== null && answered.fromMs !== undefined && answered.toMs !== undefined) {
    const between = `${localText(answered.fromMs, timeZone)} to ${localText(answered.toMs, timeZone)} (${zoneLabel(timeZone)})`;
    caption = showsBucket ? between : `range ${between}`;
  } else if (answered !== null && answered.period !== undefined && answered.period !== 'none') caption = 'whole period, every bucket';
  else if (span !== null) caption = `whole period, ${localText(span.fromMs, timeZone)} to ${localText(span.toMs, timeZone)} (${zoneLabel(timeZone)})`;

  return (
    <>
      <PeriodBar
        mode={mode}
        onMode={changeMode}
        period={period}
        timeZone={timeZone}
        range={pickerRange}
        onRange={setRange}
        rangeProblem={rangeProblem}
        unitName={unitName(unit)}
        timed={timed}
        explanation={explanation}
      />
      {mode !== 'moment' && (
        <section className="period-view" aria-label="Period view" aria-busy={loading} data-testid="period-view">
          {/* The strip first: every bucket in view at once, the open one large below it. */}
          {mode === 'buckets' && main.data !== null && (
            main.data.buckets.length === 0 ? (
              <p className="period-status">No buckets: this analysis has no time base (set the metadata rate, and the start time, then analyse again).</p>
            ) : (
              <SmallMultiples
                buckets={main.data.buckets}
                columns={main.data.columns}
                rows={main.data.rows}
                bucketColumns={main.data.bucketColumns}
                bucketRows={main.data.bucketRows}
                unit={main.data.unit}
                timeZone={timeZone}
                display={display}
                selected={openBucket?.startMs ?? null}
                onOpen={(opened) => {
                  setHighlight(null);
                  setOpenBucket(openBucket?.startMs === opened.startMs ? null : { startMs: opened.startMs, endMs: opened.endMs });
                }}
              />
            )
          )}
          {shown === null ? (
            <p className="period-status">{loading ? 'Counting from the analysis store…' : 'Nothing to show for this range.'}</p>
          ) : (
            <>
              <p className="period-summary" data-testid="period-summary">
                <span data-testid="period-caption">{caption}</span>
                <span data-testid="period-frames">{formatFigure(shown.frames)} frames</span>
                <span data-testid="period-detections">{formatFigure(shown.detections)} detections</span>
                <span data-testid="period-highest">
                  highest cell {formatFigure(gridMax(shown.whole))} {unitName(shown.unit)}
                </span>
                <span className="period-status" role="status">
                  {loading ? 'counting…' : `grid ${shown.columns} × ${shown.rows}`}
                </span>
              </p>
              <BusiestCards
                moment={shown.busiestMoment}
                place={shown.busiestPlace}
                unit={shown.unit}
                timeZone={timeZone}
                onSeek={(frame) => {
                  changeMode('moment');
                  setSeek(newSeek(frame));
                }}
                onShowPlace={setHighlight}
              />
              <PeriodPicture
                api={api}
                run={run}
                display={display}
                grid={shown.whole}
                columns={shown.columns}
                rows={shown.rows}
                unit={shown.unit}
                caption={caption}
                highlight={highlight}
                onError={onError}
              />
            </>
          )}
        </section>
      )}
      <div hidden={mode !== 'moment'}>{children({ recount, seek, timeZone })}</div>
    </>
  );
}
