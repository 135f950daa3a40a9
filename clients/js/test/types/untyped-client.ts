// Type-level test: a client created without an event map accepts what it accepted before
// (any id, `unknown` data and replies), so existing code compiles unchanged.
import { createClient, SenteError, type PushEvent } from "../../src/sente-client.js";

const client = createClient({ host: "example.com", csrfToken: null, accessTokenFactory: () => null });

const off = client.on("my/push", (ev: PushEvent) => {
  const data: unknown = ev.data;
  void data;
});
off();
client.on(":my/push", (ev) => void ev.data);
client.on("event", (ev) => void ev.id.toUpperCase());
client.send("my/note");
client.send("my/note", { any: "thing" }, { timeoutMs: null, callback: (r) => void (r.ok ? r.reply : r.reason) });

async function untypedRequests(): Promise<unknown> {
  try {
    return await client.request("my/req", 42);
  } catch (e) {
    if (e instanceof SenteError) {
      return e.reason;
    }
    throw e;
  }
}

void untypedRequests;
