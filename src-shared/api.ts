/**
 * THE contract between the UI and the back end (DESIGN.md: one contract, three hosts).
 *
 * Every request the renderer may make is one entry of `ApiRequests`, with its request and
 * response types; every message the back end pushes is one `ApiEvent`. Everything here is
 * plain JSON: the Electron preload carries it over IPC, the web host over HTTP + WebSocket.
 * Binary previews cross as URLs the host serves (web) or `data:` URLs (Electron).
 */
import type { GridParams, Settings } from './settings/types.js';
import type { SettingsIssue } from './settings/validate.js';
import type { VideoChoice } from './render/video-format.js';
import type { ZoneDefinition } from './zones/definition.js';
import type { CoordinateSpaceFinding } from './counting/coordinate-space.js';

export type { SettingsIssue, VideoChoice };
export type { CoordinateSpaceFinding };

/** What the host can do; the UI hides what it cannot. */
export interface HostInfo {
  host: 'electron' | 'web';
  version: string;
  /** Native open/save dialogs (`pickPath`); in the browser the user types a path instead. */
  nativeDialogs: boolean;
  /** Directory relative paths in settings resolve against. */
  cwd: string;
}

export type PickPurpose = 'video' | 'metadata' | 'settings-open' | 'settings-save' | 'folder';

export interface CredentialsInput {
  console_endpoint: string;
  portal_authorization_endpoint: string;
  client_id: string;
  client_secret: string;
}

/** Whether credentials are stored; never carries the secret. */
export interface CredentialsStatus {
  configured: boolean;
  console_endpoint?: string;
  client_id?: string;
  /** Where they are kept, for the UI's wording (e.g. `OS keychain`, `session memory`). */
  storage: string;
  /**
   * The authorization endpoint in use, or, when not configured, the endpoints of the
   * credentials last forgotten (Forget drops the secret, not where the Console is).
   */
  portal_authorization_endpoint?: string;
}

export interface DeviceSummary {
  device_id: string;
  device_name: string;
  /** e.g. `Connected`, `Disconnected`. */
  connection_state: string;
  place?: string;
}

/** What the Console source pulls, for the summary line in the Sources panel. */
export interface ImageDirectory {
  name: string;
}

/**
 * What a device holds on the Console, for picking a range: T strings (`yyyyMMddHHmmssfff`, UTC),
 * null where there is nothing.
 */
export interface ConsoleRangeInfo {
  device_id: string;
  /** Oldest and newest T of the device's inference results. */
  inferences: { oldest: string | null; newest: string | null };
  /** The image folder asked for: how many images and the T of the first and last. */
  images?: { folder: string; count: number; first: string | null; last: string | null };
}

/** What the app's Console cache keeps (README: "The Console cache"): its file, and per device what is stored. */
export interface ConsoleCacheInfo {
  file: string;
  /** Size of the cache file on disk (0 before anything is kept). */
  file_bytes: number;
  devices: Array<{
    /** The Console the device's data came from (its endpoint, normalised): each Console's kept apart. */
    endpoint: string;
    device_id: string;
    inferences: number;
    images: number;
    /** Bytes of the results and images as fetched. */
    bytes: number;
    /** Oldest and newest inference T kept, or null. */
    first_t: string | null;
    last_t: string | null;
  }>;
}

export interface RunStarted {
  runId: string;
}

/** Everything the timeline needs about a finished analysis. */
/**
 * The display settings of an analysis on screen (colours, scale, interpolation, picture, empty
 * cells): they repaint from its grids without a new analysis, and those changed while looking at
 * it are kept with it (`saveAnalysisDisplay`, in its run.json) and come back when it is opened.
 */
export type AnalysisDisplay = Pick<Settings['output_settings'], 'cmap' | 'transparency' | 'min' | 'max' | 'interpolation' | 'overlay' | 'empty_cells'>;

/** The keys of AnalysisDisplay, in the settings' order. */
export const ANALYSIS_DISPLAY_KEYS: ReadonlyArray<keyof AnalysisDisplay> = ['cmap', 'transparency', 'min', 'max', 'interpolation', 'overlay', 'empty_cells'];

