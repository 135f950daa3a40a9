// Orleans.Sente browser client: Sente's client model (WebSocket with Ajax long-poll
// fallback, callbacks, keep-alive, reconnect) over the JSON packer, or Transit or MessagePack
// (their packers are in transit.js and msgpack.js, loaded only by the applications that use them).
// No dependencies. Wire format and frame classification live in protocol.js.

import {
  AJAX_CB_MARKER,
  Chsk,
  NIL_UID,
  PONG,
  backoffDelayMs,
  classifyFrame,
  fromWireEventId,
  jsonPacker,
  packEvent,
  readAjaxReply,
  readFrame,
  toWireEventId,
  wireName,
} from "./protocol.js";

export { NIL_UID, backoffDelayMs, classifyFrame, jsonPacker, packEvent, readFrame, toWireEventId } from "./protocol.js";
export { EdnSymbol, Keyword, PackError, TaggedValue, Uuid, keyword, symbol } from "./values.js";

/** @typedef {import("./protocol.js").Packer} Packer */

/**
 * Why a request got no reply.
 * @typedef {"chsk/closed" | "chsk/timeout" | "chsk/error"} FailureReason
 */

/** The three ways a request ends without a reply. */
export const Outcome = Object.freeze({
  /** The connection was closed when sending, or dropped before the reply came. */
  Closed: /** @type {"chsk/closed"} */ ("chsk/closed"),
  /** No reply within the request's timeout. */
  Timeout: /** @type {"chsk/timeout"} */ ("chsk/timeout"),
  /** The transport failed (a WebSocket send threw, an Ajax POST failed or answered garbage). */
  Error: /** @type {"chsk/error"} */ ("chsk/error"),
});

/**
 * The result handed to a `send` callback.
 * @typedef {{ ok: true, reply: unknown } | { ok: false, reason: FailureReason, error?: unknown }} Result
 */

/** The rejection of `request()`: `reason` says which of the three failures it was. */
export class SenteError extends Error {
  /**
   * @param {FailureReason} reason
   * @param {string} [message]
   * @param {{ cause?: unknown }} [options]
   */
  constructor(reason, message, options) {
    super(message ?? reason, options);
    this.name = "SenteError";
    /** @type {FailureReason} */
    this.reason = reason;
  }
}

/**
 * @typedef {object} Clock
 * @property {() => number} now milliseconds since the epoch
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 */

/**
 * The subset of the browser WebSocket the client uses.
 * @typedef {object} WebSocketLike
 * @property {number} readyState
 * @property {((ev?: unknown) => void) | null} onopen
 * @property {((ev: { data: unknown }) => void) | null} onmessage
 * @property {((ev?: unknown) => void) | null} onerror
 * @property {((ev?: { code?: number, reason?: string }) => void) | null} onclose
 * @property {(data: string | Uint8Array) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {string} [binaryType] set to "arraybuffer", so that binary frames arrive as ArrayBuffers
 */

/**
 * The subset of `document` the client uses: the CSRF meta tag and visibility.
 * @typedef {object} DocumentLike
 * @property {string} [visibilityState]
 * @property {(type: string, fn: () => void) => void} [addEventListener]
 * @property {(type: string, fn: () => void) => void} [removeEventListener]
 * @property {(selector: string) => ({ getAttribute(name: string): string | null } | null)} [querySelector]
 */

/**
 * @typedef {object} ClientOptions
 * @property {"auto" | "ws" | "ajax"} [type] transport; "auto" tries WebSocket first. Default "auto".
 * @property {string} [path] endpoint path. Default "/chsk".
 * @property {string} [host] host[:port]. Default `location.host`; required outside a browser.
 * @property {string} [protocol] "http:" or "https:" (WebSocket uses ws:/wss: to match). Default `location.protocol`, else "https:".
 * @property {string} [clientId] Default `crypto.randomUUID()`.
 * @property {Packer | "json"} [packer] how frames are packed: "json" (default), or a packer object such as
 *   `transitPacker` (from "./transit.js") or `msgpackPacker` (from "./msgpack.js").
 * @property {Record<string, string> | (() => Record<string, string>)} [params] extra query parameters on connect and polls.
 * @property {string | null | (() => string | null)} [csrfToken] Default: the `<meta name="csrf-token">` content, if any.
 * @property {() => string | null | undefined | Promise<string | null | undefined>} [accessTokenFactory] the access token,
 *   asked before every WebSocket upgrade (sent as the `access_token` query parameter) and every Ajax request
 *   (sent as `Authorization: Bearer <token>`), as SignalR's client asks it. Default none.
 * @property {boolean} [autoConnect] connect on creation. Default true.
 * @property {number} [wsKeepAliveMs] ping after this long with nothing received. Default 20000.
 * @property {number} [wsPingTimeoutMs] reconnect if the ping gets no "pong" within this. Default 5000.
 * @property {number} [wsConnectTimeoutMs] give up on a WebSocket without a handshake after this. Default 10000.
 * @property {number} [ajaxPollTimeoutMs] client-side limit on one long poll (above the server's 20 s). Default 60000.
 * @property {number} [requestTimeoutMs] timeout of `send`/`request` when the call gives none. Default 30000.
 * @property {number} [backoffBaseMs] ceiling of the second retry's jitter; doubles per retry. Default 2000.
 * @property {number} [backoffMaxMs] cap on any retry delay. Default 30000.
 * @property {(attempt: number) => number} [backoffMsFn] custom backoff; its result is clamped to [0, backoffMaxMs].
 * @property {number | null} [hiddenRetryMs] while the page is hidden, retries wait for it to become visible, or
 *   at most a random time in [hiddenRetryMs/2, hiddenRetryMs]; null waits for visibility only. Default 60000.
 * @property {(url: string) => WebSocketLike} [webSocketFactory] Default `url => new WebSocket(url)`.
 * @property {typeof fetch} [fetch] Default `globalThis.fetch`.
 * @property {Clock} [clock] Default `Date.now`, `setTimeout`, `clearTimeout`.
 * @property {() => number} [random] uniform in [0, 1); drives the reconnect jitter. Default `Math.random`.
 * @property {DocumentLike | null} [document] Default `globalThis.document`, when present.
 */

