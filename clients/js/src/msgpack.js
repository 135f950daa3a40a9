// Sente 1.22's MessagePack dialect (taoensso.msgpack), as Orleans.Sente's server reads and writes
// it: binary frames; keywords, symbols, chars, ratios, sets, uuids and instants as extension types
// 0, 1, 2, 3, 4, 9 and -1; a keyword or string map key seen before in the frame as extension 8
// with its index (the first 256 such keys). No dependencies; import it only when the client uses
// this packer: createClient({ packer: msgpackPacker }).

import { EdnSymbol, Keyword, MAX_DEPTH, PackError, TaggedValue, Uuid, isPlainObject, keyword, makeMap, objectKey, symbol } from "./values.js";

const KEYWORD = 0;
const SYMBOL = 1;
const CHAR = 2;
const RATIO = 3;
const SET = 4;
const CACHED_KEY = 8;
const UUID = 9;
const INSTANT = -1;
const MAX_CACHED_KEYS = 256;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

// ---------------------------------------------------------------- writing

class Writer {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  length = 0;
  /** Keyword and string map keys written so far ("k:" or "s:" + text) and their index. @type {Map<string, number>} */
  keys;

  /** @param {Map<string, number>} keys */
  constructor(keys) {
    this.keys = keys;
  }

  /** @param {number} n */
  reserve(n) {
    if (this.length + n <= this.buf.length) {
      return;
    }
    let size = this.buf.length * 2;
    while (size < this.length + n) {
      size *= 2;
    }
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** @param {number[]} bytes */
  bytes(...bytes) {
    this.reserve(bytes.length);
    for (const b of bytes) {
      this.buf[this.length++] = b;
    }
  }

  /** @param {Uint8Array} data */
  raw(data) {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** @param {number} code @param {"setUint16" | "setUint32" | "setInt8" | "setInt16" | "setInt32" | "setFloat64"} how @param {number} size @param {number} v */
  num(code, how, size, v) {
    this.reserve(1 + size);
    this.buf[this.length++] = code;
    this.view[how](this.length, v);
    this.length += size;
  }

  /** @param {number} code @param {bigint} v @param {boolean} signed */
  big(code, v, signed) {
    this.reserve(9);
    this.buf[this.length++] = code;
    if (signed) {
      this.view.setBigInt64(this.length, v);
    } else {
      this.view.setBigUint64(this.length, v);
    }
    this.length += 8;
  }

  /** Sente's integer forms: fixints, then int8..int32 below zero, uint8..uint32 above, int64 beyond. @param {number} n */
  int(n) {
    if (n >= -32 && n <= 127) {
      this.bytes(n & 0xff);
    } else if (n < 0) {
      if (n >= -0x80) this.num(0xd0, "setInt8", 1, n);
      else if (n >= -0x8000) this.num(0xd1, "setInt16", 2, n);
      else if (n >= -0x80000000) this.num(0xd2, "setInt32", 4, n);
      else this.big(0xd3, BigInt(n), true);
    } else if (n <= 0xff) {
      this.bytes(0xcc, n);
    } else if (n <= 0xffff) {
      this.num(0xcd, "setUint16", 2, n);
    } else if (n <= 0xffffffff) {
      this.num(0xce, "setUint32", 4, n);
    } else {
      this.big(0xd3, BigInt(n), true);
    }
  }

  /** @param {number} prefix fix form's first byte @param {number} fixMax @param {number} code16 @param {number} n */
  header(prefix, fixMax, code16, n) {
    if (n <= fixMax) this.bytes(prefix | n);
    else if (n <= 0xffff) this.num(code16, "setUint16", 2, n);
    else this.num(code16 + 1, "setUint32", 4, n);
  }

  /** @param {string} s */
  str(s) {
    const data = utf8.encode(s);
    const n = data.length;
    if (n < 32) this.bytes(0xa0 | n);
    else if (n <= 0xff) this.bytes(0xd9, n);
    else if (n <= 0xffff) this.num(0xda, "setUint16", 2, n);
    else this.num(0xdb, "setUint32", 4, n);
    this.raw(data);
  }

  /** @param {number} type @param {Uint8Array} data */
  ext(type, data) {
    const n = data.length;
    const t = type & 0xff;
    const fixed = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }[n];
    if (fixed !== undefined) this.bytes(fixed, t);
    else if (n <= 0xff) this.bytes(0xc7, n, t);
    else if (n <= 0xffff) {
      this.num(0xc8, "setUint16", 2, n);
      this.bytes(t);
    } else {
      this.num(0xc9, "setUint32", 4, n);
      this.bytes(t);
    }
    this.raw(data);
  }

  /** An extension whose content is packed values, sharing this frame's key cache. @param {number} type @param {(w: Writer) => void} fill */
  nested(type, fill) {
    const inner = new Writer(this.keys);
    fill(inner);
    this.ext(type, inner.buf.subarray(0, inner.length));
  }

  /** @param {unknown} v @param {number} depth */
  value(v, depth) {
    switch (typeof v) {
      case "undefined":
        this.bytes(0xc0);
        return;
      case "boolean":
        this.bytes(v ? 0xc3 : 0xc2);
        return;
      case "number":
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          this.int(v);
        } else if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) {
          this.big(0xd3, BigInt(v), true);
        } else {
          this.num(0xcb, "setFloat64", 8, v);
        }
        return;
      case "bigint":
        if (v >= INT64_MIN && v <= INT64_MAX) {
          if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) this.int(Number(v));
          else this.big(0xd3, v, true);
        } else if (v > 0n && v <= UINT64_MAX) {
          this.big(0xcf, v, false);
        } else {
          // Beyond 64 bits the dialect has no integer form: the nearest double, as the server writes it.
          this.num(0xcb, "setFloat64", 8, Number(v));
        }
        return;
      case "string":
        this.str(v);
        return;
      case "object":
        break;
      default:
        throw new PackError(`MessagePack cannot write a ${typeof v}`);
    }
    if (v === null) {
      this.bytes(0xc0);
    } else if (v instanceof Keyword) {
      this.ext(KEYWORD, utf8.encode(v.text));
    } else if (v instanceof EdnSymbol) {
      this.ext(SYMBOL, utf8.encode(v.text));
    } else if (v instanceof Uuid) {
      this.ext(UUID, utf8.encode(v.value));
    } else if (v instanceof Date) {
      this.instant(v);
    } else {
      if (depth >= MAX_DEPTH) {
        throw new PackError(`Value nested deeper than ${MAX_DEPTH}`);
      }
      if (Array.isArray(v)) {
        this.header(0x90, 15, 0xdc, v.length);
        for (const x of v) this.value(x, depth + 1);
      } else if (v instanceof Set) {
        this.nested(SET, (w) => {
          w.header(0x90, 15, 0xdc, v.size);
          for (const x of v) w.value(x, depth + 1);
        });
      } else if (v instanceof TaggedValue) {
        this.value(v.value, depth + 1);
      } else if (v instanceof Map) {
        this.map([...v.entries()], depth);
      } else if (isPlainObject(v)) {
        this.map(Object.entries(v).map(([k, x]) => [objectKey(k), x]), depth);
      } else {
        throw new PackError(`MessagePack cannot write ${Object.prototype.toString.call(v)}`);
      }
    }
  }

  /** @param {[unknown, unknown][]} entries @param {number} depth */
  map(entries, depth) {
    this.header(0x80, 15, 0xde, entries.length);
    for (const [k, x] of entries) {
      const id = k instanceof Keyword ? "k:" + k.text : typeof k === "string" ? "s:" + k : null;
      const index = id === null ? undefined : this.keys.get(id);
      if (index !== undefined) {
        this.bytes(0xd4, CACHED_KEY, index);
      } else {
        if (id !== null && this.keys.size < MAX_CACHED_KEYS) {
          this.keys.set(id, this.keys.size);
        }
        this.value(k, depth + 1);
      }
      this.value(x, depth + 1);
    }
  }

  /** Always the 12-byte timestamp, as Sente writes it: nanoseconds (u32) then seconds (i64). @param {Date} d */
  instant(d) {
    const ms = d.getTime();
    if (Number.isNaN(ms)) {
      throw new PackError("MessagePack cannot write an invalid Date");
    }
    const seconds = Math.floor(ms / 1000);
    const data = new Uint8Array(12);
    const view = new DataView(data.buffer);
    view.setUint32(0, (ms - seconds * 1000) * 1_000_000);
    view.setBigInt64(4, BigInt(seconds));
    this.ext(INSTANT, data);
  }
}

