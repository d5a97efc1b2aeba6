import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../src-shared/errors.js';
import { defaultSettings, findSettingsIssues, parseSettings, readSettings, settingsToYaml } from '../../src-shared/settings/index.js';
import { SAMPLE_MAIN_YAML, SAMPLE_PARAM_PATH, SAMPLE_PARAM_YAML } from '../settings/fixtures.js';

const files = (path: string): string => {
  if (path === SAMPLE_PARAM_PATH) return SAMPLE_PARAM_YAML;
  throw new Error(`unexpected read of ${path}`);
};

function withZones(zonesYaml: string): string {
  return `${SAMPLE_MAIN_YAML}\n${zonesYaml}\n`;
}

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}

describe('zones in heat_map_app.yaml', () => {
  it('reads the issue\'s example next to the sample\'s sections', () => {
    const { settings, warnings } = parseSettings(
      withZones('zones: [{name: entrance, points: [[0, 700], [400, 700], [400, 1080], [0, 1080]]}]'),
      'app.yaml',
      files,
    );
    expect(warnings).toEqual([]);
    expect(settings.zones).toEqual([{ name: 'entrance', points: [[0, 700], [400, 700], [400, 1080], [0, 1080]] }]);
    expect(settings.output_settings.zone_outlines).toBe(true);
  });

  it('exports zones with each zone\'s points on one line and reads them back equal', () => {
    const settings = defaultSettings();
    settings.data_source_settings.local_data_settings.meta_file = 'in/a.csv';
    settings.zones = [
      { name: 'entrance', points: [[0, 700], [400, 700], [400, 1080]] },
      { name: 'counter', points: [[1000.5, 200], [1200, 200], [1200, 400]] },
    ];
    settings.output_settings.zone_outlines = false;
    const text = settingsToYaml(settings);
    expect(text).toContain('  zone_outlines: false\n');
    expect(text).toContain('\nzones:\n  - name: entrance\n    points: [[0, 700], [400, 700], [400, 1080]]\n');
    expect(parseSettings(text, 'out.yaml', files).settings).toEqual(settings);
  });

  it('leaves zones out of the export when there are none', () => {
    expect(settingsToYaml(defaultSettings())).not.toContain('zones:');
  });

  it('names the zone with fewer than 3 points, a crossing outline or a repeated name', () => {
    const read = readSettings(
      {
        text: withZones(`zones:
  - {name: door, points: [[0, 0], [10, 0]]}
  - {name: bowtie, points: [[0, 0], [10, 10], [10, 0], [0, 10]]}
  - {name: door, points: [[0, 0], [10, 0], [10, 10]]}`),
        path: 'app.yaml',
      },
      files,
    );
    expect(findSettingsIssues(read.settings).filter((issue) => issue.key === 'zones').map((issue) => issue.message)).toEqual([
      'zones[0] "door": needs at least 3 points, got 2',
      'zones[1] "bowtie": the outline crosses itself (edges between points 1–2 and 3–4); list the points in order around the zone',
      'zones[2] "door": the name is already used by zones[0]; zone names must be unique',
    ]);
    expect(() => parseSettings(withZones('zones: [{name: door, points: [[0, 0], [10, 0]]}]'), 'app.yaml', files)).toThrow(
      'zones[0] "door": needs at least 3 points, got 2',
    );
  });

  it('refuses a zone name holding control or text-direction characters, naming the character', () => {
    const square = 'points: [[0, 0], [10, 0], [10, 10], [0, 10]]';
    const read = readSettings(
      { text: withZones(`zones:\n  - {name: "bow\\u202Etie", ${square}}\n  - {name: "bell\\u0007", ${square}}\n  - {name: "<b>&amp;</b>", ${square}}`), path: 'app.yaml' },
      files,
    );
    expect(findSettingsIssues(read.settings).filter((issue) => issue.key === 'zones').map((issue) => issue.message)).toEqual([
      'zones[0] "bow\\u202etie": name must not hold control or text-direction characters (found U+202E)',
      'zones[1] "bell\\u0007": name must not hold control or text-direction characters (found U+0007)',
    ]);
  });

  it('warns about points outside the image, naming the zone and the point', () => {
    const { warnings } = parseSettings(withZones('zones: [{name: edge, points: [[0, 0], [1921, 0], [0, 10]]}]'), 'app.yaml', files);
    expect(warnings).toEqual(['app.yaml: zones[0] "edge": point 2 [1921, 0] lies outside the image (1920×1080)']);
  });

  it('rejects a zones section of the wrong shape with one line naming the zone', () => {
    const cases: Array<[string, string]> = [
      ['zones: {name: a}', 'app.yaml: zones must be a list of {name, points}, got a mapping'],
      ['zones: [{name: a, points: [[0, 0], [1, "x"], [2, 2]]}]', 'app.yaml: zones[0] "a": point 2 must be [x, y] with two finite numbers, got [1,"x"]'],
      ['zones: [{points: [[0, 0], [1, 1], [2, 2]]}]', 'app.yaml: zones[0]: name must be a string, got nothing'],
      ['zones: [{name: a}]', 'app.yaml: zones[0] "a": points must be a list of [x, y], got nothing'],
    ];
    for (const [yaml, message] of cases) {
      const error = errorOf(() => parseSettings(withZones(yaml), 'app.yaml', files));
      expect(error).toBeInstanceOf(SettingsError);
      expect(error.message).toBe(message);
    }
  });

  it('refuses more zones than the documented bound', () => {
    const many = Array.from({ length: 65 }, (_, i) => `{name: z${i}, points: [[0, 0], [1, 0], [0, 1]]}`).join(', ');
    expect(errorOf(() => parseSettings(withZones(`zones: [${many}]`), 'app.yaml', files)).message).toBe(
      'app.yaml: zones holds 65 zones; at most 64 are allowed',
    );
  });
});