/**
 * @typedef {object} ClientState
 * @property {"ws" | "ajax"} type the transport in use
 * @property {boolean} open a handshake was received and the connection has not closed since
 * @property {boolean} everOpened some connection of this client has opened
 * @property {boolean} firstOpen true only in the state produced by the first open
 * @property {unknown} uid the user-id from the last handshake (NIL_UID when anonymous), null before any
 * @property {unknown} handshakeData the handshake data from the last handshake, null before any
 * @property {{ udt: number, reason: string } | null} lastClose
 */

/**
 * @typedef {{ id: string, data: unknown }} PushEvent
 * @typedef {{ uid: unknown, handshakeData: unknown, firstHandshake: boolean }} HandshakeEvent
 */

const WS_OPEN = 1;
const WS_CLOSING = 2;

const DEFAULTS = Object.freeze({
  type: "auto",
  path: "/chsk",
  autoConnect: true,
  wsKeepAliveMs: 20000,
  wsPingTimeoutMs: 5000,
  wsConnectTimeoutMs: 10000,
  ajaxPollTimeoutMs: 60000,
  requestTimeoutMs: 30000,
  backoffBaseMs: 2000,
  backoffMaxMs: 30000,
  hiddenRetryMs: 60000,
});

/** @type {Clock} */
const SYSTEM_CLOCK = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(/** @type {any} */ (handle)),
};

/**
 * Creates a client; it connects at once unless `autoConnect` is false.
 * @param {ClientOptions} [options]
 * @returns {SenteClient}
 */
export function createClient(options = {}) {
  return new SenteClient(options);
}

export class SenteClient {
  /** @type {Required<Pick<ClientOptions, "path" | "wsKeepAliveMs" | "wsPingTimeoutMs" | "wsConnectTimeoutMs" | "ajaxPollTimeoutMs" | "requestTimeoutMs" | "backoffBaseMs" | "backoffMaxMs">> & { hiddenRetryMs: number | null }} */
  #opts;
  /** @type {"auto" | "ws" | "ajax"} */
  #configuredType;
  /** @type {"ws" | "ajax"} */
  #mode;
  #host;
  #httpProtocol;
  #params;
  #csrfToken;
  /** @type {(() => string | null | undefined | Promise<string | null | undefined>) | null} */
  #accessTokenFactory;
  #backoffMsFn;
  #wsFactory;
  #fetch;
  /** @type {Clock} */
  #clock;
  #random;
  /** @type {DocumentLike | null} */
  #document;
  /** @type {Packer} */
  #packer;
  /** The answer to a server ping, packed once. @type {string | Uint8Array} */
  #pongFrame;

  /** @type {ClientState} */
  #state;
  /** @type {Map<string, Set<Function>>} */
  #listeners = new Map();

  /** The application wants a connection (connect() called, disconnect() not since). */
  #wanted = false;
  /** Bumped on every teardown, so late callbacks from an old connection do nothing. */
  #gen = 0;
  #retryAttempt = 0;
  /** @type {unknown} */
  #retryTimer = null;
  #retryDeferred = false;
  #wsEverOpened = false;

  /** @type {WebSocketLike | null} */
  #ws = null;
  #wsErrored = false;
  /** @type {unknown} */
  #wsConnectTimer = null;
  /** @type {unknown} */
  #keepAliveTimer = null;
  #lastReceived = 0;
  /** The last resume mark ("epoch:push-id" of the last push received), sent back on every connect; "" before any. */
  #resumeMark = "";
  #pingOutstanding = false;
  /** @type {AbortController | null} */
  #pollAbort = null;

  /** @type {Map<string, { finish: (result: Result) => void }>} */
  #pending = new Map();
  #ajaxSeq = 0;

  #onVisibilityChange = () => this.#visibilityChanged();

