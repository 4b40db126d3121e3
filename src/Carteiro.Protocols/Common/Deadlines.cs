using Carteiro.Core;

namespace Carteiro.Protocols.Common;

/// <summary>The two deadlines every door keeps: time to sign in, and silence once signed in.</summary>
public static class Deadlines
{
    /// <summary>
    /// Which deadline has passed at <paramref name="nowTicks"/> (<see cref="Environment.TickCount64"/>):
    /// <c>sign-in-timeout</c>, <c>idle-timeout</c>, or null while neither has.
    /// </summary>
    public static string? Passed(bool signedIn, long openedAtTicks, long lastReceivedTicks, long nowTicks, CarteiroOptions options) =>
        Passed(signedIn, openedAtTicks, lastReceivedTicks, nowTicks, options.SignInTimeout, options.IdleTimeout);

    /// <summary>As above, with a door's own idle timeout (IMAP's is at least 30 minutes, RFC 3501 section 5.4).</summary>
    public static string? Passed(bool signedIn, long openedAtTicks, long lastReceivedTicks, long nowTicks, TimeSpan signInTimeout, TimeSpan idleTimeout)
    {
        if (!signedIn && nowTicks - openedAtTicks > (long)signInTimeout.TotalMilliseconds)
        {
            return "sign-in-timeout";
        }

        return nowTicks - lastReceivedTicks > (long)idleTimeout.TotalMilliseconds ? "idle-timeout" : null;
    }
}
