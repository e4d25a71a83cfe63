"""The values DCAT-AP wants as IRIs of an authority, for the fields ckanext-dcat reads: the update frequency
(the EU frequency authority), each file's format (the EU file-type authority) and media type (IANA), and the
licence (typed dct:LicenseDocument by ckanext-dcat when given as an IRI on the resource). Pure.

A value with no authority IRI here is never given an invented one: the field is left out of what is sent
(ckanext-dcat then writes no such property) and `authority_warnings` names the field and value, which the
publish plan shows."""

from __future__ import annotations

from typing import Optional

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"

# publish/*.yaml `update_frequency` -> the EU frequency authority
FREQUENCY = {
    "annual": EU + "frequency/ANNUAL",
    "biannual": EU + "frequency/ANNUAL_2",
    "quarterly": EU + "frequency/QUARTERLY",
    "monthly": EU + "frequency/MONTHLY",
    "irregular": EU + "frequency/IRREG",
    "one_off": EU + "frequency/NEVER",
}

# a file's format (as the package descriptor names it) -> the EU file-type authority
FILE_TYPE = {
    "CSV": EU + "file-type/CSV",
    "JSON": EU + "file-type/JSON",
    "ZIP": EU + "file-type/ZIP",
    "PNG": EU + "file-type/PNG",
    "SVG": EU + "file-type/SVG",
    "PARQUET": EU + "file-type/PARQUET",
    "XLSX": EU + "file-type/XLSX",
    "HTML": EU + "file-type/HTML",
    "PDF": EU + "file-type/PDF",
}

# media types registered with IANA (the ones the packages publish)
IANA_TYPES = {"text/csv", "application/csvm+json", "application/json", "application/zip", "image/png", "image/svg+xml", "text/markdown",
              "application/vnd.apache.parquet", "text/html", "application/pdf",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

# the EU planned-availability authority: the council keeps what it publishes
AVAILABILITY = EU + "planned-availability/STABLE"


def frequency_iri(value: str) -> Optional[str]:
    return FREQUENCY.get((value or "").strip().lower())


def file_type_iri(fmt: str) -> Optional[str]:
    return FILE_TYPE.get((fmt or "").strip().upper())


def media_type_iri(mediatype: str) -> Optional[str]:
    value = (mediatype or "").strip().lower()
    return IANA + value if value in IANA_TYPES else None


def licence_iri(descriptor: dict) -> Optional[str]:
    """The licence's own address from the package descriptor (`licenses[0].path`), when it is an IRI."""
    licences = descriptor.get("licenses") or []
    path = str((licences[0] or {}).get("path") or "") if licences and isinstance(licences[0], dict) else ""
    return path if path.startswith(("http://", "https://")) else None


def authority_warnings(package) -> list[str]:
    """One line per field whose value has no authority IRI (the property is left out of the DCAT)."""
    warnings = []
    where = package.name
    freq = package.extras.get("frequency", "")
    if freq and not frequency_iri(freq):
        warnings.append(f"{where}: frequency {freq!r} has no EU frequency authority IRI; dct:accrualPeriodicity left out")
    if not licence_iri(package.descriptor):
        warnings.append(f"{where}: licence {package.licence!r} has no IRI (licenses[0].path); "
                        "dct:license left out of the distributions")
    for local in package.files:
        if not file_type_iri(local.format):
            warnings.append(f"{where}: {local.path}: format {local.format!r} has no EU file-type authority IRI; "
                            "dct:format left out")
        if not media_type_iri(local.mediatype):
            warnings.append(f"{where}: {local.path}: media type {local.mediatype!r} is not an IANA media type; "
                            "dcat:mediaType left out")
    return warnings
