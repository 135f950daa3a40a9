using System.Net;
using System.Text.Json;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary><c>SenteEventContext.Services</c> is a DI scope per handler invocation, disposed once the handler completes.</summary>
[Collection(HandlerFeaturesCollection.Name)]
public sealed class HandlerScopeTests(HandlerFeaturesFixture fixture)
{
    [Fact]
    public async Task Each_WebSocket_event_gets_a_fresh_scope_disposed_asynchronously_after_its_handler()
    {
        var (client, _) = await TestClient.ConnectAsync(fixture.FrontEnd, uid: null);
        await using var _c = client;

        await client.SendAsync("""[[":test/scope"],"s1"]""");
        var first = Guid.Parse((await client.ReceiveJsonAsync())[0].GetString()!);
        await client.SendAsync("""[[":test/scope"],"s2"]""");
        var second = Guid.Parse((await client.ReceiveJsonAsync())[0].GetString()!);

        Assert.NotEqual(first, second);
        Assert.Equal(new ScopeProbes.Disposal(Async: true, AfterHandler: true), await fixture.Probes.DisposalOf(first));
        Assert.Equal(new ScopeProbes.Disposal(Async: true, AfterHandler: true), await fixture.Probes.DisposalOf(second));
    }

    [Fact]
    public async Task Each_Ajax_event_gets_a_fresh_scope_disposed_asynchronously_after_its_handler()
    {
        using var client = new AjaxClient(Guid.NewGuid().ToString(), packer: "json");

        var first = await PostScopeAsync(client);
        var second = await PostScopeAsync(client);

        Assert.NotEqual(first, second);
        Assert.Equal(new ScopeProbes.Disposal(Async: true, AfterHandler: true), await fixture.Probes.DisposalOf(first));
        Assert.Equal(new ScopeProbes.Disposal(Async: true, AfterHandler: true), await fixture.Probes.DisposalOf(second));
    }

    private async Task<Guid> PostScopeAsync(AjaxClient client)
    {
        var (status, body) = await client.PostAsync(fixture.FrontEnd, """[[":test/scope"],":ajax"]""");
        Assert.Equal(HttpStatusCode.OK, status);
        return Guid.Parse(JsonDocument.Parse(body).RootElement[0].GetString()!);
    }
}
