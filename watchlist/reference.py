"""Country reference data, never typed by hand: ISO 3166-1 from pycountry, plus Kosovo (XKX,
the user-assigned code used by the EU and the World Bank), each with its UN M49 sub-region and
continent from country_converter, and its Correlates of War state number where countrycode has
one (used to match the `ccode` column of risk-score files)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def country_rows() -> list[dict]:
    """One dict per country: iso3, iso2, numeric, name, official_name, region, continent, cow."""
    import country_converter as coco
    import pycountry
    from countrycode import countrycode

    table = coco.CountryConverter().data.set_index("ISO3")
    entries = [
        (c.alpha_3, c.alpha_2, c.numeric, c.name, getattr(c, "official_name", c.name))
        for c in pycountry.countries
    ]
    entries.append(("XKX", "XK", "", "Kosovo", "Republic of Kosovo"))
    iso3s = [e[0] for e in entries]
    cows = countrycode(iso3s, origin="iso3c", destination="cown")
    rows = []
    for (iso3, iso2, numeric, name, official), cow in zip(entries, cows, strict=True):
        ref = table.loc[iso3] if iso3 in table.index else None
        rows.append(
            {
                "iso3": iso3,
                "iso2": iso2,
                "numeric": numeric or "",
                "name": str(ref["name_short"]) if ref is not None else name,
                "official_name": official,
                "region": str(ref["UNregion"]) if ref is not None else "",
                "continent": str(ref["continent"]) if ref is not None else "",
                "cow_code": int(cow) if cow not in (None, "") else None,
            }
        )
    return rows


def name_to_iso3(names: list[str]) -> list[str | None]:
    """ISO3 codes for country names as other datasets write them (country_converter's regular
    expressions: "Burma/Myanmar", "Ivory Coast", "The Gambia", "Kosovo"...); None if unknown."""
    import country_converter as coco

    result = coco.CountryConverter().convert(names, to="ISO3", not_found=None)
    if isinstance(result, str):
        result = [result]
    return [r if isinstance(r, str) and len(r) == 3 else None for r in result]


def cow_to_iso3(codes: list[int]) -> list[str | None]:
    """ISO3 for Correlates of War state numbers (None where the table has no such number)."""
    from countrycode import countrycode

    out = countrycode(list(codes), origin="cown", destination="iso3c")
    return [o if isinstance(o, str) else None for o in out]
