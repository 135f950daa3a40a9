using System.Diagnostics;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// One push is one trace: from the caller that issued it, through the user grain on the silo, to the
/// front end and the socket of each client. The spans are recorded in process by an
/// <see cref="ActivityListener"/>; the silo and the front end are separate hosts joined over TCP.
/// </summary>
public sealed class TracingTests(SingleFrontEndFixture fixture) : IClassFixture<SingleFrontEndFixture>
{
    private static readonly ActivitySource Caller = new("Orleans.Sente.Tests.Caller");

    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    /// <summary>
    /// With Orleans' own sources listened to, its grain-call spans sit between ours; without, the
    /// context still rides on Sente's grain calls and every span is a child of the one before.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_push_issued_inside_an_activity_is_one_trace_at_the_caller_the_user_grain_the_front_end_and_the_socket(bool orleansSources)
    {
        using var spans = orleansSources
            ? new SpanRecorder(SenteTelemetry.ActivitySourceName, Caller.Name, "Microsoft.Orleans.*")
            : new SpanRecorder(SenteTelemetry.ActivitySourceName, Caller.Name);
        var user = "trace-" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, user);
        await using var _c = client;

        ActivityContext caller;
        using (var activity = Caller.StartActivity("caller issues a push"))
        {
            Assert.NotNull(activity);
            caller = activity.Context;
            await FrontEnd.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/traced", 1), PushOptions.Flushed);
        }

        Assert.Equal("""[[[":test/traced",1]],null]""", await client.ReceiveAsync());
        var push = await spans.WaitAsync(caller.TraceId, "sente.push");
        var fanOut = await spans.WaitAsync(caller.TraceId, "sente.fanout");
        var deliver = await spans.WaitAsync(caller.TraceId, "sente.deliver");
        var send = await spans.WaitAsync(caller.TraceId, "sente.send");

        Assert.Equal("user", push.GetTagItem("sente.target"));
        Assert.Equal(push.SpanId, fanOut.ParentSpanId);
        Assert.Equal(fanOut.SpanId, deliver.ParentSpanId);
        Assert.Equal(deliver.SpanId, send.ParentSpanId);
        Assert.Equal(1, deliver.GetTagItem("sente.connections"));
        Assert.Equal("ws", send.GetTagItem("sente.transport"));
        if (orleansSources)
        {
            // Orleans' client and server spans of the call: the user grain's push is under them.
            var server = Assert.Single(spans.InTrace(caller.TraceId), a => a.SpanId == push.ParentSpanId);
            Assert.Equal(ActivityKind.Server, server.Kind);
        }
        else
        {
            Assert.Equal(caller.SpanId, push.ParentSpanId);
        }
    }

    [Fact]
    public async Task A_connect_has_connect_and_handshake_spans_and_a_handler_that_pushes_makes_one_trace_down_to_the_socket()
    {
        using var spans = new SpanRecorder(SenteTelemetry.ActivitySourceName);
        var clientId = Guid.NewGuid().ToString();
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, "trace-handler", clientId);
        await using var _c = client;

        await client.SendAsync("""[[":test/note",7],null]""");
        Assert.Equal("""[[[":test/noted",7]],null]""", await client.ReceiveAsync());

        var handle = await spans.WaitAsync("sente.handle", "sente.client", clientId);
        Assert.Equal(":test/note", handle.GetTagItem("sente.event"));
        var push = await spans.WaitAsync(handle.TraceId, "sente.push");
        var send = await spans.WaitAsync(handle.TraceId, "sente.send");
        Assert.Equal("client", push.GetTagItem("sente.target"));
        Assert.Equal(handle.SpanId, push.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, send.Status);
        var connect = await spans.WaitAsync("sente.connect", "sente.client", clientId);
        var handshake = await spans.WaitAsync(connect.TraceId, "sente.handshake");
        Assert.Equal(connect.SpanId, handshake.ParentSpanId);
    }
}
