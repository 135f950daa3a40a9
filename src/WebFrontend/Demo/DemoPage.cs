using System.Net;

namespace Orleans.Sente.WebFrontend.Demo;

/// <summary>
/// The demo chat page: log in, see your ids and who is online, send to a user-id or to everyone,
/// join the room (this page only) and post to it, watch pushes arrive. The log shows each line with
/// the time it was written: messages received (room messages marked <c>[room]</c>), the messages this
/// page sent (class <c>own</c>), and notices (class <c>notice</c>), such as a recipient with no
/// client online.
/// </summary>
internal static class DemoPage
{
    public static string Render(string csrfToken, string? userId) => Template
        .Replace("{{CSRF}}", WebUtility.HtmlEncode(csrfToken), StringComparison.Ordinal)
        .Replace("{{UID}}", WebUtility.HtmlEncode(userId ?? ""), StringComparison.Ordinal)
        .Replace("{{UID_LABEL}}", WebUtility.HtmlEncode(userId ?? "(not logged in: nil-uid)"), StringComparison.Ordinal)
        .Replace("{{ROOM}}", DemoEndpoints.Room, StringComparison.Ordinal);

    private const string Template = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="csrf-token" content="{{CSRF}}">
          <title>Orleans.Sente demo chat</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml">
          <style>
            body { font: 15px system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; }
            #log { border: 1px solid #ccc; min-height: 12rem; max-height: 24rem; overflow-y: auto; padding: .5rem; white-space: pre-wrap; font-family: monospace; }
            #log time { color: #777; }
            #log .own { color: #1a5e20; }
            #log .notice { color: #8a4b00; font-style: italic; }
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
          <fieldset>
            <form id="room">
              Room <b>{{ROOM}}</b> (<span id="room-state">not joined</span>)
              <button type="button" id="room-join">Join</button>
              <button type="button" id="room-leave">Leave</button>
              <label>Text <input id="room-text"></label>
              <button id="room-post">Post</button>
            </form>
          </fieldset>
          <p>Online (connected-uids): <span id="online">&hellip;</span> <button id="logout">Log out</button></p>
          <div id="log"></div>
          <script type="module">
            import { createClient, NIL_UID } from "/sente/sente-client.js";