/**
 * Writes a value in Sente's MessagePack dialect. Throws a PackError for values it cannot write
 * (functions, symbols, binary data, invalid dates, nesting past 100 levels).
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function encodeMsgpack(value) {
  const w = new Writer(new Map());
  w.value(value, 0);
  return w.buf.slice(0, w.length);
}

// ---------------------------------------------------------------- reading

class Reader {
  pos = 0;
  /** Keys cached so far in the frame. @type {unknown[]} */
  keys = [];

  /** @param {Uint8Array} data */
  constructor(data) {
    this.data = data;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.end = data.length;
  }

  /** @param {string} message */
  fail(message) {
    return new PackError(`MessagePack: ${message} (at byte ${this.pos})`);
  }

  /** @param {number} n */
  need(n) {
    if (this.pos + n > this.end) {
      throw this.fail("truncated frame");
    }
  }

  u8() {
    this.need(1);
    return this.data[this.pos++];
  }

  /** @param {"getUint16" | "getUint32" | "getInt8" | "getInt16" | "getInt32" | "getFloat32" | "getFloat64"} how @param {number} size */
  num(how, size) {
    this.need(size);
    const v = this.view[how](this.pos);
    this.pos += size;
    return v;
  }

  /** @param {boolean} signed */
  int64(signed) {
    this.need(8);
    const v = signed ? this.view.getBigInt64(this.pos) : this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /** @param {number} n */
  take(n) {
    this.need(n);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** @param {number} n */
  text(n) {
    const bytes = this.take(n);
    try {
      return strictUtf8.decode(bytes);
    } catch {
      throw this.fail("text is not valid UTF-8");
    }
  }

  /** A count of items, refused when fewer bytes are left than items announced. @param {number} n */
  count(n) {
    if (n > this.end - this.pos) {
      throw this.fail("truncated frame: more items announced than bytes left");
    }
    return n;
  }

  /** @param {number} depth */
  enter(depth) {
    if (depth >= MAX_DEPTH) {
      throw this.fail(`nested deeper than ${MAX_DEPTH}`);
    }
  }

  /** @param {number} depth @returns {unknown} */
  value(depth) {
    const b = this.u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0xa0 && b <= 0xbf) return this.text(b & 0x1f);
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f, depth);
    if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f, depth);
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xca: return this.num("getFloat32", 4);
      case 0xcb: return this.num("getFloat64", 8);
      case 0xcc: return this.u8();
      case 0xcd: return this.num("getUint16", 2);
      case 0xce: return this.num("getUint32", 4);
      case 0xcf: return this.int64(false);
      case 0xd0: return this.num("getInt8", 1);
      case 0xd1: return this.num("getInt16", 2);
      case 0xd2: return this.num("getInt32", 4);
      case 0xd3: return this.int64(true);
      case 0xd9: return this.text(this.u8());
      case 0xda: return this.text(this.num("getUint16", 2));
      case 0xdb: return this.text(this.num("getUint32", 4));
      case 0xdc: return this.array(this.num("getUint16", 2), depth);
      case 0xdd: return this.array(this.num("getUint32", 4), depth);
      case 0xde: return this.map(this.num("getUint16", 2), depth);
      case 0xdf: return this.map(this.num("getUint32", 4), depth);
      case 0xc4: case 0xc5: case 0xc6:
        throw this.fail("binary data has no value here");
      case 0xc1:
        throw this.fail("the never-used byte 0xc1");
      default: {
        const [type, length] = this.extHeader(b);
        return this.extension(type, length, depth);
      }
    }
  }

  /** @param {number} b the first byte of an extension @returns {[number, number]} type, length */
  extHeader(b) {
    let length;
    switch (b) {
      case 0xd4: length = 1; break;
      case 0xd5: length = 2; break;
      case 0xd6: length = 4; break;
      case 0xd7: length = 8; break;
      case 0xd8: length = 16; break;
      case 0xc7: length = this.u8(); break;
      case 0xc8: length = this.num("getUint16", 2); break;
      case 0xc9: length = this.num("getUint32", 4); break;
      default: throw this.fail(`no value for the byte 0x${b.toString(16)}`);
    }
    const type = this.num("getInt8", 1);
    this.need(length);
    return [type, length];
  }

  /** @param {number} n @param {number} depth */
  array(n, depth) {
    this.count(n);
    this.enter(depth);
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.value(depth + 1);
    }
    return out;
  }

  /** @param {number} n @param {number} depth */
  map(n, depth) {
    this.count(n);
    this.enter(depth);
    /** @type {[unknown, unknown][]} */
    const entries = [];
    for (let i = 0; i < n; i++) {
      const key = this.key(depth + 1);
      entries.push([key, this.value(depth + 1)]);
    }
    return makeMap(entries);
  }

  /** A map key: extension 8 is a cached key; a keyword or string read in full is cached while there is room. @param {number} depth */
  key(depth) {
    const b = this.data[this.pos];
    if (this.pos + 1 < this.end && b >= 0xc7 && b <= 0xd8 && (b <= 0xc9 || b >= 0xd4)) {
      const start = this.pos;
      this.pos++;
      const [type, length] = this.extHeader(b);
      if (type === CACHED_KEY) {
        const index = length === 1 ? this.data[this.pos] : -1;
        this.pos += length;
        if (index < 0 || index >= this.keys.length) {
          this.pos = start;
          throw this.fail(`cached key ${index} was never defined`);
        }
        return this.keys[index];
      }
      this.pos = start;
    }
    const key = this.value(depth);
    if ((key instanceof Keyword || typeof key === "string") && this.keys.length < MAX_CACHED_KEYS) {
      this.keys.push(key);
    }
    return key;
  }

  /** @param {number} type @param {number} length @param {number} depth */
  extension(type, length, depth) {
    const start = this.pos;
    const at = () => {
      this.pos = start;
    };
    switch (type) {
      case KEYWORD:
      case SYMBOL: {
        const text = this.text(length);
        try {
          return type === KEYWORD ? keyword(text) : symbol(text);
        } catch {
          at();
          throw this.fail(`not a ${type === KEYWORD ? "keyword" : "symbol"}: ${JSON.stringify(text)}`);
        }
      }
      case CHAR: {
        const text = this.text(length);
        if ([...text].length !== 1) {
          at();
          throw this.fail("a char extension holds one character");
        }
        return text;
      }
      case RATIO: {
        const end = this.end;
        this.end = start + length;
        const n = this.value(depth);
        const d = this.value(depth);
        const ok = this.pos === this.end && isInteger(n) && isInteger(d) && Number(d) !== 0;
        this.end = end;
        if (!ok) {
          at();
          throw this.fail("a ratio extension holds two integers, the second not zero");
        }
        return Number(n) / Number(d);
      }
      case SET: {
        const end = this.end;
        this.end = start + length;
        const b = this.u8();
        const n = b >= 0x90 && b <= 0x9f ? b & 0x0f : b === 0xdc ? this.num("getUint16", 2) : b === 0xdd ? this.num("getUint32", 4) : -1;
        if (n < 0) {
          this.end = end;
          at();
          throw this.fail("a set extension holds an array");
        }
        const items = this.array(n, depth);
        const ok = this.pos === this.end;
        this.end = end;
        if (!ok) {
          at();
          throw this.fail("trailing data in a set extension");
        }
        return new Set(items);
      }
      case UUID: {
        const text = this.text(length);
        try {
          return new Uuid(text);
        } catch {
          at();
          throw this.fail("a uuid extension holds a uuid's 36 characters");
        }
      }
      case INSTANT:
        return this.instant(length);
      case CACHED_KEY:
        throw this.fail("a cached key outside a map key");
      default:
        throw this.fail(`no value for extension type ${type}`);
    }
  }

  /** The 4-, 8- and 12-byte timestamps. @param {number} length */
  instant(length) {
    let seconds;
    let nanos;
    if (length === 4) {
      seconds = this.num("getUint32", 4);
      nanos = 0;
    } else if (length === 8) {
      const hi = this.num("getUint32", 4);
      const lo = this.num("getUint32", 4);
      nanos = Math.floor(hi / 4);
      seconds = (hi & 3) * 2 ** 32 + lo;
    } else if (length === 12) {
      nanos = this.num("getUint32", 4);
      seconds = Number(this.int64(true));
    } else {
      throw this.fail("a timestamp of 4, 8 or 12 bytes");
    }
    const date = new Date(seconds * 1000 + Math.floor(nanos / 1_000_000));
    if (nanos >= 1_000_000_000 || Number.isNaN(date.getTime())) {
      throw this.fail("a timestamp out of range");
    }
    return date;
  }
}

