/**
 * The demo scene: a small hall seen from a fixed camera, in the 1920×1080 metadata space of the
 * AITRIOS sample. People come in through three doors at the image's edges, walk to a shop
 * counter, a bench or a screen, linger there, and leave through a door. Each frame gives the
 * people's true positions (for painting) and what a people detector would have reported:
 * jittered integer boxes, an occasional miss, a rare low-score false positive or duplicate.
 *
 * Everything comes from a seeded generator of our own, so a seed always gives the same scene,
 * byte for byte, on every machine, and the first N frames do not depend on how many are asked for.
 *
 * ```ts
 * for (const frame of simulateScene({ frames: 600, seed: 1 })) {
 *   frame.people;      // true feet positions and sizes
 *   frame.detections;  // what a detector reported, best score first
 * }
 * ```
 */

export const SCENE_WIDTH = 1920;
export const SCENE_HEIGHT = 1080;
/** Row of the vanishing line: a person's height in pixels grows linearly with feet y below it. */
export const HORIZON_Y = 120;
/** Row where the floor meets the back wall; nobody's feet go above it. */
export const FLOOR_TOP_Y = 330;
export const DEFAULT_SCENE_FRAMES = 600;
export const SCENE_FPS = 10;
/** Colours of shirts a person can wear; `ScenePerson.shirt` indexes this list. */
export const SHIRT_COLOURS: readonly (readonly [number, number, number])[] = [
  [200, 50, 50],
  [40, 90, 190],
  [50, 150, 80],
  [230, 180, 40],
  [150, 70, 170],
  [240, 240, 235],
  [40, 40, 45],
  [230, 120, 40],
];

/** Fewest and most people a frame holds; the spawner keeps the crowd inside this range. */
export const MIN_PEOPLE = 6;
export const MAX_PEOPLE = 15;

/** Height in pixels of an average person whose feet are on row `y`. */
export function personHeightAt(y: number): number {
  return 0.49 * (y - HORIZON_Y);
}

/** Pixels per metre around row `y`, horizontally, taking an average person as 1.7 m tall. */
function pixelsPerMetre(y: number): number {
  return personHeightAt(y) / 1.7;
}

/** The floor is seen at a slant: a metre of depth covers fewer rows than a metre across. */
const DEPTH_FORESHORTENING = 0.5;

export type PointOfInterestKind = 'counter' | 'bench' | 'screen';

export interface PointOfInterest {
  readonly kind: PointOfInterestKind;
  /** Centre of the area where people stand or sit (feet positions). */
  readonly x: number;
  readonly y: number;
  /** Half-extents of that area. */
  readonly radiusX: number;
  readonly radiusY: number;
  /** The object itself, in metadata pixels, for painting: left, top, right, bottom. */
  readonly object: readonly [number, number, number, number];
  /** How long people stay, in frames. */
  readonly lingerFrames: readonly [number, number];
}

export const POINTS_OF_INTEREST: readonly PointOfInterest[] = [
  { kind: 'counter', x: 1460, y: 470, radiusX: 170, radiusY: 22, object: [1240, 330, 1700, 430], lingerFrames: [40, 130] },
  { kind: 'screen', x: 820, y: 540, radiusX: 200, radiusY: 55, object: [640, 110, 1000, 300], lingerFrames: [30, 100] },
  { kind: 'bench', x: 430, y: 900, radiusX: 160, radiusY: 18, object: [230, 790, 640, 880], lingerFrames: [80, 230] },
];

/** A way in and out at an edge of the picture. */
export interface Entrance {
  /** Feet positions along the entrance, inside the image by a pixel. */
  readonly from: readonly [number, number];
  readonly to: readonly [number, number];
  /** Unit direction pointing out of the image. */
  readonly outward: readonly [number, number];
  /** How often people use it, relative to the other doors. */
  readonly weight: number;
}

export const ENTRANCES: readonly Entrance[] = [
  { from: [1, 570], to: [1, 720], outward: [-1, 0], weight: 3 },
  { from: [SCENE_WIDTH - 2, 400], to: [SCENE_WIDTH - 2, 480], outward: [1, 0], weight: 2 },
  { from: [820, SCENE_HEIGHT - 2], to: [1200, SCENE_HEIGHT - 2], outward: [0, 1], weight: 4 },
];

