// transit-json, as Sente's Transit packer (transit-clj) writes it and Orleans.Sente's server reads
// and writes it: keywords "~:ns/name", maps ["^ ",k,v,…], sets ["~#set",[…]], uuids "~u…", instants
// "~m<ms>", integers beyond 2^53 "~i…", big integers "~n…", and the write cache (^0, ^1, … ^ZZ) for
// map keys of 4 characters or more and for keywords, symbols and tags. No dependencies; import it
// only when the client uses this packer: createClient({ packer: transitPacker }).

import { EdnSymbol, Keyword, MAX_DEPTH, PackError, TaggedValue, Uuid, isPlainObject, keyword, makeMap, objectKey, symbol } from "./values.js";

const CACHE_DIGITS = 44;
const CACHE_SIZE = CACHE_DIGITS * CACHE_DIGITS;
const MIN_CACHEABLE = 4;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** @param {string} s @param {boolean} asMapKey */
function isCacheable(s, asMapKey) {
  return s.length >= MIN_CACHEABLE && (asMapKey || (s[0] === "~" && (s[1] === ":" || s[1] === "$" || s[1] === "#")));
}

/** @param {number} i */
function cacheCode(i) {
  return i < CACHE_DIGITS ? "^" + String.fromCharCode(48 + i) : "^" + String.fromCharCode(48 + Math.floor(i / CACHE_DIGITS)) + String.fromCharCode(48 + (i % CACHE_DIGITS));
}

/** @param {string} code @returns {number} the index, or -1 for no code a writer makes */
function cacheIndex(code) {
  /** @param {number} c */
  const digit = (c) => (c >= 48 && c < 48 + CACHE_DIGITS ? c - 48 : -1);
  if (code.length === 2) {
    return digit(code.charCodeAt(1));
  }
  if (code.length === 3) {
    const hi = digit(code.charCodeAt(1));
    const lo = digit(code.charCodeAt(2));
    return hi < 0 || lo < 0 ? -1 : hi * CACHE_DIGITS + lo;
  }
  return -1;
}

// ---------------------------------------------------------------- writing

/**
 * A JSON string as Jackson writes it (and the server): `"` and `\` escaped, control characters as
 * `\n`, `\t`, `\r`, `\f`, `\b` or `\u00XX` (upper-case hex), everything else as it is.
 * @param {string} s
 */
function jsonString(s) {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
      continue;
    }
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += "\\\\"; break;
      case 0x0a: out += "\\n"; break;
      case 0x09: out += "\\t"; break;
      case 0x0d: out += "\\r"; break;
      case 0x0c: out += "\\f"; break;
      case 0x08: out += "\\b"; break;
      default: out += "\\u00" + c.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return out + s.slice(start) + '"';
}

class Writer {
  /** @type {Map<string, string>} */
  #codes = new Map();
  #next = 0;

  /** @param {string} s @param {boolean} asMapKey */
  str(s, asMapKey) {
    if (isCacheable(s, asMapKey)) {
      const code = this.#codes.get(s);
      if (code !== undefined) {
        return jsonString(code);
      }
      if (this.#next === CACHE_SIZE) {
        this.#codes.clear();
        this.#next = 0;
      }
      this.#codes.set(s, cacheCode(this.#next++));
    }
    return jsonString(s);
  }

  /** @param {unknown} v @param {number} depth @returns {string} */
  value(v, depth) {
    switch (typeof v) {
      case "undefined":
        return "null";
      case "boolean":
        return v ? "true" : "false";
      case "number":
        return Number.isFinite(v) ? (Object.is(v, -0) ? "-0.0" : JSON.stringify(v)) : this.str(v > 0 ? "~zINF" : v < 0 ? "~z-INF" : "~zNaN", false);
      case "bigint":
        return v >= -SAFE_MAX && v <= SAFE_MAX ? String(v) : this.str(scalarText(v), false);
      case "string":
        return this.str(escape(v), false);
      case "object":
        break;
      default:
        throw new PackError(`Transit cannot write a ${typeof v}`);
    }
    if (v === null) {
      return "null";
    }
    if (v instanceof Keyword || v instanceof EdnSymbol || v instanceof Uuid || v instanceof Date) {
      return this.str(scalarText(v), false);
    }
    if (depth >= MAX_DEPTH) {
      throw new PackError(`Value nested deeper than ${MAX_DEPTH}`);
    }
    if (Array.isArray(v)) {
      return "[" + v.map((x) => this.value(x, depth + 1)).join(",") + "]";
    }
    if (v instanceof Set) {
      return this.tagged("set", "[" + [...v].map((x) => this.value(x, depth + 1)).join(",") + "]");
    }
    if (v instanceof TaggedValue) {
      return this.tagged(v.tag, this.value(v.value, depth + 1));
    }
    if (v instanceof Map) {
      const entries = [...v.entries()];
      if (entries.every(([k]) => isStringableKey(k))) {
        return this.stringMap(entries.map(([k, x]) => [scalarText(k), x]), depth);
      }
      const parts = [];
      for (const [k, x] of entries) {
        parts.push(this.value(k, depth + 1), this.value(x, depth + 1));
      }
      return this.tagged("cmap", "[" + parts.join(",") + "]");
    }
    if (isPlainObject(v)) {
      return this.stringMap(Object.entries(v).map(([k, x]) => [scalarText(objectKey(k)), x]), depth);
    }
    throw new PackError(`Transit cannot write ${Object.prototype.toString.call(v)}`);
  }

