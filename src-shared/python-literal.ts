/**
 * A strict reader for the literals Python's `repr()` and `json.dumps()` write: dicts, lists,
 * tuples (read as arrays), strings in either quote with escapes, ints, floats, `True`/`False`/
 * `None` and their JSON spellings, and the non-finite floats (`nan`, `inf`, `-inf`, `NaN`,
 * `Infinity`, `-Infinity`) that both write for NaN and infinities.
 *
 * The seed CSV's metadata cells were written by Python, sometimes with `str(dict)` rather than
 * `json.dumps`, so they can hold single quotes, `True` or `nan`, none of which `JSON.parse`
 * accepts. NumPy 2 prints its scalars as calls (`np.int64(10)`, `np.float32(0.9)`, `np.True_`,
 * `np.str_('a')`, also spelled `numpy.`): those are read as the values they hold. Anything else (names, calls, sets, bytes, trailing text) is a `LiteralSyntaxError`
 * with the character offset, so a malformed row is reported rather than half-read.
 *
 * ```ts
 * parsePythonLiteral("{'a': (1, 2.5e3), 'b': None, 'c': nan}")
 * // { a: [1, 2500], b: null, c: NaN }
 * ```
 */
import { CrowdheatError } from './errors.js';

export type LiteralValue = null | boolean | number | string | LiteralValue[] | { [key: string]: LiteralValue };

