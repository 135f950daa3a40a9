// Types for sente-client.js (Orleans.Sente browser client: the JSON packer, and the value model and
// packer interface of the Transit and MessagePack packers in ./transit.js and ./msgpack.js).

/** The uid a server gives to clients without a user-id (Sente's `:sente/nil-uid`). */
export declare const NIL_UID: ":sente/nil-uid";

/** Why a request got no reply. */
export type FailureReason = "chsk/closed" | "chsk/timeout" | "chsk/error";

/** The three ways a request ends without a reply. */
export declare const Outcome: Readonly<{
  /** The connection was closed when sending, or dropped before the reply came. */
  Closed: "chsk/closed";
  /** No reply within the request's timeout. */
  Timeout: "chsk/timeout";
  /** The transport failed: a WebSocket send threw, an Ajax POST failed or answered garbage. */
  Error: "chsk/error";
}>;

/** What a `send` callback receives, exactly once. */
export type Result<Reply = unknown> = { ok: true; reply: Reply } | { ok: false; reason: FailureReason; error?: unknown };

/**
 * An application's events, for typed `data` and replies without casts. Ids are namespaced, without
 * the colon ("chat/msg"). Every part is optional:
 * - `push`: events the server pushes, id to the type of their data;
 * - `send`: events the client sends without wanting a reply, id to the type of their data;
 * - `request`: events the client sends for a reply, id to `{ data; reply }`.
 *
 * ```ts
 * interface ChatEvents {
 *   push: { "chat/msg": { from: string; text: string } };
 *   send: { "chat/typing": { to: string } };
 *   request: { "chat/send": { data: { to: string; text: string }; reply: { ok: boolean } | BadRequestReply } };
 * }
 * const client = createClient<ChatEvents>();
 * ```
 */
export interface EventMap {
  push?: object;
  send?: object;
  request?: object;
}

/** The event map of a client created without one: any namespaced id, `unknown` data and replies. */
export interface AnyEvents {
  push: { [id: string]: unknown };
  send: { [id: string]: unknown };
  request: { [id: string]: { data?: unknown; reply: unknown } };
}

/** The answer of a server handler whose event data did not bind (Orleans.Sente's typed handlers). */
export interface BadRequestReply {
  error: "bad-request";
  message: string;
}

type PushMap<E> = E extends { push: infer P } ? P : {};
type SendMap<E> = E extends { send: infer S } ? S : {};
type RequestMap<E> = E extends { request: infer R } ? R : {};

/** The ids of the events the server pushes. */
export type PushId<E extends EventMap> = keyof PushMap<E> & string;
/** The ids of the events the client may `send`: those of `send` and of `request`. */
export type SendId<E extends EventMap> = (keyof SendMap<E> | keyof RequestMap<E>) & string;
/** The ids of the events the client may `request`. */
export type RequestId<E extends EventMap> = keyof RequestMap<E> & string;
/** The data of a pushed event. */
export type PushData<E extends EventMap, K extends PushId<E>> = PushMap<E>[K];
/** The data of a request (`undefined` when its entry has no `data`). */
export type RequestData<E extends EventMap, K extends RequestId<E>> = RequestMap<E>[K] extends { data: infer D } ? D : RequestMap<E>[K] extends { data?: infer D } ? D | undefined : undefined;
/** The data of a sent event. */
export type SendData<E extends EventMap, K extends SendId<E>> = K extends keyof SendMap<E> ? SendMap<E>[K] : K extends RequestId<E> ? RequestData<E, K> : never;
/** The reply of a request. */
export type ReplyOf<E extends EventMap, K extends RequestId<E>> = RequestMap<E>[K] extends { reply: infer R } ? R : unknown;

/** The arguments after the id: the data may be left out only when `undefined` is a valid one. */
type DataArgs<D, O> = undefined extends D ? [data?: D, options?: O] : [data: D, options?: O];

/** The rejection of `request()`. */
export declare class SenteError extends Error {
  constructor(reason: FailureReason, message?: string, options?: { cause?: unknown });
  readonly name: "SenteError";
  readonly reason: FailureReason;
}