            const $ = (id) => document.getElementById(id);
            // One line per entry, with the local time it was written (HH:MM:SS), always as text.
            const log = (line, kind) => {
              const now = new Date();
              const time = document.createElement("time");
              time.dateTime = now.toISOString();
              time.textContent = [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
              const row = document.createElement("div");
              row.className = kind ? `line ${kind}` : "line";
              row.append(time, " ", line);
              $("log").append(row);
              row.scrollIntoView({ block: "nearest" });
            };
            // ?transport=ajax (or ws) forces a transport; the default tries WebSocket first.
            const type = new URLSearchParams(location.search).get("transport") ?? "auto";
            const client = createClient({ type });
            window.senteClient = client;
            $("cid").textContent = client.clientId;

            const showState = (state) => {
              $("transport").textContent = state.type === "ajax" ? "Ajax" : "WebSocket";
              $("state").textContent = state.open ? "open" : state.everOpened ? "reconnecting" : "connecting";
              if (state.uid !== null) {
                $("uid").textContent = state.uid === NIL_UID ? "(not logged in: nil-uid)" : show(state.uid);
              }
            };
            showState(client.state);
            client.on("state", (_old, state) => showState(state));
            // Pushed data can be any value (a map may even have a "toString" key): show strings as
            // they are and anything else as JSON, always as text.
            const show = (value) => {
              if (typeof value === "string") return value;
              try { return JSON.stringify(value) ?? "undefined"; } catch { return Object.prototype.toString.call(value); }
            };
            const name = (uid) => uid === null || uid === undefined || uid === NIL_UID ? "(nil-uid)" : show(uid);
            const refreshOnline = async () => {
              try {
                const uids = await client.request("demo/online", null, { timeoutMs: 5000 });
                $("online").textContent = (Array.isArray(uids?.any) ? uids.any.map(name).join(", ") : show(uids)) || "nobody";
              } catch (error) {
                $("online").textContent = `unknown (${show(error?.reason ?? String(error))})`;
              }
            };
            client.on("handshake", refreshOnline);
            const field = (data, key) => data !== null && typeof data === "object" ? data[key] : undefined;
            client.on("chat/msg", ({ data }) => log(`${name(field(data, "from"))}${field(data, "broadcast") === true ? " (to everyone)" : ""}: ${show(field(data, "text"))}`));
            client.on("demo/presence", ({ data }) => { log(`${name(field(data, "uid"))} is ${field(data, "online") === true ? "online" : "offline"}`); refreshOnline(); });
            client.on("room/msg", ({ data }) => log(`[room] ${name(field(data, "from"))}: ${show(field(data, "text"))}`));
            client.on("event", ({ id, data }) => { if (id !== "chat/msg" && id !== "demo/presence" && id !== "room/msg") log(`${show(id)} ${show(data)}`); });

            // The room: joining makes this page (not the user's other tabs) a member, through the
            // server's group hook; a page that reconnects gets the room messages it missed.
            const room = "{{ROOM}}";
            const roomRequest = async (join) => {
              try {
                const reply = await (join ? client.joinGroup(room, { timeoutMs: 10000 }) : client.leaveGroup(room, { timeoutMs: 10000 }));
                if (field(reply, "ok") === true) {
                  $("room-state").textContent = join ? "joined" : "not joined";
                  log(join ? `you joined ${room}` : `you left ${room}`, "notice");
                } else {
                  log(`${join ? "join" : "leave"} refused: ${show(field(reply, "error"))}`, "notice");
                }
              } catch (error) {
                log(`${join ? "join" : "leave"} failed: ${show(error?.reason ?? String(error))}`, "notice");
              }
            };
            $("room-join").onclick = () => roomRequest(true);
            $("room-leave").onclick = () => roomRequest(false);
            $("room").onsubmit = async (e) => {
              e.preventDefault();
              const text = $("room-text").value;
              $("room-text").value = "";
              try {
                const reply = await client.request("room/post", { text }, { timeoutMs: 10000 });
                log(`you \u2192 [room]: ${text}`, "own");
                if (field(reply, "members") === 0) {
                  log(`${room} has no members: nobody got it`, "notice");
                }
              } catch (error) {
                log(`room/post failed: ${show(error?.reason ?? String(error))}`, "notice");
              }
            };

            // A login or logout starts a new session with a new CSRF token (the answer's body):
            // the client reads the meta tag at every connect.
            const renewed = async (response) => {
              document.querySelector('meta[name="csrf-token"]').setAttribute("content", await response.text());
              client.reconnect();
            };

            // Log in without leaving the page: the session's uid changes, then a reconnect
            // makes the server read it (Sente's login-then-chsk-reconnect! recipe).
            document.querySelector('form[action="/login"]').onsubmit = async (e) => {
              e.preventDefault();
              const response = await fetch("/login", { method: "POST", body: new URLSearchParams(new FormData(e.target)) });
              if (!response.ok) {
                log(`login failed: ${await response.text()}`);
                return;
              }
              await renewed(response);
            };

            $("logout").onclick = async () => {
              const response = await fetch("/logout", { method: "POST" });
              if (!response.ok) {
                log(`logout failed: ${await response.text()}`);
                return;
              }
              await renewed(response);
            };

            $("broadcast").onsubmit = async (e) => {
              e.preventDefault();
              const text = $("broadcast-text").value;
              $("broadcast-text").value = "";
              try {
                await client.request("chat/broadcast", { text }, { timeoutMs: 10000 });
              } catch (error) {
                log(`chat/broadcast failed: ${show(error?.reason ?? String(error))}`);
              }
            };

            $("send").onsubmit = async (e) => {
              e.preventDefault();
              const to = $("to").value, text = $("text").value;
              $("text").value = "";
              try {
                const reply = await client.request("chat/send", { to, text }, { timeoutMs: 10000 });
                if (reply === true || field(reply, "online") === false) {
                  log(`you \u2192 ${name(to)}: ${text}`, "own");
                } else {
                  log(`chat/send: ${show(reply)}`, "notice");
                }
                if (field(reply, "online") === false) {
                  log(`${name(to)} has no client online: the message waits in their inbox and arrives when they connect`, "notice");
                }
              } catch (error) {
                log(`chat/send failed: ${show(error?.reason ?? String(error))}`, "notice");
              }
            };
          </script>
        </body>
        </html>
        """;
}
