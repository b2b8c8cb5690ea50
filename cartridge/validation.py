"""Checking a cartridge against IMS's Common Cartridge 1.3 schemas, offline.

The schemas live in cartridge/schemas/ exactly as IMS published them (see NOTICE there). They
import one another by their web addresses; `PUBLISHED` and `_local` map each address to the
copy beside this file, and `allow="local"` forbids xmlschema to fetch anything, so a missing
copy fails loudly instead of reaching the network.
"""

import io
import zipfile
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema

SCHEMAS = Path(__file__).resolve().parent / "schemas"
_PROFILE = "http://www.imsglobal.org/profile/cc/ccv1p3/"
_LTI = "http://www.imsglobal.org/xsd/lti/ltiv1p0/"

CP = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
_LOM = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/"
LOMM = f"{_LOM}manifest"
DT = "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
LTICC = "http://www.imsglobal.org/xsd/imslticc_v1p3"
BLTI = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICM = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP = "http://www.imsglobal.org/xsd/imslticp_v1p0"

# Each namespace and where IMS publishes its schema: the documents' xsi:schemaLocation, and
# (through _local) the copy beside this file that stands in for that address.
PUBLISHED = {
    CP: f"{_PROFILE}ccv1p3_imscp_v1p2_v1p0.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p3/imsccauth_v1p3": f"{_PROFILE}ccv1p3_imsccauth_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p3/imscsmd_v1p0": f"{_PROFILE}ccv1p3_imscsmd_v1p0.xsd",
    LOMM: f"{_PROFILE}LOM/ccv1p3_lommanifest_v1p0.xsd",
    f"{_LOM}resource": f"{_PROFILE}LOM/ccv1p3_lomresource_v1p0.xsd",
    f"{_LOM}imscclti": f"{_PROFILE}LOM/ccv1p3_lomccltilink_v1p0.xsd",
    DT: f"{_PROFILE}ccv1p3_imsdt_v1p3.xsd",
    QTI: f"{_PROFILE}ccv1p3_qtiasiv1p2p1_v1p0.xsd",
    LTICC: "http://www.imsglobal.org/xsd/lti/ltiv1p3/imslticc_v1p3.xsd",
    BLTI: f"{_LTI}imsbasiclti_v1p0p1.xsd",
    LTICM: f"{_LTI}imslticm_v1p0.xsd",
    LTICP: f"{_LTI}imslticp_v1p0.xsd",
}


def _local(url: str) -> str:
    """The copy in SCHEMAS of a published schema: the profile's own folders kept (LOM/)."""
    return url.removeprefix(_PROFILE) if url.startswith(_PROFILE) else url.rsplit("/", 1)[1]


# The root element of each kind of document a cartridge holds, and its namespace's schema.
SCHEMA_FOR_ROOT = {
    f"{{{ns}}}{root}": _local(PUBLISHED[ns])
    for ns, root in [
        (CP, "manifest"),
        (DT, "topic"),
        (QTI, "questestinterop"),
        (LTICC, "cartridge_basiclti_link"),
    ]
}

# Resource types whose files are XML documents to validate, with the root each must have.
XML_RESOURCE_ROOTS = {
    "imsdt_xmlv1p3": f"{{{DT}}}topic",
    "imsqti_xmlv1p2/imscc_xmlv1p3/assessment": f"{{{QTI}}}questestinterop",
    "imsbasiclti_xmlv1p3": f"{{{LTICC}}}cartridge_basiclti_link",
}


@cache
def schema(file_name: str) -> xmlschema.XMLSchema10:
    """One of the vendored schemas, built once per process (the manifest's takes seconds)."""
    mapper = {url: str(SCHEMAS / _local(url)) for url in PUBLISHED.values()}
    return xmlschema.XMLSchema10(str(SCHEMAS / file_name), uri_mapper=mapper, allow="local")


def document_errors(data: bytes, *, expected_root: str | None = None) -> list[str]:
    """What is wrong with one XML document of a cartridge; empty when its schema accepts it.

    Only packages this app built are read here, never an upload.
    """
    try:
        root = ET.fromstring(data)  # noqa: S314 - our own output
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if expected_root is not None and root.tag != expected_root:
        return [f"root element is {root.tag}, expected {expected_root}"]
    file_name = SCHEMA_FOR_ROOT.get(root.tag)
    if file_name is None:
        return [f"no Common Cartridge schema for the root element {root.tag}"]
    return [error.reason or str(error) for error in schema(file_name).iter_errors(root)]


def cartridge_errors(data: bytes) -> list[str]:
    """Every problem with a cartridge: the manifest and each XML resource against their
    schemas, every file the manifest names present in the package, and no file it does not."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return ["not a zip file"]
    names = set(package.namelist())
    if "imsmanifest.xml" not in names:
        return ["imsmanifest.xml is missing"]
    manifest = package.read("imsmanifest.xml")
    problems = [f"imsmanifest.xml: {e}" for e in document_errors(manifest)]
    if problems:
        return problems
    ns = {"cp": CP}
    tree = ET.fromstring(manifest)  # noqa: S314 - our own output, parsed just above
    listed = {file.get("href") for file in tree.iterfind("cp:resources/cp:resource/cp:file", ns)}
    problems += [
        f"{name}: in the package but in no resource of the manifest"
        for name in sorted(names - listed - {"imsmanifest.xml"})
        if not name.endswith("/")
    ]
    for resource in tree.iterfind("cp:resources/cp:resource", ns):
        hrefs = [file.get("href") for file in resource.iterfind("cp:file", ns)]
        if resource.get("href") and resource.get("href") not in hrefs:
            problems.append(f"{resource.get('identifier')}: its href is not one of its files")
        for href in hrefs:
            if href not in names:
                problems.append(f"{href}: named in the manifest but not in the package")
                continue
            root = XML_RESOURCE_ROOTS.get(resource.get("type"))
            if root is not None:
                problems += [
                    f"{href}: {e}" for e in document_errors(package.read(href), expected_root=root)
                ]
    return problems
