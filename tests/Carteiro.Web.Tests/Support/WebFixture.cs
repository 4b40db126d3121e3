using Carteiro.TestKit;

namespace Carteiro.Web.Tests.Support;

/// <summary>The shared server of a test class (see <see cref="TestServerFixture"/>).</summary>
public class WebFixture : TestServerFixture;
