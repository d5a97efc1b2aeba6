import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeColormapNames, colormapIndex, colormapNames, getColormap } from '../../src-shared/colormaps/index.js';
import { SettingsError } from '../../src-shared/errors.js';
import { heatColors } from '../../src-shared/render/heat.js';

interface CountSample {
  min: number;
  max: number;
  values: number[];
  rgb: number[][];
}
interface Sample {
  name: string;
  fractions: number[];
  fraction_rgb: number[][];
  counts: CountSample[];
}

const samples = (
  JSON.parse(readFileSync(new URL('./matplotlib-samples.json', import.meta.url), 'utf8')) as { samples: Sample[] }
).samples;

function rowOf(table: Uint8Array, index: number): number[] {
  return Array.from(table.subarray(index * 3, index * 3 + 3));
}

describe('colormap tables match Matplotlib', () => {
  it.each(samples.map((sample) => [sample.name, sample] as const))('%s: normalised values give Matplotlib colours', (_, sample) => {
    const table = getColormap(sample.name);
    const colours = sample.fractions.map((fraction) => rowOf(table, colormapIndex(fraction, table.length / 3)));
    expect(colours).toEqual(sample.fraction_rgb);
  });

  it.each(samples.map((sample) => [sample.name, sample] as const))('%s: counts through min/max give cmap(Normalize(min, max)(count))', (_, sample) => {
    const table = getColormap(sample.name);
    for (const scale of sample.counts) {
      const colours = heatColors(Int32Array.from(scale.values), { min: scale.min, max: scale.max }, table);
      const rows = scale.values.map((_value, i) => Array.from(colours.subarray(i * 3, i * 3 + 3)));
      expect(rows).toEqual(scale.rgb);
    }
  });

  it('viridis starts at (68, 1, 84)', () => {
    expect(rowOf(getColormap('viridis'), 0)).toEqual([68, 1, 84]);
  });

  it('keeps Matplotlib’s own number of rows', () => {
    expect(getColormap('viridis').length).toBe(256 * 3);
    expect(getColormap('tab10').length).toBe(10 * 3);
    expect(getColormap('twilight').length).toBe(510 * 3);
  });

  it('a derived _r is its base reversed', () => {
    const reds = getColormap('Reds');
    const redsReversed = getColormap('Reds_r');
    expect(rowOf(redsReversed, 0)).toEqual(rowOf(reds, 255));
    expect(rowOf(redsReversed, 255)).toEqual(rowOf(reds, 0));
    expect(rowOf(redsReversed, 100)).toEqual(rowOf(reds, 155));
  });
});

describe('colormap names', () => {
  it('lists every registered name, _r included, and each resolves to a whole table', () => {
    const names = colormapNames();
    expect(names).toHaveLength(166);
    expect(names).toContain('Reds');
    expect(names).toContain('gist_earth_r');
    for (const name of names) {
      const table = getColormap(name);
      expect(table.length % 3, name).toBe(0);
      expect(table.length, name).toBeGreaterThanOrEqual(8 * 3);
    }
  });

  it('an unknown name is a SettingsError listing close matches', () => {
    expect(() => getColormap('Redz')).toThrow(SettingsError);
    expect(() => getColormap('Redz')).toThrow(
      'output_settings.cmap: unknown colormap "Redz"; close matches: Reds, OrRd, RdBu, RdGy, RdPu',
    );
  });

  it('names are case-sensitive, as in Matplotlib, but suggestions ignore case', () => {
    expect(() => getColormap('reds')).toThrow(/close matches: Reds,/);
    expect(closeColormapNames('VIRIDIS')[0]).toBe('viridis');
  });

  it('a name close to nothing gets a few examples instead', () => {
    expect(closeColormapNames('zzzzzzzzzz')).toEqual([]);
    expect(() => getColormap('zzzzzzzzzz')).toThrow('unknown colormap "zzzzzzzzzz"; try one of viridis, Reds');
  });
});

describe('colormapIndex', () => {
  it('follows Matplotlib: floor(v * N), 1 maps to the last row, out-of-range values clip', () => {
    expect([0, 0.5, 0.999, 1, -0.2, 7].map((v) => colormapIndex(v, 256))).toEqual([0, 128, 255, 255, 0, 255]);
    expect([0.09, 0.1, 0.1999, 0.2].map((v) => colormapIndex(v, 10))).toEqual([0, 1, 1, 2]);
  });
});