/** A person as the camera truly sees them in one frame. */
export interface ScenePerson {
  readonly id: number;
  /** Feet: the bottom centre of the person's box. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Index into `SHIRT_COLOURS`. */
  readonly shirt: number;
  readonly walking: boolean;
  /** Phase of the walking stride in radians (legs swing with its sine). */
  readonly stride: number;
}

/** One detector output, integer pixels as AITRIOS devices report them. */
export interface SceneDetection {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly score: number;
  readonly class_id: 0;
}

export interface SceneFrame {
  readonly index: number;
  /** People in view, nearest last (the order to paint them in). */
  readonly people: readonly ScenePerson[];
  /** Detections, best score first. */
  readonly detections: readonly SceneDetection[];
}

export interface SceneOptions {
  frames: number;
  seed: number;
}

/**
 * Mulberry32: a 32-bit state stepped by a Weyl increment and scrambled by two multiply-xorshift
 * rounds. Small, fast and good enough for a synthetic scene; its output is the same in every
 * JavaScript engine because it only uses 32-bit integer operations.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  }

  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  integerBetween(low: number, high: number): number {
    return Math.floor(this.between(low, high + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Standard normal (Box–Muller; the second value of the pair is dropped to keep no state). */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weight(item), 0);
    let target = this.next() * total;
    for (const item of items) {
      target -= weight(item);
      if (target < 0) return item;
    }
    return items[items.length - 1];
  }
}

type Goal =
  | { kind: 'visit'; poi: PointOfInterest; x: number; y: number }
  | { kind: 'leave'; x: number; y: number };

interface Walker {
  id: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Walking speed in metres per second. */
  speed: number;
  heightFactor: number;
  buildFactor: number;
  shirt: number;
  /** Slow sideways drift of the heading, so paths curve instead of running straight. */
  wander: number;
  stride: number;
  /** Phase of the slow speed variation. */
  pace: number;
  goals: Goal[];
  lingerLeft: number;
  /** Score the detector tends to give this person (clothes, pose). */
  detectability: number;
}

/** Frames simulated before frame 0, so the first frame already shows a settled crowd. */
const WARM_UP_FRAMES = 400;
/** Distance in metres at which a walker counts as arrived. */
const ARRIVAL_METRES = 0.25;
/** How fast the velocity follows the wanted one per frame (0..1): higher turns sharper. */
const STEERING = 0.18;

class Crowd {
  private readonly walkers: Walker[] = [];
  private nextId = 0;
  private frame = -WARM_UP_FRAMES;
  /** Phase of the slow swell of the crowd, so busy and quiet spells differ between seeds. */
  private readonly swell: number;

  constructor(private readonly random: SeededRandom) {
    this.swell = random.between(0, 2 * Math.PI);
  }

  step(): void {
    for (let i = this.walkers.length - 1; i >= 0; i--) {
      if (!this.move(this.walkers[i])) this.walkers.splice(i, 1);
    }
    while (this.walkers.length < MIN_PEOPLE + 1) this.spawn();
    const wanted = Math.min(13, 10.5 + 3 * Math.sin((2 * Math.PI * this.frame) / 450 + this.swell));
    if (this.walkers.length < wanted && this.random.chance(0.12)) this.spawn();
    this.frame += 1;
  }

  people(): ScenePerson[] {
    return this.walkers
      .map((walker) => {
        const height = personHeightAt(walker.y) * walker.heightFactor;
        return {
          id: walker.id,
          x: walker.x,
          y: walker.y,
          width: height * 0.4 * walker.buildFactor,
          height,
          shirt: walker.shirt,
          walking: walker.lingerLeft === 0,
          stride: walker.stride,
        };
      })
      .sort((a, b) => a.y - b.y || a.id - b.id);
  }

  walkerDetectability(id: number): number {
    return this.walkers.find((walker) => walker.id === id)?.detectability ?? 1;
  }

