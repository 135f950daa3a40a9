// The Transit and MessagePack codecs against Sente's captured transcripts
// (tests/vectors/sente/transit.txt and msgpack.txt): every frame read, every frame written back
// byte for byte, the frames a client sends packed byte for byte; the value model; bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Keyword, PackError, TaggedValue, Uuid, keyword, packEvent, readFrame, symbol } from "../src/sente-client.js";
import { readTransit, transitPacker, writeTransit } from "../src/transit.js";
import { decodeMsgpack, encodeMsgpack, msgpackPacker } from "../src/msgpack.js";
import { readAjaxReply } from "../src/protocol.js";

const vectors = new URL("../../../tests/vectors/sente/", import.meta.url);

/** The transit frames of the transcript, by the label of their line. */
const transit = new Map();
{
  const lines = readFileSync(new URL("transit.txt", vectors), "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s+transit-json: (.*)$/.exec(lines[i]);
    if (m) {
      transit.set(lines[i - 1].split(/\s{2,}|(?<=\w) \[/)[0].trim(), m[1]);
    } else if (lines[i].startsWith("verbose handshake: ")) {
      transit.set("verbose handshake", lines[i].slice("verbose handshake: ".length));
    }
  }
}

/** The msgpack frames of the transcript, by the EDN they pack. */
const msgpack = new Map();
{
  const lines = readFileSync(new URL("msgpack.txt", vectors), "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s+msgpack hex: ([0-9a-f]+)$/.exec(lines[i]);
    if (m) {
      msgpack.set(lines[i - 1].trim(), m[1]);
    }
  }
}

const hex = (/** @type {Uint8Array} */ b) => Buffer.from(b).toString("hex");
const bytes = (/** @type {string} */ h) => new Uint8Array(Buffer.from(h, "hex"));
const kw = keyword;
const UUID = "bed6400a-785e-4a83-a41d-e5b566cd8950";
const INST = new Date("2024-01-02T03:04:05.006Z");

// Each transcript frame and the JS value it reads as.
const transitFrames = [
  ["handshake", [[kw("chsk/handshake"), ["alice", null, { server: "s1" }]], null]],
  ["ws req+cb", [[kw("my/req"), { q: 1 }], "a1b2c3"]],
  ["ws reply", [{ answer: 42 }, "a1b2c3"]],
  ["pong", ["pong", "p1q2r3"]],
  ["srv ping", [kw("chsk/ws-ping"), null]],
  ["client ping", [[kw("chsk/ws-ping")], "p1q2r3"]],
  ["push batch", [[[kw("my/push"), { n: 1 }], [kw("my/push"), { n: 2 }], [kw("my/other")]], null]],
  ["ajax cb", [[kw("my/req"), { q: 2 }], kw("ajax")]],
  ["lp timeout", [kw("chsk/timeout"), null]],
  ["dummy cb", [kw("chsk/dummy-cb-200"), null]],
  ["set/uuid/inst", [[kw("my/ev"), [new Set([1]), new Uuid(UUID), INST]], null]],
];

const msgpackFrames = [
  ['[[:chsk/handshake ["alice" nil {:server "s1"}]] nil]', [[kw("chsk/handshake"), ["alice", null, { server: "s1" }]], null]],
  ['[[:my/req {:q 1}] "a1b2c3"]', [[kw("my/req"), { q: 1 }], "a1b2c3"]],
  ['[{:answer 42} "a1b2c3"]', [{ answer: 42 }, "a1b2c3"]],
  ['["pong" "p1q2r3"]', ["pong", "p1q2r3"]],
  ["[:chsk/ws-ping nil]", [kw("chsk/ws-ping"), null]],
  ["[[[:my/push {:n 1}] [:my/push {:n 2}] [:my/other]] nil]", [[[kw("my/push"), { n: 1 }], [kw("my/push"), { n: 2 }], [kw("my/other")]], null]],
  ["[[:my/req {:q 2}] :ajax]", [[kw("my/req"), { q: 2 }], kw("ajax")]],
  ["[[:my/ev {:a 1, :b 1}] nil]", [[kw("my/ev"), { a: 1, b: 1 }], null]],
  ['[[:my/ev [{:id 1, :name "x"} {:id 2, :name "y"}]] nil]', [[kw("my/ev"), [{ id: 1, name: "x" }, { id: 2, name: "y" }]], null]],
  ["[[:my/ev #{1}] nil]", [[kw("my/ev"), new Set([1])], null]],
  [`[[:my/ev #uuid "${UUID}"] nil]`, [[kw("my/ev"), new Uuid(UUID)], null]],
  ['[[:my/ev #inst "2024-01-02T03:04:05.006-00:00"] nil]', [[kw("my/ev"), INST], null]],
];

test("transcript: every Transit frame reads as its value and is written back byte for byte", () => {
  assert.equal(transit.size, 12, "the transcript's frames were all found");
  for (const [label, value] of transitFrames) {
    const frame = transit.get(label);
    assert.ok(frame, label);
    assert.deepEqual(readTransit(frame), value, label);
    assert.equal(writeTransit(value), frame, label);
  }
  assert.deepEqual(readTransit(transit.get("verbose handshake")), transitFrames[0][1], "the verbose form reads the same");
});

test("transcript: every MessagePack frame reads as its value and is written back byte for byte", () => {
  assert.equal(msgpack.size, msgpackFrames.length, "the transcript's frames were all found");
  for (const [edn, value] of msgpackFrames) {
    const frame = msgpack.get(edn);
    assert.ok(frame, edn);
    assert.deepEqual(decodeMsgpack(bytes(frame)), value, edn);
    assert.equal(hex(encodeMsgpack(value)), frame, edn);
  }
});

test("transcript: what a client sends is packed byte for byte, with either packer", () => {
  assert.equal(packEvent(":my/req", { q: 1 }, "a1b2c3", transitPacker), transit.get("ws req+cb"));
  assert.equal(packEvent(":chsk/ws-ping", undefined, "p1q2r3", transitPacker), transit.get("client ping"));
  assert.equal(packEvent(":my/req", { q: 2 }, ":ajax", transitPacker), transit.get("ajax cb"));
  assert.equal(packEvent(":my/ev", [new Set([1]), new Uuid(UUID), INST], null, transitPacker), transit.get("set/uuid/inst"));
  assert.equal(packEvent(":chsk/ws-pong", undefined, null, transitPacker), '[["~:chsk/ws-pong"],null]');

  const mp = (/** @type {string} */ id, /** @type {unknown} */ data, /** @type {string | null} */ cb) => hex(/** @type {Uint8Array} */ (packEvent(id, data, cb, msgpackPacker)));
  assert.equal(mp(":my/req", { q: 1 }, "a1b2c3"), msgpack.get('[[:my/req {:q 1}] "a1b2c3"]'));
  assert.equal(mp(":my/req", { q: 2 }, ":ajax"), msgpack.get("[[:my/req {:q 2}] :ajax]"));
  assert.equal(mp(":my/ev", { a: 1, b: 1 }, null), msgpack.get("[[:my/ev {:a 1, :b 1}] nil]"));
  assert.equal(mp(":my/ev", [{ id: 1, name: "x" }, { id: 2, name: "y" }], null), msgpack.get('[[:my/ev [{:id 1, :name "x"} {:id 2, :name "y"}]] nil]'));
  assert.equal(mp(":my/ev", new Set([1]), null), msgpack.get("[[:my/ev #{1}] nil]"));
  assert.equal(mp(":my/ev", new Uuid(UUID), null), msgpack.get(`[[:my/ev #uuid "${UUID}"] nil]`));
  assert.equal(mp(":my/ev", INST, null), msgpack.get('[[:my/ev #inst "2024-01-02T03:04:05.006-00:00"] nil]'));
  assert.equal(mp(":chsk/ws-ping", undefined, "p1q2r3"), "9291c70c006368736b2f77732d70696e67a6703171327233");
  // The JSON packer is unchanged: keywords are the strings ":ns/name".
  assert.equal(packEvent(":my/req", { q: 2 }, ":ajax"), '[[":my/req",{"q":2}],":ajax"]');
});

test("transcript: the client classifies every server frame alike with the three packers", () => {
  const cases = [
    ["handshake", '[[:chsk/handshake ["alice" nil {:server "s1"}]] nil]', { kind: "handshake", uid: "alice", handshakeData: { server: "s1" } }],
    ["ws reply", '[{:answer 42} "a1b2c3"]', { kind: "reply", cb: "a1b2c3", reply: { answer: 42 } }],
    ["pong", '["pong" "p1q2r3"]', { kind: "reply", cb: "p1q2r3", reply: "pong" }],
    ["srv ping", "[:chsk/ws-ping nil]", { kind: "ping" }],
  ];
  for (const [label, edn, expected] of cases) {
    assert.deepEqual(readFrame(transit.get(label), transitPacker), expected, label);
    assert.deepEqual(readFrame(bytes(msgpack.get(edn)), msgpackPacker), expected, edn);
  }
  const batch = readFrame(transit.get("push batch"), transitPacker);
  assert.equal(batch.kind, "batch");
  assert.deepEqual(readFrame(bytes(msgpack.get("[[[:my/push {:n 1}] [:my/push {:n 2}] [:my/other]] nil]")), msgpackPacker), batch);
  assert.deepEqual(readAjaxReply(transit.get("lp timeout"), transitPacker), { kind: "timeout" });
  assert.deepEqual(readAjaxReply(transit.get("dummy cb"), transitPacker), { kind: "dummy" });
  assert.deepEqual(readAjaxReply(encodeMsgpack([kw("chsk/timeout"), null]), msgpackPacker), { kind: "timeout" });
  assert.deepEqual(readAjaxReply(encodeMsgpack([kw("chsk/dummy-cb-200"), null]), msgpackPacker), { kind: "dummy" });
  assert.deepEqual(readFrame('[["~:chsk/handshake",["~:sente/nil-uid",null,null]],null]', transitPacker), { kind: "handshake", uid: ":sente/nil-uid", handshakeData: null });
});

test("value model: keywords are interned, print as the JSON packer writes them, and key plain objects", () => {
  assert.equal(keyword("my/k"), keyword(":my/k"));
  assert.ok(keyword("my/k") instanceof Keyword);
  assert.equal(String(keyword("my/k")), ":my/k");
  assert.equal(JSON.stringify({ k: keyword("a"), u: new Uuid(UUID.toUpperCase()) }), `{"k":":a","u":"${UUID}"}`);
  assert.deepEqual([keyword("ns/n").namespace, keyword("ns/n").name, keyword("n").namespace], ["ns", "n", null]);
  assert.throws(() => keyword("has space"), TypeError);
  assert.throws(() => keyword(""), TypeError);
  assert.throws(() => new Uuid("not-a-uuid"), TypeError);
  // A string that looks like a keyword stays a string: only Keyword objects are keywords.
  assert.equal(writeTransit([":not/kw"]), '[":not/kw"]');
  assert.deepEqual(decodeMsgpack(encodeMsgpack(":not/kw")), ":not/kw");
  // An object key EDN cannot print as a keyword is written as a string key: the map reads back as a Map.
  assert.deepEqual(readTransit(writeTransit({ "a b": 1 })), new Map([["a b", 1]]));
  assert.deepEqual(decodeMsgpack(encodeMsgpack({ "": 1 })), new Map([["", 1]]));
});

/** Values that go through each packer and come back equal. */
const roundTrips = [
  ["nested keyword-keyed maps", { a: { "ns/b": [1, 2.5, -7, null, true, false] }, "x-y": 1 }],
  ["maps with other keys are Maps", new Map([["s", 1], [1, "one"], [kw("k"), 2], [null, 3]])],
  ["a map with a collection key", new Map([[[1, 2], "pair"], [new Set([kw("x")]), "set"]])],
  ["sets of anything", new Set([1, "a", kw("k"), null])],
  ["instants and uuids", [new Date(0), new Date(-1), new Date(8.64e15), new Uuid(UUID)]],
  ["integers past 2^53 are BigInts", [2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n, 9007199254740991, -9007199254740991]],
  ["every integer width", [0, -1, -32, -33, 127, 128, 255, 256, -128, -129, 65535, 65536, -32768, -32769, 2 ** 32 - 1, 2 ** 32, -(2 ** 31), -(2 ** 31) - 1]],
  ["doubles", [0.5, -1.25, 1e-300, 1.7976931348623157e308, Infinity, -Infinity]],
  ["strings of every length and escape", ["~tilde", "^caret", "`tick", "~", "^", "é ✓ 𝄞", "ctl\u0001\n\t\"\\", "x".repeat(31), "y".repeat(32), "z".repeat(300), "w".repeat(70000)]],
  ["symbols", [symbol("my/sym"), symbol("s")]],
  ["long arrays and maps", [Array.from({ length: 70000 }, (_, i) => i % 300), Object.fromEntries(Array.from({ length: 20 }, (_, i) => ["key" + i, i]))]],
  ["more keys than one cache digit holds", Array.from({ length: 300 }, (_, i) => ({ ["key-" + i]: kw("v/" + i) }))],
  ["a map key named __proto__", JSON.parse('{"__proto__":{"x":1}}')],
];

for (const [label, value] of roundTrips) {
  test(`round trip (${label}): Transit and MessagePack`, () => {
    assert.deepEqual(readTransit(writeTransit(value)), value, "transit");
    assert.deepEqual(decodeMsgpack(encodeMsgpack(value)), value, "msgpack");
  });
}

test("round trip: NaN, a tagged value and a quoted scalar", () => {
  assert.ok(Number.isNaN(readTransit(writeTransit(NaN))));
  assert.ok(Number.isNaN(decodeMsgpack(encodeMsgpack(NaN))));
  assert.equal(writeTransit("s"), '["~#\'","s"]');
  const tagged = readTransit('["~#my/tag",["^ ","~:a",1]]');
  assert.deepEqual(tagged, new TaggedValue("my/tag", { a: 1 }));
  assert.equal(writeTransit(tagged), '["~#my/tag",["^ ","~:a",1]]');
  assert.deepEqual(decodeMsgpack(encodeMsgpack(tagged)), { a: 1 }, "MessagePack has no tags: the value");
});

test("Transit reads what transit-clj writes besides the transcript", () => {
  assert.deepEqual(readTransit('["~#list",[1,2]]'), [1, 2]);
  assert.deepEqual(readTransit('["~#ratio",["~n1","~n4"]]'), 0.25);
  assert.deepEqual(readTransit('["~#u",["~i-4695495147773867389","~i-6620883309888173744"]]'), new Uuid("bed6400a-785e-4a83-a41d-e5b566cd8950"));
  assert.deepEqual(readTransit('{"~#set":[1,2]}'), new Set([1, 2]));
  assert.deepEqual(readTransit('["~t2024-01-02T03:04:05.006Z"]'), [INST]);
  assert.deepEqual(readTransit('["~n10","~i9007199254740993","~i5","~f1.5","~d2.5","~cx","~_","~?t","~zNaN"]').slice(0, 8), [10n, 9007199254740993n, 5, 1.5, 2.5, "x", null, true]);
  assert.deepEqual(readTransit('[["^ ","~:long-key",1],["^ ","^0",2]]'), [{ "long-key": 1 }, { "long-key": 2 }]);
  assert.deepEqual(readTransit('[["^ ","~i1","a","~?t","b"]]'), [new Map([[1, "a"], [true, "b"]])]);
});

test("MessagePack reads float32, the 4- and 8-byte timestamps and ratios", () => {
  assert.equal(decodeMsgpack(bytes("ca3fc00000")), 1.5);
  assert.deepEqual(decodeMsgpack(bytes("d6ff65937d25")), new Date(1704164645000));
  // 8 bytes: 30 bits of nanoseconds (6 ms), 34 bits of seconds.
  const eight = new DataView(new ArrayBuffer(8));
  eight.setUint32(0, (6_000_000 * 4) >>> 0);
  eight.setUint32(4, 1704164645);
  assert.deepEqual(decodeMsgpack(new Uint8Array([0xd7, 0xff, ...new Uint8Array(eight.buffer)])), INST);
  assert.equal(decodeMsgpack(bytes("d5030104")), 0.25);
  assert.equal(decodeMsgpack(bytes("cfffffffffffffffff")), 2n ** 64n - 1n);
});

const badTransit = [
  ['[["^5",1],null]', /cache reference "\^5" was never defined/],
  ['[["~:my/push",1],["^1",2]]', /cache reference "\^1" was never defined/],
  ['[["~:my/push",1]', /malformed JSON/],
  ["", /malformed JSON/],
  ['["~bAAEC"]', /no value for the form "~b"/],
  ['["~rhttp://x"]', /no value for the form "~r"/],
  ['["~:has space"]', /not a valid value/],
  ['["~m12x"]', /not an instant/],
  ['["~unot-a-uuid"]', /not a valid value/],
  ['["~#set",1]', /items of a set must be an array/],
  ['["^ ","~:a"]', /a key and no value/],
  ["[".repeat(101) + "]".repeat(101), /nested deeper than 100/],
];

for (const [frame, message] of badTransit) {
  test(`Transit refuses ${frame.slice(0, 40)} with a clear error`, () => {
    assert.throws(() => readTransit(frame), (e) => e instanceof PackError && message.test(e.message));
    const read = readFrame(frame, transitPacker);
    assert.equal(read.kind, "invalid");
    assert.match(/** @type {{ reason: string }} */ (read).reason, message);
  });
}

const badMsgpack = [
  ["9292c70e006368736b2f68616e6473", /truncated frame/, "a handshake cut short"],
  ["92", /truncated frame/, "an array of two with nothing in it"],
  ["81d4080001", /cached key 0 was never defined/, "a cached key never defined"],
  ["91d40800", /cached key outside a map key/, "a cached key as a value"],
  ["c403010203", /binary data/, "binary data"],
  ["d40501", /extension type 5/, "a typed array extension"],
  ["d42a01", /extension type 42/, "an unknown extension"],
  ["a2c328", /not valid UTF-8/, "invalid UTF-8"],
  ["c0c0", /trailing data/, "trailing bytes"],
  ["", /empty frame/, "nothing"],
  ["dd7fffffff", /more items announced than bytes left/, "a count past the frame"],
  ["91".repeat(101) + "c0", /nested deeper than 100/, "nesting past 100"],
];

for (const [frame, message, label] of badMsgpack) {
  test(`MessagePack refuses ${label} with a clear error`, () => {
    assert.throws(() => decodeMsgpack(bytes(frame)), (e) => e instanceof PackError && message.test(e.message));
    const read = readFrame(bytes(frame), msgpackPacker);
    assert.equal(read.kind, "invalid");
    assert.match(/** @type {{ reason: string }} */ (read).reason, message);
  });
}

test("values a packer cannot write are refused with a PackError", () => {
  for (const bad of [() => 1, Symbol("s"), new Date(NaN), new Uint8Array(1), new (class Point {})()]) {
    assert.throws(() => writeTransit([bad]), PackError);
    assert.throws(() => encodeMsgpack([bad]), PackError);
  }
  let deep = [];
  for (let i = 0; i < 101; i++) deep = [deep];
  assert.throws(() => writeTransit(deep), /nested deeper than 100/);
  assert.throws(() => encodeMsgpack(deep), /nested deeper than 100/);
});
