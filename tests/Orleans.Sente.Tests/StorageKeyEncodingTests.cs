using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Orleans.Sente.Grains;

namespace Orleans.Sente.Tests;

/// <summary>
/// <see cref="SenteKeys.StorageKey"/>: injective, short enough for every store, and made of
/// characters no provider rewrites or refuses (Azure Table replaces <c>/ \ # ?</c> with <c>_</c>
/// and refuses control characters; a blob name is a URL path).
/// </summary>
public sealed class StorageKeyEncodingTests
{
    private const string PlainCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:@";

    private static Config Cases(int count) => Config.QuickThrowOnFailure.WithMaxTest(count).WithQuietOnSuccess(true);

    /// <summary>Bytes a sanitizing store folds together, the escape's own character and digits, and any other byte.</summary>
    private static readonly Gen<byte> KeyBytes = Gen.Frequency(
        (4, Gen.Elements("/\\#?_~%2FE7a:".Select(c => (byte)c).ToArray())),
        (1, Gen.Elements<byte>(0, 1, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xFF)),
        (1, Gen.Choose(0, 255).Select(i => (byte)i)));

    /// <summary>Keys of every length: short ones stay escaped, those past the bound are hashed.</summary>
    private static readonly Gen<byte[]> Keys = Gen.Frequency(
        (4, Gen.ArrayOf(KeyBytes)),
        (1, Gen.Choose(60, 300).SelectMany(n => Gen.ArrayOf(KeyBytes, n))));

    [Fact]
    public void Distinct_grain_keys_get_distinct_storage_keys()
    {
        // Short keys over a few look-alike bytes, so that many pairs differ only where a store would fold them.
        var lookAlikes = Gen.ArrayOf(Gen.Elements("/\\#?_~2F".Select(c => (byte)c).ToArray())).Resize(8);
        Check.One(Cases(2000), Prop.ForAll(Gen.Zip(lookAlikes, lookAlikes).ToArbitrary(), pair =>
        {
            var (a, b) = pair;
            Assert.Equal(a.AsSpan().SequenceEqual(b), SenteKeys.StorageKey(a) == SenteKeys.StorageKey(b));
        }));
    }

    [Fact]
    public void An_escaped_storage_key_reads_back_as_its_grain_key_and_a_hashed_one_is_the_keys_sha256()
    {
        // A left inverse on escaped keys makes the escape injective; a hashed key starts where no
        // escaped key can, so the two forms never meet.
        Check.One(Cases(1000), Prop.ForAll(Keys.ToArbitrary(), key =>
        {
            var stored = SenteKeys.StorageKey(key);
            if (stored.StartsWith(SenteKeys.HashedStorageKeyPrefix, StringComparison.Ordinal))
            {
                Assert.Equal(SenteKeys.HashedStorageKeyPrefix + Convert.ToHexString(SHA256.HashData(key)), stored);
                Assert.True(EscapedLength(key) > SenteKeys.MaxEscapedStorageKeyLength);
            }
            else
            {
                Assert.Equal(key, Unescape(stored));
            }
        }));
    }

    [Fact]
    public void A_storage_key_holds_only_characters_no_store_rewrites_and_fits_every_store()
    {
        Check.One(Cases(1000), Prop.ForAll(Keys.ToArbitrary(), key =>
        {
            var stored = SenteKeys.StorageKey(key);
            Assert.All(stored, c => Assert.Contains(c, PlainCharacters + "~"));
            Assert.Equal(stored, AzureTableSanitized(stored));
            Assert.DoesNotContain(stored, char.IsControl);
            Assert.InRange(stored.Length, 0, SenteKeys.MaxEscapedStorageKeyLength);
        }));
    }

    [Fact]
    public void The_longest_user_ids_get_storage_keys_that_fit_and_stay_apart()
    {
        var longest = new[] { '/', '_', '\u00e9', '~', 'a' }
            .Select(c => SenteKeys.UserKey(new string(c, SenteKeys.MaxUserIdLength)))
            .Select(k => SenteKeys.StorageKey(Encoding.UTF8.GetBytes(k)))
            .ToArray();

        Assert.Equal(longest.Length, longest.Distinct().Count());
        Assert.All(longest, k => Assert.InRange(k.Length, 1, SenteKeys.MaxEscapedStorageKeyLength));
        Assert.Equal("u:col~2FR", SenteKeys.StorageKey(Encoding.UTF8.GetBytes("u:col/R")));
        Assert.Equal("u:col_R", SenteKeys.StorageKey(Encoding.UTF8.GetBytes("u:col_R")));
        Assert.Equal("u:col~7E2FR", SenteKeys.StorageKey(Encoding.UTF8.GetBytes("u:col~2FR")));
    }

    [Fact]
    public void Every_grain_with_state_stores_it_through_the_key_encoding()
    {
        var states = typeof(SenteGrainStorage).Assembly.GetTypes()
            .Where(t => typeof(Grain).IsAssignableFrom(t))
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            .SelectMany(c => c.GetParameters())
            .Select(p => (Parameter: $"{p.Member.DeclaringType!.Name}.{p.Name}", Attribute: p.GetCustomAttribute<PersistentStateAttribute>()))
            .Where(p => p.Attribute is not null)
            .ToArray();

        // The grains known to keep state today; a new one is checked as soon as it exists.
        Assert.Superset(
            new HashSet<string> { "KeyRingGrain.state", "SessionGrain.state", "UserInboxGrain.inbox", "UserInboxGrain.lastSeen" },
            states.Select(s => s.Parameter).ToHashSet());
        Assert.All(states, s => Assert.True(
            s.Attribute!.StorageName == SenteGrainStorage.ProviderName,
            $"{s.Parameter} stores its state in '{s.Attribute.StorageName ?? "the default storage"}', not through {nameof(SenteGrainStorage)}"));
    }

    private static int EscapedLength(byte[] key) => key.Sum(b => PlainCharacters.Contains((char)b) && b < 0x80 ? 1 : 3);

    private static string AzureTableSanitized(string key) => key.Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');

    private static byte[] Unescape(string stored)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < stored.Length; i++)
        {
            if (stored[i] == '~')
            {
                var hex = stored.Substring(i + 1, 2);
                Assert.Equal(hex.ToUpperInvariant(), hex);
                bytes.Add(Convert.ToByte(hex, 16));
                i += 2;
            }
            else
            {
                Assert.Contains(stored[i], PlainCharacters);
                bytes.Add((byte)stored[i]);
            }
        }

        return [.. bytes];
    }
}
