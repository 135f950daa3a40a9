using System.Reflection;
using System.Text.RegularExpressions;
using Orleans.Sente.Routing;
using Sente.Grains;

namespace Orleans.Sente.Tests;

/// <summary>
/// The line between what applications call and the routing between front ends and grains. The
/// grain interfaces applications are offered cannot attach, detach or drop a client's route; the
/// routing side is internal, in a namespace of its own, and served by the same grain classes (so the
/// same activations); inside the front end, one file calls it.
/// </summary>
public sealed class ArchitectureTests
{
    private const string RoutingNamespace = "Orleans.Sente.Routing";

    /// <summary>The file of the front end's connections service, from the repository root.</summary>
    private const string ConnectionsServiceFile = "src/AspNetCore/Cluster/FrontEndConnections.cs";

    private static readonly Assembly Abstractions = typeof(IUserGrain).Assembly;

    /// <summary>The grain interfaces of the routing side: front ends and silos call them, applications never.</summary>
    private static readonly Type[] RoutingInterfaces = [typeof(IUserRoutingGrain), typeof(IClientRoutingGrain), typeof(IFrontEndLeaseGrain)];

    [Fact]
    public void The_grain_interfaces_applications_are_offered_have_no_routing_methods()
    {
        Assert.Equal(["GetClientIdsAsync", "GetLastSeenAsync", "PushAsync", "PushToClientAsync"], MethodNames(typeof(IUserGrain)));
        Assert.Equal(["PushAsync"], MethodNames(typeof(IClientGrain)));
        Assert.Equal(["BroadcastAsync"], MethodNames(typeof(IFrontEndRegistryGrain)));

        var routingMethods = RoutingInterfaces.SelectMany(MethodNames).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("AttachAsync", routingMethods);
        var offered = Abstractions.GetExportedTypes().Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t)).ToList();
        Assert.Contains(typeof(IUserGrain), offered);
        Assert.Contains(typeof(IGroupGrain), offered);
        foreach (var type in offered)
        {
            foreach (var method in type.GetMethods())
            {
                Assert.False(routingMethods.Contains(method.Name), $"{type.Name}.{method.Name} is a routing method");
                var mentioned = method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType).SelectMany(Unwrap);
                Assert.DoesNotContain(mentioned, t => t.Namespace == RoutingNamespace);
            }
        }
    }

    [Fact]
    public void The_routing_side_is_internal_in_its_own_namespace_and_served_by_the_applications_grain_classes()
    {
        var routing = Abstractions.GetTypes().Where(t => t.Namespace == RoutingNamespace && !t.IsNested && !IsCompilerGenerated(t)).ToList();
        Assert.DoesNotContain(routing, t => t.IsPublic);
        Assert.All(RoutingInterfaces.Append(typeof(IFrontEndObserver)).Append(typeof(ClientRoute)), t => Assert.Contains(t, routing));
        Assert.DoesNotContain(Abstractions.GetExportedTypes(), t => t.Namespace == RoutingNamespace);

        // Applications' way in offers no routing grain; the routing side has its own, internal.
        Assert.DoesNotContain(
            typeof(SenteGrainFactoryExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static),
            m => Unwrap(m.ReturnType).Any(t => t.Namespace == RoutingNamespace));
        Assert.False(typeof(SenteRoutingGrainFactoryExtensions).IsPublic);

        // Orleans takes the grain type from the class: one class, one activation per key, for both sides.
        Assert.True(typeof(IUserGrain).IsAssignableFrom(typeof(UserGrain)) && typeof(IUserRoutingGrain).IsAssignableFrom(typeof(UserGrain)));
        Assert.True(typeof(IClientGrain).IsAssignableFrom(typeof(ClientGrain)) && typeof(IClientRoutingGrain).IsAssignableFrom(typeof(ClientGrain)));
        Assert.True(typeof(IFrontEndRegistryGrain).IsAssignableFrom(typeof(FrontEndRegistryGrain)) && typeof(IFrontEndLeaseGrain).IsAssignableFrom(typeof(FrontEndRegistryGrain)));
    }

    [Fact]
    public void In_the_front_end_only_the_connections_service_calls_the_routing_grains_or_the_registry()
    {
        // Every way to reach them: the interfaces by name, and every factory method that returns one.
        var guarded = RoutingInterfaces.Append(typeof(IFrontEndRegistryGrain)).ToList();
        var names = guarded.Select(t => t.Name)
            .Concat(typeof(SenteGrainFactoryExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Concat(typeof(SenteRoutingGrainFactoryExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static))
                .Where(m => guarded.Contains(m.ReturnType))
                .Select(m => m.Name))
            .Distinct()
            .ToList();
        Assert.Contains("GetUserRoutingGrain", names);
        Assert.Contains("GetFrontEndRegistry", names);
        var pattern = new Regex($@"\b({string.Join('|', names.Select(Regex.Escape))})\b", RegexOptions.CultureInvariant);

        var root = BadInputTableTests.RepositoryRoot();
        var frontEnd = Path.Combine(root, "src", "AspNetCore");
        var callers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(frontEnd, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match match in pattern.Matches(CodeOf(lines[i])))
                {
                    if (!callers.TryGetValue(relative, out var found))
                    {
                        callers[relative] = found = [];
                    }

                    found.Add($"{relative}:{i + 1} {match.Value}");
                }
            }
        }

        Assert.True(callers.ContainsKey(ConnectionsServiceFile), $"{ConnectionsServiceFile} calls none of {string.Join(", ", names)}: the test no longer sees the calls");
        Assert.Contains(callers[ConnectionsServiceFile], c => c.EndsWith(" GetUserRoutingGrain", StringComparison.Ordinal));
        Assert.Contains(callers[ConnectionsServiceFile], c => c.EndsWith(" GetFrontEndLeases", StringComparison.Ordinal));
        var elsewhere = callers.Where(c => c.Key != ConnectionsServiceFile).SelectMany(c => c.Value).ToList();
        Assert.True(elsewhere.Count == 0, "only the connections service may call the routing grains or the registry; also:\n" + string.Join('\n', elsewhere));
    }

    [Fact]
    public void The_source_scan_sees_code_and_skips_comments()
    {
        Assert.Equal("var user = grains.GetUserRoutingGrain(id);", CodeOf("var user = grains.GetUserRoutingGrain(id);").Trim());
        Assert.Equal("", CodeOf("    /// <see cref=\"IUserRoutingGrain\"/>").Trim());
        Assert.Equal("Call(); ", CodeOf("Call(); // then GetUserRoutingGrain"));
        Assert.Equal("var url = \"http://example\";", CodeOf("var url = \"http://example\";").Trim());
    }

    /// <summary>A source line without its comment (a line comment outside a string literal).</summary>
    private static string CodeOf(string line)
    {
        var inString = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && line[i] == '/' && i + 1 < line.Length && line[i + 1] == '/')
            {
                return line[..i];
            }
        }

        return line;
    }

    private static string[] MethodNames(Type type) => type.GetMethods().Select(m => m.Name).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>A type and the types it is made of (generic arguments, element types).</summary>
    private static IEnumerable<Type> Unwrap(Type type)
    {
        yield return type;
        var inner = type.HasElementType ? [type.GetElementType()!] : type.GetGenericArguments();
        foreach (var part in inner.SelectMany(Unwrap))
        {
            yield return part;
        }
    }

    private static bool IsCompilerGenerated(Type type) => type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false);
}
