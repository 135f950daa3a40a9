using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// The embedded default keeps its grain state (sessions, the data-protection key ring) in a local
/// folder: a browser signed in before a restart is still signed in after it, with the same cookie
/// and CSRF token, and the restarted process logs no key-ring or cookie error.
/// </summary>
public sealed partial class EmbeddedRestartTests
{
    [Fact]
    public async Task A_client_signed_in_before_a_restart_reconnects_signed_in_with_the_same_cookie_and_token()
    {
        var data = Directory.CreateTempSubdirectory("sente-embedded-");
        try
        {
            var settings = EmbeddedDefaultProcess.Settings.Fresh(data.FullName);
            var user = "restart-" + Guid.NewGuid().ToString("N")[..8];
            var clientId = Guid.NewGuid().ToString();
            var cookies = new CookieContainer();
            string token;

            await using (var first = await EmbeddedDefaultProcess.StartAsync(settings))
            {
                Assert.Contains(first.Output, l => l.Contains($"is kept in {data.FullName}", StringComparison.Ordinal));
                token = await LoginAsync(settings.BaseUri, cookies, user);
                Assert.Equal(token, await PageTokenAsync(settings.BaseUri, cookies));
                using var socket = await ConnectAsync(settings.BaseUri, cookies, clientId, token);
                Assert.Equal(user, HandshakeUid(await ReceiveAsync(socket)));

                await first.StopAsync();
                Assert.Equal(0, first.ExitCode);
                await AssertClosedAsync(socket);
            }

            await using var second = await EmbeddedDefaultProcess.StartAsync(settings);
            using (var again = await ConnectAsync(settings.BaseUri, cookies, clientId, token))
            {
                Assert.Equal(user, HandshakeUid(await ReceiveAsync(again)));
            }

            Assert.Equal(token, await PageTokenAsync(settings.BaseUri, cookies));
            var warnings = EmbeddedDefaultProcess.Warnings(second.Output);
            Assert.True(warnings.Count == 0, "Warnings after the restart:\n" + string.Join("\n", warnings));
            Assert.DoesNotContain(second.Output, l => l.Contains("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) || l.Contains("unprotect", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_second_process_given_the_same_data_directory_stops_at_start_and_names_the_folder()
    {
        var data = Directory.CreateTempSubdirectory("sente-embedded-");
        try
        {
            await using var first = await EmbeddedDefaultProcess.StartAsync(EmbeddedDefaultProcess.Settings.Fresh(data.FullName));
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => EmbeddedDefaultProcess.StartAsync(EmbeddedDefaultProcess.Settings.Fresh(data.FullName)));

            Assert.Contains($"{data.FullName} is in use by another process", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>POST /login as a page of the same site does; returns the new session's CSRF token.</summary>
    private static async Task<string> LoginAsync(Uri baseUri, CookieContainer cookies, string user)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUri, Timeout = TestTimeouts.Frame };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("user-id", user)]) };
        request.Headers.Add("Origin", baseUri.GetLeftPart(UriPartial.Authority));
        using var login = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return await login.Content.ReadAsStringAsync();
    }

    /// <summary>GET / with these cookies; returns the CSRF token the page embeds.</summary>
    private static async Task<string> PageTokenAsync(Uri baseUri, CookieContainer cookies)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = baseUri, Timeout = TestTimeouts.Frame };
        var page = await http.GetStringAsync("/");
        return WebUtility.HtmlDecode(CsrfMeta().Match(page).Groups[1].Value);
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri baseUri, CookieContainer cookies, string clientId, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new Uri($"ws://{baseUri.Authority}/chsk?client-id={Uri.EscapeDataString(clientId)}&packer=json&csrf-token={Uri.EscapeDataString(token)}");
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException e)
        {
            throw new InvalidOperationException($"The channel was refused: HTTP {(int)socket.HttpStatusCode}", e);
        }

        return socket;
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.True(result.EndOfMessage && result.MessageType == WebSocketMessageType.Text, $"one text frame; got {result.MessageType}");
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>The server ends the channel when it stops: the socket reads a close or fails, never hangs.</summary>
    private static async Task AssertClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        try
        {
            while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
            // The process ended before a close frame: the connection was reset.
        }
    }

    /// <summary>The uid of a handshake frame <c>[[:chsk/handshake [uid ...]]]</c>.</summary>
    private static string? HandshakeUid(string frame)
    {
        using var handshake = JsonDocument.Parse(frame);
        Assert.Equal(":chsk/handshake", handshake.RootElement[0][0].GetString());
        return handshake.RootElement[0][1][0].GetString();
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([^"]*)">""")]
    private static partial Regex CsrfMeta();
}
