using Carteiro.TestKit;

namespace Carteiro.IntegrationTests.Support;

/// <summary>The shared server of a test class (see <see cref="TestServerFixture"/>).</summary>
public class ServerFixture : TestServerFixture;
