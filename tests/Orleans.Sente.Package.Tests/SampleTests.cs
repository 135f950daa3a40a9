using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Orleans.Sente.Client;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Package.Tests;

/// <summary>
/// Each sample of <c>samples/</c>, copied as it is into an empty folder, restored against the
/// packed libraries by version (its own PackageReferences, no project reference), built, started
/// on free ports, and used by the .NET client: a request gets its reply and a push arrives.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class SampleTests(PackageFeed feed)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Minimal_sample_signs_in_through_the_session_and_gets_a_reply_and_a_push()
    {
        await using var app = await StartAsync("Minimal", port => []);
        var (cookies, token) = await SignInAsync(app.BaseUri, "alice");
        await AssertReplyAndPushAsync(app.BaseUri, "alice", new SenteClientOptions { Cookies = cookies, CsrfToken = token });
    }

    [Fact]
    public async Task Cookie_authentication_sample_takes_the_user_id_from_the_principal_and_checks_antiforgery()
    {
        await using var app = await StartAsync("CookieAuth", port => [$"--AllowedOrigins:0=http://127.0.0.1:{port}"]);
        var origin = $"http://127.0.0.1:{app.BaseUri.Port}";
        var (cookies, token) = await SignInAsync(app.BaseUri, "bob");

        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }))
        {
            http.DefaultRequestHeaders.Add("Origin", origin);
            var withoutToken = await http.GetAsync(new Uri(app.BaseUri, "/chsk?client-id=c1&handshake%3F=true")).WaitAsync(Step);
            Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
        }

        var options = new SenteClientOptions { Cookies = cookies, CsrfToken = token };
        options.Headers["Origin"] = origin;
        await AssertReplyAndPushAsync(app.BaseUri, "bob", options);
    }

    [Fact]
    public async Task Bring_your_own_Orleans_sample_serves_the_channel_from_the_application_silo()
    {
        await using var app = await StartAsync("BringYourOwnOrleans", port => [$"--Orleans:SiloPort={FreePort.Next()}", $"--Orleans:GatewayPort={FreePort.Next()}"]);
        var clientId = Guid.NewGuid().ToString();
        await AssertReplyAndPushAsync(app.BaseUri, clientId, new SenteClientOptions { ClientId = clientId });

        // Another user: a new connection of the same client-id, made before its first connection's close
        // reached the cluster, would rightly get "hello" again (the grain cannot tell it was written).
        var other = Guid.NewGuid().ToString();
        await using var client = new SenteClient(new SenteClientOptions { Uri = new Uri(app.BaseUri, "/chsk"), ClientId = other });
        var pushed = Received(client, "chat/msg");
        await client.ConnectAsync().WaitAsync(Step);
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(app.BaseUri, $"/push/{other}?text=from-outside"), null).WaitAsync(Step)).EnsureSuccessStatusCode();
        Assert.Equal("from-outside", (await pushed.WaitAsync(Step)).Data!["text"].AsString());
    }

    private static async Task AssertReplyAndPushAsync(Uri baseUri, string userId, SenteClientOptions options)
    {
        options.Uri = new Uri(baseUri, "/chsk");
        await using var client = new SenteClient(options);
        var pushed = Received(client, "chat/msg");
        await client.ConnectAsync().WaitAsync(Step);
        Assert.Equal(userId, client.State.UserId);

        var reply = await client.RequestAsync("demo/echo", EdnMap.Of(("n", 42)), Step).WaitAsync(Step);
        Assert.Equal(EdnMap.Of(("n", 42)), reply);

        await client.SendAsync("chat/send", EdnMap.Of(("to", userId), ("text", "hello"))).WaitAsync(Step);
        var push = await pushed.WaitAsync(Step);
        Assert.Equal("hello", push.Data!["text"].AsString());
        Assert.Equal(userId, push.Data!["from"].AsString());
    }

    private static Task<SenteEvent> Received(SenteClient client, string eventId)
    {
        var received = new TaskCompletionSource<SenteEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On(eventId, e =>
        {
            received.TrySetResult(e);
            return Task.CompletedTask;
        });
        return received.Task;
    }

    /// <summary>Signs in with the sample's login form, then reads the CSRF token from the page it redirects to.</summary>
    private static async Task<(CookieContainer Cookies, string Token)> SignInAsync(Uri baseUri, string userId)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = baseUri };
        var page = await http.PostAsync("/login", new FormUrlEncodedContent([new("uid", userId)])).WaitAsync(Step);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var token = CsrfMeta().Match(html);
        Assert.True(token.Success, $"no csrf-token in the page:\n{html}");
        return (cookies, WebUtility.HtmlDecode(token.Groups[1].Value));
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([^"]+)">""")]
    private static partial Regex CsrfMeta();

    private async Task<RunningSample> StartAsync(string name, Func<int, string[]> arguments)
    {
        var folder = Repo.Scratch(name);
        var source = Path.Combine(Repo.Root, "samples", name);
        foreach (var file in Directory.GetFiles(source).Where(f => Path.GetExtension(f) is ".cs" or ".csproj" or ".json"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        try
        {
            Assert.Contains($"Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(folder, $"{name}.csproj")));
            feed.WriteNuGetConfig(folder);
            await Processes.RunAsync(folder, BuildTimeout, "dotnet", "build", "-c", "Release", "-o", "out");
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        var port = FreePort.Next();
        string[] common =
        [
            Path.Combine(folder, "out", $"{name}.dll"),
            "--urls", $"http://127.0.0.1:{port}",
            $"--Sente:Cluster:SiloPort={FreePort.Next()}",
            $"--Sente:Cluster:GatewayPort={FreePort.Next()}",
        ];
        var process = Process.Start(Processes.Start(Path.Combine(folder, "out"), "dotnet", [.. common, .. arguments(port)]))!;
        var sample = new RunningSample(process, new Uri($"http://127.0.0.1:{port}"), folder);
        await sample.WaitUntilStartedAsync(StartTimeout);
        return sample;
    }

    private sealed class RunningSample(Process process, Uri baseUri, string folder) : IAsyncDisposable
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _output = [];

        public Uri BaseUri { get; } = baseUri;

        public async Task WaitUntilStartedAsync(TimeSpan timeout)
        {
            process.OutputDataReceived += (_, e) => Line(e.Data);
            process.ErrorDataReceived += (_, e) => Line(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(_started.Task, exited, Task.Delay(timeout));
            if (first != _started.Task)
            {
                throw new InvalidOperationException(
                    $"The sample did not start ({(first == exited ? $"exited {process.ExitCode}" : "timed out")}):\n{Output()}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        private void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Add(line);
            }

            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                _started.TrySetResult();
            }
        }

        private string Output()
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }
}
