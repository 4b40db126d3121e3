namespace Carteiro.TestKit;

/// <summary>User names that never collide between tests sharing a server.</summary>
public static class UniqueName
{
    private static int _next;

    /// <summary>Returns <paramref name="prefix"/> followed by a number unique in this process.</summary>
    public static string Of(string prefix) => $"{prefix}{Interlocked.Increment(ref _next)}";
}
