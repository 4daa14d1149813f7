"""What the simulated Amazon buys: products, fulfilment centres and the billing party.

The built-in catalogue is a plausible mid-size housewares vendor (30 items); a vendor can
load its own from JSON so the sandbox orders the ASINs it really sells.
"""

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Product:
    asin: str
    ean: str
    sku: str
    title: str
    net_cost: Decimal
    list_price: Decimal
    case_size: int
    daily_demand: float
    backorder_allowed: bool = True


@dataclass(frozen=True)
class FulfilmentCentre:
    code: str
    name: str
    address_line1: str
    city: str
    state: str
    postal_code: str
    country: str


def ean13(prefix12):
    """Complete a 12-digit GS1 prefix with its check digit."""
    digits = [int(c) for c in prefix12]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return prefix12 + str((10 - total % 10) % 10)


# title, vendor SKU, net cost, list price, case pack, mean units ordered by Amazon per day
_DEFAULT_ROWS = (
    ("Acorn Cast Iron Skillet 10in", "ACN-CI-010", "14.20", "34.99", 4, 18.0),
    ("Acorn Cast Iron Skillet 12in", "ACN-CI-012", "17.85", "42.99", 4, 12.0),
    ("Acorn Dutch Oven 5.5qt Enamel", "ACN-DO-055", "38.40", "89.99", 2, 6.0),
    ("Acorn Stainless Saucepan 2qt", "ACN-SP-002", "11.10", "27.99", 6, 9.0),
    ("Acorn Nonstick Fry Pan Set 3pc", "ACN-FP-S03", "22.75", "54.99", 4, 8.0),
    ("Acorn Chef Knife 8in", "ACN-KN-008", "9.60", "24.99", 12, 22.0),
    ("Acorn Paring Knife 3.5in 2-Pack", "ACN-KN-P35", "4.35", "11.99", 24, 30.0),
    ("Acorn Knife Block Set 14pc", "ACN-KB-014", "41.20", "99.99", 2, 4.0),
    ("Acorn Bamboo Cutting Board Large", "ACN-CB-L01", "7.90", "19.99", 10, 16.0),
    ("Acorn Bamboo Cutting Board Set 3pc", "ACN-CB-S03", "11.40", "28.99", 8, 11.0),
    ("Acorn Glass Food Storage 10pc", "ACN-FS-G10", "13.25", "32.99", 6, 19.0),
    ("Acorn Glass Food Storage 24pc", "ACN-FS-G24", "24.60", "59.99", 4, 7.0),
    ("Acorn Silicone Spatula Set 5pc", "ACN-UT-SP5", "5.10", "13.99", 24, 27.0),
    ("Acorn Wooden Spoon Set 6pc", "ACN-UT-WS6", "4.80", "12.99", 24, 21.0),
    ("Acorn Measuring Cups and Spoons", "ACN-UT-MCS", "6.20", "15.99", 18, 14.0),
    ("Acorn Digital Kitchen Scale", "ACN-EL-SC1", "8.45", "21.99", 12, 13.0),
    ("Acorn Instant Read Thermometer", "ACN-EL-TH1", "6.95", "18.99", 20, 17.0),
    ("Acorn Electric Kettle 1.7L", "ACN-EL-KT1", "15.30", "39.99", 4, 10.0),
    ("Acorn Pour Over Coffee Maker", "ACN-CF-PO1", "9.75", "24.99", 8, 9.0),
    ("Acorn French Press 34oz", "ACN-CF-FP3", "10.60", "27.99", 6, 12.0),
    ("Acorn Burr Coffee Grinder", "ACN-EL-CG1", "19.40", "49.99", 4, 6.0),
    ("Acorn Mixing Bowl Set Stainless 5pc", "ACN-MB-S05", "12.10", "29.99", 6, 10.0),
    ("Acorn Baking Sheet Pan 2-Pack", "ACN-BK-SP2", "8.20", "19.99", 10, 15.0),
    ("Acorn Silicone Baking Mat 2-Pack", "ACN-BK-SM2", "4.60", "12.99", 24, 20.0),
    ("Acorn Muffin Pan 12-Cup", "ACN-BK-MP1", "5.90", "14.99", 12, 8.0),
    ("Acorn Salad Spinner", "ACN-PR-SS1", "7.40", "19.99", 8, 7.0),
    ("Acorn Garlic Press", "ACN-PR-GP1", "3.95", "10.99", 24, 14.0),
    ("Acorn Box Grater 4-Sided", "ACN-PR-BG1", "4.70", "12.99", 18, 11.0),
    ("Acorn Oven Mitts Pair", "ACN-TX-OM2", "4.10", "11.99", 24, 16.0),
    ("Acorn Kitchen Towels 8-Pack", "ACN-TX-KT8", "6.30", "16.99", 12, 18.0),
)
_ASIN_SUFFIXES = (
    "7K2QX9M1",
    "7K2QX9M2",
    "7K2R1TPA",
    "7K2R3HVB",
    "7K2R5NCD",
    "8D4LMP21",
    "8D4LMP37",
    "8D4LN0X4",
    "8D4LQ7R5",
    "8D4LQ7S2",
    "9F1ZB3C8",
    "9F1ZB3D6",
    "9F1ZC0E9",
    "9F1ZC2F1",
    "9F1ZD5G3",
    "BX7T2H44",
    "BX7T2J58",
    "BX7T4K61",
    "CQ3V8L73",
    "CQ3V8M85",
    "CQ3V9N97",
    "DH6W1P09",
    "DH6W1Q12",
    "DH6W2R24",
    "DH6W2S36",
    "FJ2Y4T48",
    "FJ2Y4U51",
    "FJ2Y5V63",
    "GL8Z7W75",
    "GL8Z7X87",
)


