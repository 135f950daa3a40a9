// Type-level test: an application's event map types pushed data, sent data and replies without
// casts. Checked by `tsc -p test/types` (test/types.test.js); every `@ts-expect-error` line must
// fail to compile, so a declaration that became too loose fails the test.
import { createClient, type BadRequestReply, type Result, type SenteClient } from "../../src/sente-client.js";

interface ChatEvents {
  push: {
    "chat/msg": { from: string; text: string };
    "chat/presence": { online: string[] };
  };
  send: {
    "chat/typing": { to: string };
    "chat/ping": undefined;
  };
  request: {
    "chat/send": { data: { to: string; text: string }; reply: { ok: true; seq: number } | BadRequestReply };
    "chat/history": { reply: { from: string; text: string }[] };
  };
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(_value: T): void {}
function assertEqual<A, B>(_proof: Equal<A, B>): void {}

const client: SenteClient<ChatEvents> = createClient<ChatEvents>({ host: "example.com", accessTokenFactory: async () => "token" });

// Pushed events: the handler's data is the event's type.
client.on("chat/msg", (ev) => {
  expectType<string>(ev.data.text);
  assertEqual<typeof ev.id, "chat/msg">(true);
  // @ts-expect-error: no such field in chat/msg
  ev.data.missing;
});
client.on("chat/presence", (ev) => expectType<string[]>(ev.data.online));
// @ts-expect-error: not a pushed event of this map
client.on("chat/nope", () => {});

// The catch-all "event" listener narrows by id.
client.on("event", (ev) => {
  if (ev.id === "chat/msg") {
    expectType<{ from: string; text: string }>(ev.data);
  } else {
    assertEqual<typeof ev.id, "chat/presence">(true);
    expectType<string[]>(ev.data.online);
  }
});
client.on("state", (_old, now) => expectType<boolean>(now.open));

// Requests: data is checked, the reply is typed.
async function requests(): Promise<void> {
  const sent = await client.request("chat/send", { to: "bob", text: "hi" }, { timeoutMs: 5000 });
  assertEqual<typeof sent, { ok: true; seq: number } | BadRequestReply>(true);
  if ("error" in sent) {
    expectType<"bad-request">(sent.error);
    expectType<string>(sent.message);
  } else {
    expectType<number>(sent.seq);
  }

  const history = await client.request("chat/history");
  expectType<string>(history[0]!.text);

  // @ts-expect-error: chat/send needs its data
  await client.request("chat/send");
  // @ts-expect-error: wrong data
  await client.request("chat/send", { to: "bob" });
  // @ts-expect-error: a pushed event is not a request
  await client.request("chat/msg", { from: "a", text: "b" });
}

// Sends: events of `send` and of `request`; a callback gets the typed reply.
expectType<boolean>(client.send("chat/typing", { to: "bob" }));
client.send("chat/ping");
client.send("chat/send", { to: "bob", text: "hi" }, {
  callback: (result: Result<{ ok: true; seq: number } | BadRequestReply>) => {
    if (result.ok && !("error" in result.reply)) {
      expectType<number>(result.reply.seq);
    }
  },
});
// @ts-expect-error: wrong data for chat/typing
client.send("chat/typing", { to: 1 });
// @ts-expect-error: not an event of this map
client.send("chat/unknown", {});

void requests;