/** The text is not a literal; `offset` is where reading stopped (0-based character index). */
export class LiteralSyntaxError extends CrowdheatError {
  override readonly name = 'LiteralSyntaxError';
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at character ${offset + 1}`);
  }
}

/** Deep enough for any metadata record; a guard against stack overflow on hostile input. */
const MAX_DEPTH = 128;

const NAMED_VALUES: ReadonlyMap<string, LiteralValue> = new Map<string, LiteralValue>([
  ['True', true],
  ['False', false],
  ['None', null],
  ['true', true],
  ['false', false],
  ['null', null],
  ['nan', Number.NaN],
  ['NaN', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['Infinity', Number.POSITIVE_INFINITY],
]);

/** NumPy scalar types whose repr is `np.<type>(<value>)`, by the kind of value they hold. */
const NUMPY_SCALARS: ReadonlyMap<string, 'number' | 'longdouble' | 'integer' | 'string' | 'boolean'> = new Map([
  ...['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'intc', 'uintc', 'intp', 'uintp',
    'int_', 'uint', 'longlong', 'ulonglong', 'short', 'ushort', 'byte', 'ubyte', 'long', 'ulong']
    .map((name) => [name, 'integer'] as const),
  ...['float16', 'float32', 'float64', 'half', 'single', 'double', 'float_'].map((name) => [name, 'number'] as const),
  // NumPy 2 prints a long double with its digits quoted: np.longdouble('0.10000000000000000555').
  ...['float96', 'float128', 'longdouble'].map((name) => [name, 'longdouble'] as const),
  ['str_', 'string'],
  ['bool_', 'boolean'],
  ['bool', 'boolean'],
]);
/** NumPy 2's reprs of its two booleans. */
const NUMPY_NAMED: ReadonlyMap<string, boolean> = new Map([
  ['True_', true],
  ['False_', false],
]);

const PYTHON_FLOAT_PATTERN = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** The number a string holds as Python's `float()` reads it (`'5.0'`, `'-inf'`, `'nan'`), or undefined. */
function pythonFloat(text: string): number | undefined {
  const trimmed = text.trim();
  if (!PYTHON_FLOAT_PATTERN.test(trimmed)) return undefined;
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = trimmed.replace(/^[+-]/, '').toLowerCase();
  if (body === 'nan') return Number.NaN;
  if (body === 'inf' || body === 'infinity') return sign * Number.POSITIVE_INFINITY;
  return Number(trimmed);
}

const NUMBER_PATTERN = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME_PATTERN = /[A-Za-z_][A-Za-z0-9_]*/y;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '\n': '',
};

export function parsePythonLiteral(text: string): LiteralValue {
  const reader = new LiteralReader(text);
  const value = reader.value(0);
  reader.skipSpace();
  if (!reader.atEnd()) reader.fail('unexpected text after the literal');
  return value;
}

class LiteralReader {
  private position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  fail(reason: string): never {
    throw new LiteralSyntaxError(reason, this.position);
  }

  skipSpace(): void {
    const text = this.text;
    let p = this.position;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p += 1;
    }
    this.position = p;
  }

  value(depth: number): LiteralValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.skipSpace();
    if (this.atEnd()) this.fail('unexpected end of text');
    const c = this.text[this.position];
    switch (c) {
      case '{':
        return this.dict(depth);
      case '[':
        return this.sequence(']', depth);
      case '(':
        return this.parenthesised(depth);
      case "'":
      case '"':
        return this.string();
      case '-':
      case '+':
        return this.signed();
      default:
        if ((c >= '0' && c <= '9') || c === '.') return this.unsignedNumber();
        return this.named(depth);
    }
  }

  private expect(char: string, what: string): void {
    this.skipSpace();
    if (this.text[this.position] !== char) this.fail(`expected ${what}`);
    this.position += 1;
  }

  /** After an item: true when `close` ends the container, false when a comma leads to another item. */
  private itemEnd(close: string): boolean {
    this.skipSpace();
    const c = this.text[this.position];
    if (c === close) {
      this.position += 1;
      return true;
    }
    if (c !== ',') this.fail(`expected ',' or '${close}'`);
    this.position += 1;
    this.skipSpace();
    if (this.text[this.position] === close) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private dict(depth: number): { [key: string]: LiteralValue } {
    this.position += 1;
    // No prototype: a key such as `__proto__` stays an ordinary key.
    const result = Object.create(null) as { [key: string]: LiteralValue };
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position += 1;
      return result;
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.position;
      const key = this.value(depth + 1);
      if (typeof key !== 'string' && typeof key !== 'number') {
        this.position = keyStart;
        this.fail('dict keys must be strings or numbers');
      }
      this.expect(':', "':' after a dict key");
      result[String(key)] = this.value(depth + 1);
      if (this.itemEnd('}')) return result;
    }
  }

  private sequence(close: string, depth: number): LiteralValue[] {
    this.position += 1;
    const items: LiteralValue[] = [];
    this.skipSpace();
    if (this.text[this.position] === close) {
      this.position += 1;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      if (this.itemEnd(close)) return items;
    }
  }

  /** `(x)` is x itself; `()`, `(x,)` and `(x, y)` are tuples, read as arrays. */
  private parenthesised(depth: number): LiteralValue {
    this.position += 1;
    this.skipSpace();
    if (this.text[this.position] === ')') {
      this.position += 1;
      return [];
    }
    const first = this.value(depth + 1);
    this.skipSpace();
    if (this.text[this.position] === ')') {
      this.position += 1;
      return first;
    }
    const items: LiteralValue[] = [first];
    if (this.itemEnd(')')) return items;
    for (;;) {
      items.push(this.value(depth + 1));
      if (this.itemEnd(')')) return items;
    }
  }

  private string(): string {
    const text = this.text;
    const quote = text[this.position];
    let p = this.position + 1;
    let result = '';
    let runStart = p;
    for (;;) {
      if (p >= text.length) {
        this.position = p;
        this.fail('unterminated string');
      }
      const c = text[p];
      if (c === quote) break;
      if (c === '\n' || c === '\r') {
        this.position = p;
        this.fail('line break inside a string');
      }
      if (c !== '\\') {
        p += 1;
        continue;
      }
      result += text.slice(runStart, p);
      const escape = text[p + 1];
      if (escape === undefined) {
        this.position = p;
        this.fail('unterminated string');
      }
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        result += simple;
        p += 2;
      } else if (escape === 'x' || escape === 'u' || escape === 'U') {
        const digits = escape === 'x' ? 2 : escape === 'u' ? 4 : 8;
        const hex = text.slice(p + 2, p + 2 + digits);
        if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) {
          this.position = p;
          this.fail(`\\${escape} needs ${digits} hex digits`);
        }
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) {
          this.position = p;
          this.fail(`\\${escape}${hex} is beyond Unicode`);
        }
        result += String.fromCodePoint(code);
        p += 2 + digits;
      } else if (escape >= '0' && escape <= '7') {
        const octal = /^[0-7]{1,3}/.exec(text.slice(p + 1, p + 4))?.[0] ?? '';
        result += String.fromCharCode(Number.parseInt(octal, 8));
        p += 1 + octal.length;
      } else {
        // Python keeps the backslash of an escape it does not know.
        result += '\\';
        p += 1;
      }
      runStart = p;
    }
    result += text.slice(runStart, p);
    this.position = p + 1;
    return result;
  }

  private signed(): number {
    const negative = this.text[this.position] === '-';
    this.position += 1;
    const c = this.text[this.position];
    let magnitude: number;
    if ((c >= '0' && c <= '9') || c === '.') {
      magnitude = this.unsignedNumber();
    } else {
      const start = this.position;
      const name = this.name();
      const value = NAMED_VALUES.get(name);
      if (typeof value !== 'number') {
        this.position = start;
        this.fail('expected a number after the sign');
      }
      magnitude = value;
    }
    return negative ? -magnitude : magnitude;
  }

  private unsignedNumber(): number {
    NUMBER_PATTERN.lastIndex = this.position;
    const match = NUMBER_PATTERN.exec(this.text);
    if (match === null) this.fail('expected a number');
    const end = this.position + match[0].length;
    const next = this.text.charCodeAt(end);
    // `1j`, `0x10`, `1_000`, `10L`: valid Python or Python 2, never written for metadata; refuse them.
    if ((next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a) || next === 0x5f) {
      this.position = end;
      this.fail('unexpected character in a number');
    }
    this.position = end;
    return Number(match[0]);
  }

  private name(): string {
    NAME_PATTERN.lastIndex = this.position;
    const match = NAME_PATTERN.exec(this.text);
    if (match === null) this.fail(`unexpected character '${this.text[this.position]}'`);
    this.position += match[0].length;
    return match[0];
  }

  private named(depth: number): LiteralValue {
    const start = this.position;
    const name = this.name();
    const quote = this.text[this.position];
    // Python 2 writes unicode strings as u'...'.
    if ((name === 'u' || name === 'U') && (quote === "'" || quote === '"')) return this.string();
    if ((name === 'np' || name === 'numpy') && this.text[this.position] === '.') return this.numpyScalar(start, depth);
    const value = NAMED_VALUES.get(name);
    if (value === undefined) {
      this.position = start;
      this.fail(`unknown name '${name}'`);
    }
    return value;
  }

  /** After `np` or `numpy` (at `start`), at its `.`: a NumPy 2 scalar repr, read as the value it holds. */
  private numpyScalar(start: number, depth: number): LiteralValue {
    this.position += 1;
    const type = this.name();
    const named = NUMPY_NAMED.get(type);
    if (named !== undefined) return named;
    const kind = NUMPY_SCALARS.get(type);
    if (kind === undefined || this.text[this.position] !== '(') {
      const dotted = this.text.slice(start, this.position);
      this.position = start;
      this.fail(`unknown name '${dotted}'`);
    }
    this.position += 1;
    const valueStart = this.position;
    let value = this.value(depth + 1);
    if (kind === 'longdouble' && typeof value === 'string') value = pythonFloat(value) ?? value;
    const fits =
      kind === 'string' ? typeof value === 'string'
        : kind === 'boolean' ? typeof value === 'boolean'
          : kind === 'integer' ? typeof value === 'number' && Number.isInteger(value)
            : typeof value === 'number';
    if (!fits) {
      this.position = valueStart;
      this.fail(`np.${type}() needs ${kind === 'integer' ? 'a whole number' : kind === 'longdouble' ? 'a number' : `a ${kind}`}`);
    }
    this.expect(')', `')' after np.${type}(...)`);
    return value;
  }
}