export interface RunInfo {
  runId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  frameCount: number;
  params: GridParams;
  /** The source and time-base settings the analysis read (they change only with a new analysis). */
  dataSource?: Settings['data_source_settings'];
  /** The output settings the analysis ran with (colormap, scale, overlay, transparency). */
  output: Settings['output_settings'];
  hasImages: boolean;
  /**
   * The highest window count of any frame (the run's last running maximum, SPEC §4). Per-frame
   * figures are not sent whole: the chart asks `timelineSeries`, a frame `getFrame`.
   */
  peak: number;
  /** The source's name (video stem, Console folder, `heatmap`) and when the analysis started (ms since the epoch). */
  sourceName: string;
  createdMs: number;
  /**
   * How its frame times are shown (`timeClockOf`): real moments (`wall`), time since frame 0
   * (`elapsed`: a rate without a start_time, never dates of 1970) or `none`; absent until finished.
   */
  timeClock?: 'wall' | 'elapsed' | 'none';
  /** Preview picture size (0 × 0 when there are no images). */
  previewWidth: number;
  previewHeight: number;
  /** Warnings raised while analysing, as shown to the user. */
  warnings: string[];
  error?: string;
  /** The analysis's heat video, once written: what an export of it holds (the Export dialog shows it). */
  video?: VideoFacts;
  /** What in the analysis disagrees with image_size (detections' extent, picture shape), with the size that fits. */
  coordinateSpace?: CoordinateSpaceFinding;
  /** The analysis's zones: those saved from the app (`saveAnalysisZones`), else its settings' own; the app shows them on opening it. */
  zones?: ZoneDefinition[];
  /** The display last chosen while looking at it (`saveAnalysisDisplay`), when one was kept; the app opens it with this over `output`'s. */
  display?: AnalysisDisplay;
  /** A finished analysis's outputs that `export` can copy (a long one may have no per-frame outputs); the Export dialog offers only these. */
  exportable?: ExportOutput[];
}

/** Size, rate and length of a heat video, and the size of its file. */
export interface VideoFacts {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** frames / fps. */
  durationS: number;
  bytes: number;
}

export interface FrameData {
  index: number;
  /** The frame's T, `''` when it has none. */
  timestamp: string;
  /** The frame's time, ms since the epoch (its T, or `metadata_fps` / `start_time`, or the video's rate); null without a time base. */
  timeMs: number | null;
  /** People in the frame: its detections after the run's sanitising and class/score filters (not `params`'). */
  count: number;
  /** griddata of the window ending at this frame, row-major `grid_num_v × grid_num_h` (for `params` when given). */
  grid: number[];
  /** The downscaled frame picture, or null when the source has none. */
  imageUrl: string | null;
  /**
   * Which frame `imageUrl` shows: `index` when the frame has its own picture, else the nearest
   * sampled one (ask `getFramePicture` for the exact frame); null without a picture.
   */
  pictureFrame: number | null;
}

/** One column of the timeline chart: frames `fromFrame ≤ i < toFrame` and their people counts. */
export interface TimelineColumn {
  fromFrame: number;
  toFrame: number;
  /** Fewest and most people (detections after the run's filters) in one frame of the column. */
  min: number;
  max: number;
  /** Time of the column's first frame, ms since the epoch; null without a time base. */
  startMs: number | null;
  /** T of the column's first frame, `''` when it has none. */
  t: string;
}

/** `timelineSeries`: frames `fromFrame ≤ i < toFrame` (positions 0 … frameCount-1) in at most `columns` columns. */
export interface TimelineSeriesRequest {
  runId: string;
  fromFrame: number;
  toFrame: number;
  /** 1 … MAX_TIMELINE_COLUMNS; fewer come back when the range has fewer frames. */
  columns: number;
}

export interface TimelineSeries {
  frameCount: number;
  fromFrame: number;
  toFrame: number;
  columns: TimelineColumn[];
  /** Most people in one frame of the range (0 for an empty range). */
  max: number;
}

/** The widest chart `timelineSeries` draws. */
export const MAX_TIMELINE_COLUMNS = 8192;

/** One analysis of the app's library (its work folder), as the "Recent analyses" list shows it. */
export interface AnalysisEntry {
  runId: string;
  sourceName: string;
  /** When the analysis started, ms since the epoch. */
  createdMs: number;
  frames: number;
  /**
   * The analysis's period, ms since the epoch: its first frame's time, and when its last frame
   * ends (`frameSpanMs`, as the whole period's `span`); null without a time base (or before it finished).
   */
  fromMs: number | null;
  toMs: number | null;
  /** The analysis's `output_settings.timezone` (IANA; empty: the computer's), the zone its times are shown in. */
  timezone: string;
  /** How its times are shown (RunInfo's `timeClock`): `elapsed` ones as time since frame 0; absent when not known. */
  timeClock?: 'wall' | 'elapsed' | 'none';
  /**
   * `done`: complete, opens; `running`: being analysed now; `interrupted`: its run never finished
   * (the app quit or crashed meanwhile) — it is never opened, only deleted.
   */
  state: 'done' | 'running' | 'interrupted';
  complete: boolean;
  /** Bytes its work folder holds on disk. */
  bytes: number;
}

