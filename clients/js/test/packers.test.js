// The client with the Transit and MessagePack packers, over the fake WebSocket and fetch: the URLs
// name the packer, frames go out and come in packed (binary for MessagePack, on both transports),
// and an unreadable frame is reported while the connection lives on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NIL_UID, Uuid, keyword } from "../src/sente-client.js";
import { transitPacker } from "../src/transit.js";
import { decodeMsgpack, encodeMsgpack, msgpackPacker } from "../src/msgpack.js";
import { harness, settle } from "./fakes.js";

const kw = keyword;
const hex = (/** @type {Uint8Array} */ b) => Buffer.from(b).toString("hex");
const bytes = (/** @type {string} */ h) => new Uint8Array(Buffer.from(h, "hex"));

/** The callback id a sent frame carries. @param {string | Uint8Array} frame @param {import("../src/sente-client.js").Packer} packer */
function cbOf(frame, packer) {
  return /** @type {unknown[]} */ (packer.unpack(frame))[1];
}

test("transit over WebSocket: the URL names the packer; handshake, request, reply, ping and pushes", () => {
  const h = harness({ packer: transitPacker });
  assert.equal(h.ws.url, "wss://example.com/chsk?client-id=cid-123&packer=transit&resume=&csrf-token=tok");
  h.ws.open();
  h.ws.receive('[["~:chsk/handshake",["alice",null,["^ ","~:server","s1"]]],null]');
  assert.deepEqual(h.handshakes, [{ uid: "alice", handshakeData: { server: "s1" }, firstHandshake: true }]);

  const results = [];
  h.client.send("my/req", { q: 1 }, { callback: (r) => results.push(r) });
  const cb = cbOf(h.ws.sent[0], transitPacker);
  assert.match(String(cb), /^[0-9a-f]{6}$/);
  assert.equal(h.ws.sent[0], `[["~:my/req",["^ ","~:q",1]],"${cb}"]`);
  h.ws.receive(`[["^ ","~:answer",42],"${cb}"]`);
  assert.deepEqual(results, [{ ok: true, reply: { answer: 42 } }]);

  h.client.send("my/note", "hi");
  assert.equal(h.ws.sent[1], '[["~:my/note","hi"],null]');

  h.ws.receive('["~:chsk/ws-ping",null]');
  assert.equal(h.ws.sent[2], '[["~:chsk/ws-pong"],null]');

  h.ws.receive('[[["~:my/push",["^ ","~:n",1]],["^0",["^ ","~:n",2]],["~:my/other"]],null]');
  h.ws.receive('[[["~:my/ev",[["~#set",[1]],"~ubed6400a-785e-4a83-a41d-e5b566cd8950","~m1704164645006"]]],null]');
  assert.deepEqual(h.events, [
    { id: "my/push", data: { n: 1 } },
    { id: "my/push", data: { n: 2 } },
    { id: "my/other", data: null },
    { id: "my/ev", data: [new Set([1]), new Uuid("bed6400a-785e-4a83-a41d-e5b566cd8950"), new Date("2024-01-02T03:04:05.006Z")] },
  ]);
  assert.deepEqual(h.errors, []);
});

test("transit: the client's keep-alive ping and its pong", () => {
  const h = harness({ packer: transitPacker, wsKeepAliveMs: 1000 });
  h.ws.accept();
  h.clock.advance(1000);
  const cb = cbOf(h.ws.sent[0], transitPacker);
  assert.equal(h.ws.sent[0], `[["~:chsk/ws-ping"],"${cb}"]`);
  h.ws.receive(`["pong","${cb}"]`);
  h.clock.advance(5000);
  assert.equal(h.client.state.open, true);
});

