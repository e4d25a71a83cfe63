"""The portal's catalogue record (dcat:Catalog in /catalog.ttl, .rdf, .jsonld) as DCAT-AP 3 wants it.

Why a profile: ckanext-dcat writes the catalogue from four ckan.ini options only (title, description, site
URL, locale), so the record has no publisher (mandatory in DCAT-AP 3), its language is the literal "en" where
an IRI of a dct:LinguisticSystem is required, and its homepage is not typed foaf:Document. Listed after
`euro_dcat_ap_3` in `ckanext.dcat.rdf.profiles`, this profile's graph_from_catalog runs last and adds what the
DCAT-AP 3 shapes require and the DCAT-AP 2.1.1 recommended shapes ask for, every value from ckan.ini (see
README.md). An unset option leaves its property out, and a value that is not an absolute IRI is logged and
left out: a wrong IRI would be worse than none. Dataset graphs are not touched (graph_from_dataset is the
base class's no-op).
"""

from __future__ import annotations

import logging

from ckan.plugins import toolkit
from ckanext.dcat.profiles import DCAT, DCT, FOAF, RDF, SKOS, RDFProfile
from rdflib import BNode, Literal, URIRef

log = logging.getLogger(__name__)

PREFIX = "ckanext.stoke_dcat."
# option -> (catalogue property, the class its value must have, per the DCAT-AP 3 range)
IRI_OPTIONS = {
    "language": (DCT.language, DCT.LinguisticSystem),
    "licence": (DCT.license, DCT.LicenseDocument),
    "spatial": (DCT.spatial, DCT.Location),
    "theme_taxonomy": (DCAT.themeTaxonomy, SKOS.ConceptScheme),
}


def _iri(option: str) -> URIRef | None:
    """The option's value as an IRI; None when unset, and None (logged) when it is not an absolute IRI."""
    value = (toolkit.config.get(PREFIX + option) or "").strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
        log.warning("%s%s = %r is not an absolute IRI; left out of the catalogue record", PREFIX, option, value)
        return None
    return URIRef(value)


class StokeCatalogueProfile(RDFProfile):
    """Adds the publisher, language, licence, spatial coverage, theme taxonomy, homepage type and first
    issue date to the catalogue record; leaves the datasets to the DCAT-AP profile before it."""

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        g = self.g
        for option, (predicate, kind) in IRI_OPTIONS.items():
            value = _iri(option)
            if value is None:
                continue
            g.remove((catalog_ref, predicate, None))  # e.g. ckanext-dcat's literal "en" for the language
            g.add((catalog_ref, predicate, value))
            g.add((value, RDF.type, kind))
        spatial = _iri("spatial")
        for option, predicate in (("spatial_bbox", DCAT.bbox), ("spatial_centroid", DCAT.centroid)):
            geometry = (toolkit.config.get(PREFIX + option) or "").strip()
            if spatial is not None and geometry:  # GeoJSON, written as ckanext-dcat writes a dataset's
                self._add_spatial_value_to_graph(spatial, predicate, geometry)
        title = (toolkit.config.get(PREFIX + "theme_taxonomy_title") or "").strip()
        taxonomy = _iri("theme_taxonomy")
        if taxonomy is not None and title:  # DCAT-AP 3 wants a concept scheme's dct:title
            g.add((taxonomy, DCT.title, Literal(title, lang="en")))
        for homepage in list(g.objects(catalog_ref, FOAF.homepage)):
            if isinstance(homepage, URIRef):
                g.add((homepage, RDF.type, FOAF.Document))
        self._publisher(catalog_ref)
        issued = self._first_issued()
        if issued and not list(g.objects(catalog_ref, DCT.issued)):
            self._add_date_triple(catalog_ref, DCT.issued, issued)

    def _publisher(self, catalog_ref) -> None:
        """The council as a foaf:Agent, written as ckanext-dcat writes each dataset's publisher from the
        publisher_name and publisher_type extras (a blank node with foaf:name and dct:type)."""
        name = (toolkit.config.get(PREFIX + "publisher_name") or "").strip()
        if not name:
            return
        agent = BNode()
        self.g.add((catalog_ref, DCT.publisher, agent))
        self.g.add((agent, RDF.type, FOAF.Agent))
        self.g.add((agent, FOAF.name, Literal(name)))
        kind = _iri("publisher_type")
        if kind is not None:
            self.g.add((agent, DCT.type, kind))

    def _first_issued(self) -> str | None:
        """When the catalogue was first issued: the oldest dataset's `metadata_created` (None when empty)."""
        result = toolkit.get_action("package_search")(
            {"ignore_auth": True}, {"sort": "metadata_created asc", "rows": 1})
        found = (result or {}).get("results") or []
        return found[0].get("metadata_created") if found else None
