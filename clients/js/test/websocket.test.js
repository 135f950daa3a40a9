import { test } from "node:test";
import assert from "node:assert/strict";
import { NIL_UID, SenteError } from "../src/sente-client.js";
import { harness } from "./fakes.js";

test("connects to ws(s)://host/chsk with params, client-id, packer and csrf-token", () => {
  const h = harness({ params: { app: "demo" } });
  assert.equal(h.sockets.length, 1);
  assert.equal(h.ws.url, "wss://example.com/chsk?app=demo&client-id=cid-123&packer=json&resume=&csrf-token=tok");
  const plain = harness({ protocol: "http:", path: "/push", csrfToken: null });
  assert.equal(plain.ws.url, "ws://example.com/push?client-id=cid-123&packer=json&resume=");
});

test("the CSRF token is read from the meta tag when not given", () => {
  const h = harness({ csrfToken: undefined, autoConnect: false });
  h.document.csrfMeta = "from-meta";
  h.client.connect();
  assert.match(h.ws.url, /&csrf-token=from-meta$/);
});

test("the client id is random per instance unless given", () => {
  const a = harness({ clientId: undefined, autoConnect: false }).client.clientId;
  const b = harness({ clientId: undefined, autoConnect: false }).client.clientId;
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
});

test("the handshake opens the state and emits state then handshake", () => {
  const h = harness();
  const order = [];
  h.client.on("state", () => order.push("state"));
  h.client.on("handshake", () => order.push("handshake"));
  assert.equal(h.client.state.open, false);
  h.ws.open();
  assert.equal(h.client.state.open, false, "a socket is open only after the handshake");
  h.ws.handshake("alice", { server: "s1" });
  assert.deepEqual(order, ["state", "handshake"]);
  const [[before, after]] = h.states;
  assert.deepEqual(before, { type: "ws", open: false, everOpened: false, firstOpen: false, uid: null, handshakeData: null, lastClose: null });
  assert.deepEqual(after, { type: "ws", open: true, everOpened: true, firstOpen: true, uid: "alice", handshakeData: { server: "s1" }, lastClose: null });
  assert.deepEqual(h.handshakes, [{ uid: "alice", handshakeData: { server: "s1" }, firstHandshake: true }]);
  assert.ok(Object.isFrozen(h.client.state));
});

test("an anonymous user gets the nil-uid", () => {
  const h = harness();
  h.ws.accept(":sente/nil-uid");
  assert.equal(h.client.state.uid, NIL_UID);
});

test("a server ping is answered with a pong and is not delivered as an event", () => {
  const h = harness();
  h.ws.accept();
  h.ws.receive('[":chsk/ws-ping",null]');
  assert.deepEqual(h.ws.sent, ['[[":chsk/ws-pong"],null]']);
  assert.deepEqual(h.events, []);
});

test("a batch is delivered one event at a time, in order, to 'event' and to id listeners", () => {
  const h = harness();
  h.ws.accept();
  const byId = [];
  h.client.on("my/push", (ev) => byId.push(["my/push", ev.data]));
  h.client.on(":my/other", (ev) => byId.push(["my/other", ev.data]));
  h.ws.receive('[[[":my/push",{"n":1}],[":my/other",{"n":2}],[":my/push",{"n":3}],[":my/bare"]],null]');
  assert.deepEqual(h.events, [
    { id: "my/push", data: { n: 1 } },
    { id: "my/other", data: { n: 2 } },
    { id: "my/push", data: { n: 3 } },
    { id: "my/bare", data: null },
  ]);
  assert.deepEqual(byId, [
    ["my/push", { n: 1 }],
    ["my/other", { n: 2 }],
    ["my/push", { n: 3 }],
  ]);
});

test("unsubscribing stops delivery; a throwing listener does not stop the others", () => {
  const h = harness();
  h.ws.accept();
  const seen = [];
  const off = h.client.on("my/push", () => seen.push("a"));
  h.client.on("my/push", () => {
    throw new Error("listener bug");
  });
  h.client.on("my/push", () => seen.push("c"));
  h.ws.receive('[[[":my/push",1]],null]');
  off();
  h.ws.receive('[[[":my/push",2]],null]');
  assert.deepEqual(seen, ["a", "c", "c"]);
  assert.equal(h.errors.length, 2);
  assert.throws(() => h.client.on("push", () => {}), /Unknown event/);
});

