using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

/// <summary>
/// One client of one user. Holds the route of its newest connection; a newer connection of
/// the same client (a reconnect, or the next Ajax poll on another front end) takes the slot and
/// the older one is closed. Routing state is soft: the user grain holds a copy for fan-out.
/// </summary>
internal sealed class ClientGrain : Grain, IClientGrain
{
    private ClientRoute? _route;
    private IUserGrain? _user;
    private string? _clientId;

    private IUserGrain User => _user ??= GrainFactory.GetGrain<IUserGrain>(SenteKeys.UserKey(Key.UserId));

    private (string? UserId, string ClientId) Key => SenteKeys.ParseClientKey(this.GetPrimaryKeyString());

    private string ClientId => _clientId ??= Key.ClientId;

    public async Task ConnectAsync(ClientRoute route)
    {
        var previous = _route;
        _route = route;
        var replaced = previous is not null && !SameConnection(previous, route.FrontEndId, route.ConnectionId);
        if (replaced && previous!.Transport == SenteTransport.WebSocket)
        {
            previous.FrontEnd.CloseAsync(previous.ConnectionId, "replaced by a newer connection of this client").Ignore();
        }

        await User.AttachAsync(route);
        if (replaced && previous!.Transport == SenteTransport.Ajax)
        {
            // The user grain has taken the Ajax session over (collecting what it had not sent);
            // closing it now only matters when the user grain no longer routed to it.
            previous.FrontEnd.CloseAsync(previous.ConnectionId, "replaced by a newer connection of this client").Ignore();
        }
    }

    public async Task<bool> ResumeAsync(ClientRoute route)
    {
        var known = _route is not null;
        await ConnectAsync(route);
        return known;
    }

    public async Task DisconnectAsync(string frontEndId, long connectionId)
    {
        if (_route is not null && !SameConnection(_route, frontEndId, connectionId))
        {
            return;
        }

        _route = null;
        await User.DetachAsync(ClientId, frontEndId, connectionId);
        DeactivateOnIdle();
    }

    public Task<ClientRoute?> GetRouteAsync() => Task.FromResult(_route);

    public Task PushAsync(SenteEvent @event, PushOptions? options = null) =>
        User.PushToClientAsync(ClientId, @event, options);

    private static bool SameConnection(ClientRoute route, string frontEndId, long connectionId) =>
        route.ConnectionId == connectionId && string.Equals(route.FrontEndId, frontEndId, StringComparison.Ordinal);
}
