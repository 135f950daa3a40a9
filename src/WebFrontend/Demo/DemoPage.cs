using System.Net;

namespace Orleans.Sente.WebFrontend.Demo;

/// <summary>The demo chat page: log in, see your ids and who is online, send to a user-id or to everyone, watch pushes arrive.</summary>
internal static class DemoPage
{
    public static string Render(string csrfToken, string? userId) => Template
        .Replace("{{CSRF}}", WebUtility.HtmlEncode(csrfToken), StringComparison.Ordinal)
        .Replace("{{UID}}", WebUtility.HtmlEncode(userId ?? ""), StringComparison.Ordinal)
        .Replace("{{UID_LABEL}}", WebUtility.HtmlEncode(userId ?? "(not logged in: nil-uid)"), StringComparison.Ordinal);

    private const string Template = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="csrf-token" content="{{CSRF}}">
          <title>Orleans.Sente demo chat</title>
          <style>
            body { font: 15px system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; }
            #log { border: 1px solid #ccc; min-height: 12rem; padding: .5rem; white-space: pre-wrap; font-family: monospace; }
            fieldset { margin-bottom: 1rem; }
          </style>
        </head>
        <body>
          <h1>Orleans.Sente demo chat</h1>
          <fieldset>
            <form method="post" action="/login">
              <label>Log in as user-id <input name="user-id" value="{{UID}}" required></label>
              <button id="login">Log in</button>
            </form>
          </fieldset>
          <p>
            User-id: <b id="uid">{{UID_LABEL}}</b> &middot; client-id: <b id="cid"></b>
            &middot; transport: <b id="transport"></b> &middot; state: <b id="state">connecting</b>
          </p>
          <fieldset>
            <form id="send">
              <label>To user-id <input id="to" value="{{UID}}" required></label>
              <label>Text <input id="text" required></label>
              <button id="send-button">Send</button>
            </form>
          </fieldset>
          <fieldset>
            <form id="broadcast">
              <label>Broadcast to everyone <input id="broadcast-text" required></label>
              <button id="broadcast-button">Broadcast</button>
            </form>
          </fieldset>
          <p>Online (connected-uids): <span id="online">&hellip;</span> <button id="logout">Log out</button></p>
          <div id="log"></div>
          <script type="module">
            import { createClient, NIL_UID } from "/sente/sente-client.js";

            const $ = (id) => document.getElementById(id);
            const log = (line) => { $("log").textContent += line + "\n"; };
            // ?transport=ajax (or ws) forces a transport; the default tries WebSocket first.
            const type = new URLSearchParams(location.search).get("transport") ?? "auto";
            const client = createClient({ type });
            window.senteClient = client;
            $("cid").textContent = client.clientId;

            const showState = (state) => {
              $("transport").textContent = state.type === "ajax" ? "Ajax" : "WebSocket";
              $("state").textContent = state.open ? "open" : state.everOpened ? "reconnecting" : "connecting";
              if (state.uid !== null) {
                $("uid").textContent = state.uid === NIL_UID ? "(not logged in: nil-uid)" : String(state.uid);
              }
            };
            showState(client.state);
            client.on("state", (_old, state) => showState(state));
            const name = (uid) => uid === null || uid === NIL_UID ? "(nil-uid)" : String(uid);
            const refreshOnline = async () => {
              try {
                const uids = await client.request("demo/online", null, { timeoutMs: 5000 });
                $("online").textContent = uids.any.map(name).join(", ") || "nobody";
              } catch (error) {
                $("online").textContent = `unknown (${error.reason ?? error})`;
              }
            };
            client.on("handshake", refreshOnline);
            client.on("chat/msg", ({ data }) => log(`${name(data.from)}${data.broadcast ? " (to everyone)" : ""}: ${data.text}`));
            client.on("demo/presence", ({ data }) => { log(`${name(data.uid)} is ${data.online ? "online" : "offline"}`); refreshOnline(); });
            client.on("event", ({ id, data }) => { if (id !== "chat/msg" && id !== "demo/presence") log(`${id} ${JSON.stringify(data)}`); });

            // Log in without leaving the page: the session's uid changes, then a reconnect
            // makes the server read it (Sente's login-then-chsk-reconnect! recipe).
            document.querySelector('form[action="/login"]').onsubmit = async (e) => {
              e.preventDefault();
              const response = await fetch("/login", { method: "POST", body: new URLSearchParams(new FormData(e.target)) });
              if (!response.ok) {
                log(`login failed: ${await response.text()}`);
                return;
              }
              client.reconnect();
            };

            $("logout").onclick = async () => {
              await fetch("/logout", { method: "POST" });
              client.reconnect();
            };

            $("broadcast").onsubmit = async (e) => {
              e.preventDefault();
              const text = $("broadcast-text").value;
              $("broadcast-text").value = "";
              try {
                await client.request("chat/broadcast", { text }, { timeoutMs: 10000 });
              } catch (error) {
                log(`chat/broadcast failed: ${error.reason ?? error}`);
              }
            };

            $("send").onsubmit = async (e) => {
              e.preventDefault();
              const to = $("to").value, text = $("text").value;
              $("text").value = "";
              try {
                const reply = await client.request("chat/send", { to, text }, { timeoutMs: 10000 });
                if (reply !== true) log(`chat/send: ${JSON.stringify(reply)}`);
              } catch (error) {
                log(`chat/send failed: ${error.reason ?? error}`);
              }
            };
          </script>
        </body>
        </html>
        """;
}