def seasonal_demand(product, day):
    """Mean units of ``product`` Amazon's customers buy, and Amazon orders, on ``day`` (a
    date): the daily demand times the season (a yearly wave, peaking in late June, and the
    holiday weeks from 20 November). The sales reports, the forecast and the POs share it."""
    season = 1.0 + 0.25 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365.0)
    season *= 1.6 if (day.month == 11 and day.day >= 20) or day.month == 12 else 1.0
    return product.daily_demand * season


def default_catalogue():
    return [
        Product(
            asin="B0" + _ASIN_SUFFIXES[i],
            ean=ean13("0850041%05d" % (120 + i)),
            sku=sku,
            title=title,
            net_cost=Decimal(cost),
            list_price=Decimal(price),
            case_size=case,
            daily_demand=demand,
            backorder_allowed=i % 5 != 4,
        )
        for i, (title, sku, cost, price, case, demand) in enumerate(_DEFAULT_ROWS)
    ]


def _fc(code, name, line1, city, state, postal, country):
    return FulfilmentCentre(code, name, line1, city, state, postal, country)


FULFILMENT_CENTRES = {
    "NA": (
        _fc(
            "ABE2",
            "Amazon.com Services LLC",
            "705 Boulder Dr",
            "Breinigsville",
            "PA",
            "18031",
            "US",
        ),
        _fc("PHX7", "Amazon.com Services LLC", "800 N 75th Ave", "Phoenix", "AZ", "85043", "US"),
        _fc(
            "ONT8",
            "Amazon.com Services LLC",
            "24300 Nandina Ave",
            "Moreno Valley",
            "CA",
            "92551",
            "US",
        ),
        _fc("MDW2", "Amazon.com Services LLC", "250 Emerald Dr", "Joliet", "IL", "60433", "US"),
        _fc("BFI4", "Amazon.com Services LLC", "21005 64th Ave S", "Kent", "WA", "98032", "US"),
        _fc(
            "DFW7", "Amazon.com Services LLC", "944 W Sandy Lake Rd", "Coppell", "TX", "75019", "US"
        ),
        _fc(
            "EWR4",
            "Amazon.com Services LLC",
            "50 New Canton Way",
            "Robbinsville",
            "NJ",
            "08691",
            "US",
        ),
        _fc(
            "TPA1",
            "Amazon.com Services LLC",
            "3350 Laurel Ridge Ave",
            "Ruskin",
            "FL",
            "33570",
            "US",
        ),
        _fc(
            "SDF8",
            "Amazon.com Services LLC",
            "900 Patrol Rd",
            "Jeffersonville",
            "IN",
            "47130",
            "US",
        ),
        _fc(
            "CLT2", "Amazon.com Services LLC", "10240 Old Dowd Rd", "Charlotte", "NC", "28214", "US"
        ),
        _fc(
            "ATL6",
            "Amazon.com Services LLC",
            "4200 N Commerce Dr",
            "East Point",
            "GA",
            "30344",
            "US",
        ),
        _fc("MKE1", "Amazon.com Services LLC", "3501 120th Ave", "Kenosha", "WI", "53144", "US"),
    ),
    "DE": (
        _fc("LEJ1", "Amazon EU S.a.r.l.", "Amazonstrasse 1", "Leipzig", "SN", "04347", "DE"),
        _fc(
            "FRA3", "Amazon EU S.a.r.l.", "Am Schloss Eichhof", "Bad Hersfeld", "HE", "36251", "DE"
        ),
        _fc("MUC3", "Amazon EU S.a.r.l.", "Amazonstrasse 1", "Graben", "BY", "86836", "DE"),
        _fc("DUS2", "Amazon EU S.a.r.l.", "Amazonstrasse 1", "Rheinberg", "NW", "47495", "DE"),
        _fc("STR1", "Amazon EU S.a.r.l.", "Amazonstrasse 1", "Pforzheim", "BW", "75177", "DE"),
        _fc("CGN1", "Amazon EU S.a.r.l.", "Amazonstrasse 1", "Kobern-Gondorf", "RP", "56330", "DE"),
    ),
    "UK": (
        _fc(
            "BHX1",
            "Amazon UK Services Ltd",
            "Towers Business Park",
            "Rugeley",
            "Staffordshire",
            "WS15 1NZ",
            "GB",
        ),
        _fc(
            "LTN1",
            "Amazon UK Services Ltd",
            "Marston Gate",
            "Ridgmont",
            "Bedfordshire",
            "MK43 0ZA",
            "GB",
        ),
        _fc(
            "EDI4", "Amazon UK Services Ltd", "Amazon Way", "Dunfermline", "Fife", "KY11 8ST", "GB"
        ),
        _fc(
            "MAN1",
            "Amazon UK Services Ltd",
            "Airport City",
            "Manchester",
            "Greater Manchester",
            "M90 5AA",
            "GB",
        ),
    ),
}
BILL_TO = {
    "NA": (
        "AMAZON_US",
        "Amazon.com Services LLC",
        "PO Box 80683",
        "Seattle",
        "WA",
        "98108",
        "US",
        None,
    ),
    "DE": (
        "AMAZON_DE",
        "Amazon EU S.a.r.l., Niederlassung Deutschland",
        "Marcel-Breuer-Str. 12",
        "Muenchen",
        "BY",
        "80807",
        "DE",
        "DE814584193",
    ),
    "UK": (
        "AMAZON_UK",
        "Amazon EU S.a.r.l., UK Branch",
        "1 Principal Place, Worship St",
        "London",
        "London",
        "EC2A 2FA",
        "GB",
        "GB727255821",
    ),
}