  private spawn(): void {
    const random = this.random;
    const door = random.pick(ENTRANCES, (d) => d.weight);
    const along = random.next();
    const x = door.from[0] + (door.to[0] - door.from[0]) * along;
    const y = door.from[1] + (door.to[1] - door.from[1]) * along;
    const goals: Goal[] = [];
    const visits = random.chance(0.2) ? 0 : random.chance(0.7) ? 1 : 2;
    const remaining = [...POINTS_OF_INTEREST];
    for (let i = 0; i < visits; i++) {
      const poi = remaining.splice(random.integerBetween(0, remaining.length - 1), 1)[0];
      const angle = random.between(0, 2 * Math.PI);
      const radius = Math.sqrt(random.next());
      goals.push({
        kind: 'visit',
        poi,
        x: poi.x + Math.cos(angle) * radius * poi.radiusX,
        y: poi.y + Math.sin(angle) * radius * poi.radiusY,
      });
    }
    const exit = random.chance(0.3) ? door : random.pick(ENTRANCES.filter((d) => d !== door), (d) => d.weight);
    const exitAlong = random.next();
    const exitMargin = 60;
    goals.push({
      kind: 'leave',
      x: exit.from[0] + (exit.to[0] - exit.from[0]) * exitAlong + exit.outward[0] * exitMargin,
      y: exit.from[1] + (exit.to[1] - exit.from[1]) * exitAlong + exit.outward[1] * exitMargin,
    });
    const speed = random.between(0.9, 1.5);
    const inward = pixelsPerMetre(y) * speed / SCENE_FPS;
    this.walkers.push({
      id: this.nextId++,
      x,
      y,
      vx: -door.outward[0] * inward,
      vy: -door.outward[1] * inward * DEPTH_FORESHORTENING,
      speed,
      heightFactor: random.between(0.9, 1.1),
      buildFactor: random.between(0.85, 1.15),
      shirt: random.integerBetween(0, SHIRT_COLOURS.length - 1),
      wander: 0,
      stride: random.between(0, 2 * Math.PI),
      pace: random.between(0, 2 * Math.PI),
      goals,
      lingerLeft: 0,
      detectability: random.between(0.9, 1),
    });
  }

  /** Advances one walker by a frame; false when they have left the picture. */
  private move(walker: Walker): boolean {
    const random = this.random;
    const goal = walker.goals[0];
    const metre = pixelsPerMetre(walker.y);
    if (walker.lingerLeft > 0) {
      // Standing people shift their weight a little instead of freezing.
      walker.lingerLeft -= 1;
      walker.x += random.gaussian() * 0.004 * metre;
      walker.y += random.gaussian() * 0.002 * metre;
      if (walker.lingerLeft === 0) walker.goals.shift();
      return true;
    }
    const dx = (goal.x - walker.x) / metre;
    const dy = (goal.y - walker.y) / (metre * DEPTH_FORESHORTENING);
    const distance = Math.hypot(dx, dy);
    if (goal.kind === 'visit' && distance < ARRIVAL_METRES) {
      walker.vx = 0;
      walker.vy = 0;
      walker.lingerLeft = random.integerBetween(goal.poi.lingerFrames[0], goal.poi.lingerFrames[1]);
      return true;
    }
    walker.wander = Math.max(-0.4, Math.min(0.4, walker.wander + random.gaussian() * 0.06));
    // Close to a goal the drift fades, or walkers would orbit it.
    const heading = Math.atan2(dy, dx) + walker.wander * Math.min(1, distance / 2);
    walker.pace += 0.05;
    const stepMetres = (walker.speed * (1 + 0.12 * Math.sin(walker.pace))) / SCENE_FPS;
    const wantX = Math.cos(heading) * stepMetres * metre;
    const wantY = Math.sin(heading) * stepMetres * metre * DEPTH_FORESHORTENING;
    walker.vx += (wantX - walker.vx) * STEERING;
    walker.vy += (wantY - walker.vy) * STEERING;
    walker.x += walker.vx;
    walker.y += walker.vy;
    walker.stride += (Math.hypot(walker.vx / metre, walker.vy / (metre * DEPTH_FORESHORTENING)) / 0.7) * Math.PI;
    if (walker.x < 0 || walker.x >= SCENE_WIDTH || walker.y >= SCENE_HEIGHT) {
      if (goal.kind === 'leave') return false;
      walker.x = Math.max(1, Math.min(SCENE_WIDTH - 2, walker.x));
      walker.y = Math.min(SCENE_HEIGHT - 2, walker.y);
    }
    walker.y = Math.max(FLOOR_TOP_Y + 15, walker.y);
    return true;
  }
}

