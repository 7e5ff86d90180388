using Npgsql;
using Relance.Integration.Tests.Infrastructure;

namespace Relance.Integration.Tests.Drills;

/// <summary>What a drill counts straight in a service's event store: the rows as they are, not as an API shows them.</summary>
public static class Stores
{
    public static async Task<IReadOnlyList<object[]>> Rows(RelanceSystem system, Service service, string sql)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    public static async Task<long> Count(RelanceSystem system, Service service, string sql) =>
        Convert.ToInt64((await Rows(system, service, sql)).Single()[0]);
}