def fc_key(marketplace_code, region):
    if marketplace_code in FULFILMENT_CENTRES:
        return marketplace_code
    if marketplace_code == "US":
        return "NA"
    raise ValueError(
        f"The sandbox has no built-in fulfilment centres for marketplace {marketplace_code} "
        f"(region {region}); put a 'fulfilment_centres' list in the catalogue JSON"
    )


def load_catalogue(path_or_data):
    """Read a catalogue JSON: {"products":[{asin, ean, sku, title, net_cost, list_price,
    case_size, daily_demand, backorder_allowed}], "fulfilment_centres":[{code, name,
    address_line1, city, state, postal_code, country}]} (both keys optional)."""
    if isinstance(path_or_data, (str, Path)):
        try:
            with open(path_or_data, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise ValueError(f"Cannot read sandbox catalogue {path_or_data}: {exc}") from None
    else:
        data = path_or_data
    products, fcs = None, None
    if data.get("products"):
        products = []
        for i, row in enumerate(data["products"]):
            try:
                products.append(
                    Product(
                        asin=str(row["asin"]),
                        ean=str(row.get("ean") or ""),
                        sku=str(row.get("sku") or row["asin"]),
                        title=str(row.get("title") or row["asin"]),
                        net_cost=Decimal(str(row["net_cost"])),
                        list_price=Decimal(str(row.get("list_price") or row["net_cost"])),
                        case_size=int(row.get("case_size") or 1),
                        daily_demand=float(row.get("daily_demand") or 10),
                        backorder_allowed=bool(row.get("backorder_allowed", True)),
                    )
                )
            except (KeyError, ValueError, ArithmeticError) as exc:
                raise ValueError(
                    f"Catalogue product #{i + 1} is invalid ({exc!r}); asin and net_cost are "
                    "required"
                ) from None
    if data.get("fulfilment_centres"):
        fcs = tuple(FulfilmentCentre(**row) for row in data["fulfilment_centres"])
    return products, fcs
