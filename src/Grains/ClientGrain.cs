namespace Sente.Grains;

/// <summary>
/// One client of one user, addressable on its own (a push to one tab, its route). The route
/// itself lives in the user grain, which needs every client's route to fan out anyway: front
/// ends attach connections there directly, so a connected client costs no activation of its
/// own, and this grain reads the route from its user when asked. The newest connection owns the
/// client; the user grain closes an older one.
/// </summary>
internal sealed class ClientGrain : Grain, IClientGrain, IClientRoutingGrain
{
    private IUserGrain? _user;
    private string? _clientId;

    private IUserGrain User => _user ??= GrainFactory.GetUserGrainOrNil(Key.UserId);

    private (string? UserId, string ClientId) Key => SenteKeys.ParseClientKey(this.GetPrimaryKeyString());

    private string ClientId => _clientId ??= Key.ClientId;

    public Task<ClientRoute?> GetRouteAsync() => GrainFactory.GetUserRoutingGrain(Key.UserId).GetClientRouteAsync(ClientId);

    public Task PushAsync(SenteEvent @event, PushOptions? options = null) =>
        User.PushToClientAsync(ClientId, @event, options);
}