/** Time source and timers; inject a fake one in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The subset of the browser WebSocket the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev?: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev?: unknown) => void) | null;
  onclose: ((ev?: { code?: number; reason?: string }) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Set to "arraybuffer" by the client, so that binary frames arrive as ArrayBuffers. */
  binaryType?: string;
}

/**
 * How a client packs and unpacks frames. `name` is sent as the `packer` parameter; a `binary`
 * packer's frames are binary WebSocket messages and `application/octet-stream` Ajax bodies.
 * `unpack` throws on a frame it cannot read.
 */
export interface Packer {
  readonly name: string;
  readonly binary: boolean;
  pack(value: unknown): string | Uint8Array;
  unpack(data: string | Uint8Array): unknown;
}

/** The JSON packer, the default: keywords as ":ns/name" strings. */
export declare const jsonPacker: Packer;

/**
 * An EDN keyword, as the Transit and MessagePack packers read it. Interned, so `===` compares
 * keywords: `keyword("my/k") === keyword(":my/k")`. `String(k)` and `JSON.stringify(k)` give ":ns/name".
 */
export declare class Keyword {
  private constructor(text: string);
  /** The namespace, or null. */
  readonly namespace: string | null;
  /** The name after the namespace. */
  readonly name: string;
  /** "ns/name", without the colon. */
  readonly text: string;
  /** ":ns/name". */
  toString(): string;
  toJSON(): string;
}

/** The keyword `:ns/name`, given as "ns/name" or ":ns/name"; throws a TypeError for text EDN cannot print. */
export declare function keyword(text: string): Keyword;

/** An EDN symbol. Interned, so `===` compares symbols. */
export declare class EdnSymbol {
  private constructor(text: string);
  readonly text: string;
  toString(): string;
  toJSON(): string;
}

/** The symbol with this text; throws a TypeError for text EDN cannot print as a symbol. */
export declare function symbol(text: string): EdnSymbol;

/** An EDN `#uuid`; `value` is its 36 lower-case characters. */
export declare class Uuid {
  /** Throws a TypeError for anything but a uuid's 36 characters. */
  constructor(value: string);
  readonly value: string;
  equals(other: unknown): boolean;
  toString(): string;
  toJSON(): string;
}

/** A tagged value `#tag value` the reader does not know; written back as it came (Transit), or as its value (MessagePack). */
export declare class TaggedValue {
  constructor(tag: string, value: unknown);
  readonly tag: string;
  readonly value: unknown;
  toJSON(): unknown;
}

/** A frame a packer cannot read, or a value it cannot write. */
export declare class PackError extends Error {
  constructor(message: string);
}

/** The subset of `document` the client uses: the CSRF meta tag and page visibility. */
export interface DocumentLike {
  visibilityState?: string;
  addEventListener?(type: string, fn: () => void): void;
  removeEventListener?(type: string, fn: () => void): void;
  querySelector?(selector: string): { getAttribute(name: string): string | null } | null;
}

