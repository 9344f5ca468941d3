namespace DigitalTwin.Server.Cases;

/// <summary>
/// Tells the open inboxes of this server that cases changed (an intake, a forward, a delivery, a status from a
/// contractor), so that the handler's view updates without a reload.
/// </summary>
public sealed class CaseChanges
{
    public event Action? Changed;

    public void Raise() => Changed?.Invoke();
}