  /** @param {[string, unknown][]} entries keys already as their Transit strings @param {number} depth */
  stringMap(entries, depth) {
    let out = '["^ "';
    for (const [k, x] of entries) {
      out += "," + this.str(k, true) + "," + this.value(x, depth + 1);
    }
    return out + "]";
  }

  /** @param {string} tag @param {string} rep */
  tagged(tag, rep) {
    return "[" + this.str("~#" + tag, false) + "," + rep + "]";
  }
}

/** A string that starts like a Transit form gets a leading "~". @param {string} s */
function escape(s) {
  return s.length > 0 && (s[0] === "~" || s[0] === "^" || s[0] === "`") ? "~" + s : s;
}

/** @param {unknown} k */
function isStringableKey(k) {
  return k === null || k === undefined || ["boolean", "number", "bigint", "string"].includes(typeof k)
    || k instanceof Keyword || k instanceof EdnSymbol || k instanceof Uuid || k instanceof Date;
}

/**
 * The string a scalar is written as: always as a map key, and for values without a JSON form.
 * @param {unknown} v
 * @returns {string}
 */
function scalarText(v) {
  if (v === null || v === undefined) {
    return "~_";
  }
  if (typeof v === "boolean") {
    return v ? "~?t" : "~?f";
  }
  if (typeof v === "number") {
    if (Number.isNaN(v)) {
      return "~zNaN";
    }
    if (!Number.isFinite(v)) {
      return v > 0 ? "~zINF" : "~z-INF";
    }
    return Number.isSafeInteger(v) && !Object.is(v, -0) ? "~i" + v : "~d" + v;
  }
  if (typeof v === "bigint") {
    return (v >= INT64_MIN && v <= INT64_MAX ? "~i" : "~n") + v;
  }
  if (typeof v === "string") {
    return escape(v);
  }
  if (v instanceof Keyword) {
    return "~:" + v.text;
  }
  if (v instanceof EdnSymbol) {
    return "~$" + v.text;
  }
  if (v instanceof Uuid) {
    return "~u" + v.value;
  }
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) {
      throw new PackError("Transit cannot write an invalid Date");
    }
    return "~m" + ms;
  }
  throw new PackError(`Transit cannot write ${Object.prototype.toString.call(v)} as a map key`);
}

/**
 * Writes a value as transit-json, with one write cache over the whole frame. A scalar as the whole
 * frame is quoted (`["~#'",x]`), as Transit requires. Throws a PackError for values Transit cannot
 * write (functions, symbols, invalid dates, nesting past 100 levels).
 * @param {unknown} value
 * @returns {string}
 */
export function writeTransit(value) {
  const w = new Writer();
  const composite = value !== null && typeof value === "object" && !(value instanceof Keyword || value instanceof EdnSymbol || value instanceof Uuid || value instanceof Date);
  return composite ? w.value(value, 0) : "[" + w.str("~#'", false) + "," + w.value(value, 0) + "]";
}

// ---------------------------------------------------------------- reading

/** A tag read from "~#tag": the head of a tagged value, never a value itself. */
class Tag {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
  }
}

class Reader {
  /** @type {unknown[]} */
  cache = [];

  /** @param {unknown} node @param {number} depth @param {boolean} asMapKey @returns {unknown} */
  any(node, depth, asMapKey) {
    if (typeof node === "string") {
      return this.string(node, asMapKey);
    }
    if (Array.isArray(node)) {
      return this.array(node, depth);
    }
    if (node !== null && typeof node === "object") {
      return this.object(/** @type {Record<string, unknown>} */ (node), depth);
    }
    return node;
  }

