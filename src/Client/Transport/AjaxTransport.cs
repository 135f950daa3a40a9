using System.Text;
using System.Net;
using System.Net.Http.Headers;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client.Transport;

/// <summary>
/// One Ajax session: the handshake GET (<c>handshake?=1</c>), then long polls one after another
/// until one fails. A poll ends in one of these ways:
/// <list type="bullet">
/// <item>a batch: delivered, and the next poll goes out at once;</item>
/// <item><c>[:chsk/timeout nil]</c> (the server's <c>lp-timeout</c>): the next poll goes out at once;</item>
/// <item>a handshake (the server no longer knew the client): the client is open again, and polls on;</item>
/// <item>an HTTP error, a network error or no answer within <c>LpTimeout</c>: the connection closes.</item>
/// </list>
/// Sends are POSTs, each answered by one envelope.
/// </summary>
internal sealed class AjaxTransport(ITransportHost host) : ClientTransport(host)
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptAll = new("*/*");

    // Cancelled when the session ends, so that pending POSTs fail at once with Closed.
    private readonly CancellationTokenSource _closing = new();

    public override SenteClientTransport Kind => SenteClientTransport.Ajax;

    public override async Task<TransportEnd> RunAsync(CancellationToken cancellationToken)
    {
        var opened = false;
        try
        {
            var (status, first) = await GetAsync(handshake: true, cancellationToken);
            if (status != HttpStatusCode.OK)
            {
                var code = (int)status;
                return new(SenteCloseReason.Unexpected, false, $"HTTP {code}: {Text(first)}", code is >= 400 and < 500 ? code : null);
            }

            var frame = ServerFrame.Classify(Host.Packer.Unpack(first));
            if (frame.Kind != ServerFrameKind.Handshake)
            {
                return new(SenteCloseReason.Unexpected, false, "the handshake request was not answered with a handshake");
            }

            opened = true;
            Host.OnHandshake(this, frame.ReadHandshake());
            while (true)
            {
                (status, var body) = await GetAsync(handshake: false, cancellationToken);
                if (status != HttpStatusCode.OK)
                {
                    return new(SenteCloseReason.Unexpected, true, $"HTTP {(int)status}: {Text(body)}");
                }

                await HandleAsync(ServerFrame.Classify(Host.Packer.Unpack(body)), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new(SenteCloseReason.RequestedDisconnect, opened, null);
        }
        catch (OperationCanceledException)
        {
            return new(SenteCloseReason.Unexpected, opened, "no answer within " + Host.Options.LpTimeout);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SentePackException)
        {
            return new(SenteCloseReason.Unexpected, opened, e.Message);
        }
        finally
        {
            await _closing.CancelAsync();
        }
    }

    public override async Task SendAsync(SenteEvent @event, CancellationToken cancellationToken) =>
        await PostAsync(@event, wantsReply: false, cancellationToken);

    public override async Task<EdnValue> RequestAsync(SenteEvent @event, CancellationToken cancellationToken) =>
        await PostAsync(@event, wantsReply: true, cancellationToken);

    private async Task HandleAsync(ServerFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Kind)
        {
            case ServerFrameKind.Timeout:
                break;
            case ServerFrameKind.Batch:
                await Host.OnEventsAsync(frame.ReadBatch(Host.Packer.EventIdsAreStrings, mark => Host.ResumeMark = mark), cancellationToken);
                break;
            case ServerFrameKind.Handshake:
                Host.OnHandshake(this, frame.ReadHandshake());
                break;
            default:
                ClientLog.UnexpectedFrame(Host.Logger, frame.Kind.ToString(), frame.Payload.ToString());
                break;
        }
    }

    /// <summary>
    /// A POST of <c>[event cb]</c>: cb is <c>:ajax</c> when a reply is wanted. The answer is
    /// <c>[reply nil]</c>, <c>[:chsk/dummy-cb-200 nil]</c> (no reply wanted: null) or
    /// <c>[:chsk/timeout nil]</c> (the server's handler did not reply in time).
    /// </summary>
    private async Task<EdnValue> PostAsync(SenteEvent @event, bool wantsReply, CancellationToken cancellationToken)
    {
        var sent = ClientFrames.Pack(Host.Packer, @event, wantsReply ? Envelope.AjaxCallbackMarker : null);
        if (_closing.IsCancellationRequested)
        {
            throw new SenteRequestException(SenteRequestFailure.Closed, "The Ajax session has closed.");
        }

        using var deadline = new CancellationTokenSource(Host.Options.LpTimeout, Host.Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token, deadline.Token);
        byte[] body;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, SenteUrls.Post(Host.Options, Host.Packer.IsBinary))
            {
                Content = Host.Packer.IsBinary ? SenteUrls.PostBody(sent) : SenteUrls.PostForm(Host.Options, Encoding.UTF8.GetString(sent)),
            };
            await AddHeadersAsync(request, linked.Token);
            using var response = await Host.Http.Client.SendAsync(request, linked.Token);
            body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new SenteRequestException(SenteRequestFailure.Error, $"The POST failed with HTTP {(int)response.StatusCode}: {Text(body)}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _closing.IsCancellationRequested)
        {
            throw new SenteRequestException(SenteRequestFailure.Closed, "The Ajax session closed before the reply arrived.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SenteRequestException(SenteRequestFailure.Timeout, "The POST got no answer within " + Host.Options.LpTimeout);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new SenteRequestException(SenteRequestFailure.Error, "The POST failed: " + e.Message, e);
        }

        ServerFrame frame;
        try
        {
            frame = ServerFrame.Classify(Host.Packer.Unpack(body));
        }
        catch (SentePackException e)
        {
            throw new SenteRequestException(SenteRequestFailure.Error, "The POST's answer is unreadable: " + e.Message, e);
        }

        return frame.Kind switch
        {
            ServerFrameKind.Timeout => throw new SenteRequestException(SenteRequestFailure.Timeout, "The server's handler did not reply in time."),
            ServerFrameKind.DummyCb200 => EdnValue.Nil,
            _ => frame.Payload,
        };
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(bool handshake, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(Host.Options.LpTimeout, Host.Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, SenteUrls.Poll(Host.Options, handshake, Host.ResumeMark));
        await AddHeadersAsync(request, linked.Token);
        using var response = await Host.Http.Client.SendAsync(request, linked.Token);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(linked.Token));
    }

    private async Task AddHeadersAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var options = Host.Options;
        request.Headers.Accept.Add(AcceptAll);
        request.Headers.Add("X-Requested-With", "XMLHTTPRequest");
        if (options.CsrfToken is { Length: > 0 } token)
        {
            request.Headers.Add("X-CSRF-Token", token);
        }

        foreach (var (name, value) in options.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Asked per request, as SignalR's long polling does: a provider that refreshes an expiring
        // token keeps a long-lived session signed in.
        if (await AccessTokenAsync(cancellationToken) is { Length: > 0 } accessToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
    }

    private static string Text(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        return text.Length == 0 ? "(empty)" : text;
    }
}
