/**
 * The analysis store's schema (SPEC §8), as Python users see it too (README: "The analysis
 * store"). One DuckDB file per analysis:
 *
 * - `meta(key VARCHAR, value VARCHAR)`: `schema_version`, `complete` ('true' once the run
 *   finished), `time_base`, `fps`, `settings` (the run's settings as YAML), …
 * - `frames(frame_index INTEGER, t VARCHAR NULL, time_ms DOUBLE NULL, duration_ms DOUBLE NULL)`
 * - `detections(frame_index INTEGER, left DOUBLE, top DOUBLE, right DOUBLE, bottom DOUBLE,
 *   score DOUBLE, class_id INTEGER, track_id INTEGER NULL)`
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
export const STORE_SCHEMA_VERSION = 2;

export const CREATE_TABLES = [
  'CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
  'CREATE TABLE frames (frame_index INTEGER NOT NULL, t VARCHAR, time_ms DOUBLE, duration_ms DOUBLE)',
  'CREATE TABLE detections (frame_index INTEGER NOT NULL, "left" DOUBLE NOT NULL, top DOUBLE NOT NULL, ' +
    '"right" DOUBLE NOT NULL, bottom DOUBLE NOT NULL, score DOUBLE NOT NULL, class_id INTEGER NOT NULL, track_id INTEGER)',
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
