/**
 * Per-frame zone occupancy: how many detections have their anchor point in each zone, recorded
 * frame after frame in typed arrays that grow by doubling (4 bytes per frame and zone), plus one
 * (frame, zone, track) entry for each tracked detection inside a zone, for visits.
 */
import type { Detections } from '../frames.js';
import { makePolygon, pointInPolygon, type Polygon } from './geometry.js';
import type { ZoneDefinition } from './definition.js';

/** Polygons ready for testing, in the order of the settings. */
export function compileZones(zones: readonly ZoneDefinition[]): Polygon[] {
  return zones.map((zone) => makePolygon(zone.points));
}

/**
 * The anchor point of a box as point mode takes it (SPEC §3): the horizontal centre,
 * `pointRatio` of the way from the top (0) to the bottom (1). Pixels of the metadata space.
 */
export function anchorPoint(left: number, top: number, right: number, bottom: number, pointRatio: number): [number, number] {
  return [(left + right) / 2, top + pointRatio * (bottom - top)];
}

/**
 * Counts one frame's detections per zone into `out` (length = zones), overwriting it. A
 * detection counts in every zone its anchor lies in (zones may overlap). `onInside` is called
 * for every (zone index, detection index) pair inside.
 */
export function frameOccupancy(
  polygons: readonly Polygon[],
  detections: Detections,
  pointRatio: number,
  out: Int32Array,
  onInside?: (zone: number, detection: number) => void,
): Int32Array {
  out.fill(0);
  const { boxes, count } = detections;
  for (let d = 0; d < count; d++) {
    const o = d * 4;
    const x = (boxes[o] + boxes[o + 2]) / 2;
    const y = boxes[o + 1] + pointRatio * (boxes[o + 3] - boxes[o + 1]);
    for (let z = 0; z < polygons.length; z++) {
      if (!pointInPolygon(polygons[z], x, y)) continue;
      out[z] += 1;
      onInside?.(z, d);
    }
  }
  return out;
}

/** Tracked detections inside zones: entry i is track `tracks[i]` in zone `zones[i]` at frame `frames[i]`. */
export interface TrackEntries {
  readonly frames: Int32Array;
  readonly zones: Int32Array;
  readonly tracks: Int32Array;
}

/**
 * Records occupancy frame by frame.
 *
 * ```ts
 * const recorder = new OccupancyRecorder(compileZones(settings.zones), 1.0);
 * for (const frame of frames) recorder.add(frame.detections);
 * recorder.occupancy(); // Int32Array, frame-major: [f0z0, f0z1, ..., f1z0, ...]
 * ```
 */
export class OccupancyRecorder {
  readonly zoneCount: number;
  private frames = 0;
  private sawTrack = false;
  private counts: Int32Array;
  private entryCount = 0;
  private entryFrames = new Int32Array(64);
  private entryZones = new Int32Array(64);
  private entryTracks = new Int32Array(64);
  private readonly current: Int32Array;

  constructor(
    private readonly polygons: readonly Polygon[],
    private readonly pointRatio: number,
  ) {
    this.zoneCount = polygons.length;
    this.counts = new Int32Array(Math.max(1, this.zoneCount) * 1024);
    this.current = new Int32Array(this.zoneCount);
  }

  get frameCount(): number {
    return this.frames;
  }

  /** Whether any detection so far, inside a zone or not, carried a track id (then visits are known). */
  get tracked(): boolean {
    return this.sawTrack;
  }

  /** Appends one frame; returns its occupancy per zone (a view the next call overwrites). */
  add(detections: Detections): Int32Array {
    const frame = this.frames;
    const trackIds = detections.trackIds;
    if (!this.sawTrack) this.sawTrack = trackIds.some((id) => id >= 0);
    frameOccupancy(this.polygons, detections, this.pointRatio, this.current, (zone, detection) => {
      const track = trackIds[detection];
      if (track >= 0) this.addEntry(frame, zone, track);
    });
    const needed = (frame + 1) * this.zoneCount;
    if (needed > this.counts.length) {
      const grown = new Int32Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts.set(this.current, frame * this.zoneCount);
    this.frames += 1;
    return this.current;
  }

  /** Occupancy of every frame and zone, frame-major (length frames × zones). */
  occupancy(): Int32Array {
    return this.counts.subarray(0, this.frames * this.zoneCount);
  }

  /** The tracked detections inside zones, in frame order. */
  trackEntries(): TrackEntries {
    const n = this.entryCount;
    return {
      frames: this.entryFrames.subarray(0, n),
      zones: this.entryZones.subarray(0, n),
      tracks: this.entryTracks.subarray(0, n),
    };
  }

  private addEntry(frame: number, zone: number, track: number): void {
    if (this.entryCount === this.entryFrames.length) {
      const grow = (array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const grown = new Int32Array(array.length * 2);
        grown.set(array);
        return grown;
      };
      this.entryFrames = grow(this.entryFrames);
      this.entryZones = grow(this.entryZones);
      this.entryTracks = grow(this.entryTracks);
    }
    this.entryFrames[this.entryCount] = frame;
    this.entryZones[this.entryCount] = zone;
    this.entryTracks[this.entryCount] = track;
    this.entryCount += 1;
  }
}