  /** @param {unknown} node @param {number} depth @param {boolean} asMapKey */
  value(node, depth, asMapKey = false) {
    const v = this.any(node, depth, asMapKey);
    if (v instanceof Tag) {
      throw new PackError(`Transit: a tag "~#${v.name}" where a value belongs`);
    }
    return v;
  }

  /** @param {string} s @param {boolean} asMapKey */
  string(s, asMapKey) {
    if (s.length > 0 && s[0] === "^" && s !== "^ ") {
      const i = cacheIndex(s);
      if (i < 0 || i >= this.cache.length) {
        throw new PackError(`Transit: cache reference "${s}" was never defined`);
      }
      return this.cache[i];
    }
    const v = decodeString(s);
    if (isCacheable(s, asMapKey)) {
      if (this.cache.length === CACHE_SIZE) {
        this.cache.length = 0;
      }
      this.cache.push(v);
    }
    return v;
  }

  /** @param {number} depth */
  enter(depth) {
    if (depth >= MAX_DEPTH) {
      throw new PackError(`Transit: nested deeper than ${MAX_DEPTH}`);
    }
  }

  /** @param {unknown[]} a @param {number} depth */
  array(a, depth) {
    this.enter(depth);
    if (a.length === 0) {
      return [];
    }
    if (a[0] === "^ ") {
      if (a.length % 2 === 0) {
        throw new PackError("Transit: a map with a key and no value");
      }
      /** @type {[unknown, unknown][]} */
      const entries = [];
      for (let i = 1; i < a.length; i += 2) {
        const key = this.any(a[i], depth + 1, true);
        if (key instanceof Tag) {
          if (a.length !== 3) {
            throw new PackError("Transit: a tagged value in a map holds one entry");
          }
          return this.tagged(key, a[2], depth);
        }
        entries.push([key, this.value(a[i + 1], depth + 1)]);
      }
      return makeMap(entries);
    }
    const first = this.any(a[0], depth + 1, false);
    if (first instanceof Tag) {
      if (a.length !== 2) {
        throw new PackError(`Transit: a tag "~#${first.name}" and one value`);
      }
      return this.tagged(first, a[1], depth);
    }
    const out = [first];
    for (let i = 1; i < a.length; i++) {
      out.push(this.value(a[i], depth + 1));
    }
    return out;
  }

  /** The verbose form: a JSON object is a map, or a tagged value when its one key is a tag. @param {Record<string, unknown>} o @param {number} depth */
  object(o, depth) {
    this.enter(depth);
    const keys = Object.keys(o);
    /** @type {[unknown, unknown][]} */
    const entries = [];
    for (const k of keys) {
      const key = this.any(k, depth + 1, true);
      if (key instanceof Tag) {
        if (keys.length !== 1) {
          throw new PackError("Transit: a tagged value in an object holds one entry");
        }
        return this.tagged(key, o[k], depth);
      }
      entries.push([key, this.value(o[k], depth + 1)]);
    }
    return makeMap(entries);
  }

