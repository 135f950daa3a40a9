using Orleans;
using Orleans.Sente;
using Orleans.Sente.Grains;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
namespace Sente.Grains;

/// <summary>Groups: a client gone for good ends the memberships it had on its own.</summary>
internal sealed partial class UserGrain
{
    private void OnClientGone(string clientId)
    {
        if (UserId is not null)
        {
            GrainFactory.GetGrain<IUserGroupsGrain>(this.GetPrimaryKeyString()).ClientGoneAsync(clientId).Ignore();
        }
    }
}
