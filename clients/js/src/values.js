// The JS value model of the EDN packers (Transit, MessagePack) for the EDN types JavaScript lacks.
// Keywords and symbols are interned wrapper objects (so `===` compares them), uuids a small wrapper,
// instants `Date`, sets `Set`, integers beyond 2^53 `BigInt`, maps plain objects when every key is a
// keyword (the key is the keyword's name, as the JSON packer writes it) and `Map` otherwise.
// Each wrapper's toJSON is the JSON packer's form, so JSON.stringify writes what the server expects.

// One token of EDN text: no whitespace and none of EDN's delimiters.
const TOKEN = /^[^\s,;"()[\]{}\\]+$/;

/**
 * Whether `text` is a keyword's name EDN can print: `name` or `ns/name`, neither part empty nor
 * starting with ":", no whitespace or delimiters; "/" alone is a valid name.
 * @param {string} text
 */
export function isKeywordText(text) {
  if (typeof text !== "string" || !TOKEN.test(text) || text[0] === ":") {
    return false;
  }
  if (text === "/") {
    return true;
  }
  const slash = text.indexOf("/");
  if (slash < 0) {
    return true;
  }
  return slash > 0 && slash < text.length - 1 && text.indexOf("/", slash + 1) < 0;
}

/** @type {Map<string, Keyword>} */
const keywords = new Map();
/** @type {Map<string, EdnSymbol>} */
const symbols = new Map();

/** An EDN keyword `:ns/name`. Interned: `keyword("a/b") === keyword(":a/b")`. Build with `keyword()`. */
export class Keyword {
  /** @param {string} text `ns/name` or `name`, without the colon */
  constructor(text) {
    const slash = text === "/" ? -1 : text.indexOf("/");
    /** The namespace, or null. */
    this.namespace = slash < 0 ? null : text.slice(0, slash);
    /** The name after the namespace. */
    this.name = slash < 0 ? text : text.slice(slash + 1);
    /** `ns/name` (the text without the colon). */
    this.text = text;
    Object.freeze(this);
  }

  /** `":ns/name"`, the keyword as the JSON packer writes it. */
  toString() {
    return ":" + this.text;
  }

  toJSON() {
    return this.toString();
  }
}

/**
 * The keyword `:ns/name`, given as "ns/name" or ":ns/name". Throws a TypeError for text EDN
 * cannot print as a keyword.
 * @param {string} text
 * @returns {Keyword}
 */
export function keyword(text) {
  const bare = typeof text === "string" && text.startsWith(":") ? text.slice(1) : text;
  let k = keywords.get(bare);
  if (k === undefined) {
    if (!isKeywordText(bare)) {
      throw new TypeError(`Not a keyword: ${JSON.stringify(text)}`);
    }
    k = new Keyword(bare);
    keywords.set(bare, k);
  }
  return k;
}

/** An EDN symbol. Interned: `symbol("a/b") === symbol("a/b")`. Build with `symbol()`. */
export class EdnSymbol {
  /** @param {string} text */
  constructor(text) {
    /** The symbol's text, `ns/name` or `name`. */
    this.text = text;
    Object.freeze(this);
  }

  toString() {
    return this.text;
  }

  toJSON() {
    return this.text;
  }
}

/**
 * The symbol with this text. Throws a TypeError for text EDN cannot print as a symbol.
 * @param {string} text
 * @returns {EdnSymbol}
 */
export function symbol(text) {
  let s = symbols.get(text);
  if (s === undefined) {
    if (!isKeywordText(text) || text[0] === "#" || /^[+-]?\d/.test(text) || ["nil", "true", "false"].includes(text)) {
      throw new TypeError(`Not a symbol: ${JSON.stringify(text)}`);
    }
    s = new EdnSymbol(text);
    symbols.set(text, s);
  }
  return s;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An EDN `#uuid`: its 36 lower-case characters in `value`. Compare with `equals` or by `value`. */
export class Uuid {
  /** @param {string} value a uuid's 36 characters (any case) */
  constructor(value) {
    const v = typeof value === "string" ? value.toLowerCase() : "";
    if (!UUID.test(v)) {
      throw new TypeError(`Not a uuid: ${JSON.stringify(value)}`);
    }
    /** The 36 lower-case characters. */
    this.value = v;
    Object.freeze(this);
  }

  /** @param {unknown} other */
  equals(other) {
    return other instanceof Uuid && other.value === this.value;
  }

  toString() {
    return this.value;
  }

  toJSON() {
    return this.value;
  }
}

/** A tagged value `#tag value` whose tag the reader does not know; it is written back as it came. */
export class TaggedValue {
  /**
   * @param {string} tag the tag, without `#`
   * @param {unknown} value
   */
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
    Object.freeze(this);
  }

  toJSON() {
    return this.value;
  }
}

/** A frame a packer cannot read, or a value it cannot write. */
export class PackError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "PackError";
  }
}

/** Nesting bound shared with the server's readers and writers (`SenteLimits.MaxDepth`). */
export const MAX_DEPTH = 100;

/**
 * A map read from the wire: a plain object when every key is a keyword (named without the
 * colon, as the JSON packer writes it), else a `Map`. A repeated key keeps its last value.
 * @param {[unknown, unknown][]} entries
 * @returns {Record<string, unknown> | Map<unknown, unknown>}
 */
export function makeMap(entries) {
  if (entries.every(([k]) => k instanceof Keyword)) {
    /** @type {Record<string, unknown>} */
    const o = {};
    for (const [k, v] of entries) {
      // defineProperty: a key named "__proto__" is an own property, as JSON.parse makes it.
      Object.defineProperty(o, /** @type {Keyword} */ (k).text, { value: v, writable: true, enumerable: true, configurable: true });
    }
    return o;
  }
  const m = new Map();
  for (const [k, v] of entries) {
    m.set(k, v);
  }
  return m;
}

/**
 * Whether a value is written as a map with keyword keys: a plain object (its prototype
 * Object.prototype or null).
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
export function isPlainObject(v) {
  if (v === null || typeof v !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The key of an object property on the wire: the keyword of that name when EDN can print it
 * (`{q: 1}` is `{:q 1}`), else the string.
 * @param {string} key
 * @returns {Keyword | string}
 */
export function objectKey(key) {
  return isKeywordText(key) ? keyword(key) : key;
}