export interface ClientOptions {
  /** Transport; "auto" tries WebSocket first and falls back to Ajax for good if it never opens. Default "auto". */
  type?: "auto" | "ws" | "ajax";
  /** Endpoint path. Default "/chsk". */
  path?: string;
  /** host[:port]. Default `location.host`; required outside a browser. */
  host?: string;
  /** "http:" or "https:"; WebSocket uses ws:/wss: to match. Default `location.protocol`, else "https:". */
  protocol?: string;
  /** Default: a random UUID per client instance. */
  clientId?: string;
  /**
   * How frames are packed: "json" (default), or a packer object: `transitPacker` from
   * "orleans-sente-client/transit", `msgpackPacker` from "orleans-sente-client/msgpack".
   */
  packer?: Packer | "json";
  /** Extra query parameters on the WebSocket URL and on polls (not on POSTs). */
  params?: Record<string, string> | (() => Record<string, string>);
  /** CSRF token; a function is read at every connect. Default: `<meta name="csrf-token">` content, if any. */
  csrfToken?: string | null | (() => string | null);
  /**
   * The access token, asked before every WebSocket upgrade (sent as the `access_token` query parameter:
   * browsers cannot set headers on an upgrade) and before every Ajax request (sent as
   * `Authorization: Bearer <token>`), as SignalR's `accessTokenFactory`. A promise is awaited; null or
   * an empty token sends none. The server reads the query parameter itself (see the server's
   * docs/authentication.md). Default none.
   */
  accessTokenFactory?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Connect on creation. Default true. */
  autoConnect?: boolean;
  /** Send a ping after this long with nothing received (WebSocket). Default 20000. */
  wsKeepAliveMs?: number;
  /** Reconnect if the ping gets no "pong" within this. Default 5000. */
  wsPingTimeoutMs?: number;
  /** Give up on a WebSocket that has not handshaken after this. Default 10000. */
  wsConnectTimeoutMs?: number;
  /** Client-side limit on one long poll; keep it above the server's lp-timeout (20 s). Default 60000. */
  ajaxPollTimeoutMs?: number;
  /** Timeout of `send`/`request` when the call gives none. Default 30000. */
  requestTimeoutMs?: number;
  /** Ceiling of the second retry's jitter; doubles per retry. Default 2000. */
  backoffBaseMs?: number;
  /** Cap on any retry delay. Default 30000. */
  backoffMaxMs?: number;
  /** Custom backoff by attempt (0 = first retry); clamped to [0, backoffMaxMs]. */
  backoffMsFn?: (attempt: number) => number;
  /**
   * While the page is hidden a retry waits until the page is visible, or at most a random time in
   * [hiddenRetryMs / 2, hiddenRetryMs]; null waits for visibility only. Default 60000.
   */
  hiddenRetryMs?: number | null;
  /** Default `url => new WebSocket(url)`. */
  webSocketFactory?: (url: string) => WebSocketLike;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default: `Date.now`, `setTimeout`, `clearTimeout`. */
  clock?: Clock;
  /** Uniform in [0, 1); drives the reconnect jitter. Default `Math.random`. */
  random?: () => number;
  /** Default `globalThis.document` when present; null for none. */
  document?: DocumentLike | null;
}

/** Why the last connection closed. */
export type CloseReason =
  | "requested-disconnect"
  | "requested-reconnect"
  | "downgrading-ws-to-ajax"
  | "unexpected"
  | "ws-error"
  | "ws-ping-timeout"
  | "ws-connect-timeout";

export interface ClientState {
  /** The transport in use. */
  readonly type: "ws" | "ajax";
  /** A handshake was received and the connection has not closed since. */
  readonly open: boolean;
  /** Some connection of this client has opened. */
  readonly everOpened: boolean;
  /** True only in the state produced by the first open. */
  readonly firstOpen: boolean;
  /** The user-id from the last handshake (NIL_UID when anonymous); null before any handshake. */
  readonly uid: unknown;
  /** The handshake data from the last handshake; null before any. */
  readonly handshakeData: unknown;
  readonly lastClose: { readonly udt: number; readonly reason: CloseReason | string } | null;
}

/** A pushed event; `id` is the namespaced name without its colon ("my/push"). */
export interface PushEvent<Id extends string = string, Data = unknown> {
  readonly id: Id;
  readonly data: Data;
}

/** Any pushed event of an event map, discriminated by `id`. */
export type PushEventOf<E extends EventMap> = { [K in PushId<E>]: PushEvent<K, PushData<E, K>> }[PushId<E>];

export interface HandshakeEvent {
  uid: unknown;
  handshakeData: unknown;
  /** True for the client's first handshake. */
  firstHandshake: boolean;
}

export interface SendOptions<Reply = unknown> {
  /** Default: the client's requestTimeoutMs; null for none. */
  timeoutMs?: number | null;
  /** Ask the server for a reply; called exactly once with the Result. */
  callback?: (result: Result<Reply>) => void;
}

/**
 * A client. `Events` types pushed data, sent data and replies (see {@link EventMap}); without it
 * every namespaced id is accepted and data is `unknown`.
 */
export declare class SenteClient<Events extends EventMap = AnyEvents> {
  constructor(options?: ClientOptions);
  /** The client id sent on every request; fixed for the life of the client. */
  readonly clientId: string;
  /** The current state; a new frozen object after every change. */
  readonly state: ClientState;

