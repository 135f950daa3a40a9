using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Sente.Hosting;

/// <summary>The default grain storage of the embedded default's silo: a <see cref="FileGrainStorage"/>.</summary>
internal static class EmbeddedGrainStorage
{
    /// <summary>The folder under the user's local application data that holds one folder per application.</summary>
    public const string ProductFolder = "Orleans.Sente";

    public static ISiloBuilder AddEmbeddedGrainStorage(this ISiloBuilder silo, string? dataDirectory)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<FileGrainStorage>());
        silo.Services.AddSingleton(sp => new FileGrainStorage(
            Resolve(dataDirectory, sp.GetRequiredService<IHostEnvironment>()),
            sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<ILogger<FileGrainStorage>>()));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<FileGrainStorage>());
        return silo;
    }

    /// <summary>
    /// The configured folder (relative to the content root), or the application's folder under the
    /// user's local application data; the content root's <c>.sente</c> where a user has none (a
    /// service account without a home).
    /// </summary>
    internal static string Resolve(string? dataDirectory, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(dataDirectory))
        {
            return Path.GetFullPath(dataDirectory, environment.ContentRootPath);
        }

        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(local)
            ? Path.Combine(environment.ContentRootPath, ".sente")
            : Path.Combine(local, ProductFolder, environment.ApplicationName);
    }
}
