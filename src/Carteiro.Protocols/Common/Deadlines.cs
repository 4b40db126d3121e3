using Carteiro.Core;

namespace Carteiro.Protocols.Common;

/// <summary>The two deadlines every door keeps: time to sign in, and silence once signed in.</summary>
public static class Deadlines
{
    /// <summary>
    /// Which deadline has passed at <paramref name="nowTicks"/> (<see cref="Environment.TickCount64"/>):
    /// <c>sign-in-timeout</c>, <c>idle-timeout</c>, or null while neither has.
    /// </summary>
    public static string? Passed(bool signedIn, long openedAtTicks, long lastReceivedTicks, long nowTicks, CarteiroOptions options)
    {
        if (!signedIn && nowTicks - openedAtTicks > (long)options.SignInTimeout.TotalMilliseconds)
        {
            return "sign-in-timeout";
        }

        return nowTicks - lastReceivedTicks > (long)options.IdleTimeout.TotalMilliseconds ? "idle-timeout" : null;
    }
}
