"""DCAT-AP conformance of what the portal serves for each dataset (`/dataset/NAME.ttl`, written by
ckanext-dcat from the fields stoke-opendata publishes), checked with pyshacl against SEMIC's own shapes
(vendored in tests/portal/shacl/, see SOURCE.md there): the DCAT-AP 3 shapes give no violation beyond the two
messages ckanext-dcat's own tests accept, and the DCAT-AP 2.1.1 recommended shapes no warning except where the
information does not exist (a property the publish plan warns it left out, a temporal coverage of a package
with no observations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stoke_opendata.portal.dcat import authority_warnings
from stoke_opendata.portal.local_package import read_package
from stoke_opendata.portal.publishing import Publisher

pytestmark = pytest.mark.portal

SHAPES = Path(__file__).parent / "shacl"
KNOWN = ("Value does not have class skos:Concept", "Value does not have class dcat:Dataset")
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def dcat(portal, tmp_path_factory):
    """The bundled packages built and published; returns {name: (package, the dataset's Turtle graph)}."""
    import rdflib
    import requests

    from stoke_opendata.package.build import build_package
    from stoke_opendata.package.manifests import load_manifests
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings

    out = tmp_path_factory.mktemp("dcat")
    packages = [read_package(build_package(m, out).directory) for m in load_manifests()]
    with PortalClient(PortalSettings(portal.url, portal.token)) as client:
        publisher = Publisher(client, progress=False)
        publisher.apply(publisher.plan(packages))
    graphs = {}
    for package in packages:
        response = requests.get(f"{portal.url}/dataset/{package.name}.ttl", timeout=60)
        assert response.status_code == 200, package.name
        graphs[package.name] = (package, rdflib.Graph().parse(data=response.text, format="turtle"))
    return graphs


def _results(graph, shapes: str) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, message) of every SHACL result."""
    import pyshacl
    import rdflib

    ontology = rdflib.Graph().parse(SHAPES / "vcard-kinds.ttl")
    _conforms, report, _text = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES / shapes),
                                                ont_graph=ontology, inference="none", allow_warnings=True)
    ns = rdflib.Namespace(SH)
    return [(str(report.value(r, ns.resultSeverity)).rsplit("#", 1)[-1], str(report.value(r, ns.focusNode)),
             str(report.value(r, ns.resultPath)), str(report.value(r, ns.resultMessage)))
            for r in report.subjects(rdflib.RDF.type, ns.ValidationResult)]


def test_dcat_ap_3_shapes_find_no_violation_beyond_ckanext_dcats_known_two(dcat):
    assert len(dcat) == 4
    for name, (_package, graph) in dcat.items():
        found = [r for r in _results(graph, "dcat-ap_3_shacl_shapes.ttl") if not any(k in r[3] for k in KNOWN)]
        assert found == [], (name, found[:5])


def test_dcat_ap_2_1_1_recommended_shapes_warn_only_where_the_information_does_not_exist(dcat):
    import rdflib

    dcat_ns = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    for name, (package, graph) in dcat.items():
        # the files whose format has no EU file-type IRI: the plan says so, and their dct:format is absent
        no_format = {local.name for local in package.files
                     if any(f": {local.path}: format " in w for w in authority_warnings(package))}
        titles = {str(d): str(graph.value(d, rdflib.URIRef("http://purl.org/dc/terms/title")))
                  for d in graph.objects(None, dcat_ns.distribution)}
        unexplained = []
        for severity, focus, path, message in _results(graph, "dcat-ap_2.1.1_shacl_shapes_recommended.ttl"):
            if path.endswith("/format") and titles.get(focus) in no_format:
                continue
            if path.endswith("/temporal") and not package.extras.get("temporal_start"):
                continue  # a package without observations covers no period: left out, never guessed
            unexplained.append((severity, focus, path, message))
        assert unexplained == [], (name, unexplained[:5])
        assert len(no_format) <= 1, (name, no_format)  # the README alone (Markdown has no EU file-type IRI)
        # the spatial coverage carries the extent measured from the ONS boundaries
        assert list(graph.objects(None, dcat_ns.bbox)) and list(graph.objects(None, dcat_ns.centroid)), name


def test_frequency_format_media_type_and_licence_are_authority_iris(dcat):
    import rdflib

    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    dcat_ns = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    for name, (_package, graph) in dcat.items():
        dataset = next(graph.subjects(rdflib.RDF.type, dcat_ns.Dataset))
        assert str(graph.value(dataset, dct.accrualPeriodicity)).startswith(
            "http://publications.europa.eu/resource/authority/frequency/"), name
        for dist in graph.objects(dataset, dcat_ns.distribution):
            assert isinstance(graph.value(dist, dcat_ns.mediaType), rdflib.URIRef), name
            assert isinstance(graph.value(dist, dcat_ns.accessURL), rdflib.URIRef), name
            licence = graph.value(dist, dct.license)
            assert (licence, rdflib.RDF.type, dct.LicenseDocument) in graph, name


def test_a_value_with_no_authority_iri_is_left_out_and_named(tmp_path):
    from package_factory import make_package

    from stoke_opendata.portal.fields import dataset_fields, resource_fields

    package = read_package(make_package(tmp_path))
    package.extras["frequency"] = "fortnightly"
    package.files[0].format = "ODS-ISH"
    warnings = authority_warnings(package)
    assert any("frequency 'fortnightly'" in w and "dct:accrualPeriodicity left out" in w for w in warnings)
    assert any(f"{package.files[0].path}: format 'ODS-ISH'" in w for w in warnings)
    extras = {e["key"]: e["value"] for e in dataset_fields(package, "uk-ogl")["extras"]}
    assert "frequency" not in extras
    fields = resource_fields(package.files[0], package, "http://portal.example")
    # the IANA media type stands in (ckanext-dcat then writes dcat:mediaType and no dct:format)
    assert fields["format"] == fields["mimetype"] == "http://www.iana.org/assignments/media-types/text/csv"
    package.files[0].mediatype = "application/x-made-up"
    assert resource_fields(package.files[0], package)["format"] == ""
    assert any("media type 'application/x-made-up' is not an IANA media type" in w
               for w in authority_warnings(package))


def test_the_portals_dataset_pages_carry_schema_org_structured_data(dcat, portal):
    """ckanext-dcat's structured_data plugin: a schema.org Dataset in JSON-LD on each dataset page, read
    with pyld (the block carries its context inline)."""
    import json
    import re

    import requests
    from pyld import jsonld

    schema = "http://schema.org/"
    for name, (package, _graph) in dcat.items():
        page = requests.get(f"{portal.url}/dataset/{name}", timeout=60).text
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert blocks, name
        nodes = [n for b in blocks for n in jsonld.expand(json.loads(b))]
        [dataset] = [n for n in nodes if f"{schema}Dataset" in n.get("@type", [])]
        assert dataset[f"{schema}name"][0]["@value"] == package.title
        assert dataset[f"{schema}license"] and dataset[f"{schema}publisher"], name
        assert len(dataset[f"{schema}distribution"]) == len(package.files), name


def _catalogue_record(graph):
    """The dcat:Catalog node and every node its record reaches (publisher, language, licence, location, theme
    taxonomy, homepage), not through the datasets it lists: those are checked one by one above, and the
    portal may hold other tests' datasets too."""
    import rdflib

    dcat_ns = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    [catalogue] = list(graph.subjects(rdflib.RDF.type, dcat_ns.Catalog))
    record, todo = {catalogue}, [catalogue]
    while todo:
        node = todo.pop()
        for predicate, value in graph.predicate_objects(node):
            if predicate not in (dcat_ns.dataset, dcat_ns.record, dcat_ns.service) and value not in record \
                    and not isinstance(value, rdflib.Literal):
                record.add(value)
                todo.append(value)
    return catalogue, record


@pytest.fixture(scope="module")
def catalogue(dcat, portal):
    """The portal's catalogue record (/catalog.ttl, first page: the bundled packages were just published)."""
    import rdflib
    import requests

    response = requests.get(f"{portal.url}/catalog.ttl", timeout=60)
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.text, format="turtle")


