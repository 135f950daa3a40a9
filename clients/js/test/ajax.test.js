import { test } from "node:test";
import assert from "node:assert/strict";
import { SenteError } from "../src/sente-client.js";
import { harness, settle } from "./fakes.js";

const HANDSHAKE = '[[":chsk/handshake",["alice",null,{"server":"s1"}]],null]';
const TIMEOUT = '[":chsk/timeout",null]';

/** An Ajax client that has completed its handshake poll and parked the next one. */
async function openAjax(options = {}) {
  const h = harness({ type: "ajax", ...options });
  await settle();
  h.fetch.lastPoll().respond(200, HANDSHAKE);
  await settle();
  return h;
}

test("the first poll asks for the handshake with params, udt, client-id and packer", async () => {
  const h = harness({ type: "ajax", params: { app: "demo" } });
  await settle();
  assert.equal(h.sockets.length, 0);
  const [poll] = h.fetch.requests;
  assert.equal(poll.url, `https://example.com/chsk?app=demo&udt=${h.clock.now()}&client-id=cid-123&packer=json&resume=&handshake%3F=1`);
  assert.equal(poll.init.method, "GET");
  assert.equal(poll.init.headers["X-CSRF-Token"], "tok");
  assert.equal(poll.init.headers["X-Requested-With"], "XMLHTTPRequest");
  assert.equal(h.client.state.type, "ajax");
});

test("the handshake opens the state; the next poll parks without handshake?", async () => {
  const h = await openAjax();
  assert.equal(h.client.state.open, true);
  assert.equal(h.client.state.type, "ajax");
  assert.equal(h.client.state.uid, "alice");
  assert.deepEqual(h.handshakes, [{ uid: "alice", handshakeData: { server: "s1" }, firstHandshake: true }]);
  assert.equal(h.fetch.polls.length, 2);
  assert.doesNotMatch(h.fetch.lastPoll().url, /handshake/);
});

test("a server timeout repolls at once", async () => {
  const h = await openAjax();
  h.fetch.lastPoll().respond(200, TIMEOUT);
  await settle();
  assert.equal(h.fetch.polls.length, 3);
  assert.equal(h.client.state.open, true);
  assert.deepEqual(h.errors, []);
});

test("a batch is delivered in order, then the client repolls", async () => {
  const h = await openAjax();
  h.fetch.lastPoll().respond(200, '[[[":my/push",{"n":1}],[":my/push",{"n":2}]],null]');
  await settle();
  assert.deepEqual(h.events, [
    { id: "my/push", data: { n: 1 } },
    { id: "my/push", data: { n: 2 } },
  ]);
  assert.equal(h.fetch.polls.length, 3);
});

test("a poll that outlives ajaxPollTimeoutMs is abandoned and repolled", async () => {
  const h = await openAjax({ ajaxPollTimeoutMs: 60000 });
  const parked = h.fetch.lastPoll();
  h.clock.advance(60000);
  await settle();
  assert.equal(parked.aborted, true);
  assert.equal(h.fetch.polls.length, 3);
  assert.equal(h.client.state.open, true);
});

test("a failed poll closes the connection and retries with backoff, then handshakes again", async () => {
  const h = await openAjax({ random: () => 0.9999999 });
  h.fetch.lastPoll().respond(502, "bad gateway");
  await settle();
  assert.equal(h.client.state.open, false);
  assert.equal(h.client.state.lastClose.reason, "unexpected");
  assert.equal(h.fetch.polls.length, 2);
  h.clock.advance(0);
  await settle();
  assert.equal(h.fetch.polls.length, 3, "the first retry is immediate");
  assert.match(h.fetch.lastPoll().url, /handshake%3F=1/);
  h.fetch.lastPoll().reject(new TypeError("network down"));
  await settle();
  assert.deepEqual(h.clock.pendingDelays(), [2000]);
  h.clock.advance(2000);
  await settle();
  h.fetch.lastPoll().respond(200, HANDSHAKE);
  await settle();
  assert.equal(h.client.state.open, true);
});

test("send posts udt, client-id, packer and ppstr with the :ajax marker, and gets the reply", async () => {
  const h = await openAjax();
  const p = h.client.request("my/req", { q: 2 });
  await settle();
  const [post] = h.fetch.posts;
  assert.equal(post.url, "https://example.com/chsk?packer=json");
  assert.equal(post.init.headers["X-CSRF-Token"], "tok");
  assert.equal(post.init.headers["X-Requested-With"], "XMLHTTPRequest");
  const body = new URLSearchParams(post.init.body);
  assert.deepEqual([...body.keys()], ["udt", "client-id", "packer", "ppstr"]);
  assert.equal(body.get("client-id"), "cid-123");
  assert.equal(body.get("packer"), "json");
  assert.equal(body.get("ppstr"), '[[":my/req",{"q":2}],":ajax"]');
  post.respond(200, '[{"answer":42},null]');
  assert.deepEqual(await p, { answer: 42 });
});