/** @param {unknown} v */
function isInteger(v) {
  return typeof v === "bigint" || Number.isInteger(v);
}

/**
 * Reads one frame of Sente's MessagePack dialect. Throws a PackError for a truncated frame, a cached
 * key never defined (or one outside a map key), binary data, extension types 5-7 and unknown ones,
 * invalid UTF-8, nesting past 100 levels, trailing bytes.
 * @param {Uint8Array | ArrayBuffer} data
 * @returns {unknown}
 */
export function decodeMsgpack(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length === 0) {
    throw new PackError("MessagePack: empty frame");
  }
  const r = new Reader(bytes);
  const value = r.value(0);
  if (r.pos !== bytes.length) {
    throw r.fail("trailing data after the value");
  }
  return value;
}

/**
 * Sente's MessagePack packer: binary WebSocket frames and `application/octet-stream` Ajax bodies,
 * `packer=msgpack`.
 * @type {import("./sente-client.js").Packer}
 */
export const msgpackPacker = Object.freeze({
  name: "msgpack",
  binary: true,
  pack: encodeMsgpack,
  unpack: (/** @type {string | Uint8Array} */ data) => {
    if (typeof data === "string") {
      throw new PackError("MessagePack: a text frame where a binary one belongs");
    }
    return decodeMsgpack(data);
  },
});
