#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/Corpus/<target>/ (seed-* files).

The seeds come from the repository itself: the Hydra wire fixtures
(Tests/CBORTests/Fixtures/hydra-wire.json, a copy of ../shared/fixtures/hydra-wire.json), the
CBOR values the interop test checks against cbor2 (Fixtures/cbor2_check.py), the malformed
inputs of CBORMalformedTests, the specs in clusters/ and the YAML in Tests/ClusterSpecTests,
the drills in drills/ and the YAML in Tests/DrillsTests/DrillReaderTests.swift, and journal
lines and requests as the NodeAPIModel and NodeService tests write them.

Run it again after adding a source; it rewrites only seed-* files, so inputs kept for a bug
found by fuzzing (named after the bug, see README.md, "Fuzzing") stay. cbor2 is needed
(`make deps` installs it).
"""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Fuzz" / "Corpus"
FIXTURES = ROOT / "Tests" / "CBORTests" / "Fixtures"


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    (directory / f"seed-{safe}").write_bytes(data)


def clear_seeds():
    for path in CORPUS.glob("*/seed-*"):
        path.unlink()


def wire_fixtures():
    cases = json.loads((FIXTURES / "hydra-wire.json").read_text())["cases"]
    return {case["name"]: bytes.fromhex(case["hex"]) for case in cases}


# CBORMalformedTests: huge claimed lengths, reserved heads, stray breaks, bad UTF-8, chunks.
MALFORMED = [
    "5b1000000000000000", "7b1000000000000000", "9b1000000000000000", "bb1000000000000000",
    "5bffffffffffffffff", "bb80000000000000000102", "9affffffff01", "1c", "1d", "1e", "1f", "df00",
    "ff", "8201ff", "62c328", "5f6161ff", "7f7fffff", "bf01ff", "f810", "0102", "9f01",
    "81" * 300 + "00", "9f" * 40 + "ff" * 40, "c1" * 20 + "00",
]


def cbor_seeds(fixtures):
    # The cross-check's own table, name -> (python value, expected bytes); the script calls its
    # main() when loaded, so it is loaded without that last line.
    source = (FIXTURES / "cbor2_check.py").read_text().rsplit("\nmain()", 1)[0]
    check = {"__name__": "cbor2_check"}
    exec(compile(source, "cbor2_check.py", "exec"), check)
    for name, (_, expected) in check["corpus"]().items():
        write("cbor", f"cbor2-{name}", expected)
    for name, value in fixtures.items():
        write("cbor", f"fixture-{name}", value)
    for index, text in enumerate(MALFORMED):
        write("cbor", f"malformed-{index}", bytes.fromhex(text))
    write("cbor", "hex-text", "9f430102036568656c6c6f6450696e6707ff")


def wire_seeds(fixtures):
    for name, value in fixtures.items():
        write("wire", f"fixture-{name}", value)
    # PayloadCodec batches as `headnet node` writes them, and values the tests refuse.
    write("wire", "payload-batch-two", bytes.fromhex("9f4109420102ff"))
    write("wire", "payload-batch-empty", bytes.fromhex("9fff"))
    write("wire", "batch-no-break", bytes.fromhex("9f4101"))
    write("wire", "batch-trailing", bytes.fromhex("9f41ffff00"))
    write("wire", "legacy-text", bytes.fromhex("666c6567616379"))
    write("wire", "ping-without-number", bytes.fromhex("9f6450696e67ff"))
    write("wire", "alive-port-too-big", bytes.fromhex("64486f7374693132372e302e302e311a00010000"))
    write("wire", "alive-wrong-constructor", bytes.fromhex("64486f73756131191389"))
    write("wire", "version-v3", bytes.fromhex("6f50726f746f636f6c56657273696f6e03"))
    for text in ["127.0.0.1:5001", "[::1]:5002", "::1:5002", "alice.example:15001", "host:0", "[]:5001"]:
        write("wire", f"key-{text}", text)


def swift_yaml_literals(path):
    """The YAML in a Swift test file: multi-line literals and one-line literals with a spec."""
    source = path.read_text()
    found = []
    for match in re.finditer(r'"""\n(.*?)\n(\s*)"""', source, re.S):
        body, indent = match.group(1), match.group(2)
        if "\\(" in body:
            continue
        lines = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in body.split("\n")]
        found.append("\n".join(lines) + "\n")
    for match in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', source):
        literal = match.group(1)
        if "apiVersion" in literal and "\\n" in literal and "\\(" not in literal:
            found.append(literal.encode().decode("unicode_escape"))
    return found


def spec_seeds():
    for path in sorted((ROOT / "clusters").glob("*.yaml")):
        write("spec", f"clusters-{path.stem}", path.read_bytes())
    for path in sorted((ROOT / "Tests" / "ClusterSpecTests").glob("*.swift")):
        for index, yaml in enumerate(swift_yaml_literals(path)):
            write("spec", f"{path.stem}-{index}", yaml)


# The cluster the drill reader tests write inline (DrillReaderTests.inlineCluster).
INLINE_CLUSTER = """cluster:
  apiVersion: headnet/v1
  name: drill
  nodes:
    - {name: alice, listen: 127.0.0.1:5001}
    - {name: bob, listen: 127.0.0.1:5002}
    - {name: carol, listen: 127.0.0.1:5003}"""


def drill_yaml_literals(path):
    """The drill YAML in DrillReaderTests: its literals with `\\(Self.inlineCluster)` written out."""
    source = path.read_text().replace("\\(Self.inlineCluster)", INLINE_CLUSTER.replace("\n", "\\n"))
    found = []
    for match in re.finditer(r'"""\n(.*?)\n(\s*)"""', source, re.S):
        body, indent = match.group(1), match.group(2)
        lines = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in body.split("\n")]
        text = "\n".join(lines) + "\n"
        if "\\(" not in text and text.startswith(("apiVersion", "kind", "name", "cluster", "steps")):
            found.append(text.replace("\\n", "\n"))
    for match in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', source):
        literal = match.group(1)
        if "kind: " in literal and "\\n" in literal and "\\(" not in literal:
            found.append(literal.encode().decode("unicode_escape"))
    return found


def drill_seeds():
    # drills/*.yaml name their cluster by a path, which the target (reading in a directory that
    # does not exist) refuses; each goes in a second time with a cluster written in.
    inline = {}
    for path in sorted((ROOT / "clusters").glob("drill*.yaml")):
        spec = "\n".join("  " + line for line in path.read_text().splitlines() if line and not line.startswith("#"))
        inline[f"../clusters/{path.name}"] = "cluster:\n" + spec
    for path in sorted((ROOT / "drills").glob("*.yaml")):
        text = path.read_text()
        write("drill", f"drills-{path.stem}", text)
        match = re.search(r"^cluster: (\S+)$", text, re.M)
        if match and match.group(1) in inline:
            write("drill", f"drills-{path.stem}-inline", text.replace(match.group(0), inline[match.group(1)]))
    for index, yaml in enumerate(drill_yaml_literals(ROOT / "Tests" / "DrillsTests" / "DrillReaderTests.swift")):
        write("drill", f"DrillReaderTests-{index}", yaml)


def journal_line(index, revision, batch_index, sender, payload_b64):
    return (f'{{"batchIndex":{batch_index},"index":{index},"payload":"{payload_b64}",'
            f'"revision":{revision},"sender":"{sender}"}}')


def journal_seeds():
    write("journal", "line", journal_line(1, 5, 0, "127.0.0.1:5001", "AQ=="))
    write("journal", "line-ipv6", journal_line(42, 9, 3, "[::1]:5002", "aGVsbG8sIHsic2VuZGVyIjoieCJ9IC8gw7w="))
    write("journal", "line-escaped-slash", journal_line(7, 7, 0, "127.0.0.1:5001", "\\/\\/8="))
    write("journal", "line-escaped-sender", journal_line(2, 3, 1, 'a\\"b\\\\c\\u001f', "AAEC"))
    write("journal", "line-empty-payload", journal_line(3, 3, 0, "127.0.0.1:5001", ""))
    write("journal", "line-other-order", '{"index":1,"revision":2,"batchIndex":0,"sender":"x","payload":"AQ=="}')
    write("journal", "ndjson", journal_line(1, 1, 0, "a:1", "AQ==") + "\nnot json\n{\"index\":2}\n")
    write("journal", "no-payload", '{"index":1}')
    write("journal", "bad-base64", '{"batchIndex":0,"index":1,"payload":"%%%%"}')
    # Inputs for the writing half: 4 bytes index, 5 revision, 1 batch index, 1 sender length,
    # the sender, then the payload.
    write("journal", "fields", bytes([0, 0, 0, 42, 0, 0, 0, 0, 9, 3, 10]) + b"[::1]:5002" + b"hello")
    write("journal", "fields-control-sender", bytes([0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 5]) + b'a"\\\n\x01' + bytes(range(40)))


def request_seeds():
    requests = {
        "messages": "GET /messages HTTP/1.1\r\nHost: 127.0.0.1:4001\r\n\r\n",
        "messages-after": "GET /messages?after=77 HTTP/1.1\r\nHost: x\r\n\r\n",
        "messages-follow": "GET /messages?after=0&follow=true HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
        "messages-after-bad": "GET /messages?after=abc HTTP/1.1\r\n\r\n",
        "messages-after-negative": "GET /messages?after=-1&follow=yes HTTP/1.1\r\n\r\n",
        "messages-after-empty": "GET /messages?after=&after=1.5 HTTP/1.1\r\n\r\n",
        "messages-percent": "GET /messages?after=%31%32&follow=tru%65&aft%65r=x HTTP/1.1\r\n\r\n",
        "broadcast": "POST /broadcast HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        "broadcast-empty": "POST /broadcast HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "broadcast-chunked": "POST /broadcast HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        "broadcast-too-large": "POST /broadcast HTTP/1.1\r\nContent-Length: 70\r\n\r\n" + "a" * 70,
        "pipelined": "POST /broadcast HTTP/1.1\r\nContent-Length: 3\r\n\r\nonePOST /broadcast HTTP/1.1\r\n"
        "Content-Length: 3\r\n\r\ntwoGET /messages?after=1 HTTP/1.1\r\n\r\n",
        "status": "GET /status HTTP/1.1\r\nAccept: application/json\r\n\r\n",
        "http10": "GET /readyz HTTP/1.0\r\n\r\n",
    }
    for name, text in requests.items():
        write("request", name, text)


def main():
    clear_seeds()
    fixtures = wire_fixtures()
    cbor_seeds(fixtures)
    wire_seeds(fixtures)
    spec_seeds()
    drill_seeds()
    journal_seeds()
    request_seeds()
    for directory in sorted(CORPUS.iterdir()):
        files = list(directory.iterdir())
        print(f"{directory.name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
