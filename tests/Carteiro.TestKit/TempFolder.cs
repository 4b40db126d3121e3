namespace Carteiro.TestKit;

/// <summary>Fresh temporary folders for data and files.</summary>
public static class TempFolder
{
    /// <summary>Creates an empty folder under the system's temp folder.</summary>
    public static string Create(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a folder, ignoring failures.</summary>
    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