/** What an export writes; `zones-csv` and `parquet` (frames.parquet and detections.parquet, the store's two tables) are made from the store. */
export type ExportOutput = 'video' | 'detect-json' | 'png' | 'npy' | 'periods' | 'summary' | 'zones-csv' | 'parquet';

export const EXPORT_OUTPUTS: readonly ExportOutput[] = ['video', 'detect-json', 'png', 'npy', 'periods', 'summary', 'zones-csv', 'parquet'];

export interface ExportRequest {
  /**
   * Chosen by the caller (see `newExportId`) and carried by the export's events. A small export
   * ends within milliseconds, so its events can arrive before the answer: knowing the id first,
   * the caller can listen before it asks.
   */
  exportId: string;
  runId: string;
  outputs: ExportOutput[];
  /** Folder the outputs go into (created when missing); relative paths resolve against the host's cwd. */
  folder: string;
  /**
   * The video's size and rate when they differ from the analysis's (`RunInfo.video`): the video
   * is then re-encoded, every frame kept, at the analysis's encoder settings.
   */
  video?: VideoChoice;
  /** The zones of `zones-csv` (as edited in the app); the analysis's own when omitted. */
  zones?: ZoneDefinition[];
}

export interface ExportStarted {
  /** The request's id. */
  exportId: string;
}

