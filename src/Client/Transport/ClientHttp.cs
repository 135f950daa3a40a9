using System.Net;

namespace Orleans.Sente.Client.Transport;

/// <summary>The HTTP machinery of one client: the Ajax client and, when the application gave a handler, the WebSocket's invoker.</summary>
internal sealed class ClientHttp : IDisposable
{
    private readonly bool _ownsHandler;
    private readonly HttpMessageHandler _handler;

    public ClientHttp(SenteClientOptions options)
    {
        if (options.HttpMessageHandler is { } handler)
        {
            _handler = handler;
            WebSocketInvoker = new HttpMessageInvoker(handler, disposeHandler: false);
        }
        else
        {
            _handler = new SocketsHttpHandler
            {
                UseCookies = options.Cookies is not null,
                CookieContainer = options.Cookies ?? new CookieContainer(),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            };
            _ownsHandler = true;
        }

        // Every request carries its own deadline (LpTimeout, or the caller's).
        Client = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    /// <summary>Set when the application gave a handler: the WebSocket upgrade goes through it too.</summary>
    public HttpMessageInvoker? WebSocketInvoker { get; }

    public void Dispose()
    {
        Client.Dispose();
        WebSocketInvoker?.Dispose();
        if (_ownsHandler)
        {
            _handler.Dispose();
        }
    }
}
