namespace Relance.Testing;

public static class Repository
{
    /// <summary>The folder holding Relance.sln, found from the test's output folder.</summary>
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Relance.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Relance.sln not found above " + AppContext.BaseDirectory);
    }
}