/** What an export id looks like: the back end refuses anything else. */
export const EXPORT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** A fresh export id: 96 random bits (Web Crypto, in the browser and in Node alike). */
export function newExportId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return `export-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** What a file handed to the app (e.g. dropped on the window) is, as the back end read it. */
export type InspectedFile =
  | { kind: 'video'; path: string; width: number; height: number; frameCount: number; fps: number }
  | { kind: 'metadata'; path: string; format: 'seed_csv' | 'mot' | 'inference_json' }
  /** The sample's `heat_map_app.yaml` layout: import it with `importYaml({ path })`. */
  | { kind: 'settings'; path: string };

type Empty = Record<string, never>;

/**
 * A view of a finished analysis computed from its store, not its source (SPEC §8): the sum over a
 * time range, per bucket, with the run's grid settings or others (a re-count).
 */
export interface PeriodViewRequest {
  runId: string;
  /** `none | hour | day | <N>min`; the run's `output_settings.period` when omitted. */
  period?: string;
  /** IANA time zone of the buckets; the run's when omitted. */
  timezone?: string;
  /** Time range in ms since the epoch: from inclusive, to exclusive; the whole analysis when omitted. */
  fromMs?: number;
  toMs?: number;
  /** Grid and counting settings over the run's (sizes, n, bbox2pix, point_ratio, class_ids, min_score, counting). */
  params?: Partial<GridParams>;
}

export interface PeriodViewData {
  /** `person-seconds` with a time base, else `person-frames`. */
  unit: 'person-seconds' | 'person-frames';
  columns: number;
  rows: number;
  /** The range's grid, row-major (`rows × columns`). */
  whole: number[];
  frames: number;
  detections: number;
  /**
   * One entry per bucket (empty when `period` is none or there is no time base). A bucket's
   * `grid` is its thumbnail for the strip (`bucketRows × bucketColumns`, src-shared/periods/thumbnail.ts:
   * blocks of cells reduced to their highest value); its full grid is the `whole` of a view of
   * its own range.
   */
  buckets: Array<{ startMs: number; endMs: number; start: string; frames: number; detections: number; personSeconds: number; peakFrame: number; grid: number[] }>;
  /** Size of the buckets' thumbnail grids: `columns` and `rows` reduced by whole blocks to at most 120 columns. */
  bucketColumns: number;
  bucketRows: number;
  busiestMoment: { frame: number; t: string | null; time: string | null; count: number } | null;
  busiestPlace: { h: number; v: number; value: number } | null;
  /**
   * The whole analysis's time span, ms since the epoch: the first frame's time and the last
   * frame's time plus its duration; null without a time base (the custom range's pickers start from it).
   */
  span?: { fromMs: number; toMs: number } | null;
}

/**
 * Zone figures of a finished analysis computed from its store (SPEC §9), for the run's zones or
 * edited ones, without a new analysis.
 */
export interface ZoneViewRequest {
  runId: string;
  /** The zones to count; the analysis's own when omitted. */
  zones?: ZoneDefinition[];
  /** `none | hour | day | <N>min`; the run's `output_settings.period` when omitted. */
  period?: string;
  /** Time range in ms since the epoch: from inclusive, to exclusive; the whole analysis when omitted. */
  fromMs?: number;
  toMs?: number;
  /** Columns of each zone's occupancy series (1–4096, default 600). */
  columns?: number;
}

/** One zone's figures over a range or bucket; the fields of a zones.csv row. Durations in `ZoneViewData.unit`. */
export interface ZoneFiguresData {
  /** ISO 8601 with the run's time zone offset; null without a time base. */
  start: string | null;
  end: string | null;
  frames: number;
  duration: number;
  meanOccupancy: number;
  peakOccupancy: number;
  /** Frame position of the first peak (the timeline's index); -1 without frames. */
  peakFrame: number;
  peakTime: string | null;
  /** Person-seconds, or person-frames without a time base. */
  personTime: number;
  occupiedShare: number;
  /** Null when the detections carry no track ids. */
  visits: number | null;
  meanVisit: number | null;
  medianVisit: number | null;
}

export interface ZoneViewData {
  /** `seconds` with a time base; `frames` without (person-frames). */
  unit: 'seconds' | 'frames';
  /** Frame positions [first, last) of the range. */
  first: number;
  last: number;
  zones: Array<{
    name: string;
    figures: ZoneFiguresData;
    /** Per bucket of `period` (empty without one). */
    buckets: ZoneFiguresData[];
    /** Occupancy over the range downsampled to columns: min and max of each, and its first frame position. */
    series: { min: number[]; max: number[]; firstFrame: number[] };
  }>;
}

/**
 * A live follow of a Console device (the app's Follow; `crowdheat follow` headless): where it
 * stands after each poll or fault. Times are ms since the epoch.
 */
export interface FollowStatus {
  followId: string;
  deviceId: string;
  /** `retrying`: the last poll failed and the next comes after a backoff (`message` says why). */
  state: 'starting' | 'following' | 'retrying' | 'stopped' | 'failed';
  intervalS: number;
  /** Frames (inferences) in the follow's store. */
  frames: number;
  /** The newest stored T, or null. */
  lastT: string | null;
  /** When the last poll went through, or null before the first. */
  lastUpdateMs: number | null;
  polls: number;
  faults: number;
  /** The last fault (state retrying) or the error that ended the follow (state failed). */
  message?: string;
  /** Folder holding the follow's store and rolling outputs; a later follow of the device continues it. */
  outputDir: string;
  /** The whole-period grid of every stored frame (row-major `rows × columns`), once there is one. */
  view?: { unit: 'person-seconds' | 'person-frames'; columns: number; rows: number; whole: number[] };
  /** Case 1 (an image folder is followed): images stored in the follow's store; 0 in Case 2. */
  images: number;
  /**
   * Case 1: the newest image as a `data:image/jpeg;base64,…` URL (at most FOLLOW_IMAGE_MAX_BYTES of
   * JPEG), sent in the first event after it changed and in startFollow's answer; the window keeps the last one it got.
   */
  newestImage?: string;
}

/** Largest newest-image JPEG a FollowStatus carries (bytes); a larger one is not sent and the heat is drawn alone. */
export const FOLLOW_IMAGE_MAX_BYTES = 4 * 1024 * 1024;

/** Every request: `name → { request, response }`. */
export interface ApiRequests {
  hostInfo: { request: Empty; response: HostInfo };
  /** Native dialog; resolves `{ path: null }` when cancelled or when the host has none. */
  pickPath: { request: { purpose: PickPurpose }; response: { path: string | null } };
  /** Writes the demo scene into the app's data folder and returns settings that analyse it. */
  openDemo: { request: Empty; response: { settings: Settings } };
  validateSettings: { request: { settings: Settings }; response: { issues: SettingsIssue[] } };
  /** Sample-format YAML in: either its text (browser upload) or a path the back end reads. */
  /**
   * `problems` lists every wrong-typed value (its default kept) and every value out of range or
   * in conflict (kept, for the form to mark) at once; relative paths of a file read by path
   * resolve against that file's folder.
   */
  importYaml: { request: { text?: string; path?: string }; response: { settings: Settings; warnings: string[]; problems?: string[] } };
  /** Sample-format YAML out; also written to `path` when given. */
  exportYaml: { request: { settings: Settings; path?: string }; response: { text: string } };
  saveCredentials: { request: CredentialsInput; response: CredentialsStatus };
  clearCredentials: { request: Empty; response: CredentialsStatus };
  credentialsStatus: { request: Empty; response: CredentialsStatus };
  /** Fetches a token with the saved credentials: the status when they work, the Console's refusal or unreachability when not. */
  checkCredentials: { request: Empty; response: CredentialsStatus };
  listDevices: { request: Empty; response: { devices: DeviceSummary[] } };
  listImageDirectories: { request: { device_id: string }; response: { directories: ImageDirectory[] } };
  /** The device's oldest and newest inference result, and the folder's images when one is named. */
  consoleRange: { request: { device_id: string; sub_directory_name?: string }; response: ConsoleRangeInfo };
  analyse: { request: { settings: Settings }; response: RunStarted };
  cancel: { request: { runId: string }; response: Empty };
  getRunInfo: { request: { runId: string }; response: RunInfo };
  /**
   * The window grid at frame `index`, computed from the analysis store; `params` over the run's
   * grid and counting settings re-count this moment with others (validated like periodView's).
   */
  getFrame: { request: { runId: string; index: number; params?: Partial<GridParams> }; response: FrameData };
  /** The exact picture of frame `index`: its sampled one, or the frame decoded from the source video on demand (cached). */
  getFramePicture: { request: { runId: string; index: number }; response: { imageUrl: string | null; pictureFrame: number | null } };
  /** People per frame over a range, min and max per column, for the timeline chart. */
  timelineSeries: { request: TimelineSeriesRequest; response: TimelineSeries };
  /** Every analysis in the app's work folder, newest first (they survive restarts of the app). */
  listAnalyses: { request: Empty; response: { analyses: AnalysisEntry[] } };
  /** Opens a finished analysis of the library (after a restart, too); an interrupted one is refused. */
  openAnalysis: { request: { runId: string }; response: RunInfo };
  /** Deletes an analysis and its work folder; a running one is cancelled first. */
  deleteAnalysis: { request: { runId: string }; response: Empty };
  export: { request: ExportRequest; response: ExportStarted };
  cancelExport: { request: { exportId: string }; response: Empty };
  /** Says whether `path` (relative to the host's cwd) is a video, a metadata file or folder, or settings YAML. */
  inspectFile: { request: { path: string }; response: InspectedFile };
  /** A period view of a finished analysis, from its store (re-counted when `params` are given). */
  periodView: { request: PeriodViewRequest; response: PeriodViewData };
  /** Zone figures and occupancy series of a finished analysis, from its store (edited zones allowed). */
  zoneView: { request: ZoneViewRequest; response: ZoneViewData };
  /** Writes report.html of a finished analysis into `folder` (relative paths resolve against the host's cwd). */
  /** `zones`: the zones on screen, counted from the store for the report's zone table and outlines; the analysis's own when omitted. */
  writeReport: { request: { runId: string; folder: string; zones?: ZoneDefinition[] }; response: { path: string; bytes: number } };
  /** Keeps the zones on screen with a finished analysis (in its run.json); openAnalysis returns them. */
  saveAnalysisZones: { request: { runId: string; zones: ZoneDefinition[] }; response: Record<string, never> };
  /** Keeps the display settings of a finished analysis with it (its run.json), checked as settings are. */
  saveAnalysisDisplay: { request: { runId: string; display: AnalysisDisplay }; response: Record<string, never> };
  /** What the Console cache keeps, per device. */
  consoleCacheInfo: { request: Empty; response: ConsoleCacheInfo };
  /**
   * Empties the Console cache: one device's part (of the Console at `endpoint`, or of every Console
   * without it), or all of it without `device_id`; answers what is left.
   */
  clearConsoleCache: { request: { device_id?: string; endpoint?: string }; response: ConsoleCacheInfo };
  /** Follows the settings' Console device (Case 2; Case 1 with its image folder too) every `intervalS` seconds (1–3600) until stopFollow. */
  startFollow: { request: { settings: Settings; intervalS: number }; response: FollowStatus };
  /** Stops a follow; resolves once its store is finished, with its last status. */
  stopFollow: { request: { followId: string }; response: FollowStatus };
}

export type RequestName = keyof ApiRequests;
export type RequestOf<K extends RequestName> = ApiRequests[K]['request'];
export type ResponseOf<K extends RequestName> = ApiRequests[K]['response'];

/** The request names, for transports that check a name before dispatching it. */
export const REQUEST_NAMES: readonly RequestName[] = [
  'hostInfo',
  'pickPath',
  'openDemo',
  'validateSettings',
  'importYaml',
  'exportYaml',
  'saveCredentials',
  'clearCredentials',
  'credentialsStatus',
  'checkCredentials',
  'listDevices',
  'listImageDirectories',
  'consoleRange',
  'analyse',
  'cancel',
  'getRunInfo',
  'getFrame',
  'getFramePicture',
  'timelineSeries',
  'listAnalyses',
  'openAnalysis',
  'deleteAnalysis',
  'export',
  'cancelExport',
  'inspectFile',
  'periodView',
  'zoneView',
  'writeReport',
  'saveAnalysisZones',
  'saveAnalysisDisplay',
  'consoleCacheInfo',
  'clearConsoleCache',
  'startFollow',
  'stopFollow',
];

export function isRequestName(name: string): name is RequestName {
  return (REQUEST_NAMES as readonly string[]).includes(name);
}

export type MenuAction = 'open-video' | 'open-metadata' | 'import-settings' | 'export-settings' | 'open-demo' | 'export' | 'export-parquet' | 'write-report';

/** Everything the back end pushes to the UI. */
export type ApiEvent =
  | { type: 'progress'; runId: string; frames: number; expectedFrames?: number; rate: number; preparing?: number }
  | { type: 'warning'; runId: string; kind: string; message: string }
  | { type: 'done'; runId: string; frames: number }
  | { type: 'error'; runId: string; message: string; cancelled: boolean }
  | { type: 'export-progress'; exportId: string; done: number; total: number; current: string }
  | { type: 'export-done'; exportId: string; folder: string; files: string[] }
  | { type: 'export-error'; exportId: string; message: string; cancelled: boolean }
  | { type: 'menu'; action: MenuAction }
  | { type: 'follow'; status: FollowStatus };

export type ApiEventListener = (event: ApiEvent) => void;

/** A failed request as it crosses a transport: the message is for a person to read. */
export interface ApiErrorBody {
  error: { name: string; message: string };
}

/** Thrown on the UI side when a request fails; `message` is the back end's, ready to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    /** The back end's error class name, e.g. `SettingsError`, `Unauthorized`. */
    readonly kind: string,
  ) {
    super(message);
  }
}

/** What the renderer holds: one interface, two transports (Electron IPC, HTTP + WebSocket). */
export interface ApiClient {
  call<K extends RequestName>(name: K, request: RequestOf<K>): Promise<ResponseOf<K>>;
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: ApiEventListener): () => void;
  /**
   * A path the back end can read for a file the user dropped on the window (a web page sees
   * no paths): the file's own path on the desktop, a copy uploaded to the host in the browser.
   */
  localPath(file: File): Promise<string>;
}

/** What the back end implements once for every host. */
export type ApiHandlers = { [K in RequestName]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

/** What a request's answer is on the Electron IPC channel: errors travel as values, so their messages arrive intact. */
export type BridgeResult<T> = { ok: true; value: T } | ({ ok: false } & ApiErrorBody);

/** What the Electron preload exposes as `window.crowdheat` (contextBridge): nothing but the API. */
export interface PreloadBridge {
  invoke(name: RequestName, request: unknown): Promise<BridgeResult<unknown>>;
  onEvent(listener: ApiEventListener): () => void;
  /** The path of a dropped file on disk (Electron's `webUtils.getPathForFile`); `''` when it has none. */
  pathForFile(file: File): string;
}

/** Where the web host takes a dropped file's bytes: `POST /uploads?name=<file name>`, answering `UploadAnswer`. */
export const UPLOAD_PATH = '/uploads';
export interface UploadAnswer {
  path: string;
}

/** The IPC channel of requests and the one of events. */
export const IPC_REQUEST_CHANNEL = 'crowdheat:request';
export const IPC_EVENT_CHANNEL = 'crowdheat:event';
