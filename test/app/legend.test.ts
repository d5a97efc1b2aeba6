import { describe, expect, it } from 'vitest';
import { fittedMax, gridMax, legendText, windowUnit } from '../../src-renderer/logic/legend.js';
import { formatFigure } from '../../src-renderer/logic/figure.js';
import { FIGURE_DIGITS, shown } from '../../src-shared/figures.js';

describe('the colour legend says when the scale saturates and what a count is', () => {
  it('max 15 with a real peak of 45 on screen reads 15+', () => {
    expect(legendText({ min: 0, max: 15 }, 45, 15)).toEqual({ low: '0', high: '15+', saturated: true, unit: 'people in the last 15 frames' });
  });

  it('a peak at the max is not saturated', () => {
    expect(legendText({ min: 0, max: 15 }, 15, 15)).toMatchObject({ high: '15', saturated: false });
    // A week's person-seconds: thousands separated as every other figure of the period views.
    expect(legendText({ min: 0, max: 493506 }, 0, 15)).toMatchObject({ low: '0', high: '493,506' });
    expect(legendText({ min: 0.5, max: 1234.567 }, 2000, 15)).toMatchObject({ low: '0.5', high: '1,234.6+' });
  });

  it('writes a figure as the caption, the cards and the report write it: one rounding (a peak of 1.32 person-seconds reads 1.3)', () => {
    expect(legendText({ min: 0, max: 1.32 }, 1.32, 0).high).toBe('1.3');
    expect(formatFigure(1.32)).toBe('1.3');
    // The report's busiest place is the same figure, written by the same function.
    expect(shown(1.32, FIGURE_DIGITS.figure)).toBe('1.3');
    // Halves round up alike everywhere (Math.round on the figure, not the text's own rounding).
    expect([formatFigure(2.25), legendText({ min: 0, max: 2.25 }, 0, 0).high, shown(2.25, FIGURE_DIGITS.figure)]).toEqual(['2.3', '2.3', '2.3']);
  });

  it('names the window: one frame, the last W frames, or all frames so far', () => {
    expect(windowUnit(1)).toBe('people in this frame');
    expect(windowUnit(30)).toBe('people in the last 30 frames');
    expect(windowUnit(0)).toBe('people counted so far (all frames)');
  });

  it('fit to data sets max to the run\'s peak, never below min + 1, and offers nothing when it already is', () => {
    expect(fittedMax({ min: 0, max: 15 }, 45)).toBe(45);
    expect(fittedMax({ min: 0, max: 15 }, 6)).toBe(6);
    expect(fittedMax({ min: 2, max: 15 }, 0)).toBe(3);
    expect(fittedMax({ min: 0, max: 45 }, 45)).toBeNull();
  });

  it('gridMax is the highest count, 0 for an empty grid', () => {
    expect(gridMax([0, 3, 45, 2])).toBe(45);
    expect(gridMax([])).toBe(0);
  });
});
