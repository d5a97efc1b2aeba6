/**
 * The analysis store's schema (SPEC §8), as Python users see it too (README: "The analysis
 * store"). One DuckDB file per analysis:
 *
 * - `meta(key VARCHAR, value VARCHAR)`: `schema_version`, `complete` ('true' once the run
 *   finished), `time_base`, `fps`, `settings` (the run's settings as YAML), …
 * - `frames(frame_index INTEGER, t VARCHAR NULL, time_ms DOUBLE NULL, duration_ms DOUBLE NULL)`
 * - `detections(frame_index INTEGER, left, top, right, bottom, score, class_id, track_id NULL)`:
 *   since schema 3 each of the box edges and the score is SMALLINT, FLOAT or DOUBLE and each id
 *   SMALLINT or INTEGER — the narrowest type that holds every value of the column exactly,
 *   chosen as the run finishes (`narrowestTypesSql`); pixel boxes as SMALLINT scan in about half
 *   the time of DOUBLE. Schema 1 and 2 stores, and a store `crowdheat follow` writes (it cannot
 *   know the values to come), hold DOUBLE and INTEGER.
 * - since schema 2, filled by the zones sink when the settings define zones (store/zones.ts):
 *   `zone_occupancy(frame_index INTEGER, zone VARCHAR, people INTEGER)`, one row per frame and
 *   zone; `zone_visits(zone VARCHAR, track_id INTEGER, first_frame INTEGER, last_frame INTEGER)`
 *   when the detections carry track ids; meta `zones` (the zones as JSON) and `zones_tracked`.
 *   Schema 1 stores have neither table: their zone figures are computed from the detections.
 * - `frame_people(frame_index INTEGER, people INTEGER)`: people per frame under the run's filters,
 *   one row per frame, written with meta `people_filter` (the filters as JSON, `peopleFilterKey`)
 *   so the app opens a run without counting its detections. Stores without them (older ones, or
 *   written without the filters) are counted from the detections.
 */

/** The file name of the store in a run's output_dir. */
export const STORE_FILE = 'crowdheat.duckdb';

/** The schema this build writes; it reads this one and refuses newer ones. */
export const STORE_SCHEMA_VERSION = 3;

/** The types of `detections`' columns after `frame_index` (always INTEGER), in the table's order. */
export interface DetectionTypes {
  left: RealType;
  top: RealType;
  right: RealType;
  bottom: RealType;
  score: RealType;
  class_id: IdType;
  track_id: IdType;
}
type RealType = 'SMALLINT' | 'FLOAT' | 'DOUBLE';
type IdType = 'SMALLINT' | 'INTEGER';

/** `detections` as a live store writes it, and as the run writes it before its types are known. */
export const WIDE_DETECTION_TYPES: DetectionTypes = { left: 'DOUBLE', top: 'DOUBLE', right: 'DOUBLE', bottom: 'DOUBLE', score: 'DOUBLE', class_id: 'INTEGER', track_id: 'INTEGER' };

/** The columns of `detections` after `frame_index`, in the table's order. */
const TYPED_COLUMNS = ['left', 'top', 'right', 'bottom', 'score', 'class_id', 'track_id'] as const satisfies ReadonlyArray<keyof DetectionTypes>;

/** Every column of `detections`, in the table's order: what the reads select. */
export const DETECTION_COLUMN_NAMES: readonly string[] = ['frame_index', ...TYPED_COLUMNS];

/** A column's name in SQL (`left` and `right` are keywords). */
function sqlName(column: string): string {
  return `"${column}"`;
}

/** `each(name, type)` of every column after `frame_index`, in order, joined by commas. */
function typedColumns(types: DetectionTypes, each: (name: string, type: string) => string): string {
  return TYPED_COLUMNS.map((column) => each(sqlName(column), types[column])).join(', ');
}

/** The CREATE TABLE of `detections` (in catalog `catalog` when given) with column types `types`. */
export function createDetectionsSql(types: DetectionTypes, catalog?: string): string {
  return (
    `CREATE TABLE ${catalog === undefined ? '' : `${catalog}.`}detections (frame_index INTEGER NOT NULL, ` +
    typedColumns(types, (name, type) => `${name} ${type}${name === sqlName('track_id') ? '' : ' NOT NULL'}`) +
    ')'
  );
}