test("send with a callback writes [[id,data],cb] and the reply with that cb completes it", () => {
  const h = harness();
  h.ws.accept();
  const results = [];
  assert.equal(h.client.send("my/req", { q: 1 }, { callback: (r) => results.push(r) }), true);
  assert.equal(h.client.send(":my/note", "no cb"), true);
  const [req, note] = h.ws.sent;
  const cb = JSON.parse(req)[1];
  assert.match(cb, /^[0-9a-f]{6}$/);
  assert.equal(req, `[[":my/req",{"q":1}],"${cb}"]`);
  assert.equal(note, '[[":my/note","no cb"],null]');
  h.ws.receive(JSON.stringify([{ answer: 42 }, cb]));
  assert.deepEqual(results, [{ ok: true, reply: { answer: 42 } }]);
  h.ws.receive(JSON.stringify([{ answer: 43 }, cb]));
  assert.equal(results.length, 1, "a reply completes a callback once");
  assert.deepEqual(h.events, [], "a reply is not a push");
});

test("request resolves with the reply", async () => {
  const h = harness();
  h.ws.accept();
  const p = h.client.request("my/req", [1, 2]);
  const cb = JSON.parse(h.ws.sent[0])[1];
  h.ws.receive(JSON.stringify([[3], cb]));
  assert.deepEqual(await p, [3]);
});

test("a callback times out after timeoutMs, and a late reply is ignored", async () => {
  const h = harness();
  h.ws.accept();
  const results = [];
  h.client.send("my/req", 1, { timeoutMs: 1000, callback: (r) => results.push(r) });
  const p = h.client.request("my/req", 2, { timeoutMs: 2000 });
  h.clock.advance(999);
  assert.deepEqual(results, []);
  h.clock.advance(1);
  assert.deepEqual(results, [{ ok: false, reason: "chsk/timeout" }]);
  h.clock.advance(1000);
  await assert.rejects(p, (e) => e instanceof SenteError && e.reason === "chsk/timeout");
  h.ws.receive(JSON.stringify(["late", JSON.parse(h.ws.sent[0])[1]]));
  assert.equal(results.length, 1);
});

test("the default request timeout applies when the call gives none", () => {
  const h = harness({ requestTimeoutMs: 500 });
  h.ws.accept();
  const results = [];
  h.client.send("my/req", 1, { callback: (r) => results.push(r.ok ? "reply" : r.reason) });
  h.clock.advance(500);
  assert.deepEqual(results, ["chsk/timeout"]);
});

test("pending callbacks fail with closed as soon as the socket drops", async () => {
  const h = harness();
  h.ws.accept();
  const results = [];
  h.client.send("my/req", 1, { timeoutMs: 60000, callback: (r) => results.push(r) });
  const p = h.client.request("my/req", 2, { timeoutMs: 60000 });
  h.ws.drop();
  assert.deepEqual(results, [{ ok: false, reason: "chsk/closed" }]);
  await assert.rejects(p, (e) => e instanceof SenteError && e.reason === "chsk/closed");
  h.clock.advance(60000);
  assert.equal(results.length, 1, "the timeout does not fire a second outcome");
});

test("sending while closed fails the callback with closed at once and returns false", async () => {
  const h = harness();
  const results = [];
  assert.equal(h.client.send("my/req", 1, { callback: (r) => results.push(r) }), false);
  assert.deepEqual(results, [{ ok: false, reason: "chsk/closed" }], "before send returns");
  await assert.rejects(h.client.request("my/req", 1), (e) => e.reason === "chsk/closed");
  assert.equal(h.client.send("my/note", 1), false);
  assert.deepEqual(h.ws.sent, []);
});

test("a send the socket refuses fails with error", async () => {
  const h = harness();
  h.ws.accept();
  h.ws.send = () => {
    throw new Error("buffer full");
  };
  const results = [];
  assert.equal(h.client.send("my/req", 1, { callback: (r) => results.push(r) }), false);
  assert.equal(results[0].ok, false);
  assert.equal(results[0].reason, "chsk/error");
  assert.equal(results[0].error.message, "buffer full");
  await assert.rejects(h.client.request("my/req", 1), (e) => e.reason === "chsk/error" && e.cause.message === "buffer full");
});