  /** @param {ClientOptions} [options] */
  constructor(options = {}) {
    const o = { ...DEFAULTS, ...stripUndefined(options) };
    if (!["auto", "ws", "ajax"].includes(o.type)) {
      throw new TypeError(`type must be "auto", "ws" or "ajax", got ${JSON.stringify(o.type)}`);
    }
    if (o.hiddenRetryMs !== null && !(typeof o.hiddenRetryMs === "number" && o.hiddenRetryMs >= 0)) {
      throw new TypeError(`hiddenRetryMs must be a non-negative number or null, got ${o.hiddenRetryMs}`);
    }
    for (const key of ["wsKeepAliveMs", "wsPingTimeoutMs", "wsConnectTimeoutMs", "ajaxPollTimeoutMs", "requestTimeoutMs", "backoffBaseMs", "backoffMaxMs"]) {
      const v = /** @type {any} */ (o)[key];
      if (typeof v !== "number" || !(v >= 0)) {
        throw new TypeError(`${key} must be a non-negative number, got ${v}`);
      }
    }
    this.#packer = checkPacker(o.packer ?? "json");
    this.#pongFrame = packEvent(Chsk.WsPong, undefined, null, this.#packer);
    const location = /** @type {any} */ (globalThis).location;
    this.#host = o.host ?? location?.host;
    if (!this.#host) {
      throw new TypeError("host is required outside a browser");
    }
    this.#httpProtocol = o.protocol ?? location?.protocol ?? "https:";
    this.#configuredType = o.type;
    this.#mode = o.type === "ajax" ? "ajax" : "ws";
    this.#opts = o;
    this.#params = o.params ?? {};
    this.#csrfToken = o.csrfToken;
    this.#accessTokenFactory = o.accessTokenFactory ?? null;
    this.#backoffMsFn = o.backoffMsFn;
    /** @type {(url: string) => WebSocketLike} */
    this.#wsFactory = o.webSocketFactory ?? ((url) => /** @type {WebSocketLike} */ (/** @type {unknown} */ (new globalThis.WebSocket(url))));
    this.#fetch = o.fetch ?? ((...args) => globalThis.fetch(...args));
    this.#clock = o.clock ?? SYSTEM_CLOCK;
    this.#random = o.random ?? Math.random;
    this.#document = options.document !== undefined ? options.document : (globalThis.document ?? null);
    /** The client id sent on every request; fixed for the life of the client. */
    this.clientId = o.clientId ?? randomUuid();
    this.#state = Object.freeze({
      type: this.#mode,
      open: false,
      everOpened: false,
      firstOpen: false,
      uid: null,
      handshakeData: null,
      lastClose: null,
    });
    if (o.autoConnect) {
      this.connect();
    }
  }

  /** The current state; a new frozen object after every change. @returns {ClientState} */
  get state() {
    return this.#state;
  }

  // ---------------------------------------------------------------- events

  /**
   * Subscribes to "state" (old, new), "handshake" (HandshakeEvent), "event" (every pushed
   * PushEvent), "error" (Error: protocol or listener failures) or a pushed event id
   * ("my/push" or ":my/push"; receives the PushEvent). Returns an unsubscribe function.
   * @param {string} name
   * @param {Function} fn
   * @returns {() => void}
   */
  on(name, fn) {
    const key = listenerKey(name);
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(fn);
    return () => this.off(name, fn);
  }

  /**
   * @param {string} name
   * @param {Function} fn
   */
  off(name, fn) {
    this.#listeners.get(listenerKey(name))?.delete(fn);
  }

  /**
   * @param {string} key
   * @param {unknown[]} args
   */
  #emit(key, ...args) {
    const set = this.#listeners.get(key);
    if (!set) {
      return;
    }
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (e) {
        this.#reportError(e);
      }
    }
  }

  /** @param {unknown} error */
  #reportError(error) {
    const set = this.#listeners.get("error");
    if (set && set.size > 0) {
      for (const fn of [...set]) {
        try {
          fn(error);
        } catch {
          // An error listener that throws has nowhere left to report to.
        }
      }
      return;
    }
    const g = /** @type {any} */ (globalThis);
    if (typeof g.reportError === "function") {
      g.reportError(error);
    } else {
      console.error(error);
    }
  }

  /** @param {Partial<ClientState>} changes */
  #setState(changes) {
    const old = this.#state;
    const next = { ...old, firstOpen: false, ...changes };
    const changed = Object.keys(next).some((k) => !Object.is(/** @type {any} */ (next)[k], /** @type {any} */ (old)[k]));
    if (!changed) {
      return;
    }
    this.#state = Object.freeze(next);
    this.#emit("state", old, this.#state);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Connects, unless already connected or connecting. The first attempt is immediate. */
  connect() {
    if (this.#wanted) {
      return;
    }
    this.#wanted = true;
    this.#retryAttempt = 0;
    this.#document?.addEventListener?.("visibilitychange", this.#onVisibilityChange);
    this.#openTransport();
  }

  /** Closes the connection for good (until connect()); pending requests fail with "chsk/closed". */
  disconnect() {
    const wasWanted = this.#wanted;
    this.#wanted = false;
    this.#cancelRetry();
    this.#document?.removeEventListener?.("visibilitychange", this.#onVisibilityChange);
    if (wasWanted) {
      this.#teardown("requested-disconnect", true);
    }
  }

  /** Closes and reconnects at once, e.g. after a login changed the session's user-id. */
  reconnect() {
    this.#cancelRetry();
    if (this.#wanted) {
      this.#teardown("requested-reconnect", true);
    }
    this.#wanted = false;
    this.connect();
  }

  /** Drops the connection as a network failure would; the client then reconnects as usual. */
  breakConnection() {
    if (this.#ws || this.#pollAbort) {
      this.#connectionLost("unexpected");
    }
  }

  #cancelRetry() {
    if (this.#retryTimer !== null) {
      this.#clock.clearTimeout(this.#retryTimer);
    }
    this.#retryTimer = null;
    this.#retryDeferred = false;
  }

  #openTransport() {
    this.#retryTimer = null;
    this.#retryDeferred = false;
    if (!this.#wanted) {
      return;
    }
    if (this.#mode === "ws") {
      this.#openWs();
    } else {
      this.#startPolling();
    }
  }

  /**
   * Stops the current connection: timers, socket or poll, pending requests (failed with
   * "chsk/closed"). The state records the close when the connection was open, or when
   * `always` (an application request or a downgrade, worth reporting either way).
   * @param {string} reason
   * @param {boolean} always
   */
  #teardown(reason, always) {
    this.#gen++;
    this.#clearTimer("wsConnect");
    this.#clearTimer("keepAlive");
    this.#pingOutstanding = false;
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      if (ws.readyState < WS_CLOSING) {
        try {
          ws.close(1000, "CLOSE_NORMAL");
        } catch {
          // Already failing; nothing more to close.
        }
      }
    }
    this.#pollAbort?.abort();
    this.#pollAbort = null;
    // The state changes first, so a callback that learns "closed" sees a closed client.
    if (this.#state.open || always) {
      this.#setState({ open: false, lastClose: { udt: this.#clock.now(), reason } });
    }
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      p.finish({ ok: false, reason: Outcome.Closed });
    }
  }

  /**
   * The connection failed or dropped without the application asking: downgrade to Ajax
   * ("auto" whose WebSocket never opened) or retry with backoff.
   * @param {string} reason
   */
  #connectionLost(reason) {
    if (this.#mode === "ws" && this.#configuredType === "auto" && !this.#wsEverOpened) {
      this.#teardown(reason, false);
      this.#mode = "ajax";
      this.#setState({ type: "ajax", lastClose: { udt: this.#clock.now(), reason: "downgrading-ws-to-ajax" } });
      this.#retryAttempt = 0;
      this.#openTransport();
      return;
    }
    this.#teardown(reason, false);
    this.#scheduleRetry();
  }

  #scheduleRetry() {
    if (!this.#wanted || this.#retryTimer !== null || this.#retryDeferred) {
      return;
    }
    const attempt = this.#retryAttempt++;
    let delay;
    if (this.#isHidden()) {
      // A hidden tab waits for visibility (see #visibilityChanged), or for a long,
      // jittered time: many background tabs must not reconnect together.
      this.#retryDeferred = true;
      const hidden = this.#opts.hiddenRetryMs;
      if (hidden === null) {
        return;
      }
      delay = Math.floor(hidden / 2 + this.#random() * (hidden / 2 + 1));
    } else {
      delay = this.#backoffMs(attempt);
    }
    this.#retryTimer = this.#clock.setTimeout(() => this.#openTransport(), delay);
  }

  /** @param {number} attempt */
  #backoffMs(attempt) {
    const max = this.#opts.backoffMaxMs;
    if (this.#backoffMsFn) {
      const v = Number(this.#backoffMsFn(attempt));
      return Number.isFinite(v) ? Math.min(max, Math.max(0, v)) : max;
    }
    return backoffDelayMs(attempt, { baseMs: this.#opts.backoffBaseMs, maxMs: max }, this.#random);
  }

  #isHidden() {
    return this.#document?.visibilityState === "hidden";
  }

  #visibilityChanged() {
    if (!this.#isHidden() && this.#retryDeferred && this.#wanted) {
      this.#cancelRetry();
      this.#openTransport();
    }
  }

  /** @param {"wsConnect" | "keepAlive"} which */
  #clearTimer(which) {
    if (which === "wsConnect" && this.#wsConnectTimer !== null) {
      this.#clock.clearTimeout(this.#wsConnectTimer);
      this.#wsConnectTimer = null;
    }
    if (which === "keepAlive" && this.#keepAliveTimer !== null) {
      this.#clock.clearTimeout(this.#keepAliveTimer);
      this.#keepAliveTimer = null;
    }
  }

  // ---------------------------------------------------------------- handshake and pushes

  /** @param {unknown} uid @param {unknown} handshakeData */
  #onHandshake(uid, handshakeData) {
    const first = !this.#state.everOpened;
    this.#retryAttempt = 0;
    if (this.#mode === "ws") {
      this.#wsEverOpened = true;
      this.#clearTimer("wsConnect");
      this.#scheduleKeepAlive(this.#opts.wsKeepAliveMs);
    }
    this.#setState({ type: this.#mode, open: true, everOpened: true, firstOpen: first, uid, handshakeData });
    this.#emit("handshake", { uid, handshakeData, firstHandshake: first });
  }

  /** @param {unknown[]} events */
  #deliverBatch(events) {
    for (const ev of events) {
      const id0 = Array.isArray(ev) ? wireName(ev[0]) : undefined;
      if (!Array.isArray(ev) || id0 === undefined) {
        this.#reportError(new Error(`Ignored a pushed event that is not [id data]: ${safeJson(ev)}`));
        continue;
      }
      if (id0 === ":chsk/resume") {
        // Not an event: what the server numbered the last push of this frame, so that a reconnect
        // (to any front end) gets again exactly what this client missed.
        if (typeof ev[1] === "string") {
          this.#resumeMark = ev[1];
        }
        continue;
      }
      const id = fromWireEventId(id0);
      const event = Object.freeze({ id, data: ev.length > 1 ? ev[1] : null });
      this.#emit("event", event);
      this.#emit("id:" + id, event);
    }
  }

  // ---------------------------------------------------------------- WebSocket

  /** @param {string | null} accessToken */
  #wsUrl(accessToken) {
    const proto = this.#httpProtocol === "http:" ? "ws:" : "wss:";
    const query = this.#query({
      "client-id": this.clientId,
      packer: this.#packer.name,
      resume: this.#resumeMark,
      "csrf-token": this.#csrf(),
      // Browsers cannot set headers on a WebSocket upgrade: the token travels in the query, as SignalR's does.
      access_token: accessToken,
    });
    return `${proto}//${this.#host}${this.#opts.path}?${query}`;
  }

  /** Asks the access token factory (once per connection attempt); a promise is awaited before the socket opens. */
  #openWs() {
    const gen = this.#gen;
    let token;
    try {
      token = this.#accessTokenFactory ? this.#accessTokenFactory() : null;
    } catch (e) {
      this.#reportError(e);
      this.#connectionLost("ws-error");
      return;
    }
    if (!isThenable(token)) {
      this.#openWsWith(gen, token ?? null);
      return;
    }
    // The connect timeout covers the wait for the token too.
    this.#startWsConnectTimer(gen);
    token.then(
      (t) => {
        if (gen === this.#gen) {
          this.#openWsWith(gen, t ?? null);
        }
      },
      (e) => {
        if (gen === this.#gen) {
          this.#reportError(e);
          this.#connectionLost("ws-error");
        }
      },
    );
  }

  /**
   * @param {number} gen
   * @param {string | null} accessToken
   */
  #openWsWith(gen, accessToken) {
    let ws;
    try {
      ws = this.#wsFactory(this.#wsUrl(accessToken));
    } catch (e) {
      this.#reportError(e);
      this.#connectionLost("ws-error");
      return;
    }
    this.#ws = ws;
    this.#wsErrored = false;
    // Binary frames (MessagePack) as ArrayBuffers rather than Blobs, to read them at once.
    ws.binaryType = "arraybuffer";
    this.#lastReceived = this.#clock.now();
    ws.onmessage = (ev) => {
      if (gen === this.#gen) {
        this.#onWsMessage(ev.data);
      }
    };
    ws.onerror = () => {
      if (gen === this.#gen) {
        this.#wsErrored = true;
      }
    };
    ws.onclose = () => {
      if (gen === this.#gen) {
        this.#connectionLost(this.#wsErrored ? "ws-error" : "unexpected");
      }
    };
    this.#startWsConnectTimer(gen);
  }

  /** @param {number} gen */
  #startWsConnectTimer(gen) {
    if (this.#wsConnectTimer !== null) {
      return;
    }
    this.#wsConnectTimer = this.#clock.setTimeout(() => {
      this.#wsConnectTimer = null;
      if (gen === this.#gen) {
        this.#connectionLost("ws-connect-timeout");
      }
    }, this.#opts.wsConnectTimeoutMs);
  }

  /** @param {unknown} data */
  #onWsMessage(data) {
    this.#lastReceived = this.#clock.now();
    const bytes = typeof data === "string" ? data : asBytes(data);
    if (bytes === null) {
      this.#reportError(new Error(`Ignored a frame of type ${Object.prototype.toString.call(data)}: expected text or an ArrayBuffer`));
      return;
    }
    const frame = readFrame(bytes, this.#packer);
    switch (frame.kind) {
      case "handshake":
        this.#onHandshake(frame.uid, frame.handshakeData);
        break;
      case "ping":
        this.#wsSend(this.#pongFrame);
        break;
      case "reply": {
        const p = this.#pending.get(String(frame.cb));
        if (p) {
          this.#pending.delete(String(frame.cb));
          p.finish({ ok: true, reply: frame.reply });
        }
        break;
      }
      case "batch":
        this.#deliverBatch(frame.events);
        break;
      default:
        this.#reportError(new Error(`Ignored a frame (${frame.kind === "invalid" ? frame.reason : frame.kind}): ${preview(bytes)}`));
    }
  }

  /** @param {string | Uint8Array} text @returns {unknown} an error, or null when sent */
  #wsSend(text) {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WS_OPEN) {
      return new Error("WebSocket is not open");
    }
    try {
      ws.send(text);
      return null;
    } catch (e) {
      return e;
    }
  }

  /** @param {number} ms */
  #scheduleKeepAlive(ms) {
    this.#clearTimer("keepAlive");
    const gen = this.#gen;
    this.#keepAliveTimer = this.#clock.setTimeout(() => {
      this.#keepAliveTimer = null;
      if (gen !== this.#gen) {
        return;
      }
      const ka = this.#opts.wsKeepAliveMs;
      const idle = this.#clock.now() - this.#lastReceived;
      if (idle < ka) {
        this.#scheduleKeepAlive(ka - idle);
        return;
      }
      this.#sendPing(gen);
      this.#scheduleKeepAlive(ka);
    }, ms);
  }

  /** @param {number} gen */
  #sendPing(gen) {
    if (this.#pingOutstanding) {
      return;
    }
    this.#pingOutstanding = true;
    this.#sendWithCallback(Chsk.WsPing, undefined, this.#opts.wsPingTimeoutMs, (result) => {
      this.#pingOutstanding = false;
      if (gen !== this.#gen) {
        return;
      }
      if (!result.ok || result.reply !== PONG) {
        this.#connectionLost("ws-ping-timeout");
      }
    });
  }

  // ---------------------------------------------------------------- Ajax

  #pollUrl() {
    /** @type {Record<string, string>} */
    const extra = { udt: String(this.#clock.now()), "client-id": this.clientId, packer: this.#packer.name, resume: this.#resumeMark };
    if (!this.#state.open) {
      extra["handshake?"] = "1";
    }
    return `${this.#httpBase()}?${this.#query(extra)}`;
  }

  #httpBase() {
    return `${this.#httpProtocol}//${this.#host}${this.#opts.path}`;
  }

  /**
   * The headers of one Ajax request; a promise when the access token factory answers with one.
   * The factory is asked per request, as SignalR's long polling asks it, so a refreshed token is
   * used from the next request on.
   * @returns {Record<string, string> | Promise<Record<string, string>>}
   */
  #ajaxHeaders() {
    /** @type {Record<string, string>} */
    const headers = { "X-Requested-With": "XMLHTTPRequest" };
    const token = this.#csrf();
    if (token) {
      headers["X-CSRF-Token"] = token;
    }
    const accessToken = this.#accessTokenFactory ? this.#accessTokenFactory() : null;
    /** @param {string | null | undefined} t */
    const withToken = (t) => {
      if (t) {
        headers["Authorization"] = `Bearer ${t}`;
      }
      return headers;
    };
    return isThenable(accessToken) ? accessToken.then(withToken) : withToken(accessToken);
  }

  #startPolling() {
    const gen = this.#gen;
    this.#pollAbort = new AbortController();
    this.#pollLoop(gen).catch((e) => {
      if (gen === this.#gen) {
        this.#reportError(e);
        this.#connectionLost("unexpected");
      }
    });
  }

  /**
   * Long-polls until the connection is torn down. A poll ends in one of four ways:
   * the server's `[":chsk/timeout",null]` (repoll at once), a handshake or a batch
   * (handled, then repoll), the client's own `ajaxPollTimeoutMs` (repoll), or an HTTP or
   * network failure (the connection is lost; retry with backoff).
   * @param {number} gen
   */
  async #pollLoop(gen) {
    while (gen === this.#gen) {
      const controller = new AbortController();
      const outer = this.#pollAbort;
      const onOuterAbort = () => controller.abort();
      outer?.signal.addEventListener("abort", onOuterAbort);
      let timedOut = false;
      const timer = this.#clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#opts.ajaxPollTimeoutMs);
      /** @type {string | Uint8Array} */
      let text;
      try {
        const headers = this.#ajaxHeaders();
        const res = await this.#fetch(this.#pollUrl(), {
          method: "GET",
          headers: isThenable(headers) ? await headers : headers,
          credentials: "same-origin",
          cache: "no-store",
          signal: controller.signal,
        });
        if (!res.ok) {
          throw new Error(`Poll failed: HTTP ${res.status}`);
        }
        text = this.#packer.binary ? new Uint8Array(await res.arrayBuffer()) : await res.text();
      } catch (e) {
        if (gen !== this.#gen) {
          return;
        }
        if (timedOut) {
          continue;
        }
        this.#reportError(e);
        this.#connectionLost("unexpected");
        return;
      } finally {
        this.#clock.clearTimeout(timer);
        outer?.signal.removeEventListener("abort", onOuterAbort);
      }
      if (gen !== this.#gen) {
        return;
      }
      const frame = readFrame(text, this.#packer);
      switch (frame.kind) {
        case "handshake":
          this.#onHandshake(frame.uid, frame.handshakeData);
          break;
        case "timeout":
          break;
        case "batch":
          this.#deliverBatch(frame.events);
          break;
        default:
          this.#reportError(new Error(`Ignored a poll response (${frame.kind === "invalid" ? frame.reason : frame.kind}): ${preview(text)}`));
      }
    }
  }

  /**
   * One POST; its response body is the reply envelope. A text packer posts a form (`ppstr`); a
   * binary one posts the frame itself, with `udt`, `client-id` and `binary?=true` in the query.
   * @param {string | Uint8Array} ppstr
   * @param {number | null} timeoutMs
   * @param {((result: Result) => void) | null} cb
   */
  #ajaxPost(ppstr, timeoutMs, cb) {
    const key = "ajax-" + ++this.#ajaxSeq;
    const controller = new AbortController();
    /** @type {unknown} */
    let timer = null;
    let done = false;
    /** @param {Result} result */
    const finish = (result) => {
      if (done) {
        return;
      }
      done = true;
      this.#pending.delete(key);
      if (timer !== null) {
        this.#clock.clearTimeout(timer);
      }
      if (!result.ok) {
        controller.abort();
      }
      cb?.(result);
    };
    if (cb) {
      // Only requests awaiting a reply are failed (and aborted) when the connection drops;
      // a fire-and-forget POST is left to complete.
      this.#pending.set(key, { finish });
    }
    if (cb && timeoutMs !== null && Number.isFinite(timeoutMs)) {
      timer = this.#clock.setTimeout(() => finish({ ok: false, reason: Outcome.Timeout }), timeoutMs);
    }
    const packer = this.#packer;
    const udt = String(this.#clock.now());
    const url = typeof ppstr === "string"
      ? `${this.#httpBase()}?${new URLSearchParams({ packer: packer.name })}`
      : `${this.#httpBase()}?${new URLSearchParams({ packer: packer.name, udt, "client-id": this.clientId, "binary?": "true" })}`;
    const body = typeof ppstr === "string" ? new URLSearchParams({ udt, "client-id": this.clientId, packer: packer.name, ppstr }).toString() : ppstr;
    const contentType = typeof ppstr === "string" ? "application/x-www-form-urlencoded" : "application/octet-stream";
    Promise.resolve()
      .then(() => this.#ajaxHeaders())
      .then((headers) =>
        this.#fetch(url, {
          method: "POST",
          headers: { ...headers, "Content-Type": contentType },
          credentials: "same-origin",
          body: /** @type {BodyInit} */ (body),
          signal: controller.signal,
        }),
      )
      .then(async (res) => {
        if (!res.ok) {
          throw new Error(`Send failed: HTTP ${res.status}`);
        }
        const frame = readAjaxReply(packer.binary ? new Uint8Array(await res.arrayBuffer()) : await res.text(), packer);
        if (frame.kind === "timeout") {
          finish({ ok: false, reason: Outcome.Timeout });
        } else if (frame.kind === "dummy") {
          finish({ ok: true, reply: null });
        } else if (frame.kind === "reply") {
          finish({ ok: true, reply: frame.reply });
        } else {
          throw new Error(`Unreadable reply to a send (${frame.reason})`);
        }
      })
      .catch((error) => finish({ ok: false, reason: Outcome.Error, error }));
  }

  // ---------------------------------------------------------------- sending

  /**
   * Sends an event. With a callback, the server is asked for a reply and the callback gets
   * exactly one Result: the reply, or "chsk/closed" (at once when not open, or when the
   * connection drops), "chsk/timeout", "chsk/error". Returns whether the event was handed to
   * the transport. Throws a TypeError for an event id that is not namespaced.
   * @param {string} eventId "my/event" or ":my/event"
   * @param {unknown} [data]
   * @param {{ timeoutMs?: number | null, callback?: (result: Result) => void }} [options]
   * @returns {boolean}
   */
  send(eventId, data, options = {}) {
    const wireId = toWireEventId(eventId);
    const timeoutMs = options.timeoutMs === undefined ? this.#opts.requestTimeoutMs : options.timeoutMs;
    return this.#sendWithCallback(wireId, data, timeoutMs, options.callback ?? null);
  }

  /**
   * Sends an event and resolves with the server's reply, or rejects with a SenteError
   * whose `reason` is "chsk/closed", "chsk/timeout" or "chsk/error".
   * @param {string} eventId
   * @param {unknown} [data]
   * @param {{ timeoutMs?: number | null }} [options]
   * @returns {Promise<unknown>}
   */
  request(eventId, data, options = {}) {
    const wireId = toWireEventId(eventId);
    const timeoutMs = options.timeoutMs === undefined ? this.#opts.requestTimeoutMs : options.timeoutMs;
    return new Promise((resolve, reject) => {
      this.#sendWithCallback(wireId, data, timeoutMs, (result) => {
        if (result.ok) {
          resolve(result.reply);
        } else {
          const message = `${fromWireEventId(wireId)}: ${result.reason}`;
          reject(new SenteError(result.reason, message, result.error === undefined ? undefined : { cause: result.error }));
        }
      });
    });
  }

  /**
   * Asks the server to make this client a member of a group (`[:sente/join-group name]`). The
   * server's application decides (without its hook every request is refused). Resolves with the
   * answer, `{ ok: true, group }` or `{ ok: false, group, error }`; rejects like `request` when
   * no answer comes.
   * @param {string} group
   * @param {{ timeoutMs?: number | null }} [options]
   * @returns {Promise<{ ok: boolean, group: string, error?: string }>}
   */
  joinGroup(group, options = {}) {
    return /** @type {Promise<any>} */ (this.request("sente/join-group", group, options));
  }

  /**
   * Asks the server to end this client's membership of a group (`[:sente/leave-group name]`);
   * answered as `joinGroup`.
   * @param {string} group
   * @param {{ timeoutMs?: number | null }} [options]
   * @returns {Promise<{ ok: boolean, group: string, error?: string }>}
   */
  leaveGroup(group, options = {}) {
    return /** @type {Promise<any>} */ (this.request("sente/leave-group", group, options));
  }

  /**
   * @param {string} wireId
   * @param {unknown} data
   * @param {number | null} timeoutMs
   * @param {((result: Result) => void) | null} callback
   * @returns {boolean}
   */
  #sendWithCallback(wireId, data, timeoutMs, callback) {
    const cb = callback ? once(callback, (e) => this.#reportError(e)) : null;
    const wsDown = this.#mode === "ws" && this.#ws?.readyState !== WS_OPEN;
    if (!this.#state.open || wsDown) {
      cb?.({ ok: false, reason: Outcome.Closed });
      return false;
    }
    if (this.#mode === "ajax") {
      this.#ajaxPost(packEvent(wireId, data, cb ? AJAX_CB_MARKER : null, this.#packer), timeoutMs, cb);
      return true;
    }
    if (!cb) {
      const error = this.#wsSend(packEvent(wireId, data, null, this.#packer));
      if (error) {
        this.#reportError(error);
      }
      return error === null;
    }
    const cbId = this.#newCallbackId();
    /** @type {unknown} */
    let timer = null;
    /** @param {Result} result */
    const finish = (result) => {
      this.#pending.delete(cbId);
      if (timer !== null) {
        this.#clock.clearTimeout(timer);
      }
      cb(result);
    };
    this.#pending.set(cbId, { finish });
    if (timeoutMs !== null && Number.isFinite(timeoutMs)) {
      timer = this.#clock.setTimeout(() => {
        timer = null;
        if (this.#pending.get(cbId)?.finish === finish) {
          finish({ ok: false, reason: Outcome.Timeout });
        }
      }, timeoutMs);
    }
    /** @type {string | Uint8Array} */
    let frame;
    try {
      frame = packEvent(wireId, data, cbId, this.#packer);
    } catch (e) {
      this.#pending.delete(cbId);
      if (timer !== null) {
        this.#clock.clearTimeout(timer);
      }
      throw e;
    }
    const error = this.#wsSend(frame);
    if (error) {
      finish({ ok: false, reason: Outcome.Error, error });
      return false;
    }
    return true;
  }

  /** Six random hex digits, unique among the pending callbacks. */
  #newCallbackId() {
    const bytes = new Uint8Array(3);
    for (;;) {
      globalThis.crypto.getRandomValues(bytes);
      const id = [...bytes].map((x) => x.toString(16).padStart(2, "0")).join("");
      if (!this.#pending.has(id)) {
        return id;
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** @param {Record<string, string | null | undefined>} extra */
  #query(extra) {
    const params = typeof this.#params === "function" ? this.#params() : this.#params;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) {
      q.append(k, String(v));
    }
    for (const [k, v] of Object.entries(extra)) {
      // An empty resume still asks for resume marks.
      if (v !== null && v !== undefined && (v !== "" || k === "resume")) {
        q.append(k, v);
      }
    }
    return q.toString();
  }

  /** @returns {string | null} */
  #csrf() {
    const t = this.#csrfToken;
    if (typeof t === "function") {
      return t() ?? null;
    }
    if (t !== undefined) {
      return t;
    }
    const meta = this.#document?.querySelector?.('meta[name="csrf-token"]');
    return meta?.getAttribute("content") ?? null;
  }
}

