/**
 * Zones as the settings give them: named polygons in metadata pixel space (SPEC §9), and the
 * bounds crowdheat checks before any work.
 */

/** One zone of `zones:` in heat_map_app.yaml. */
export interface ZoneDefinition {
  /** Unique, non-empty, at most `MAX_ZONE_NAME_LENGTH` characters. */
  name: string;
  /** Corners `[x, y]` in metadata pixels, in order around the polygon (either direction). */
  points: Array<[number, number]>;
}

/** The most zones one settings file may define. */
export const MAX_ZONES = 64;
/** The most corners one zone may have. */
export const MAX_ZONE_POINTS = 256;
/** The longest a zone's name may be, in characters. */
export const MAX_ZONE_NAME_LENGTH = 64;
