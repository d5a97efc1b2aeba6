import { describe, expect, it } from 'vitest';
import { LiteralSyntaxError, parsePythonLiteral } from '../../src-shared/python-literal.js';

describe('parsePythonLiteral', () => {
  it('reads dicts, lists, tuples and the Python constants', () => {
    expect(parsePythonLiteral("{'a': (1, 2.5e3), 'b': None, 'c': [True, False], \"d\": {}}")).toEqual({
      a: [1, 2500],
      b: null,
      c: [true, false],
      d: {},
    });
  });

  it('reads the JSON spellings too, so json.dumps output with NaN falls back here', () => {
    expect(parsePythonLiteral('{"a": true, "b": false, "c": null, "d": [NaN, Infinity, -Infinity]}')).toEqual({
      a: true,
      b: false,
      c: null,
      d: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    });
  });

  it('reads non-finite floats as str(dict) writes them', () => {
    expect(parsePythonLiteral('[nan, inf, -inf, +inf]')).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('reads numbers in every form repr writes', () => {
    expect(parsePythonLiteral('[0, -12, +3, 5., .5, 1e-05, 1.5E+16, -0.25, 007]')).toEqual([
      0, -12, 3, 5, 0.5, 0.00001, 1.5e16, -0.25, 7,
    ]);
  });

  it('tells tuples from parenthesised values', () => {
    expect(parsePythonLiteral('[(), (1,), (1), (1, 2,), ((3))]')).toEqual([[], [1], 1, [1, 2], 3]);
  });

  it('accepts trailing commas and any whitespace between tokens', () => {
    expect(parsePythonLiteral(" {\n\t'a' :\r\n [ 1 , 2 , ] ,\n} ")).toEqual({ a: [1, 2] });
  });

  it('decodes string escapes as Python does', () => {
    const text = String.raw`'\n\t\\\'\"\x41\u00e9\U0001F600\101\0\q' "it's"`.split(' ')[0];
    expect(parsePythonLiteral(text)).toBe('\n\t\\\'"Aé😀A\0\\q');
    expect(parsePythonLiteral(`"it's"`)).toBe("it's");
    expect(parsePythonLiteral(`u'caf\\xe9'`)).toBe('café');
    expect(parsePythonLiteral("'a\\\nb'")).toBe('ab');
  });

  it('turns numeric dict keys into strings and keeps __proto__ an ordinary key', () => {
    const value = parsePythonLiteral("{1: 'one', 2.5: 'x', '__proto__': {'polluted': True}}") as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['1', '2.5', '__proto__']);
    expect(value['__proto__']).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['', 'unexpected end of text at character 1'],
    ["{'a' 1}", "expected ':' after a dict key at character 6"],
    ["{'a': 1", "expected ',' or '}' at character 8"],
    ['[1, 2] x', 'unexpected text after the literal at character 8'],
    ['[1,,2]', "unexpected character ',' at character 4"],
    ['foo', "unknown name 'foo' at character 1"],
    ["{'a': float('nan')}", "unknown name 'float' at character 7"],
    ['{1, 2}', "expected ':' after a dict key at character 3"],
    ["{(1, 2): 3}", 'dict keys must be strings or numbers at character 2'],
    ["'abc", 'unterminated string at character 5'],
    ["'a\nb'", 'line break inside a string at character 3'],
    ["'\\x4'", '\\x needs 2 hex digits at character 2'],
    ["'\\U00110000'", '\\U00110000 is beyond Unicode at character 2'],
    ['1j', 'unexpected character in a number at character 2'],
    ['0x10', 'unexpected character in a number at character 2'],
    ["b'x'", "unknown name 'b' at character 1"],
    ['-True', 'expected a number after the sign at character 2'],
    ['[1] [2]', 'unexpected text after the literal at character 5'],
  ])('rejects %j: %s', (text, message) => {
    let caught: unknown;
    try {
      parsePythonLiteral(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LiteralSyntaxError);
    expect((caught as LiteralSyntaxError).message).toBe(message);
  });

  it('refuses nesting deep enough to exhaust the stack', () => {
    expect(() => parsePythonLiteral('['.repeat(10_000))).toThrow('nesting deeper than 128 levels');
    expect(parsePythonLiteral(`${'['.repeat(100)}${']'.repeat(100)}`)).toBeInstanceOf(Array);
  });

  it('reads NumPy 2 scalar reprs as the values they hold, with np. or numpy.', () => {
    expect(
      parsePythonLiteral(
        "{'a': np.int64(10), 'b': np.float32(0.9), 'c': np.float64(-2.5e3), 'd': np.True_, 'e': np.False_, " +
          "'f': np.str_('person'), 'g': numpy.uint8(7), 'h': np.float64(nan), 'i': np.float32(-inf), 'j': np.bool_(True)}",
      ),
    ).toEqual({ a: 10, b: 0.9, c: -2500, d: true, e: false, f: 'person', g: 7, h: Number.NaN, i: Number.NEGATIVE_INFINITY, j: true });
  });

  it('reads NumPy 2 long doubles, whose repr quotes the digits: np.longdouble(\'5.0\')', () => {
    expect(
      parsePythonLiteral(
        "{'a': np.longdouble('5.0'), 'b': np.longdouble('-inf'), 'c': np.longdouble('nan'), " +
          "'d': np.float128('0.10000000000000000555'), 'e': np.longdouble('1.0000000000000000525e+301')}",
      ),
    ).toEqual({ a: 5, b: Number.NEGATIVE_INFINITY, c: Number.NaN, d: 0.1, e: 1e301 });
  });

  it.each([
    ['np.array([1])', "unknown name 'np.array' at character 1"],
    ['np.int64(1.5)', 'np.int64() needs a whole number at character 10'],
    ["np.float32('x')", 'np.float32() needs a number at character 12'],
    ['np.int64', "unknown name 'np.int64' at character 1"],
    ['np.int64(1', "expected ')' after np.int64(...) at character 11"],
    ["np.longdouble('x')", 'np.longdouble() needs a number at character 15'],
    ['os.system(1)', "unknown name 'os' at character 1"],
  ])('refuses %s, which is not a NumPy scalar repr', (text, message) => {
    let caught: unknown;
    try {
      parsePythonLiteral(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LiteralSyntaxError);
    expect((caught as LiteralSyntaxError).message).toBe(message);
  });
});
