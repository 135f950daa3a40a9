import { test } from "node:test";
import assert from "node:assert/strict";
import { harness, settle } from "./fakes.js";

const HANDSHAKE = '[[":chsk/handshake",["alice",null,{"server":"s1"}]],null]';

test("the WebSocket upgrade carries the access token as the access_token query parameter", () => {
  const h = harness({ accessTokenFactory: () => "t/1 +" });
  assert.equal(h.ws.url, "wss://example.com/chsk?client-id=cid-123&packer=json&resume=&csrf-token=tok&access_token=t%2F1+%2B");
});

test("a null token leaves the query without access_token", () => {
  const h = harness({ accessTokenFactory: () => null });
  assert.doesNotMatch(h.ws.url, /access_token/);
});

test("an asynchronous factory is awaited before the socket opens, and asked again at each connect", async () => {
  let n = 0;
  const h = harness({ accessTokenFactory: async () => `token-${++n}` });
  assert.equal(h.sockets.length, 0);
  await settle();
  assert.match(h.ws.url, /&access_token=token-1$/);
  h.ws.accept("alice");
  h.client.reconnect();
  await settle();
  assert.equal(h.sockets.length, 2);
  assert.match(h.ws.url, /&access_token=token-2$/);
});

test("a factory that fails is reported and the connection is retried", async () => {
  let calls = 0;
  const h = harness({
    type: "ws",
    accessTokenFactory: () => {
      calls++;
      return Promise.reject(new Error("no token"));
    },
  });
  await settle();
  assert.equal(h.sockets.length, 0);
  assert.equal(h.errors.length, 1);
  assert.equal(calls, 1);
  h.clock.advance(30_000);
  await settle();
  assert.ok(calls >= 2, `asked ${calls} times`);
});

test("a token that never comes is given up after wsConnectTimeoutMs, and asked for again", async () => {
  let calls = 0;
  const h = harness({
    type: "ws",
    accessTokenFactory: () => {
      calls++;
      return new Promise(() => {});
    },
  });
  await settle();
  h.clock.advance(9_999);
  assert.equal(calls, 1);
  h.clock.advance(1 + 30_000);
  assert.ok(calls >= 2, `asked ${calls} times`);
  assert.equal(h.sockets.length, 0);
});

test("every Ajax poll and POST carries Authorization: Bearer with the factory's current token", async () => {
  let token = "first";
  const h = harness({ type: "ajax", accessTokenFactory: async () => token });
  await settle();
  const [handshake] = h.fetch.polls;
  assert.equal(handshake.init.headers.Authorization, "Bearer first");
  assert.doesNotMatch(handshake.url, /access_token/);
  handshake.respond(200, HANDSHAKE);
  await settle();
  assert.equal(h.fetch.lastPoll().init.headers.Authorization, "Bearer first");

  token = "refreshed";
  const reply = h.client.request("my/req", { q: 1 });
  await settle();
  const [post] = h.fetch.posts;
  assert.equal(post.init.headers.Authorization, "Bearer refreshed");
  assert.equal(post.init.headers["X-CSRF-Token"], "tok");
  assert.equal(post.init.headers["Content-Type"], "application/x-www-form-urlencoded");
  post.respond(200, '[{"ok":true},null]');
  assert.deepEqual(await reply, { ok: true });
});

test("without a factory no Authorization header is sent", async () => {
  const h = harness({ type: "ajax" });
  await settle();
  assert.equal(h.fetch.lastPoll().init.headers.Authorization, undefined);
});
