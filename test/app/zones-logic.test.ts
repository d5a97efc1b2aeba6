import { describe, expect, it } from 'vitest';
import {
  addCorner,
  closeOutline,
  cornerAt,
  deleteSelected,
  editorProblems,
  editorState,
  imagePoint,
  moveCorner,
  renameZone,
} from '../../src-renderer/logic/zones.js';

describe('the zone editor', () => {
  it('closes three clicked corners into a named, selected zone', () => {
    let state = editorState([]);
    for (const point of [[10, 10], [100, 10], [100, 100]] as Array<[number, number]>) state = addCorner(state, point);
    const closed = closeOutline(state);
    expect(closed.error).toBeNull();
    expect(closed.state).toEqual({ zones: [{ name: 'zone 1', points: [[10, 10], [100, 10], [100, 100]] }], drawing: [], selected: 0 });
  });

  it('refuses to close fewer than 3 corners or a crossing outline, keeping the drawing', () => {
    const two = addCorner(addCorner(editorState([]), [0, 0]), [10, 0]);
    expect(closeOutline(two)).toEqual({ state: two, error: 'a zone needs at least 3 corners' });
    let bowtie = editorState([]);
    for (const point of [[0, 0], [10, 10], [10, 0], [0, 10]] as Array<[number, number]>) bowtie = addCorner(bowtie, point);
    expect(closeOutline(bowtie).error).toBe('"zone 1": the outline crosses itself (edges between points 1–2 and 3–4); list the points in order around the zone');
  });

  it('ignores a double click\'s repeated corner', () => {
    const state = addCorner(addCorner(editorState([]), [5, 5]), [5, 5]);
    expect(state.drawing).toEqual([[5, 5]]);
  });

  it('drags a corner, renames and deletes the selected zone', () => {
    let state = editorState([{ name: 'a', points: [[0, 0], [10, 0], [0, 10]] }]);
    const hit = cornerAt(state.zones, [9, 1], 3);
    expect(hit).toEqual({ zone: 0, corner: 1 });
    state = moveCorner(state, 0, 1, [20, 0]);
    state = renameZone(state, 0, 'door');
    expect(state.zones).toEqual([{ name: 'door', points: [[0, 0], [20, 0], [0, 10]] }]);
    expect(deleteSelected({ ...state, selected: 0 }).zones).toEqual([]);
  });

  it('reports a repeated name as the settings would', () => {
    const state = editorState([
      { name: 'a', points: [[0, 0], [10, 0], [0, 10]] },
      { name: 'a', points: [[20, 0], [30, 0], [20, 10]] },
    ]);
    expect(editorProblems(state)).toEqual(['zones[1] "a": the name is already used by zones[0]; zone names must be unique']);
  });

  it('clamps view points to the image and rounds them to whole pixels', () => {
    expect(imagePoint(-3.2, 540.6, 1920, 1080)).toEqual([0, 541]);
    expect(imagePoint(2000, 1100, 1920, 1080)).toEqual([1920, 1080]);
  });
});
