using Carteiro.Core.Accounts;

namespace Carteiro.Core.Tests.Accounts;

public sealed class SignInThrottleTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly SignInThrottle _throttle;

    public SignInThrottleTests() => _throttle = new SignInThrottle(_time);

    private void Fail(int times, string address, string user)
    {
        for (int i = 0; i < times; i++)
        {
            _throttle.Failed(address, user);
        }
    }

    [Fact]
    public void NoFailures_AllowsAtOnce()
    {
        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.1", "bob"));
    }

    [Fact]
    public void TwoFailures_StillAllowAtOnce()
    {
        Fail(2, "10.0.0.1", "bob");

        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.1", "bob"));
    }

    [Fact]
    public void ThirdFailure_StartsRefusing()
    {
        Fail(3, "10.0.0.1", "bob");

        Assert.True(_throttle.RetryAfter("10.0.0.1", "bob") > TimeSpan.Zero);
    }

    [Fact]
    public void EachFurtherFailure_DoublesTheDelay()
    {
        var waits = new List<TimeSpan>();
        Fail(2, "10.0.0.1", "bob");
        for (int i = 0; i < 5; i++)
        {
            _throttle.Failed("10.0.0.1", "bob");
            waits.Add(_throttle.RetryAfter("10.0.0.1", "bob"));
        }

        for (int i = 1; i < waits.Count; i++)
        {
            Assert.Equal(waits[i - 1] * 2, waits[i]);
        }
    }

    [Fact]
    public void Delay_IsCapped()
    {
        Fail(40, "10.0.0.1", "bob");

        var wait = _throttle.RetryAfter("10.0.0.1", "bob");
        Assert.True(wait > TimeSpan.Zero);
        Assert.True(wait <= TimeSpan.FromMinutes(5), $"waits {wait}");
    }

    [Fact]
    public void AfterTheDelay_AllowsAgain()
    {
        Fail(5, "10.0.0.1", "bob");
        var wait = _throttle.RetryAfter("10.0.0.1", "bob");

        _time.Advance(wait - TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(1), _throttle.RetryAfter("10.0.0.1", "bob"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.1", "bob"));
    }

    [Fact]
    public void FailuresForOneAccount_FromManyAddresses_ThrottleThatAccount()
    {
        _throttle.Failed("10.0.0.1", "bob");
        _throttle.Failed("10.0.0.2", "bob");
        _throttle.Failed("10.0.0.3", "bob");

        Assert.True(_throttle.RetryAfter("10.0.0.4", "bob") > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.4", "carol"));
    }

    [Fact]
    public void AccountCount_IgnoresCase()
    {
        _throttle.Failed("10.0.0.1", "Bob");
        _throttle.Failed("10.0.0.2", "BOB");
        _throttle.Failed("10.0.0.3", "bob");

        Assert.True(_throttle.RetryAfter("10.0.0.4", "bOb") > TimeSpan.Zero);
    }

    [Fact]
    public void FailuresFromOneAddress_ThrottleItWhateverTheUser()
    {
        _throttle.Failed("10.0.0.1", "bob");
        _throttle.Failed("10.0.0.1", "carol");
        _throttle.Failed("10.0.0.1", "dave");

        Assert.True(_throttle.RetryAfter("10.0.0.1", "erin") > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.2", "erin"));
    }

    [Fact]
    public void Success_ResetsTheAccountCount()
    {
        _throttle.Failed("10.0.0.1", "bob");
        _throttle.Failed("10.0.0.2", "bob");
        _throttle.Failed("10.0.0.3", "bob");

        _throttle.Succeeded("bob");

        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.4", "bob"));
    }

    [Fact]
    public void Success_LeavesTheAddressCount()
    {
        Fail(3, "10.0.0.1", "bob");

        _throttle.Succeeded("bob");

        Assert.True(_throttle.RetryAfter("10.0.0.1", "carol") > TimeSpan.Zero);
    }

    [Fact]
    public void AfterAQuietQuarterHour_CountStartsAgain()
    {
        Fail(6, "10.0.0.1", "bob");
        _time.Advance(TimeSpan.FromMinutes(16));

        _throttle.Failed("10.0.0.1", "bob");

        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.1", "bob"));
    }

    [Fact]
    public void TokenFailures_WithoutUser_CountForTheAddressOnly()
    {
        Fail(5, "10.0.0.1", "");

        Assert.True(_throttle.RetryAfter("10.0.0.1", "") > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.2", ""));
        Assert.Equal(TimeSpan.Zero, _throttle.RetryAfter("10.0.0.2", "bob"));
    }

    [Fact]
    public void AddressThreshold_IsSeparateFromAccountThreshold()
    {
        var lenient = new SignInThrottle(_time, freeFailuresPerAccount: 3, freeFailuresPerAddress: 10);
        for (int i = 0; i < 9; i++)
        {
            lenient.Failed("10.0.0.1", $"user{i}");
        }

        Assert.Equal(TimeSpan.Zero, lenient.RetryAfter("10.0.0.1", "someone"));
        lenient.Failed("10.0.0.1", "user9");
        Assert.True(lenient.RetryAfter("10.0.0.1", "someone") > TimeSpan.Zero);
    }
}