/** The detector's view of the people in one frame. */
function detect(people: readonly ScenePerson[], crowd: Crowd, random: SeededRandom): SceneDetection[] {
  const detections: SceneDetection[] = [];
  for (const person of people) {
    const near = (person.y - FLOOR_TOP_Y) / (SCENE_HEIGHT - FLOOR_TOP_Y);
    const left = person.x - person.width / 2;
    const right = person.x + person.width / 2;
    const visible = (Math.min(right, SCENE_WIDTH) - Math.max(left, 0)) / person.width;
    // Far, small and half-out-of-frame people are harder to detect and score lower.
    const score = (0.8 + 0.18 * near) * crowd.walkerDetectability(person.id) * (0.6 + 0.4 * visible) + random.gaussian() * 0.04;
    if (score < 0.5 || random.chance(0.02 + 0.04 * (1 - near))) continue;
    const jitter = person.height * 0.015;
    const box = clippedBox(
      left + random.gaussian() * jitter,
      person.y - person.height + random.gaussian() * jitter,
      right + random.gaussian() * jitter,
      person.y + random.gaussian() * jitter,
    );
    if (box === null) continue;
    detections.push({ ...box, score: roundScore(score), class_id: 0 });
    if (random.chance(0.01)) {
      // A second, looser box on the same person, as detectors without strict NMS report.
      const grown = clippedBox(
        left - person.width * random.between(0, 0.3),
        person.y - person.height * random.between(0.9, 1.1),
        right + person.width * random.between(0, 0.6),
        person.y - person.height * random.between(0, 0.3),
      );
      if (grown !== null) detections.push({ ...grown, score: roundScore(random.between(0.5, 0.6)), class_id: 0 });
    }
  }
  if (random.chance(0.02)) {
    // A shadow or a poster mistaken for a person.
    const y = random.between(FLOOR_TOP_Y + 40, SCENE_HEIGHT - 10);
    const height = personHeightAt(y) * random.between(0.5, 1.1);
    const x = random.between(0, SCENE_WIDTH);
    const width = height * random.between(0.3, 0.8);
    const box = clippedBox(x - width / 2, y - height, x + width / 2, y);
    if (box !== null) detections.push({ ...box, score: roundScore(random.between(0.5, 0.62)), class_id: 0 });
  }
  return detections.sort((a, b) => b.score - a.score);
}

/** Integer box clipped to the image (0…width-1, 0…height-1); null when nothing is left. */
function clippedBox(
  left: number,
  top: number,
  right: number,
  bottom: number,
): { left: number; top: number; right: number; bottom: number } | null {
  const box = {
    left: Math.max(0, Math.round(left)),
    top: Math.max(0, Math.round(top)),
    right: Math.min(SCENE_WIDTH - 1, Math.round(right)),
    bottom: Math.min(SCENE_HEIGHT - 1, Math.round(bottom)),
  };
  return box.right > box.left && box.bottom > box.top ? box : null;
}

function roundScore(score: number): number {
  return Math.round(Math.min(0.9999, score) * 10000) / 10000;
}

/**
 * Yields `frames` frames of the scene for `seed`. Motion and detector noise draw from separate
 * generators, so the people walk the same way whatever the detector does.
 */
export function* simulateScene(options: SceneOptions): Generator<SceneFrame, void, undefined> {
  const crowd = new Crowd(new SeededRandom(options.seed));
  const detector = new SeededRandom(options.seed ^ 0x5bd1e995);
  for (let i = -WARM_UP_FRAMES; i < options.frames; i++) {
    crowd.step();
    if (i < 0) continue;
    const people = crowd.people();
    yield { index: i, people, detections: detect(people, crowd, detector) };
  }
}