  on(name: "state", fn: (oldState: ClientState, newState: ClientState) => void): () => void;
  on(name: "handshake", fn: (handshake: HandshakeEvent) => void): () => void;
  on(name: "error", fn: (error: unknown) => void): () => void;
  /** Every pushed event, after the id listeners. */
  on(name: "event", fn: (event: PushEventOf<Events>) => void): () => void;
  /** A pushed event id, "my/push" (untyped clients accept ":my/push" too). */
  on<K extends PushId<Events>>(name: K, fn: (event: PushEvent<K, PushData<Events, K>>) => void): () => void;
  off(name: string, fn: (...args: any[]) => void): void;

  /** Connects, unless already connected or connecting. */
  connect(): void;
  /** Closes for good (until connect()); pending requests fail with "chsk/closed". */
  disconnect(): void;
  /** Closes and reconnects at once, e.g. after a login changed the session's user-id. */
  reconnect(): void;
  /** Drops the connection as a network failure would; the client reconnects as usual. */
  breakConnection(): void;

  /**
   * Sends an event; returns whether it was handed to the transport. Throws a TypeError for an
   * event id that is not namespaced ("my/event" or ":my/event").
   */
  send<K extends SendId<Events>>(
    eventId: K,
    ...args: DataArgs<SendData<Events, K>, SendOptions<K extends RequestId<Events> ? ReplyOf<Events, K> : unknown>>
  ): boolean;
  /** Sends an event and resolves with the reply, or rejects with a SenteError. */
  request<K extends RequestId<Events>>(
    eventId: K,
    ...args: DataArgs<RequestData<Events, K>, { timeoutMs?: number | null }>
  ): Promise<ReplyOf<Events, K>>;
  /**
   * Asks the server to make this client a member of a group; the server's application decides
   * (without its hook every request is refused). Rejects like `request` when no answer comes.
   */
  joinGroup(group: string, options?: { timeoutMs?: number | null }): Promise<GroupReply>;
  /** Asks the server to end this client's membership of a group; answered as `joinGroup`. */
  leaveGroup(group: string, options?: { timeoutMs?: number | null }): Promise<GroupReply>;
}

/** The server's answer to `joinGroup` / `leaveGroup`. */
export interface GroupReply {
  ok: boolean;
  group: string;
  /** Why not: "refused", a bad name, no user-id, a limit reached. */
  error?: string;
}

/**
 * Creates a client; it connects at once unless `autoConnect` is false. Give the application's
 * {@link EventMap} to type its events: `createClient<ChatEvents>({ ... })`.
 */
export declare function createClient<Events extends EventMap = AnyEvents>(options?: ClientOptions): SenteClient<Events>;

/** Wire form of an application event id ("my/req" -> ":my/req"); throws a TypeError if not namespaced. */
export declare function toWireEventId(eventId: unknown): string;

/** Packs `[[id, data], cb]` (the id a keyword); `data === undefined` packs a 1-element event. Default the JSON packer. */
export declare function packEvent(wireEventId: string, data: unknown, cb: string | null): string;
export declare function packEvent(wireEventId: string, data: unknown, cb: string | null, packer: Packer): string | Uint8Array;

export type Frame =
  | { kind: "handshake"; uid: unknown; handshakeData: unknown }
  | { kind: "ping" }
  | { kind: "reply"; cb: unknown; reply: unknown }
  | { kind: "batch"; events: unknown[] }
  | { kind: "timeout" }
  | { kind: "dummy" }
  | { kind: "invalid"; reason: string };

/** Classifies a server envelope in Sente's order: handshake, ping, reply (non-null cb), batch. */
export declare function classifyFrame(envelope: unknown): Frame;

/** Unpacks and classifies one frame (default the JSON packer); an unreadable one is `{ kind: "invalid", reason }`. */
export declare function readFrame(data: string | Uint8Array, packer?: Packer): Frame;

/**
 * Exponential backoff with full jitter and a cap: 0 for attempt 0, else uniform in
 * [0, min(maxMs, baseMs * 2^(attempt-1))].
 */
export declare function backoffDelayMs(attempt: number, limits: { baseMs: number; maxMs: number }, random: () => number): number;