test("msgpack over WebSocket: binary frames both ways, as the transcript packs them", () => {
  const h = harness({ packer: msgpackPacker });
  assert.equal(h.ws.url, "wss://example.com/chsk?client-id=cid-123&packer=msgpack&resume=&csrf-token=tok");
  assert.equal(h.ws.binaryType, "arraybuffer");
  h.ws.open();
  h.ws.receive(bytes("9292c70e006368736b2f68616e647368616b6593a5616c696365c081c70600736572766572a27331c0"));
  assert.deepEqual(h.client.state.handshakeData, { server: "s1" });
  assert.equal(h.client.state.uid, "alice");

  const results = [];
  h.client.send("my/req", { q: 1 }, { callback: (r) => results.push(r) });
  const sent = /** @type {Uint8Array} */ (h.ws.sent[0]);
  assert.ok(sent instanceof Uint8Array);
  const cb = String(cbOf(sent, msgpackPacker));
  assert.equal(hex(sent), "9292c706006d792f72657181d4007101a6" + Buffer.from(cb).toString("hex"));
  h.ws.receive(encodeMsgpack([{ answer: 42 }, cb]));
  assert.deepEqual(results, [{ ok: true, reply: { answer: 42 } }]);

  h.ws.receive(bytes("92c70c006368736b2f77732d70696e67c0"));
  assert.equal(hex(/** @type {Uint8Array} */ (h.ws.sent[1])), "9291c70c006368736b2f77732d706f6e67c0");

  h.ws.receive(bytes("929392c707006d792f7075736881d4006e0192c707006d792f7075736881d408000291d7006d792f6f74686572c0"));
  assert.deepEqual(h.events, [
    { id: "my/push", data: { n: 1 } },
    { id: "my/push", data: { n: 2 } },
    { id: "my/other", data: null },
  ]);
  assert.deepEqual(h.errors, []);
});

test("msgpack: an anonymous handshake gives NIL_UID, and a resume mark is kept", () => {
  const h = harness({ packer: msgpackPacker });
  h.ws.open();
  h.ws.receive(encodeMsgpack([[kw("chsk/handshake"), [kw("sente/nil-uid"), null, null]], null]));
  assert.equal(h.client.state.uid, NIL_UID);
  h.ws.receive(encodeMsgpack([[[kw("my/push"), 1], [kw("chsk/resume"), "e1:7"]], null]));
  assert.deepEqual(h.events, [{ id: "my/push", data: 1 }]);
  h.ws.drop();
  h.clock.advance(0);
  assert.match(h.ws.url, /&resume=e1%3A7&/);
});

test("bad frames are reported with a clear error and the connection lives on (both packers)", () => {
  const t = harness({ packer: transitPacker });
  t.ws.accept();
  t.ws.receive('[["^5",1],null]');
  t.ws.receive('[[["~:my/push",1]');
  t.ws.receive(new Uint8Array([1, 2]));
  t.ws.receive('[[["~:my/push",["^ ","~:n",1]]],null]');
  assert.equal(t.errors.length, 3);
  assert.match(t.errors[0].message, /cache reference "\^5" was never defined/);
  assert.match(t.errors[1].message, /malformed JSON/);
  assert.match(t.errors[2].message, /a binary frame, but the transit packer speaks text/);
  assert.equal(t.client.state.open, true);
  assert.deepEqual(t.events, [{ id: "my/push", data: { n: 1 } }]);

  const m = harness({ packer: msgpackPacker });
  m.ws.open();
  m.ws.receive(encodeMsgpack([[kw("chsk/handshake"), ["alice", null, null]], null]));
  m.ws.receive(bytes("9292c70e006368736b2f68616e6473"));
  m.ws.receive(bytes("9281d408000102c0"));
  m.ws.receive('[":chsk/ws-ping",null]');
  m.ws.receive(encodeMsgpack([[[kw("my/push"), { n: 1 }]], null]));
  assert.equal(m.errors.length, 3);
  assert.match(m.errors[0].message, /MessagePack: truncated frame .*: 9292c70e/);
  assert.match(m.errors[1].message, /cached key 0 was never defined/);
  assert.match(m.errors[2].message, /a text frame, but the msgpack packer speaks binary/);
  assert.equal(m.client.state.open, true);
  assert.deepEqual(m.ws.sent, [], "a ping that could not be read is not answered");
  assert.deepEqual(m.events, [{ id: "my/push", data: { n: 1 } }]);
});

test("a value the packer cannot write throws from send, as with JSON, and leaves nothing pending", () => {
  const h = harness({ packer: msgpackPacker, requestTimeoutMs: 1000 });
  h.ws.open();
  h.ws.receive(encodeMsgpack([[kw("chsk/handshake"), ["alice", null, null]], null]));
  assert.throws(() => h.client.send("my/req", { f: () => 1 }, { callback: () => {} }), /MessagePack cannot write a function/);
  assert.deepEqual(h.clock.pendingDelays().filter((d) => d === 1000), []);
  assert.deepEqual(h.ws.sent, []);
});

