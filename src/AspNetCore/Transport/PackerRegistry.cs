using Microsoft.Extensions.Options;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>The packers this front end speaks, each with a small index used to cache packed pushes.</summary>
internal sealed class PackerRegistry
{
    private readonly ISentePacker[] _packers;
    private readonly int _defaultIndex;

    public PackerRegistry(IOptions<SenteOptions> options)
    {
        _packers = [.. options.Value.Packers];
        var index = Array.FindIndex(_packers, p => string.Equals(p.Name, options.Value.DefaultPacker, StringComparison.OrdinalIgnoreCase));
        _defaultIndex = index >= 0 ? index : 0;
    }

    public int Count => _packers.Length;

    public ISentePacker this[int index] => _packers[index];

    /// <summary>Finds the packer a client asked for; no name means the default.</summary>
    public bool TryGet(string? name, out int index)
    {
        if (string.IsNullOrEmpty(name))
        {
            index = _defaultIndex;
            return true;
        }

        index = Array.FindIndex(_packers, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return index >= 0;
    }

    public string Names => string.Join(", ", _packers.Select(p => p.Name));
}
