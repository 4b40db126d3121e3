using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite.Migrations;

/// <summary>
/// Applies the numbered scripts embedded beside this file (<c>0001_initial.sql</c>, …) in order,
/// each in its own transaction, recording progress in <c>PRAGMA user_version</c>.
/// </summary>
internal static class Migrator
{
    public static int Apply(SqliteConnection connection)
    {
        var scripts = LoadScripts();
        int current = Convert.ToInt32(Execute(connection, "PRAGMA user_version", scalar: true), CultureInfo.InvariantCulture);
        int latest = scripts.Count == 0 ? 0 : scripts[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException($"the database has schema version {current}, newer than this program knows ({latest}); upgrade carteiro");
        }

        foreach (var (version, sql) in scripts)
        {
            if (version <= current)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql + $";\nPRAGMA user_version = {version};";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return latest;
    }

    private static object? Execute(SqliteConnection connection, string sql, bool scalar)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return scalar ? command.ExecuteScalar() : command.ExecuteNonQuery();
    }

    private static List<(int Version, string Sql)> LoadScripts()
    {
        var assembly = typeof(Migrator).Assembly;
        var scripts = new List<(int, string)>();
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("Migrations.", StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            int version = int.Parse(name.AsSpan("Migrations.".Length, 4), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return scripts;
    }
}