/**
 * The packer option: "json" or a packer object. The Transit and MessagePack packers are objects
 * exported by their own modules, so that a JSON client never loads them.
 * @param {unknown} p
 * @returns {Packer}
 */
function checkPacker(p) {
  if (p === "json") {
    return jsonPacker;
  }
  if (typeof p === "string") {
    throw new TypeError(`packer ${JSON.stringify(p)}: pass the packer object, e.g. import { transitPacker } from "orleans-sente-client/transit" (or "/sente/transit.js"), { msgpackPacker } from ".../msgpack"`);
  }
  const q = /** @type {any} */ (p);
  if (q === null || typeof q !== "object" || typeof q.name !== "string" || !/^[a-z0-9-]+$/.test(q.name) || typeof q.pack !== "function" || typeof q.unpack !== "function" || typeof q.binary !== "boolean") {
    throw new TypeError("packer must be \"json\" or an object { name, binary, pack, unpack }");
  }
  return q;
}

/** A received binary frame as bytes; null for a type the client cannot read. @param {unknown} data */
function asBytes(data) {
  if (data instanceof ArrayBuffer) {
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return null;
}

/** The start of a frame for an error message: text as it is, bytes in hex. @param {string | Uint8Array} data */
function preview(data) {
  if (typeof data === "string") {
    return data.slice(0, 200);
  }
  return [...data.subarray(0, 100)].map((b) => b.toString(16).padStart(2, "0")).join("") + (data.length > 100 ? "…" : "");
}

/** @param {unknown} v */
function safeJson(v) {
  try {
    return String(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? String(x) : x))).slice(0, 200);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/**
 * @param {unknown} value
 * @returns {value is PromiseLike<any>}
 */
function isThenable(value) {
  return value !== null && typeof value === "object" && typeof (/** @type {any} */ (value).then) === "function";
}

/** A v4 UUID; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
function randomUuid() {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") {
    return c.randomUUID();
  }
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** @param {string} name */
function listenerKey(name) {
  if (name === "state" || name === "handshake" || name === "event" || name === "error") {
    return name;
  }
  if (typeof name === "string" && name.includes("/")) {
    return "id:" + fromWireEventId(name);
  }
  throw new TypeError(`Unknown event ${JSON.stringify(name)}: use "state", "handshake", "event", "error" or a namespaced event id`);
}

/**
 * @template {Record<string, unknown>} T
 * @param {T} o
 * @returns {T}
 */
function stripUndefined(o) {
  return /** @type {T} */ (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
}

/**
 * Guarantees a callback runs once, and that its exceptions do not break the client.
 * @param {(result: Result) => void} fn
 * @param {(e: unknown) => void} onError
 * @returns {(result: Result) => void}
 */
function once(fn, onError) {
  let called = false;
  return (result) => {
    if (called) {
      return;
    }
    called = true;
    try {
      fn(result);
    } catch (e) {
      onError(e);
    }
  };
}
