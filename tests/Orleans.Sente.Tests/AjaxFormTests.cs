using System.Net;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// The form of an Ajax send: Sente's fields (client-id, ppstr, csrf-token, udt, packer), others
/// ignored; too many fields is a bad request, never "too large"; only a message over
/// <c>MaxMessageBytes</c> is.
/// </summary>
public sealed class AjaxFormTests(SingleFrontEndFixture fixture) : IClassFixture<SingleFrontEndFixture>
{
    [Fact]
    public async Task A_small_send_with_too_many_fields_gets_400_saying_so()
    {
        var fields = Fields("ff-many", 37);
        Assert.True(Body(fields).Length < 400, "the body is small: the limit hit is the field count, not the size");

        var (status, body) = await PostAsync(fields);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Bad request: too many form fields (at most 32).", body);
    }

    [Fact]
    public async Task A_send_with_a_few_extra_fields_is_accepted_and_they_are_ignored()
    {
        var (status, body) = await PostAsync(Fields("ff-extra", 5));

        Assert.Equal((HttpStatusCode.OK, """[":chsk/dummy-cb-200",null]"""), (status, body));
    }

    [Fact]
    public async Task A_send_whose_message_is_over_the_limit_still_gets_413()
    {
        var fields = Fields("ff-big", 0);
        fields[^1] = new("ppstr", "[[:my/note \"" + new string('x', SingleFrontEndFixture.MaxMessageBytes) + "\"] nil]");

        var (status, body) = await PostAsync(fields);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal($"Payload too large: message larger than {SingleFrontEndFixture.MaxMessageBytes} bytes.", body);
    }

    [Fact]
    public async Task A_form_field_name_over_256_characters_gets_400()
    {
        var fields = Fields("ff-key", 0).Append(new(new string('k', 300), "v")).ToArray();

        var (status, body) = await PostAsync(fields);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Bad request: a form field name is over 256 characters.", body);
    }

    /// <summary>Sente's four fields plus <paramref name="extra"/> short unknown ones, ppstr last.</summary>
    private static KeyValuePair<string, string>[] Fields(string clientId, int extra) =>
        [
            new("udt", "1"),
            new("client-id", clientId),
            new("packer", "json"),
            .. Enumerable.Range(0, extra).Select(i => new KeyValuePair<string, string>($"f{i}", "1")),
            new("ppstr", """[["my/note",1],null]"""),
        ];

    private static string Body(KeyValuePair<string, string>[] fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    private async Task<(HttpStatusCode, string)> PostAsync(KeyValuePair<string, string>[] fields)
    {
        using var http = new HttpClient { Timeout = TestTimeouts.Frame };
        using var content = new FormUrlEncodedContent(fields);
        using var response = await http.PostAsync(new UriBuilder(fixture.FrontEnd.BaseUri) { Path = "/chsk" }.Uri, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
