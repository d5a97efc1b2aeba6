import { describe, expect, it } from 'vitest';
import { DetectionsBuilder } from '../../src-shared/frames.js';
import { bucketOfFrames, frameTimes, zoneFigures, zoneVisits } from '../../src-shared/zones/figures.js';
import { compileZones, OccupancyRecorder } from '../../src-shared/zones/occupancy.js';

// Five frames; the interval 2000 → 5000 is a gap: durations 1000, 1000, 3000 (capped), 1000, 1000 (median).
const TIMES = Float64Array.of(0, 1000, 2000, 5000, 6000);
// Zone A: 0, 2, 1, 2, 0 people; zone B: 1 in every frame. Frame-major.
const OCCUPANCY = Int32Array.of(0, 1, 2, 1, 1, 1, 2, 1, 0, 1);

describe('zoneFigures', () => {
  it('weights occupancy by frame duration over the whole run', () => {
    const [a, b] = zoneFigures({ occupancy: OCCUPANCY, zoneCount: 2, base: frameTimes(5, TIMES), boundaries: null, visits: null });
    // A: person-ms 0·1000 + 2·1000 + 1·3000 + 2·1000 + 0·1000 = 7000 over 7000 ms.
    expect(a).toEqual({
      zone: 0, bucket: 0, startMs: 0, endMs: 7000, frames: 5, duration: 7,
      meanOccupancy: 1, peakOccupancy: 2, peakFrame: 1, personTime: 7, occupiedShare: 5 / 7,
      visits: null, meanVisit: null, medianVisit: null,
    });
    expect(b).toMatchObject({ meanOccupancy: 1, peakOccupancy: 1, peakFrame: 0, personTime: 7, occupiedShare: 1 });
  });

  it('splits figures into buckets by frame time', () => {
    const rows = zoneFigures({ occupancy: OCCUPANCY, zoneCount: 2, base: frameTimes(5, TIMES), boundaries: [0, 2000, 7000], visits: null });
    expect(rows.map((row) => [row.bucket, row.zone, row.frames, row.duration, row.personTime, row.peakOccupancy, row.peakFrame, row.occupiedShare])).toEqual([
      [0, 0, 2, 2, 2, 2, 1, 0.5],
      [0, 1, 2, 2, 2, 1, 0, 1],
      [1, 0, 3, 5, 5, 2, 3, 0.8],
      [1, 1, 3, 5, 5, 1, 2, 1],
    ]);
    expect(rows[2]).toMatchObject({ startMs: 2000, endMs: 7000, meanOccupancy: 1 });
  });

  it('counts person-frames when frames have no times', () => {
    const [a] = zoneFigures({ occupancy: OCCUPANCY, zoneCount: 2, base: frameTimes(5, null), boundaries: null, visits: null });
    expect(a).toMatchObject({ startMs: null, endMs: null, duration: 5, personTime: 5, meanOccupancy: 1, occupiedShare: 0.6 });
  });

  it('gives an empty bucket zero figures and no peak frame', () => {
    const rows = zoneFigures({ occupancy: OCCUPANCY, zoneCount: 2, base: frameTimes(5, TIMES), boundaries: [10000, 20000], visits: null });
    expect(rows[0]).toMatchObject({ frames: 0, duration: 0, meanOccupancy: 0, peakOccupancy: 0, peakFrame: -1, occupiedShare: 0 });
  });
});

describe('bucketOfFrames', () => {
  it('puts frames before the first and from the last boundary outside every bucket', () => {
    expect([...bucketOfFrames(5, TIMES, [1000, 5000, 6000])]).toEqual([-1, 0, 0, 1, -1]);
  });
});

describe('zoneVisits', () => {
  // Track 7 is in zone 0 in frames 1, 2, 3; track 8 in frames 1 and 3; track 9 in zone 1 in frame 4.
  const entries = {
    frames: Int32Array.of(1, 1, 2, 3, 3, 4),
    zones: Int32Array.of(0, 0, 0, 0, 0, 1),
    tracks: Int32Array.of(7, 8, 7, 7, 8, 9),
  };

  it('joins a track\'s frames across gaps up to 1 s and times visits as last − first + last duration', () => {
    const visits = zoneVisits(entries, frameTimes(5, TIMES));
    // Track 8: frame 1 ends at 2000 ms, frame 3 starts at 5000: a 3 s gap, two visits of 1 s.
    expect(visits).toEqual([
      { zone: 0, track: 7, firstFrame: 1, lastFrame: 3, time: 5 },
      { zone: 0, track: 8, firstFrame: 1, lastFrame: 1, time: 1 },
      { zone: 0, track: 8, firstFrame: 3, lastFrame: 3, time: 1 },
      { zone: 1, track: 9, firstFrame: 4, lastFrame: 4, time: 1 },
    ]);
    const rows = zoneFigures({ occupancy: OCCUPANCY, zoneCount: 2, base: frameTimes(5, TIMES), boundaries: null, visits });
    expect(rows[0]).toMatchObject({ visits: 3, meanVisit: 7 / 3, medianVisit: 1 });
    expect(rows[1]).toMatchObject({ visits: 1, meanVisit: 1, medianVisit: 1 });
  });

  it('joins only consecutive frames when frames have no times', () => {
    const visits = zoneVisits(entries, frameTimes(5, null));
    expect(visits.map((visit) => [visit.track, visit.firstFrame, visit.lastFrame, visit.time])).toEqual([
      [7, 1, 3, 3],
      [8, 1, 1, 1],
      [8, 3, 3, 1],
      [9, 4, 4, 1],
    ]);
  });

  it("joins a track's frames at 0.5 fps only when the gap between them is at most 1 s", () => {
    // Frames every 2 s: a track seen in frames 0 and 2 misses frame 1, a gap of 2 s (> 1 s).
    const times = Float64Array.of(0, 2000, 4000);
    const seen = { frames: Int32Array.of(0, 2), zones: Int32Array.of(0, 0), tracks: Int32Array.of(1, 1) };
    expect(zoneVisits(seen, frameTimes(3, times))).toHaveLength(2);
    const both = { frames: Int32Array.of(0, 1), zones: Int32Array.of(0, 0), tracks: Int32Array.of(1, 1) };
    expect(zoneVisits(both, frameTimes(3, times))).toEqual([{ zone: 0, track: 1, firstFrame: 0, lastFrame: 1, time: 4 }]);
  });
});

describe('OccupancyRecorder', () => {
  it('counts anchors at point_ratio of the box, edges inclusive, and records tracked entries', () => {
    const recorder = new OccupancyRecorder(compileZones([{ name: 'door', points: [[0, 0], [100, 0], [100, 100], [0, 100]] }]), 1);
    const frame = new DetectionsBuilder();
    frame.add(80, 20, 120, 100, 0.9, 0, 5); // feet (100, 100): the corner, inside
    frame.add(90, 50, 120, 101, 0.9, 0, 6); // feet (105, 101): outside
    frame.add(10, 10, 20, 20, 0.9, 0); // untracked, inside
    recorder.add(frame.finish());
    recorder.add(new DetectionsBuilder().finish());
    expect([...recorder.occupancy()]).toEqual([2, 0]);
    const entries = recorder.trackEntries();
    expect([...entries.frames, ...entries.zones, ...entries.tracks]).toEqual([0, 0, 5]);
    expect(recorder.tracked).toBe(true);
  });
});
