using Orleans.Sente.AspNetCore;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary><c>.On&lt;TRequest&gt;</c> and <c>.On&lt;TRequest, TReply&gt;</c>: event data bound to records and back.</summary>
[Collection(HandlerFeaturesCollection.Name)]
public sealed class TypedHandlerTests(HandlerFeaturesFixture fixture)
{
    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    [Fact]
    public async Task A_typed_handler_replies_a_record_over_WebSocket()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, uid: null, extraQuery: "&access_token=" + TestBearerHandler.TokenOf("erin"));
        await using var _c = client;

        await client.SendAsync("""[[":test/sum",{"numbers":[1,2,3],"label":"abc"}],"t1"]""");

        Assert.Equal("""[{"total":6,"label":"abc","count":3,"user-id":"erin"},"t1"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_typed_handler_replies_a_record_over_Ajax_with_the_EDN_packer()
    {
        using var client = new AjaxClient(Guid.NewGuid().ToString());

        var reply = await client.PostAsync(FrontEnd, """[[:test/sum {:numbers [4 5] :label "de"}] :ajax]""");

        Assert.Equal((HttpStatusCode.OK, """[{:total 9, :label "de", :count 2, :user-id nil} nil]"""), reply);
    }

    [Fact]
    public async Task A_typed_handler_without_a_reply_gets_kebab_case_keys_and_keyword_enums_bound()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, uid: null, extraQuery: "&access_token=" + TestBearerHandler.TokenOf("frank"));
        await using var _c = client;

        await client.SendAsync("""[[":test/greet",{"first-name":"Ann","mood":"very-happy"}]]""");

        var pushed = await client.ReceiveAsync();
        Assert.Equal("""[[[":test/greeted",{"first-name":"Ann","mood":":very-happy","times":1}]],null]""", pushed);
    }

    [Theory]
    [InlineData("""{"numbers":["x"],"label":"a"}""", "does not bind to SumRequest: The value could not be converted to")]
    [InlineData("""{"numbers":[1]}""", "does not bind to SumRequest: Binding for type 'Orleans.Sente.Tests.Infrastructure.SumRequest' was missing required properties including: 'label'")]
    [InlineData("""{"numbers":[1],"label":null}""", "does not bind to SumRequest: The constructor parameter 'Label' on type 'Orleans.Sente.Tests.Infrastructure.SumRequest' doesn't allow null values")]
    [InlineData("""[1,2]""", "does not bind to SumRequest")]
    public async Task Data_that_does_not_bind_gets_the_bad_request_reply_and_the_socket_lives_on(string data, string reason)
    {
        using var rejected = new RejectedCounter(FrontEnd, "bad-request");
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, uid: null);
        await using var _c = client;

        await client.SendAsync($$"""[[":test/sum",{{data}}],"b1"]""");
        var reply = await client.ReceiveJsonAsync();
        await client.SendAsync("""[[":test/sum",{"numbers":[1],"label":"ok"}],"b2"]""");

        Assert.Equal("b1", reply[1].GetString());
        Assert.Equal("bad-request", reply[0].GetProperty("error").GetString());
        Assert.Contains(":test/sum " + reason, reply[0].GetProperty("message").GetString());
        Assert.Equal("""[{"total":1,"label":"ok","count":1,"user-id":null},"b2"]""", await client.ReceiveAsync());
        Assert.Equal(WebSocketState.Open, client.State);
        Assert.Equal(1, rejected.Count);
    }

    [Fact]
    public async Task Nil_data_gets_the_bad_request_reply_over_Ajax()
    {
        using var client = new AjaxClient(Guid.NewGuid().ToString());

        var (status, body) = await client.PostAsync(FrontEnd, """[[:test/sum] :ajax]""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""[{:error "bad-request", :message "The data of :test/sum is nil; SumRequest expected."} nil]""", body);
    }

    [Fact]
    public async Task A_handler_that_refuses_bound_data_gets_the_same_bad_request_reply()
    {
        using var client = new AjaxClient(Guid.NewGuid().ToString(), packer: "json");

        var (status, body) = await client.PostAsync(FrontEnd, """[[":test/strict",{"numbers":[1,2,3,4],"label":"x"}],":ajax"]""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""[{"error":"bad-request","message":"At most 3 numbers."},null]""", body);
    }

    /// <summary>Counts <c>sente.requests.rejected</c> of one reason on one front end's meter.</summary>
    private sealed class RejectedCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public RejectedCounter(TestFrontEnd frontEnd, string reason)
        {
            var meters = frontEnd.App.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "sente.requests.rejected")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason" && Equals(tag.Value, reason))
                    {
                        Interlocked.Add(ref _count, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
