using System.Net;

namespace Orleans.Sente.WebFrontend.Demo;

/// <summary>The demo chat page: log in, see your ids, send to a user-id, watch pushes arrive.</summary>
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
              <button>Log in</button>
            </form>
          </fieldset>
          <p>User-id: <b id="uid">{{UID_LABEL}}</b> &middot; client-id: <b id="cid"></b> &middot; state: <b id="state">connecting</b></p>
          <fieldset>
            <form id="send">
              <label>To user-id <input id="to" value="{{UID}}" required></label>
              <label>Text <input id="text" required></label>
              <button>Send</button>
            </form>
          </fieldset>
          <div id="log"></div>
          <script type="module">
            const clientId = crypto.randomUUID();
            const csrf = document.querySelector('meta[name="csrf-token"]').content;
            document.getElementById("cid").textContent = clientId;
            const log = (line) => { document.getElementById("log").textContent += line + "\n"; };
            const url = new URL("/chsk", location.href);
            url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
            url.search = new URLSearchParams({ "client-id": clientId, packer: "json", "csrf-token": csrf });
            const socket = new WebSocket(url);
            socket.onmessage = (m) => {
              const [payload, cb] = JSON.parse(m.data);
              if (Array.isArray(payload) && payload[0] === ":chsk/handshake") {
                document.getElementById("state").textContent = "open (WebSocket)";
              } else if (payload === ":chsk/ws-ping") {
                socket.send(JSON.stringify([[":chsk/ws-pong"], null]));
              } else if (cb === null && Array.isArray(payload)) {
                for (const [id, data] of payload) {
                  if (id === ":chat/msg") log(`${data.from}: ${data.text}`); else log(`${id} ${JSON.stringify(data)}`);
                }
              }
            };
            socket.onclose = (e) => { document.getElementById("state").textContent = `closed (${e.reason || e.code})`; };
            document.getElementById("send").onsubmit = (e) => {
              e.preventDefault();
              const to = document.getElementById("to").value, text = document.getElementById("text").value;
              socket.send(JSON.stringify([[":chat/send", { to, text }], null]));
              document.getElementById("text").value = "";
            };
          </script>
        </body>
        </html>
        """;
}