test("a bad event id throws a TypeError and sends nothing", () => {
  const h = harness();
  h.ws.accept();
  assert.throws(() => h.client.send("req", 1), /namespaced/);
  assert.throws(() => h.client.request("req", 1), /namespaced/);
  assert.deepEqual(h.ws.sent, []);
});

test("keep-alive: a ping after wsKeepAliveMs with nothing received; a pong keeps the connection", () => {
  const h = harness();
  h.ws.accept();
  h.clock.advance(10000);
  h.ws.receive('[[[":my/push",1]],null]');
  h.clock.advance(19999);
  assert.deepEqual(h.ws.sent, [], "activity postpones the ping");
  h.clock.advance(1);
  assert.equal(h.ws.sent.length, 1);
  const [event, cb] = JSON.parse(h.ws.sent[0]);
  assert.equal(h.ws.sent[0], `[[":chsk/ws-ping"],"${cb}"]`);
  assert.deepEqual(event, [":chsk/ws-ping"]);
  h.ws.receive(JSON.stringify(["pong", cb]));
  h.clock.advance(5000);
  assert.equal(h.client.state.open, true);
  assert.equal(h.sockets.length, 1);
});

test("keep-alive: no pong within wsPingTimeoutMs closes with ws-ping-timeout and reconnects at once", () => {
  const h = harness();
  h.ws.accept();
  h.clock.advance(20000);
  assert.equal(h.ws.sent.length, 1);
  const first = h.ws;
  h.clock.advance(4999);
  assert.equal(h.client.state.open, true);
  h.clock.advance(1);
  assert.equal(h.client.state.open, false);
  assert.deepEqual(h.client.state.lastClose, { udt: h.clock.now(), reason: "ws-ping-timeout" });
  assert.deepEqual(first.closedByClient, { code: 1000, reason: "CLOSE_NORMAL" });
  h.clock.advance(0);
  assert.equal(h.sockets.length, 2, "the first retry is immediate");
});

test("an unexpected drop closes the state and reconnects; the new handshake reopens it", () => {
  const h = harness();
  h.ws.accept("alice");
  h.ws.drop();
  const [, closed] = h.states.at(-1);
  assert.equal(closed.open, false);
  assert.equal(closed.everOpened, true);
  assert.equal(closed.firstOpen, false);
  assert.deepEqual(closed.lastClose, { udt: h.clock.now(), reason: "unexpected" });
  h.clock.advance(0);
  assert.equal(h.sockets.length, 2);
  h.ws.accept("bob");
  const [, reopened] = h.states.at(-1);
  assert.equal(reopened.open, true);
  assert.equal(reopened.firstOpen, false, "only the first open is firstOpen");
  assert.equal(reopened.uid, "bob");
  assert.deepEqual(reopened.lastClose, closed.lastClose);
  assert.deepEqual(h.handshakes.map((x) => x.firstHandshake), [true, false]);
});

test("an error followed by close records ws-error", () => {
  const h = harness({ type: "ws" });
  h.ws.accept();
  h.ws.fail();
  assert.equal(h.client.state.lastClose.reason, "ws-error");
});

