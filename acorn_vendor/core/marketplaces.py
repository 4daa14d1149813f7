"""Amazon regions, SP-API hosts and Vendor Central marketplaces.

Retail procurement calls carry no marketplace: the host (region) and the refresh token
(vendor group) select the data. Only reports take a marketplace id, exactly one.
"""

from dataclasses import dataclass

REGION_HOSTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}
AMAZON_SANDBOX_HOSTS = {
    "NA": "https://sandbox.sellingpartnerapi-na.amazon.com",
    "EU": "https://sandbox.sellingpartnerapi-eu.amazon.com",
    "FE": "https://sandbox.sellingpartnerapi-fe.amazon.com",
}
# The official SDK uses api.amazon.com for every region.
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


@dataclass(frozen=True)
class Marketplace:
    code: str
    name: str
    region: str
    marketplace_id: str
    currency: str


MARKETPLACES = {
    m.code: m
    for m in (
        Marketplace("US", "United States", "NA", "ATVPDKIKX0DER", "USD"),
        Marketplace("CA", "Canada", "NA", "A2EUQ1WTGCTBG2", "CAD"),
        Marketplace("MX", "Mexico", "NA", "A1AM78C64UM0Y8", "MXN"),
        Marketplace("BR", "Brazil", "NA", "A2Q3Y263D00KWC", "BRL"),
        Marketplace("UK", "United Kingdom", "EU", "A1F83G8C2ARO7P", "GBP"),
        Marketplace("DE", "Germany", "EU", "A1PA6795UKMFR9", "EUR"),
        Marketplace("FR", "France", "EU", "A13V1IB3VIYZZH", "EUR"),
        Marketplace("IT", "Italy", "EU", "APJ6JRA9NG5V4", "EUR"),
        Marketplace("ES", "Spain", "EU", "A1RKKUPIHCS9HS", "EUR"),
        Marketplace("NL", "Netherlands", "EU", "A1805IZSGTT6HS", "EUR"),
        Marketplace("BE", "Belgium", "EU", "AMEN7PMS3EDWL", "EUR"),
        Marketplace("IE", "Ireland", "EU", "A28R8C7NBKEWEA", "EUR"),
        Marketplace("SE", "Sweden", "EU", "A2NODRKZP88ZB9", "SEK"),
        Marketplace("PL", "Poland", "EU", "A1C3SOZRARQ6R3", "PLN"),
        Marketplace("TR", "Turkey", "EU", "A33AVAJ2PDY3EV", "TRY"),
        Marketplace("AE", "United Arab Emirates", "EU", "A2VIGQ35RCS4UG", "AED"),
        Marketplace("SA", "Saudi Arabia", "EU", "A17E79C6D8DWNP", "SAR"),
        Marketplace("EG", "Egypt", "EU", "ARBP9OOSHTCHU", "EGP"),
        Marketplace("ZA", "South Africa", "EU", "AE08WJ6YKNBMC", "ZAR"),
        Marketplace("IN", "India", "EU", "A21TJRUUN4KGV", "INR"),
        Marketplace("JP", "Japan", "FE", "A1VC38T7YXB528", "JPY"),
        Marketplace("AU", "Australia", "FE", "A39IBJ37TRP1C6", "AUD"),
        Marketplace("SG", "Singapore", "FE", "A19VAU5U5O7RUS", "SGD"),
    )
}


def marketplace(code):
    """Return the marketplace for a country code, with an error naming the valid codes."""
    try:
        return MARKETPLACES[code.upper()]
    except (KeyError, AttributeError):
        raise ValueError(
            f"Unknown Amazon marketplace {code!r}; expected one of {', '.join(MARKETPLACES)}"
        ) from None


def region_host(region):
    try:
        return REGION_HOSTS[region.upper()]
    except (KeyError, AttributeError):
        raise ValueError(f"Unknown SP-API region {region!r}; expected NA, EU or FE") from None