test("msgpack over Ajax: binary polls, and sends that post the frame itself with binary?=true", async () => {
  const h = harness({ type: "ajax", packer: msgpackPacker });
  assert.match(h.fetch.lastPoll().url, /^https:\/\/example\.com\/chsk\?udt=\d+&client-id=cid-123&packer=msgpack&resume=&handshake%3F=1$/);
  h.fetch.lastPoll().respond(200, encodeMsgpack([[kw("chsk/handshake"), ["alice", null, { server: "s1" }]], null]));
  await settle();
  assert.equal(h.client.state.open, true);
  h.fetch.lastPoll().respond(200, bytes("929392c707006d792f7075736881d4006e0192c707006d792f7075736881d408000291d7006d792f6f74686572c0"));
  await settle();
  assert.equal(h.events.length, 3);
  h.fetch.lastPoll().respond(200, encodeMsgpack([kw("chsk/timeout"), null]));
  await settle();
  assert.equal(h.fetch.polls.length, 4);

  const reply = h.client.request("my/req", { q: 2 });
  await settle();
  const post = h.fetch.posts[0];
  assert.match(post.url, /^https:\/\/example\.com\/chsk\?packer=msgpack&udt=\d+&client-id=cid-123&binary%3F=true$/);
  assert.equal(post.init.headers["Content-Type"], "application/octet-stream");
  assert.equal(post.init.headers["X-CSRF-Token"], "tok");
  assert.equal(hex(post.init.body), "9292c706006d792f72657181d4007102d600616a6178");
  post.respond(200, encodeMsgpack([{ answer: 42 }, null]));
  assert.deepEqual(await reply, { answer: 42 });

  const results = [];
  h.client.send("my/req", 1, { callback: (r) => results.push(r) });
  h.client.send("my/note", null);
  await settle();
  h.fetch.posts[1].respond(200, encodeMsgpack([kw("chsk/timeout"), null]));
  h.fetch.posts[2].respond(200, encodeMsgpack([kw("chsk/dummy-cb-200"), null]));
  assert.deepEqual(decodeMsgpack(h.fetch.posts[2].init.body), [[kw("my/note"), null], null]);
  await settle();
  assert.deepEqual(results, [{ ok: false, reason: "chsk/timeout" }]);
  assert.deepEqual(h.errors, []);
});

test("msgpack over Ajax: an unreadable answer fails that request only; an unreadable poll is reported and polling goes on", async () => {
  const h = harness({ type: "ajax", packer: msgpackPacker });
  h.fetch.lastPoll().respond(200, encodeMsgpack([[kw("chsk/handshake"), ["alice", null, null]], null]));
  await settle();
  const reply = h.client.request("my/req", 1);
  await settle();
  h.fetch.posts[0].respond(200, bytes("92d408"));
  await assert.rejects(reply, (e) => e.reason === "chsk/error" && /truncated frame/.test(e.cause.message));
  h.fetch.lastPoll().respond(200, bytes("81d4080001"));
  await settle();
  assert.match(h.errors[0].message, /Ignored a poll response \(MessagePack: cached key 0 was never defined .*\): 81d4080001/);
  assert.equal(h.client.state.open, true);
  h.fetch.lastPoll().respond(200, encodeMsgpack([[[kw("my/push"), 1]], null]));
  await settle();
  assert.deepEqual(h.events, [{ id: "my/push", data: 1 }]);
});

test("transit over Ajax: the form's ppstr is the transcript's frame", async () => {
  const h = harness({ type: "ajax", packer: transitPacker });
  assert.match(h.fetch.lastPoll().url, /&packer=transit&/);
  h.fetch.lastPoll().respond(200, '[["~:chsk/handshake",["alice",null,["^ ","~:server","s1"]]],null]');
  await settle();
  const reply = h.client.request("my/req", { q: 2 });
  await settle();
  const post = h.fetch.posts[0];
  assert.equal(post.url, "https://example.com/chsk?packer=transit");
  assert.equal(post.init.headers["Content-Type"], "application/x-www-form-urlencoded");
  const form = new URLSearchParams(post.init.body);
  assert.equal(form.get("packer"), "transit");
  assert.equal(form.get("ppstr"), '[["~:my/req",["^ ","~:q",2]],"~:ajax"]');
  post.respond(200, '[["^ ","~:answer",42],null]');
  assert.deepEqual(await reply, { answer: 42 });
  h.fetch.lastPoll().respond(200, '["~:chsk/timeout",null]');
  await settle();
  assert.deepEqual(h.errors, []);
});

test("the packer option takes \"json\" or a packer object; a name alone says where to import it", () => {
  assert.match(harness({ packer: "json" }).ws.url, /&packer=json&/);
  assert.throws(() => harness({ packer: "transit" }), /import \{ transitPacker \} from "orleans-sente-client\/transit"/);
  assert.throws(() => harness({ packer: { name: "x" } }), /packer must be "json" or an object/);
});
