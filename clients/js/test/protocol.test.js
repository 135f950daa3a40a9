import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelayMs, classifyFrame, packEvent, readFrame, toWireEventId } from "../src/sente-client.js";
import { PONG_FRAME, readAjaxReply } from "../src/protocol.js";

test("a request with a callback packs as [[id,data],cb]", () => {
  assert.equal(packEvent(":my/req", { q: 1 }, "a1b2c3"), '[[":my/req",{"q":1}],"a1b2c3"]');
});

test("an event without a callback packs with a null cb", () => {
  assert.equal(packEvent(":my/note", "no cb", null), '[[":my/note","no cb"],null]');
});

test("an event without data packs as a 1-element event; explicit null is kept", () => {
  assert.equal(packEvent(":chsk/ws-ping", undefined, "f2b10e"), '[[":chsk/ws-ping"],"f2b10e"]');
  assert.equal(packEvent(":my/note", null, null), '[[":my/note",null],null]');
});

test("the answer to a server ping is [[\":chsk/ws-pong\"],null]", () => {
  assert.equal(PONG_FRAME, '[[":chsk/ws-pong"],null]');
});

test("event ids are accepted with or without the colon and must be namespaced", () => {
  assert.equal(toWireEventId("my/req"), ":my/req");
  assert.equal(toWireEventId(":my/req"), ":my/req");
  assert.equal(toWireEventId("my.app/some-event?"), ":my.app/some-event?");
  for (const bad of ["req", ":req", "", ":", "/req", "my/", "my /req", "my/re q", 42, null, undefined, "::my/req"]) {
    assert.throws(() => toWireEventId(bad), TypeError, `accepted ${String(bad)}`);
  }
  assert.throws(() => toWireEventId("req"), /must be namespaced/);
});

test("the reserved chsk namespace is refused for application events", () => {
  assert.throws(() => toWireEventId("chsk/ws-ping"), /reserved/);
});

test("frames are classified in Sente's order", () => {
  assert.deepEqual(classifyFrame([[":chsk/handshake", ["alice", null, { server: "s1" }]], null]), {
    kind: "handshake",
    uid: "alice",
    handshakeData: { server: "s1" },
  });
  assert.deepEqual(classifyFrame([":chsk/ws-ping", null]), { kind: "ping" });
  assert.deepEqual(classifyFrame([{ answer: 42 }, "4aeb00"]), { kind: "reply", cb: "4aeb00", reply: { answer: 42 } });
  // A reply whose value looks like a batch is still a reply: the cb decides.
  assert.deepEqual(classifyFrame([[[":my/push", 1]], "4aeb00"]), { kind: "reply", cb: "4aeb00", reply: [[":my/push", 1]] });
  assert.deepEqual(classifyFrame([[[":my/push", { n: 1 }], [":my/push", { n: 2 }]], null]), {
    kind: "batch",
    events: [
      [":my/push", { n: 1 }],
      [":my/push", { n: 2 }],
    ],
  });
  assert.deepEqual(classifyFrame([":chsk/timeout", null]), { kind: "timeout" });
  assert.deepEqual(classifyFrame([":chsk/dummy-cb-200", null]), { kind: "dummy" });
});

test("the handshake's uid may be the nil-uid and its data may be absent", () => {
  assert.deepEqual(classifyFrame([[":chsk/handshake", [":sente/nil-uid", null]], null]), {
    kind: "handshake",
    uid: ":sente/nil-uid",
    handshakeData: null,
  });
});

test("non-envelopes and bare pushes are invalid", () => {
  for (const text of ["{}", "[]", '"x"', "not json", '[{"a":1},null]', "[42]"]) {
    assert.equal(readFrame(text).kind, "invalid", text);
  }
});

test("an Ajax POST body is a reply, a timeout or the dummy", () => {
  assert.deepEqual(readAjaxReply('[{"answer":42},null]'), { kind: "reply", reply: { answer: 42 } });
  assert.deepEqual(readAjaxReply('[[1,2],null]'), { kind: "reply", reply: [1, 2] });
  assert.deepEqual(readAjaxReply('[":chsk/timeout",null]'), { kind: "timeout" });
  assert.deepEqual(readAjaxReply('[":chsk/dummy-cb-200",null]'), { kind: "dummy" });
  assert.equal(readAjaxReply("<html>").kind, "invalid");
});

test("the first retry is immediate", () => {
  assert.equal(backoffDelayMs(0, { baseMs: 2000, maxMs: 30000 }, () => 0.999), 0);
});

test("backoff never exceeds the cap, whatever the attempt", () => {
  for (let attempt = 1; attempt < 200; attempt++) {
    assert.ok(backoffDelayMs(attempt, { baseMs: 2000, maxMs: 30000 }, () => 0.999999) <= 30000, `attempt ${attempt}`);
  }
  assert.equal(backoffDelayMs(1e6, { baseMs: 2000, maxMs: 30000 }, () => 0.999999), 30000);
});

test("full jitter spans [0, min(cap, base * 2^(n-1))]", () => {
  const limits = { baseMs: 2000, maxMs: 30000 };
  const ceilings = [2000, 4000, 8000, 16000, 30000, 30000];
  ceilings.forEach((ceiling, i) => {
    const attempt = i + 1;
    assert.equal(backoffDelayMs(attempt, limits, () => 0), 0);
    assert.equal(backoffDelayMs(attempt, limits, () => 0.9999999), ceiling);
    assert.equal(backoffDelayMs(attempt, limits, () => 0.5), Math.floor(0.5 * (ceiling + 1)));
  });
});

test("jitter over many draws stays in range and spreads out", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const draws = Array.from({ length: 2000 }, () => backoffDelayMs(3, { baseMs: 2000, maxMs: 30000 }, random));
  assert.ok(draws.every((d) => d >= 0 && d <= 8000));
  assert.ok(Math.min(...draws) < 800 && Math.max(...draws) > 7200, "draws do not cover the range");
});