test("a send without a callback posts a null cb and accepts the dummy", async () => {
  const h = await openAjax();
  assert.equal(h.client.send("my/note", 1), true);
  await settle();
  const [post] = h.fetch.posts;
  assert.equal(new URLSearchParams(post.init.body).get("ppstr"), '[[":my/note",1],null]');
  post.respond(200, '[":chsk/dummy-cb-200",null]');
  await settle();
  assert.deepEqual(h.errors, []);
});

test("the server's :chsk/timeout body is a timeout outcome", async () => {
  const h = await openAjax();
  const p = h.client.request("my/req", 1);
  await settle();
  h.fetch.posts[0].respond(200, TIMEOUT);
  await assert.rejects(p, (e) => e instanceof SenteError && e.reason === "chsk/timeout");
});

test("a POST that outlives timeoutMs is aborted with a timeout outcome", async () => {
  const h = await openAjax();
  const results = [];
  h.client.send("my/req", 1, { timeoutMs: 1500, callback: (r) => results.push(r.reason) });
  await settle();
  h.clock.advance(1500);
  await settle();
  assert.deepEqual(results, ["chsk/timeout"]);
  assert.equal(h.fetch.posts[0].aborted, true);
});

test("an HTTP or network failure of a POST is an error outcome", async () => {
  const h = await openAjax();
  const p1 = h.client.request("my/req", 1);
  const p2 = h.client.request("my/req", 2);
  const p3 = h.client.request("my/req", 3);
  await settle();
  h.fetch.posts[0].respond(500, "oops");
  h.fetch.posts[1].reject(new TypeError("network down"));
  h.fetch.posts[2].respond(200, "<html>");
  for (const p of [p1, p2, p3]) {
    await assert.rejects(p, (e) => e.reason === "chsk/error");
  }
});

test("a pending request fails with closed when the client disconnects", async () => {
  const h = await openAjax();
  const p = h.client.request("my/req", 1);
  await settle();
  h.client.disconnect();
  await assert.rejects(p, (e) => e.reason === "chsk/closed");
  assert.equal(h.fetch.posts[0].aborted, true);
  assert.equal(h.client.state.lastClose.reason, "requested-disconnect");
});

test("sending before the handshake fails with closed at once", async () => {
  const h = harness({ type: "ajax" });
  const results = [];
  assert.equal(h.client.send("my/req", 1, { callback: (r) => results.push(r.reason) }), false);
  assert.deepEqual(results, ["chsk/closed"]);
  await settle();
  assert.equal(h.fetch.posts.length, 0);
});

test("auto falls back to Ajax for good when the WebSocket never opened", async () => {
  const h = harness({ type: "auto" });
  assert.equal(h.client.state.type, "ws");
  h.ws.fail();
  assert.equal(h.client.state.type, "ajax");
  assert.equal(h.client.state.lastClose.reason, "downgrading-ws-to-ajax");
  await settle();
  assert.equal(h.fetch.polls.length, 1, "Ajax starts at once");
  h.fetch.lastPoll().respond(200, HANDSHAKE);
  await settle();
  assert.equal(h.client.state.open, true);
  h.fetch.lastPoll().respond(503, "");
  await settle();
  h.clock.advance(0);
  await settle();
  assert.equal(h.sockets.length, 1, "no WebSocket after the fallback");
  assert.equal(h.fetch.polls.length, 3);
});

test("auto falls back when the WebSocket cannot even be created", async () => {
  const h = harness({
    type: "auto",
    webSocketFactory: () => {
      throw new Error("WebSocket is not defined");
    },
  });
  await settle();
  assert.equal(h.client.state.type, "ajax");
  assert.equal(h.fetch.polls.length, 1);
});

test("auto falls back when the WebSocket opens but never handshakes", async () => {
  const h = harness({ type: "auto", wsConnectTimeoutMs: 4000 });
  h.ws.open();
  h.clock.advance(4000);
  await settle();
  assert.equal(h.client.state.type, "ajax");
  assert.equal(h.fetch.polls.length, 1);
});

test("auto keeps the WebSocket once it has opened", async () => {
  const h = harness({ type: "auto" });
  h.ws.accept();
  h.ws.fail();
  h.clock.advance(0);
  h.ws.fail();
  h.clock.advance(60000);
  await settle();
  assert.equal(h.client.state.type, "ws");
  assert.equal(h.fetch.requests.length, 0);
  assert.ok(h.sockets.length >= 3);
});

test("type ws never falls back", async () => {
  const h = harness({ type: "ws" });
  h.ws.fail();
  h.clock.advance(0);
  await settle();
  assert.equal(h.client.state.type, "ws");
  assert.equal(h.sockets.length, 2);
  assert.equal(h.fetch.requests.length, 0);
});

test("breakConnection on Ajax aborts the poll and reconnects", async () => {
  const h = await openAjax();
  const parked = h.fetch.lastPoll();
  h.client.breakConnection();
  await settle();
  assert.equal(parked.aborted, true);
  assert.equal(h.client.state.lastClose.reason, "unexpected");
  h.clock.advance(0);
  await settle();
  assert.match(h.fetch.lastPoll().url, /handshake%3F=1/);
});
