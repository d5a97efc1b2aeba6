/** Zones (SPEC §9): named polygons, exact point-in-polygon, per-frame occupancy, figures per bucket and visits. */
export * from './definition.js';
export * from './geometry.js';
export * from './occupancy.js';
export * from './figures.js';
export * from './settings.js';
export * from './draw.js';
export * from './time.js';
export * from './output.js';