  /** @param {Tag} tag @param {unknown} rep @param {number} depth */
  tagged(tag, rep, depth) {
    switch (tag.name) {
      case "'":
        return this.value(rep, depth);
      case "set":
        return new Set(this.items(rep, depth, "set"));
      case "list":
        return this.items(rep, depth, "list");
      case "cmap": {
        const items = this.items(rep, depth, "cmap");
        if (items.length % 2 !== 0) {
          throw new PackError("Transit: a cmap with an odd number of items");
        }
        /** @type {[unknown, unknown][]} */
        const entries = [];
        for (let i = 0; i < items.length; i += 2) {
          entries.push([items[i], items[i + 1]]);
        }
        return makeMap(entries);
      }
      case "ratio": {
        const [n, d] = this.pair(rep);
        if (d === 0n) {
          throw new PackError("Transit: a ratio's denominator is zero");
        }
        return Number(n) / Number(d);
      }
      case "u": {
        const [hi, lo] = this.pair(rep);
        const hex = BigInt.asUintN(64, hi).toString(16).padStart(16, "0") + BigInt.asUintN(64, lo).toString(16).padStart(16, "0");
        return new Uuid(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
      }
      default:
        this.enter(depth);
        return new TaggedValue(tag.name, this.value(rep, depth + 1));
    }
  }

  /** @param {unknown} rep @param {number} depth @param {string} what */
  items(rep, depth, what) {
    if (!Array.isArray(rep)) {
      throw new PackError(`Transit: the items of a ${what} must be an array`);
    }
    this.enter(depth);
    return rep.map((x) => this.value(x, depth + 1));
  }

  /** Two integers [a,b]: a ratio's parts, a uuid's halves. @param {unknown} rep @returns {[bigint, bigint]} */
  pair(rep) {
    if (!Array.isArray(rep) || rep.length !== 2) {
      throw new PackError("Transit: expected a pair of integers");
    }
    /** @param {unknown} x */
    const int = (x) => {
      const v = this.value(x, 0);
      if (typeof v === "bigint") {
        return v;
      }
      if (typeof v === "number" && Number.isSafeInteger(v)) {
        return BigInt(v);
      }
      throw new PackError("Transit: expected an integer");
    };
    return [int(rep[0]), int(rep[1])];
  }
}

/** @param {string} digits @param {string} s */
function wholeNumber(digits, s) {
  if (!/^-?\d{1,4096}$/.test(digits)) {
    throw new PackError(`Transit: not an integer: "${s}"`);
  }
  return BigInt(digits);
}

/** @param {string} s @returns {unknown} */
function decodeString(s) {
  if (s.length < 2 || s[0] !== "~") {
    return s;
  }
  const rest = s.slice(2);
  switch (s[1]) {
    case "~":
    case "^":
    case "`":
      return s.slice(1);
    case "#":
      return new Tag(rest);
    case ":":
      return checked(() => keyword(rest), s);
    case "$":
      return checked(() => symbol(rest), s);
    case "c":
      if ([...rest].length !== 1) {
        throw new PackError(`Transit: not one character: "${s}"`);
      }
      return rest;
    case "u":
      return checked(() => new Uuid(rest), s);
    case "m": {
      const ms = /^-?\d{1,16}$/.test(rest) ? Number(rest) : NaN;
      return validDate(new Date(ms), s);
    }
    case "t":
      return validDate(new Date(rest.length <= 64 ? rest : NaN), s);
    case "i": {
      const n = wholeNumber(rest, s);
      return n >= -SAFE_MAX && n <= SAFE_MAX ? Number(n) : n;
    }
    case "n":
      return wholeNumber(rest, s);
    case "f":
    case "d": {
      const d = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(rest) ? Number(rest) : NaN;
      if (Number.isNaN(d)) {
        throw new PackError(`Transit: not a number: "${s}"`);
      }
      return d;
    }
    case "z":
      if (rest === "NaN") return NaN;
      if (rest === "INF") return Infinity;
      if (rest === "-INF") return -Infinity;
      throw new PackError(`Transit: not a special number: "${s}"`);
    case "_":
      if (rest === "") return null;
      break;
    case "?":
      if (rest === "t") return true;
      if (rest === "f") return false;
      break;
  }
  throw new PackError(`Transit: no value for the form "${s.slice(0, 2)}"`);
}

/** @template T @param {() => T} make @param {string} s @returns {T} */
function checked(make, s) {
  try {
    return make();
  } catch {
    throw new PackError(`Transit: not a valid value: "${s}"`);
  }
}

/** @param {Date} d @param {string} s */
function validDate(d, s) {
  if (Number.isNaN(d.getTime())) {
    throw new PackError(`Transit: not an instant: "${s}"`);
  }
  return d;
}

/**
 * Reads one transit-json frame, cached or verbose. Throws a PackError for malformed JSON, a cache
 * code never defined, `~b` binary and `~r` URIs, an unreadable `~` form, nesting past 100 levels.
 * @param {string} text
 * @returns {unknown}
 */
export function readTransit(text) {
  let node;
  try {
    node = JSON.parse(text);
  } catch (e) {
    throw new PackError(`Transit: malformed JSON (${/** @type {Error} */ (e).message})`);
  }
  return new Reader().value(node, 0);
}

/**
 * Sente's Transit packer (`transit-json`): text frames, `packer=transit`.
 * @type {import("./sente-client.js").Packer}
 */
export const transitPacker = Object.freeze({
  name: "transit",
  binary: false,
  pack: writeTransit,
  unpack: (/** @type {string | Uint8Array} */ data) => readTransit(typeof data === "string" ? data : new TextDecoder().decode(data)),
});
