import { test } from "node:test";
import assert from "node:assert/strict";
import { SenteError } from "../src/sente-client.js";
import { harness } from "./fakes.js";

test("joinGroup and leaveGroup send the group requests and resolve with the server's answer", async () => {
  const h = harness();
  h.ws.accept();
  const joined = h.client.joinGroup("room-1");
  const [join] = h.ws.sent;
  const cb = JSON.parse(join)[1];
  assert.equal(join, `[[":sente/join-group","room-1"],"${cb}"]`);
  h.ws.receive(JSON.stringify([{ ok: true, group: "room-1" }, cb]));
  assert.deepEqual(await joined, { ok: true, group: "room-1" });

  const left = h.client.leaveGroup("room-1");
  const leave = h.ws.sent[1];
  assert.equal(JSON.parse(leave)[0][0], ":sente/leave-group");
  h.ws.receive(JSON.stringify([{ ok: false, group: "room-1", error: "refused" }, JSON.parse(leave)[1]]));
  assert.deepEqual(await left, { ok: false, group: "room-1", error: "refused" });
});

test("a group request with no answer rejects like any request", async () => {
  const h = harness();
  h.ws.accept();
  const p = h.client.joinGroup("room-2", { timeoutMs: 500 });
  h.clock.advance(500);
  await assert.rejects(p, (e) => e instanceof SenteError && e.reason === "chsk/timeout");
});
