using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using DigitalTwin.Ui.Backend;

namespace DigitalTwin.Server.MapUi;

/// <summary>
/// The map's one mapper of refusals: a <see cref="TwinException"/> becomes the <see cref="UiException"/> the pages
/// catch, with its code and its message for the handler; the database away or busy becomes DATABASE_UNAVAILABLE, so
/// that the page says to try again rather than the circuit failing. Every question of <see cref="MapBackend"/> that can
/// be refused runs through it; anything else is a fault of the server and stays one.
/// </summary>
internal static class UiErrors
{
    public static async Task<T> AsUi<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (TwinException e)
        {
            throw Of(e);
        }
        catch (Exception e) when (DatabaseFaults.Handle(e))
        {
            throw Of(new TwinException(ErrorCodes.DatabaseUnavailable, "The database is unavailable or busy; try again in a moment."));
        }
    }

    public static Task AsUi(Func<Task> operation) => AsUi(async () =>
    {
        await operation();
        return true;
    });

    public static UiException Of(TwinException refusal) => new(refusal.Code, refusal.Message);
}