def test_the_catalogue_record_meets_dcat_ap_3_and_the_recommended_shapes(catalogue, dcat):
    """portal/ckanext-stoke-dcat's profile: ckanext-dcat alone leaves 4 violations on the record (no
    publisher, the language the literal "en", an untyped homepage) and 6 recommended properties missing."""
    node, record = _catalogue_record(catalogue)
    strings = {str(n) for n in record}
    violations = [r for r in _results(catalogue, "dcat-ap_3_shacl_shapes.ttl")
                  if r[1] in strings and not any(k in r[3] for k in KNOWN)]
    assert violations == []
    warnings = [r for r in _results(catalogue, "dcat-ap_2.1.1_shacl_shapes_recommended.ttl") if r[1] in strings]
    assert warnings == []
    # the shapes do read the record: without its publisher, ckanext-dcat's record fails them again
    import rdflib

    bare = rdflib.Graph()
    for triple in catalogue:
        bare.add(triple)
    bare.remove((node, rdflib.URIRef("http://purl.org/dc/terms/publisher"), None))
    assert any(r[1] == str(node) and r[2].endswith("/publisher")
               for r in _results(bare, "dcat-ap_3_shacl_shapes.ttl"))


def test_the_catalogue_publisher_language_and_homepage_are_the_datasets_own(catalogue, dcat, portal):
    import rdflib

    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    foaf = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    dcat_ns = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    node, _record = _catalogue_record(catalogue)
    [publisher] = list(catalogue.objects(node, dct.publisher))
    assert (publisher, rdflib.RDF.type, foaf.Agent) in catalogue
    for name, (package, graph) in dcat.items():  # the same council, typed the same way, as each dataset says
        dataset = next(graph.subjects(rdflib.RDF.type, dcat_ns.Dataset))
        theirs = graph.value(dataset, dct.publisher)
        assert graph.value(theirs, foaf.name) == catalogue.value(publisher, foaf.name), name
        assert graph.value(theirs, dct.type) == catalogue.value(publisher, dct.type), name
        assert str(catalogue.value(publisher, foaf.name)) == package.organisation["title"], name
    assert list(catalogue.objects(node, dct.language)) == [
        rdflib.URIRef("http://publications.europa.eu/resource/authority/language/ENG")]
    [homepage] = list(catalogue.objects(node, foaf.homepage))
    assert str(homepage).rstrip("/") == portal.url.rstrip("/")
    assert (homepage, rdflib.RDF.type, foaf.Document) in catalogue
    [place] = list(catalogue.objects(node, dct.spatial))
    assert list(catalogue.objects(place, dcat_ns.bbox)) and list(catalogue.objects(place, dcat_ns.centroid))
    # the bundled datasets are listed in the catalogue
    titles = {str(catalogue.value(d, dct.title)) for d in catalogue.objects(node, dcat_ns.dataset)}
    assert {package.title for package, _graph in dcat.values()} <= titles


def test_the_catalogue_in_rdf_xml_carries_the_same_record(catalogue, portal):
    import rdflib
    import requests

    response = requests.get(f"{portal.url}/catalog.rdf", timeout=60)
    assert response.status_code == 200
    other = rdflib.Graph().parse(data=response.text, format="xml")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    node, _ = _catalogue_record(other)
    for predicate in (dct.publisher, dct.language, dct.license, dct.spatial, dct.issued):
        assert list(other.objects(node, predicate)), predicate