/**
 * One query over `<catalog>.detections` whose one row says, per column, whether every value fits
 * a narrower type exactly: for each of the box edges and the score, fits SMALLINT and fits FLOAT;
 * then class_id and track_id fit SMALLINT (12 booleans, read by `narrowestTypes`). −0 fits no
 * SMALLINT (it would read back as +0); NaN fits FLOAT (every NaN reads back as NaN); NULL track
 * ids are left out; an empty table fits everything.
 */
export function narrowestTypesSql(catalog: string): string {
  const all = (condition: string): string => `coalesce(bool_and(${condition}), true)`;
  const fitsSmallint = (column: string): string => all(`coalesce(TRY_CAST(${column} AS SMALLINT) = ${column}, false) AND NOT (${column} = 0 AND signbit(${column}))`);
  const fitsFloat = (column: string): string => all(`coalesce(TRY_CAST(${column} AS FLOAT) = ${column}, false) OR isnan(${column})`);
  const reals = TYPED_COLUMNS.slice(0, 5).flatMap((column) => [fitsSmallint(sqlName(column)), fitsFloat(sqlName(column))]);
  const ids = ['class_id', 'track_id'].map((column) => all(`${column} BETWEEN -32768 AND 32767`));
  return `SELECT ${[...reals, ...ids].join(', ')} FROM ${catalog}.detections`;
}

/** The column types `narrowestTypesSql`'s answer (its 12 booleans, in order) asks for. */
export function narrowestTypes(fits: readonly boolean[]): DetectionTypes {
  const real = (c: number): RealType => (fits[2 * c] ? 'SMALLINT' : fits[2 * c + 1] ? 'FLOAT' : 'DOUBLE');
  const id = (c: number): IdType => (fits[c] ? 'SMALLINT' : 'INTEGER');
  return { left: real(0), top: real(1), right: real(2), bottom: real(3), score: real(4), class_id: id(10), track_id: id(11) };
}

/** Copies `<catalog>.detections` into `detections` (of types `types`), row for row in the same order. */
export function copyDetectionsSql(types: DetectionTypes, catalog: string): string {
  return `INSERT INTO detections SELECT frame_index, ${typedColumns(types, (name, type) => `CAST(${name} AS ${type})`)} FROM ${catalog}.detections`;
}

/**
 * `detections`' columns, for a SELECT, in the types of schema 1 and 2 (`WIDE_DETECTION_TYPES`),
 * the same numbers whatever a store holds: for SQL that compares them with parameters (a DOUBLE
 * threshold against a FLOAT score could be compared in FLOAT) and for the Parquet export.
 */
export const WIDE_DETECTION_COLUMNS = `frame_index, ${typedColumns(WIDE_DETECTION_TYPES, (name, type) => `CAST(${name} AS ${type}) AS ${name}`)}`;

/** The tables of a store but `detections` (`createDetectionsSql`). */
export const CREATE_TABLES = [
  'CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
  'CREATE TABLE frames (frame_index INTEGER NOT NULL, t VARCHAR, time_ms DOUBLE, duration_ms DOUBLE)',
  'CREATE TABLE zone_occupancy (frame_index INTEGER NOT NULL, zone VARCHAR NOT NULL, people INTEGER NOT NULL)',
  'CREATE TABLE zone_visits (zone VARCHAR NOT NULL, track_id INTEGER NOT NULL, first_frame INTEGER NOT NULL, last_frame INTEGER NOT NULL)',
  'CREATE TABLE frame_people (frame_index INTEGER NOT NULL, people INTEGER NOT NULL)',
];

/** What a store's `meta` table says about its analysis. */
export interface StoreMeta {
  schema_version: number;
  complete: boolean;
  time_base: 'T' | 'metadata_fps' | 'video_fps' | 'none';
  /** Frame rate behind the times when they come from a rate, else 0. */
  fps: number;
  frames: number;
  detections: number;
  /** The run's settings as crowdheat's settings YAML (no credentials: those never enter settings). */
  settings: string;
  /** Source name (video stem, Console folder, `heatmap`). */
  source_name: string;
  /** The filters `frame_people` was counted under (`peopleFilterKey`), or null when it is not filled. */
  people_filter: string | null;
}

