// Orleans.Sente wire protocol: Sente's envelope `[payload ?cb-uuid]`, packed by the client's packer.
// The JSON packer (here) writes keywords as strings ":ns/name", maps as JSON objects and nil as
// null; the Transit and MessagePack packers live in their own modules (transit.js, msgpack.js) and
// read keywords as `Keyword` objects, which the classification below takes as their names.
// Pure functions only; the client in sente-client.js owns all state and I/O.

import { Keyword, PackError, keyword } from "./values.js";

/**
 * How a client packs and unpacks frames: `name` is sent as the `packer` parameter; a `binary`
 * packer's frames are binary WebSocket messages and `application/octet-stream` Ajax bodies.
 * @typedef {object} Packer
 * @property {string} name
 * @property {boolean} binary
 * @property {(value: unknown) => string | Uint8Array} pack
 * @property {(data: string | Uint8Array) => unknown} unpack throws on a frame it cannot read
 */

/**
 * The JSON packer (the default): text frames, keywords as ":ns/name" strings. A `Keyword`, `Uuid`
 * or `Date` in the data is written as its string, as the server's JSON packer writes them.
 * @type {Packer}
 */
export const jsonPacker = Object.freeze({
  name: "json",
  binary: false,
  pack: (/** @type {unknown} */ value) => JSON.stringify(value),
  unpack: (/** @type {string | Uint8Array} */ data) => {
    try {
      return JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    } catch {
      throw new PackError("malformed JSON");
    }
  },
});

/**
 * The wire name of a keyword as the JSON packer carries it (":ns/name"): a string as it is, a
 * `Keyword` (from the Transit and MessagePack packers) as its ":ns/name". Anything else: undefined.
 * @param {unknown} v
 * @returns {string | undefined}
 */
export function wireName(v) {
  return typeof v === "string" ? v : v instanceof Keyword ? v.toString() : undefined;
}

/** The uid a server gives to clients without a user-id (Sente's `:sente/nil-uid`). */
export const NIL_UID = ":sente/nil-uid";

/** Marker put in the cb slot of an Ajax POST that wants a reply (Sente's `:ajax`). */
export const AJAX_CB_MARKER = ":ajax";

/** Names of the protocol's own `:chsk/*` keywords, as they travel in JSON. */
export const Chsk = Object.freeze({
  Handshake: ":chsk/handshake",
  WsPing: ":chsk/ws-ping",
  WsPong: ":chsk/ws-pong",
  Timeout: ":chsk/timeout",
  DummyCb200: ":chsk/dummy-cb-200",
});

/** The reply the server gives to a client ping. */
export const PONG = "pong";

// A namespaced keyword name without its colon: "ns/name". The namespace may contain dots;
// neither part may contain whitespace, and neither may be empty.
const EVENT_ID = /^[^\s/:][^\s/]*\/[^\s/][^\s]*$/;

/**
 * Validates an event id given by the application ("my/req" or ":my/req") and returns its
 * wire form (":my/req"). Throws a TypeError for anything that is not a namespaced keyword
 * name, and for the protocol's reserved `chsk` namespace.
 * @param {unknown} eventId
 * @returns {string}
 */
export function toWireEventId(eventId) {
  if (typeof eventId !== "string") {
    throw new TypeError(`Event id must be a string like "my/event", got ${typeof eventId}`);
  }
  const name = eventId.startsWith(":") ? eventId.slice(1) : eventId;
  if (!EVENT_ID.test(name)) {
    throw new TypeError(`Event id must be namespaced, like "my/event" or ":my/event"; got ${JSON.stringify(eventId)}`);
  }
  if (name.startsWith("chsk/")) {
    throw new TypeError(`Event id ${JSON.stringify(eventId)} uses the reserved "chsk" namespace`);
  }
  return ":" + name;
}

/**
 * The application-facing form of a wire event id: ":my/push" -> "my/push".
 * @param {string} wireId
 * @returns {string}
 */
export function fromWireEventId(wireId) {
  return wireId.startsWith(":") ? wireId.slice(1) : wireId;
}

/**
 * Packs a client event as Sente's envelope: `[[":my/req",data],"a1b2c3"]` when a reply is
 * wanted, `[[":my/note",data],null]` otherwise. `data === undefined` sends a 1-element event
 * (`[":chsk/ws-ping"]`), as Sente does for events without data. The event id, and the Ajax
 * marker `":ajax"` as cb, are keywords (the JSON packer writes them as these strings).
 * @param {string} wireEventId
 * @param {unknown} data
 * @param {string | null} cb
 * @param {Packer} [packer] Default the JSON packer.
 * @returns {string | Uint8Array}
 */
export function packEvent(wireEventId, data, cb, packer = jsonPacker) {
  const id = keyword(wireEventId);
  const event = data === undefined ? [id] : [id, data];
  return packer.pack([event, cb === AJAX_CB_MARKER ? keyword(cb) : (cb ?? null)]);
}