test("reconnect backoff: immediate, then jittered and never above backoffMaxMs", () => {
  const h = harness({ type: "ws", random: () => 0.9999999, backoffBaseMs: 1000, backoffMaxMs: 5000 });
  h.ws.accept();
  h.ws.drop();
  const delays = [];
  for (let i = 0; i < 8; i++) {
    const retryDelays = h.clock.pendingDelays();
    assert.equal(retryDelays.length, 1);
    delays.push(retryDelays[0]);
    h.clock.advance(retryDelays[0]);
    assert.equal(h.sockets.length, i + 2);
    h.ws.drop();
  }
  assert.deepEqual(delays, [0, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
});

test("a handshake resets the backoff", () => {
  const h = harness({ type: "ws", random: () => 0.9999999 });
  h.ws.accept();
  h.ws.drop();
  h.clock.advance(0);
  h.ws.drop();
  assert.deepEqual(h.clock.pendingDelays(), [2000]);
  h.clock.advance(2000);
  h.ws.accept();
  h.ws.drop();
  assert.deepEqual(h.clock.pendingDelays(), [0]);
});

test("a custom backoffMsFn is clamped to the cap", () => {
  const h = harness({ type: "ws", backoffMsFn: (n) => 10 ** (n + 3), backoffMaxMs: 7000 });
  h.ws.accept();
  h.ws.drop();
  assert.deepEqual(h.clock.pendingDelays(), [1000]);
  h.clock.advance(1000);
  h.ws.drop();
  assert.deepEqual(h.clock.pendingDelays(), [7000]);
});

test("a socket that never handshakes is given up after wsConnectTimeoutMs", () => {
  const h = harness({ type: "ws", wsConnectTimeoutMs: 3000 });
  h.ws.open();
  h.clock.advance(3000);
  assert.ok(h.sockets[0].closedByClient);
  h.clock.advance(0);
  assert.equal(h.sockets.length, 2);
});

test("disconnect closes for good and records requested-disconnect; connect starts again", () => {
  const h = harness();
  h.ws.accept();
  const results = [];
  h.client.send("my/req", 1, { callback: (r) => results.push(r.reason) });
  h.client.disconnect();
  assert.deepEqual(results, ["chsk/closed"]);
  assert.equal(h.client.state.open, false);
  assert.equal(h.client.state.lastClose.reason, "requested-disconnect");
  assert.deepEqual(h.sockets[0].closedByClient, { code: 1000, reason: "CLOSE_NORMAL" });
  h.clock.advance(120000);
  assert.equal(h.sockets.length, 1, "no reconnect after disconnect");
  h.client.connect();
  assert.equal(h.sockets.length, 2);
  h.client.connect();
  assert.equal(h.sockets.length, 2, "connect is idempotent");
});

test("reconnect closes with requested-reconnect and opens a new socket at once", () => {
  const h = harness();
  h.ws.accept("anon");
  h.client.reconnect();
  assert.equal(h.client.state.lastClose.reason, "requested-reconnect");
  assert.equal(h.sockets.length, 2);
  h.ws.accept("alice");
  assert.equal(h.client.state.uid, "alice");
});

test("breakConnection behaves like a network drop: unexpected close, then a retry", () => {
  const h = harness();
  h.ws.accept();
  h.client.breakConnection();
  assert.equal(h.client.state.lastClose.reason, "unexpected");
  h.clock.advance(0);
  assert.equal(h.sockets.length, 2);
});

test("events from a replaced socket are ignored", () => {
  const h = harness();
  const old = h.ws;
  old.accept();
  h.client.reconnect();
  old.receive('[[[":my/push",1]],null]');
  old.drop();
  assert.deepEqual(h.events, []);
  assert.equal(h.sockets.length, 2);
});

test("garbage frames are reported and do not break the connection", () => {
  const h = harness();
  h.ws.accept();
  h.ws.receive("not json");
  h.ws.receive('[{"a":1},null]');
  h.ws.receive('[[[":my/push",1],42],null]');
  assert.equal(h.errors.length, 3);
  assert.deepEqual(h.events, [{ id: "my/push", data: 1 }]);
  assert.equal(h.client.state.open, true);
});

test("a callback failed by a drop sees the client already closed, and a resend fails at once", () => {
  const h = harness();
  h.ws.accept();
  const seen = [];
  h.client.send("my/req", 1, {
    callback: (r) => {
      seen.push([r.reason, h.client.state.open]);
      h.client.send("my/req", 2, { callback: (r2) => seen.push([r2.reason, h.client.state.open]) });
    },
  });
  h.ws.drop();
  assert.deepEqual(seen, [
    ["chsk/closed", false],
    ["chsk/closed", false],
  ]);
});

test("a resume mark is not an event, and the next connect sends it back", () => {
  const h = harness();
  h.ws.accept();
  h.ws.receive('[[[":my/push",1],[":chsk/resume","77:5"]],null]');
  assert.deepEqual(h.events.map((e) => e.id), ["my/push"]);
  h.client.breakConnection();
  h.clock.advance(0);
  assert.equal(h.sockets.length, 2);
  assert.match(h.sockets[1].url, /[?&]resume=77%3A5(&|$)/);
});
