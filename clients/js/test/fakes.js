// Test doubles: a manual clock, a scripted WebSocket, a scripted fetch and a document
// whose visibility the test flips. Nothing here touches the network or real timers.

import { createClient } from "../src/sente-client.js";

export class FakeClock {
  #now;
  #seq = 0;
  /** @type {Map<number, { at: number, fn: () => void }>} */
  timers = new Map();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now() {
    return this.#now;
  }

  setTimeout(fn, ms) {
    const id = ++this.#seq;
    this.timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(id) {
    this.timers.delete(id);
  }

  /** Delays of the timers now pending, relative to now, in firing order. */
  pendingDelays() {
    return [...this.timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms) {
    const end = this.#now + ms;
    for (;;) {
      let next = null;
      for (const [id, t] of this.timers) {
        if (t.at <= end && (next === null || t.at < next[1].at || (t.at === next[1].at && id < next[0]))) {
          next = [id, t];
        }
      }
      if (next === null) {
        break;
      }
      this.timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
    }
    this.#now = end;
  }
}

export class FakeWebSocket {
  readyState = 0;
  onopen = null;
  onmessage = null;
  onerror = null;
  onclose = null;
  /** @type {(string | Uint8Array)[]} */
  sent = [];
  /** What the client asked binary frames to arrive as. */
  binaryType = "blob";
  /** @type {{ code?: number, reason?: string } | null} */
  closedByClient = null;

  constructor(url) {
    this.url = url;
  }

  send(text) {
    if (this.readyState !== 1) {
      throw new Error("InvalidStateError");
    }
    this.sent.push(text);
  }

  close(code, reason) {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  // Server side of the script.
  open() {
    this.readyState = 1;
    this.onopen?.();
  }

  /** A text frame; bytes (a Uint8Array) arrive as a binary frame, an ArrayBuffer as the browser gives it. */
  receive(text) {
    if (text instanceof Uint8Array) {
      this.onmessage?.({ data: text.buffer.slice(text.byteOffset, text.byteOffset + text.byteLength) });
      return;
    }
    this.onmessage?.({ data: typeof text === "string" ? text : JSON.stringify(text) });
  }

  handshake(uid = "alice", data = null) {
    this.receive(JSON.stringify([[":chsk/handshake", [uid, null, data]], null]));
  }

  /** Open and handshake in one step. */
  accept(uid = "alice", data = null) {
    this.open();
    this.handshake(uid, data);
  }

  fail() {
    this.readyState = 3;
    this.onerror?.();
    this.onclose?.({ code: 1006, reason: "" });
  }

  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: "" });
  }
}

/** A fetch whose requests the test answers one by one. */
export class FakeFetch {
  /** @type {{ url: string, init: any, respond: (status: number, body: string) => void, reject: (e: unknown) => void, aborted: boolean }[]} */
  requests = [];

  fn = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const req = {
        url,
        init,
        aborted: false,
        // A string body is text; a Uint8Array body is bytes (an octet-stream answer).
        respond: (status, body) =>
          resolve({
            ok: status >= 200 && status < 300,
            status,
            text: async () => (typeof body === "string" ? body : new TextDecoder().decode(body)),
            arrayBuffer: async () => {
              const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
              return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
            },
          }),
        reject,
      };
      init.signal?.addEventListener("abort", () => {
        req.aborted = true;
        reject(new DOMException("aborted", "AbortError"));
      });
      this.requests.push(req);
    });

  get polls() {
    return this.requests.filter((r) => r.init.method === "GET");
  }

  get posts() {
    return this.requests.filter((r) => r.init.method === "POST");
  }

  lastPoll() {
    return this.polls.at(-1);
  }
}

export class FakeDocument {
  visibilityState = "visible";
  #listeners = new Set();
  /** @type {string | null} */
  csrfMeta = null;

  addEventListener(type, fn) {
    if (type === "visibilitychange") {
      this.#listeners.add(fn);
    }
  }

  removeEventListener(type, fn) {
    if (type === "visibilitychange") {
      this.#listeners.delete(fn);
    }
  }

  querySelector(selector) {
    if (selector === 'meta[name="csrf-token"]' && this.csrfMeta !== null) {
      const content = this.csrfMeta;
      return { getAttribute: (name) => (name === "content" ? content : null) };
    }
    return null;
  }

  setVisibility(state) {
    this.visibilityState = state;
    for (const fn of [...this.#listeners]) {
      fn();
    }
  }
}

/** Lets pending promise continuations run (the fake fetch resolves through promises). */
export async function settle() {
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A deterministic random source cycling through the given values. */
export function sequenceRandom(...values) {
  let i = 0;
  return () => values[i++ % values.length];
}

/**
 * A client wired to fakes. Returns the client plus its clock, sockets, fetch, document and
 * a record of everything it emitted.
 */
export function harness(options = {}) {
  const clock = new FakeClock();
  const fetch = new FakeFetch();
  const document = new FakeDocument();
  /** @type {FakeWebSocket[]} */
  const sockets = [];
  const errors = [];
  const client = createClient({
    host: "example.com",
    clientId: "cid-123",
    csrfToken: "tok",
    clock,
    fetch: fetch.fn,
    document,
    random: () => 0.5,
    webSocketFactory: (url) => {
      const ws = new FakeWebSocket(url);
      sockets.push(ws);
      return ws;
    },
    ...options,
  });
  const states = [];
  const events = [];
  const handshakes = [];
  client.on("state", (oldState, newState) => states.push([oldState, newState]));
  client.on("event", (ev) => events.push(ev));
  client.on("handshake", (hs) => handshakes.push(hs));
  client.on("error", (e) => errors.push(e));
  return {
    client,
    clock,
    fetch,
    document,
    sockets,
    states,
    events,
    handshakes,
    errors,
    get ws() {
      return sockets.at(-1);
    },
  };
}