/** `[[":chsk/ws-pong"],null]`: the answer to a server ping, in the JSON packer. */
export const PONG_FRAME = packEvent(Chsk.WsPong, undefined, null);

/**
 * @typedef {{ kind: "handshake", uid: unknown, handshakeData: unknown }
 *   | { kind: "ping" }
 *   | { kind: "reply", cb: unknown, reply: unknown }
 *   | { kind: "batch", events: unknown[] }
 *   | { kind: "timeout" }
 *   | { kind: "dummy" }
 *   | { kind: "invalid", reason: string }} Frame
 */

/**
 * Classifies an unpacked server envelope in Sente's order: handshake, then the bare
 * ping, then a non-null cb = a reply, else a push batch. The Ajax control bodies
 * (`:chsk/timeout`, `:chsk/dummy-cb-200`) are recognised after the ping.
 * @param {unknown} envelope
 * @returns {Frame}
 */
export function classifyFrame(envelope) {
  if (!Array.isArray(envelope) || envelope.length < 1) {
    return { kind: "invalid", reason: "not a Sente envelope [payload ?cb]" };
  }
  const payload = envelope[0];
  const cb = envelope.length > 1 ? envelope[1] : null;
  const name = wireName(payload);
  if (Array.isArray(payload) && wireName(payload[0]) === Chsk.Handshake) {
    const args = Array.isArray(payload[1]) ? payload[1] : [];
    // The nil-uid is a keyword: the application sees it as NIL_UID, whatever the packer.
    const uid = args[0] instanceof Keyword ? args[0].toString() : (args[0] ?? null);
    return { kind: "handshake", uid, handshakeData: args.length > 2 ? args[2] ?? null : null };
  }
  if (name === Chsk.WsPing) {
    return { kind: "ping" };
  }
  if (cb !== null && cb !== undefined) {
    return { kind: "reply", cb, reply: payload };
  }
  if (name === Chsk.Timeout) {
    return { kind: "timeout" };
  }
  if (name === Chsk.DummyCb200) {
    return { kind: "dummy" };
  }
  if (Array.isArray(payload)) {
    return { kind: "batch", events: payload };
  }
  return { kind: "invalid", reason: "a push that is not a batch of events" };
}

/**
 * Unpacks one frame; a frame the packer cannot read is `{ kind: "invalid", reason }`.
 * @param {string | Uint8Array} data
 * @param {Packer} packer
 * @returns {{ ok: true, envelope: unknown } | { ok: false, frame: { kind: "invalid", reason: string } }}
 */
function unpack(data, packer) {
  if (packer.binary !== (typeof data !== "string")) {
    return { ok: false, frame: { kind: "invalid", reason: `a ${packer.binary ? "text" : "binary"} frame, but the ${packer.name} packer speaks ${packer.binary ? "binary" : "text"}` } };
  }
  try {
    return { ok: true, envelope: packer.unpack(data) };
  } catch (e) {
    return { ok: false, frame: { kind: "invalid", reason: e instanceof Error ? e.message : String(e) } };
  }
}

/**
 * Unpacks and classifies one frame.
 * @param {string | Uint8Array} data
 * @param {Packer} [packer] Default the JSON packer.
 * @returns {Frame}
 */
export function readFrame(data, packer = jsonPacker) {
  const read = unpack(data, packer);
  return read.ok ? classifyFrame(read.envelope) : read.frame;
}

/**
 * Reads the body of an Ajax POST: one envelope `[reply null]`, `[":chsk/dummy-cb-200",null]`
 * (no reply was wanted) or `[":chsk/timeout",null]` (the server gave up waiting for the handler).
 * @param {string | Uint8Array} data
 * @param {Packer} [packer] Default the JSON packer.
 * @returns {{ kind: "reply", reply: unknown } | { kind: "timeout" } | { kind: "dummy" } | { kind: "invalid", reason: string }}
 */
export function readAjaxReply(data, packer = jsonPacker) {
  const read = unpack(data, packer);
  if (!read.ok) {
    return read.frame;
  }
  const envelope = read.envelope;
  if (!Array.isArray(envelope) || envelope.length < 1) {
    return { kind: "invalid", reason: "not a Sente envelope [payload ?cb]" };
  }
  const payload = envelope[0];
  const name = wireName(payload);
  if (name === Chsk.Timeout) {
    return { kind: "timeout" };
  }
  if (name === Chsk.DummyCb200) {
    return { kind: "dummy" };
  }
  return { kind: "reply", reply: payload };
}

/**
 * Exponential backoff with full jitter and a cap. Attempt 0 (the first retry) is
 * immediate; attempt n >= 1 waits a uniformly random time in
 * [0, min(maxMs, baseMs * 2^(n-1))].
 * @param {number} attempt
 * @param {{ baseMs: number, maxMs: number }} limits
 * @param {() => number} random uniform in [0, 1)
 * @returns {number}
 */
export function backoffDelayMs(attempt, limits, random) {
  if (attempt <= 0) {
    return 0;
  }
  const ceiling = Math.min(limits.maxMs, limits.baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.floor(random() * (ceiling + 1));
}
