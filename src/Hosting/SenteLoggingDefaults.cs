using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Hosting;

/// <summary>
/// Log levels a new application gets without configuring any, so that its console shows its own
/// and Sente's logs rather than the runtime's. Each default applies only when the application's
/// configuration does not set that category (<c>Logging:LogLevel:Orleans</c> and so on), so
/// appsettings always win:
/// <list type="bullet">
/// <item><c>Orleans</c> and <c>Polly</c> (the Orleans client's retries): Warning;</item>
/// <item><c>Orleans.Sente</c>: the application's default level (it sits under <c>Orleans</c>; the grain
/// classes log under <c>Sente.Grains</c>, which the application's default covers already).</item>
/// </list>
/// A front end co-hosting its silo (the embedded default, one process on a developer's machine)
/// also leaves out three warnings its user cannot act on:
/// <list type="bullet">
/// <item><c>Orleans.Runtime.Silo</c>, Warning: the notes that server GC is off, which the front end
/// chooses on purpose (less memory per connection);</item>
/// <item><c>Orleans.Runtime.Watchdog</c>, Warning: its first check reports the time since the machine
/// booted as a stall of the participant check thread;</item>
/// <item><c>Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager</c>, Warning: "No XML
/// encryptor configured", for keys that stay on this machine.</item>
/// </list>
/// Errors of these categories are still shown.
/// </summary>
internal static class SenteLoggingDefaults
{
    public static void AddSenteLoggingDefaults(this IHostApplicationBuilder builder, SenteRole role)
    {
        var configured = builder.Configuration.GetSection("Logging:LogLevel");
        void Default(string category, LogLevel level)
        {
            if (configured[category] is null)
            {
                builder.Logging.AddFilter(category, level);
            }
        }

        Default("Orleans", LogLevel.Warning);
        Default("Polly", LogLevel.Warning);
        Default("Orleans.Sente", Enum.TryParse<LogLevel>(configured["Default"], out var level) ? level : LogLevel.Information);
        if (role == (SenteRole.FrontEnd | SenteRole.Silo))
        {
            Default("Orleans.Runtime.Silo", LogLevel.Error);
            Default("Orleans.Runtime.Watchdog", LogLevel.Error);
            Default("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        }
    }
}
