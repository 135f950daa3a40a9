using System.Net;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// Grain keys travel as UTF-8, where a lone surrogate turns into U+FFFD: user-ids <c>a\uD800</c>
/// and <c>a\uFFFD</c> would be one grain (one inbox, one set of routes). Such ids are refused.
/// </summary>
public sealed class IdTextTests
{
    [Fact]
    public void A_user_id_or_client_id_with_a_lone_surrogate_is_refused_and_a_well_formed_one_taken()
    {
        Assert.Throws<ArgumentException>(() => SenteKeys.UserKey("a\uD800"));
        Assert.Throws<ArgumentException>(() => SenteKeys.UserKey("a\uDC00b"));
        Assert.Throws<ArgumentException>(() => SenteKeys.ClientKey("alice", "tab-\uD800"));
        Assert.False(SenteKeys.IsValidUserId("a\uD800", out var problem));
        Assert.Contains("lone surrogate", problem);
        Assert.False(SenteKeys.IsValidClientId("tab-\uDFFF", out problem));
        Assert.Contains("lone surrogate", problem);

        Assert.Equal("u:a\uFFFD", SenteKeys.UserKey("a\uFFFD"));
        Assert.Equal("u:\U0001F600", SenteKeys.UserKey("\U0001F600"));
        Assert.True(SenteKeys.IsValidClientId("tab-\U0001F600", out _));
    }

    [Fact]
    public async Task A_user_id_function_that_computes_a_lone_surrogate_gets_a_server_error_with_the_reason()
    {
        await using var silo = await TestSilo.StartAsync(null);
        await using var frontEnd = await TestFrontEnd.StartAsync([silo], o => o.UserIdFn = _ => ValueTask.FromResult<string?>("a\uD800"));
        using var http = new HttpClient { Timeout = TestTimeouts.Frame };
        using var response = await http.GetAsync(new UriBuilder(frontEnd.BaseUri) { Path = "/chsk", Query = "client-id=c1&packer=json&handshake%3F=true" }.Uri);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("lone surrogate", await response.Content.ReadAsStringAsync());
    }
}
