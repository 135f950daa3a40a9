using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orleans.Sente.Hosting;

/// <summary>What a process is in the cluster, as its telemetry says (<c>sente.role</c>).</summary>
[Flags]
public enum SenteRole
{
    /// <summary>Serves Sente clients.</summary>
    FrontEnd = 1,

    /// <summary>Hosts the grains.</summary>
    Silo = 2,
}

/// <summary>
/// OpenTelemetry for silos and front ends, from configuration section <c>Sente:Telemetry</c>:
/// <list type="bullet">
/// <item>the resource: <c>service.name</c> (<c>ServiceName</c>; by default <c>orleans-sente-front-end</c>,
/// <c>orleans-sente-silo</c>, or <c>orleans-sente</c> for a front end co-hosting its silo; the standard
/// <c>OTEL_SERVICE_NAME</c> wins over both), <c>service.namespace</c> <c>orleans-sente</c>, a
/// <c>service.instance.id</c>, and <c>sente.role</c> (<c>front-end</c>, <c>silo</c>, <c>front-end+silo</c>);</item>
/// <item>metrics of <see cref="SenteOperations.Meters"/>, always served as Prometheus text at <c>/metrics</c>;</item>
/// <item>OTLP export of metrics, traces and logs when an endpoint is configured: <c>OtlpEndpoint</c>
/// (with <c>OtlpProtocol</c>, <c>Grpc</c> by default or <c>HttpProtobuf</c>), or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and the other <c>OTEL_EXPORTER_OTLP_*</c> settings);</item>
/// <item>traces, with OTLP only: sources <see cref="SenteTelemetry.ActivitySourceName"/>,
/// <c>Microsoft.Orleans.Application</c> (the application's grain calls) and <c>Microsoft.AspNetCore</c>;
/// <c>OrleansRuntimeTraces=true</c> adds <c>Microsoft.Orleans.Runtime</c> (every runtime call: Sente's
/// grain calls, and the membership and lease chatter too). Without OTLP nothing listens, and no span is made.</item>
/// </list>
/// </summary>
public static class SenteTelemetryHosting
{
    public const string SectionName = "Sente:Telemetry";
    public const string ServiceNamespace = "orleans-sente";
    public const string RoleAttribute = "sente.role";

    /// <summary>The standard OTLP endpoint setting (environment variable or configuration key).</summary>
    public const string StandardOtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IHostApplicationBuilder AddSenteTelemetry(this IHostApplicationBuilder builder, SenteRole role)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var serviceName = section["ServiceName"] is { Length: > 0 } configured ? configured : DefaultServiceName(role);
        var standardName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 };
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!standardName)
                {
                    resource.AddService(serviceName, ServiceNamespace);
                }

                resource.AddAttributes([new(RoleAttribute, RoleName(role))]);
            })
            .WithMetrics(metrics => metrics
                .AddMeter(SenteOperations.Meters)
                .AddPrometheusExporter());

        var endpoint = section["OtlpEndpoint"];
        if (string.IsNullOrEmpty(endpoint) && string.IsNullOrEmpty(builder.Configuration[StandardOtlpEndpointKey]))
        {
            return builder;
        }

        otel.WithTracing(tracing =>
        {
            tracing.AddSource(SenteTelemetry.ActivitySourceName, "Microsoft.Orleans.Application", "Microsoft.AspNetCore");
            if (section.GetValue("OrleansRuntimeTraces", false))
            {
                tracing.AddSource("Microsoft.Orleans.Runtime");
            }
        });
        if (string.IsNullOrEmpty(endpoint))
        {
            otel.UseOtlpExporter();
        }
        else
        {
            otel.UseOtlpExporter(section.GetValue("OtlpProtocol", OtlpExportProtocol.Grpc), new Uri(endpoint));
        }

        return builder;
    }

    public static string DefaultServiceName(SenteRole role) => role switch
    {
        SenteRole.FrontEnd => "orleans-sente-front-end",
        SenteRole.Silo => "orleans-sente-silo",
        _ => "orleans-sente",
    };

    public static string RoleName(SenteRole role) => role switch
    {
        SenteRole.FrontEnd => "front-end",
        SenteRole.Silo => "silo",
        _ => "front-end+silo",
    };
}
