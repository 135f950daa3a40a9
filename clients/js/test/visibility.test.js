import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "../src/sente-client.js";
import { harness } from "./fakes.js";

test("a hidden tab defers its reconnect until it becomes visible", () => {
  const h = harness({ type: "ws", hiddenRetryMs: null });
  h.ws.accept();
  h.document.setVisibility("hidden");
  h.ws.drop();
  h.clock.advance(10 * 60 * 1000);
  assert.equal(h.sockets.length, 1, "no reconnect while hidden");
  h.document.setVisibility("visible");
  assert.equal(h.sockets.length, 2, "reconnects as soon as it is visible");
  h.document.setVisibility("hidden");
  h.document.setVisibility("visible");
  assert.equal(h.sockets.length, 2, "visibility changes alone do not reconnect");
});

test("a hidden tab stretches its retry to a jittered hiddenRetryMs", () => {
  const h = harness({ type: "ws", hiddenRetryMs: 60000, random: () => 0 });
  h.ws.accept();
  h.document.setVisibility("hidden");
  h.ws.drop();
  assert.deepEqual(h.clock.pendingDelays(), [30000], "not the immediate first retry");
  h.clock.advance(29999);
  assert.equal(h.sockets.length, 1);
  h.clock.advance(1);
  assert.equal(h.sockets.length, 2);
  const high = harness({ type: "ws", hiddenRetryMs: 60000, random: () => 0.9999999 });
  high.ws.accept();
  high.document.setVisibility("hidden");
  high.ws.drop();
  assert.deepEqual(high.clock.pendingDelays(), [60000]);
});

test("becoming visible cuts a stretched wait short", () => {
  const h = harness({ type: "ws" });
  h.ws.accept();
  h.document.setVisibility("hidden");
  h.ws.drop();
  h.clock.advance(1000);
  h.document.setVisibility("visible");
  assert.equal(h.sockets.length, 2);
  assert.deepEqual(h.clock.pendingDelays(), [10000], "only the new socket's connect timeout is pending");
});

test("a visible tab keeps the normal backoff", () => {
  const h = harness({ type: "ws" });
  h.ws.accept();
  h.ws.drop();
  assert.deepEqual(h.clock.pendingDelays(), [0]);
});

test("after disconnect, visibility changes do nothing", () => {
  const h = harness({ type: "ws", hiddenRetryMs: null });
  h.ws.accept();
  h.document.setVisibility("hidden");
  h.ws.drop();
  h.client.disconnect();
  h.document.setVisibility("visible");
  assert.equal(h.sockets.length, 1);
});

test("works without a document (non-browser environments)", () => {
  const sockets = [];
  const client = createClient({
    host: "example.com",
    document: null,
    webSocketFactory: (url) => {
      const ws = { url, readyState: 0, send() {}, close() {} };
      sockets.push(ws);
      return ws;
    },
    clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
  });
  assert.equal(sockets.length, 1);
  assert.doesNotMatch(sockets[0].url, /csrf-token/);
  client.disconnect();
});

test("outside a browser a host is required", () => {
  assert.throws(() => createClient({ autoConnect: false, document: null }), /host is required/);
});

test("options are validated", () => {
  assert.throws(() => createClient({ host: "h", type: "sse", autoConnect: false }), /type must be/);
  assert.throws(() => createClient({ host: "h", backoffMaxMs: -1, autoConnect: false }), /backoffMaxMs/);
  assert.throws(() => createClient({ host: "h", hiddenRetryMs: "soon", autoConnect: false }), /hiddenRetryMs/);
});
