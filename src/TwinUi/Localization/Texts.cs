namespace DigitalTwin.Ui.Localization;

/// <summary>
/// The interface's words in English, Finnish and Swedish (SPEC section 8 for the domain's words). Organisation and
/// task names come from the data, in the same three languages.
/// </summary>
public sealed class Texts
{
    public static readonly IReadOnlyList<(string Code, string Name)> Languages = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")];

    private static readonly Dictionary<string, (string En, string Fi, string Sv)> Words = new(StringComparer.Ordinal)
    {
        ["title"] = ("DigitalTwin: who is responsible here?", "DigitalTwin: kuka vastaa tästä?", "DigitalTwin: vem ansvarar här?"),
        ["language"] = ("Language", "Kieli", "Språk"),
        ["layers"] = ("Layers", "Karttatasot", "Kartlager"),
        ["objects"] = ("objects", "kohdetta", "objekt"),
        ["noLayers"] = ("No layers are loaded yet: ./twin import FILE --layer NAME --kind KIND.", "Karttatasoja ei ole vielä ladattu: ./twin import TIEDOSTO --layer NIMI --kind LAJI.", "Inga kartlager är inlästa ännu: ./twin import FIL --layer NAMN --kind SLAG."),
        ["taskType"] = ("Task type", "Tehtävätyyppi", "Uppgiftstyp"),
        ["asOf"] = ("As of", "Päivänä", "Per datum"),
        ["search"] = ("Search", "Hae", "Sök"),
        ["searchPlaceholder"] = ("Name, address or object id", "Nimi, osoite tai kohteen tunnus", "Namn, adress eller objekt-id"),
        ["type"] = ("Infrastructure type", "Infrastruktuurin tyyppi", "Infrastrukturtyp"),
        ["anyType"] = ("Any type", "Kaikki tyypit", "Alla typer"),
        ["organisation"] = ("Responsible organisation", "Vastuuorganisaatio", "Ansvarig organisation"),
        ["anyOrganisation"] = ("Any organisation", "Kaikki organisaatiot", "Alla organisationer"),
        ["role"] = ("Role", "Rooli", "Roll"),
        ["role.Any"] = ("Any role", "Mikä tahansa rooli", "Vilken roll som helst"),
        ["role.Owner"] = ("Owns", "Omistaa", "Äger"),
        ["role.Manager"] = ("Manages", "Hallinnoi", "Förvaltar"),
        ["role.Contractor"] = ("Maintains (contractor)", "Ylläpitää (urakoitsija)", "Sköter (entreprenör)"),
        ["clear"] = ("Clear", "Tyhjennä", "Rensa"),
        ["results"] = ("Results", "Tulokset", "Träffar"),
        ["noResults"] = ("Nothing found.", "Ei tuloksia.", "Inga träffar."),
        ["of"] = ("of", "/", "av"),
        ["clickHint"] = ("Click an object on the map to see who is responsible for it.", "Napsauta kohdetta kartalla nähdäksesi, kuka siitä vastaa.", "Klicka på ett objekt i kartan för att se vem som ansvarar för det."),
        ["stack"] = ("Objects here", "Kohteet tässä", "Objekt här"),
        ["chain"] = ("Chain of responsibility", "Vastuuketju", "Ansvarskedja"),
        ["target"] = ("Target", "Kohde", "Objekt"),
        ["landOwner"] = ("Land owner", "Maanomistaja", "Markägare"),
        ["owner"] = ("Owner", "Omistaja", "Ägare"),
        ["manager"] = ("Manager", "Hallinnoija", "Förvaltare"),
        ["contract"] = ("Contract", "Sopimus", "Avtal"),
        ["contractor"] = ("Contractor", "Urakoitsija", "Entreprenör"),
        ["subcontractor"] = ("Subcontractor", "Aliurakoitsija", "Underentreprenör"),
        ["recipient"] = ("Recipient", "Vastaanottaja", "Mottagare"),
        ["fallback"] = ("Fallback: no contractor for this task here", "Varavastaanottaja: tehtävälle ei ole urakoitsijaa tässä", "Reserv: ingen entreprenör för uppgiften här"),
        ["conflict"] = ("Conflict: contracts overlap here", "Ristiriita: sopimukset ovat päällekkäisiä", "Konflikt: avtal överlappar här"),
        ["explanation"] = ("Why", "Miksi", "Varför"),
        ["none"] = ("none", "ei ole", "ingen"),
        ["valid"] = ("valid", "voimassa", "giltigt"),
        ["distance"] = ("m away", "m päässä", "m bort"),
        ["showLayer"] = ("Show the whole layer", "Näytä koko taso", "Visa hela lagret"),
        ["showCoverage"] = ("Show gaps and overlaps for this task", "Näytä tehtävän katvealueet ja päällekkäisyydet", "Visa luckor och överlapp för uppgiften"),
        ["gaps"] = ("gaps", "katvealuetta", "luckor"),
        ["overlaps"] = ("overlaps", "päällekkäisyyttä", "överlapp"),
        ["gap"] = ("No contract", "Ei sopimusta", "Inget avtal"),
        ["overlap"] = ("Contracts overlap", "Sopimukset päällekkäin", "Avtal överlappar"),
        ["attributes"] = ("Attributes from the source", "Lähdeaineiston ominaisuudet", "Attribut från källan"),
        ["inbox"] = ("Inbox", "Saapuneet", "Inkorg"),
        ["signOut"] = ("Sign out", "Kirjaudu ulos", "Logga ut"),
        ["audit"] = ("Audit trail", "Lokitiedot", "Granskningslogg"),
        ["noCases"] = ("No open cases.", "Ei avoimia asioita.", "Inga öppna ärenden."),
        ["case"] = ("Case", "Asia", "Ärende"),
        ["forwardTo"] = ("Forward to", "Välitä:", "Skicka till"),
        ["forwardedTo"] = ("Forwarded to", "Välitetty:", "Skickat till"),
        ["notDelivered"] = ("Not delivered", "Ei toimitettu", "Inte levererat"),
        ["rejectedBy"] = ("Sent back by", "Palauttanut", "Återsänt av"),
        ["duplicateOf"] = ("Likely a duplicate of", "Todennäköisesti sama kuin", "Troligen samma som"),
        ["replyToCitizen"] = ("Reply to the citizen", "Vastaa asiakkaalle", "Svara medborgaren"),
        ["modelAnswer"] = ("Model answer", "Mallivastaus", "Mallsvar"),
        ["reply"] = ("Reply (in the citizen's language)", "Vastaus (asiakkaan kielellä)", "Svar (på medborgarens språk)"),
        ["sendReply"] = ("Send reply", "Lähetä vastaus", "Skicka svar"),
        ["replySent"] = ("Sent; the citizen sees it in Open311 and by e-mail.", "Lähetetty; asiakas näkee sen Open311:ssä ja sähköpostissa.", "Skickat; medborgaren ser det i Open311 och per e-post."),
        ["justNow"] = ("just now", "juuri nyt", "nyss"),
        ["status.received"] = ("new", "uusi", "ny"),
        ["status.assigned"] = ("assigned", "osoitettu", "tilldelat"),
        ["status.forwarded"] = ("forwarded", "välitetty", "vidareskickat"),
        ["status.in_progress"] = ("in progress", "työn alla", "pågår"),
        ["status.done"] = ("done", "valmis", "klart"),
        ["status.closed"] = ("closed", "suljettu", "stängt"),
        ["status.rejected"] = ("sent back", "palautettu", "återsänt"),
        ["delivery.pending"] = ("being delivered", "toimitetaan", "levereras"),
        ["delivery.delivered"] = ("delivered", "toimitettu", "levererat"),
        ["delivery.dead"] = ("not delivered", "ei toimitettu", "inte levererat"),
        ["loading"] = ("Loading…", "Ladataan…", "Läser in…"),
        ["kind.parcel"] = ("Parcel", "Kiinteistö", "Fastighet"),
        ["kind.building"] = ("Building", "Rakennus", "Byggnad"),
        ["kind.asset"] = ("Asset", "Omaisuuserä", "Anläggning"),
        ["kind.area"] = ("Management area", "Hallinnointialue", "Förvaltningsområde"),
        ["kind.contract"] = ("Contract area", "Sopimusalue", "Avtalsområde"),
        ["kind.subcontract"] = ("Subcontract area", "Aliurakka-alue", "Underentreprenadområde"),
        ["source.Object"] = ("manager of the object", "kohteen hallinnoija", "objektets förvaltare"),
        ["source.BuildingOwner"] = ("the building's owner keeps it up", "rakennuksen omistaja ylläpitää", "byggnadens ägare sköter den"),
        ["source.ManagementArea"] = ("from the management area", "hallinnointialueelta", "från förvaltningsområdet"),
        ["source.LandOwner"] = ("the land owner (fallback)", "maanomistaja (varalla)", "markägaren (reserv)"),
        ["source.None"] = ("none found", "ei löytynyt", "ingen hittades"),
        ["roleOf.Subcontractor"] = ("subcontractor", "aliurakoitsija", "underentreprenör"),
        ["roleOf.Contractor"] = ("contractor", "urakoitsija", "entreprenör"),
        ["roleOf.Manager"] = ("manager", "hallinnoija", "förvaltare"),
        ["roleOf.Owner"] = ("owner", "omistaja", "ägare"),
        ["roleOf.LandOwner"] = ("land owner", "maanomistaja", "markägare"),
        ["roleOf.DefaultContact"] = ("default contact", "oletusyhteystaho", "standardkontakt"),
        ["roleOf.Nobody"] = ("nobody", "ei kukaan", "ingen"),
    };

    public Texts(string language) => Language = Languages.Any(l => l.Code == language) ? language : "en";

    public string Language { get; }

    public string this[string key] => Words.TryGetValue(key, out var w)
        ? Language switch { "fi" => w.Fi, "sv" => w.Sv, _ => w.En }
        : key;
}
