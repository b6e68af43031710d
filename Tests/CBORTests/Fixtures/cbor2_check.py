"""Cross-checks headnet's CBOR encoder against Python's cbor2.

Usage: python3 cbor2_check.py SWIFT_HEX_JSON
The input maps corpus names to the hex that headnet's encoder produced. For each name this
script builds the same value in Python, encodes it with cbor2 (or, for indefinite-length items
that cbor2 never produces, from cbor2-encoded parts), and checks that
  1. the bytes are identical, and
  2. cbor2 decodes headnet's bytes back to the value.
Prints a JSON report: {"checked": N, "mismatches": [...], "cbor2": version}.
"""
import json
import math
import sys
from importlib.metadata import version

try:
    import cbor2
    from cbor2 import CBORTag, CBORSimpleValue, undefined
except ImportError:
    print(json.dumps({"error": "cbor2 is not installed: run `python3 -m pip install cbor2` (make test does)"}))
    sys.exit(0)


def indefinite(prefix, parts):
    return bytes([prefix]) + b"".join(parts) + b"\xff"


def corpus():
    """name -> (python value, expected bytes)."""
    c = {}

    def add(name, value, encoded=None):
        c[name] = (value, encoded if encoded is not None else cbor2.dumps(value))

    for n in [0, 1, 10, 23, 24, 25, 100, 255, 256, 1000, 65535, 65536, 1000000, 2**32 - 1, 2**32,
              1000000000000, 2**63 - 1, 2**64 - 1]:
        add(f"uint-{n}", n)
    for n in [-1, -10, -24, -25, -100, -256, -257, -1000, -65536, -65537, -2**32, -2**63, -2**64]:
        add(f"nint-{n}", n)
    add("bytes-empty", b"")
    add("bytes-4", b"\x01\x02\x03\x04")
    add("bytes-300", bytes(range(256)) + bytes(44))
    add("text-empty", "")
    add("text-a", "a")
    add("text-ietf", "IETF")
    add("text-quote", "\"\\")
    add("text-unicode", "\u00fc\u6c34\U00010151")
    add("text-long", "x" * 1000)
    add("text-ProtocolVersion", "ProtocolVersion")
    add("array-empty", [])
    add("array-123", [1, 2, 3])
    add("array-nested", [1, [2, 3], [4, 5]])
    add("array-25", list(range(1, 26)))
    add("map-empty", {})
    add("map-int", {1: 2, 3: 4})
    add("map-mixed", {"a": 1, "b": [2, 3]})
    add("map-strings", {"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"})
    add("array-with-map", ["a", {"b": "c"}])
    add("bool-false", False)
    add("bool-true", True)
    add("null", None)
    add("undefined", undefined)
    add("simple-16", CBORSimpleValue(16))
    add("simple-255", CBORSimpleValue(255))
    add("double-1.1", 1.1)
    add("double-neg", -4.1)
    add("double-1e300", 1.0e300)
    add("double-zero", 0.0)
    add("double-inf-as-half", math.inf)
    add("double-neginf-as-half", -math.inf)
    add("tag-epoch", CBORTag(1, 1363896240))
    add("tag-bignum", CBORTag(2, b"\x01" + bytes(8)))
    add("tag-uri", CBORTag(32, "http://www.example.com"))
    add("tag-nested", CBORTag(24, CBORTag(24, b"\x01")))
    add("tag-big", CBORTag(2**40, [1, "x"]))
    # Indefinite-length items: cbor2 decodes them but never produces them.
    add("indef-array-empty", [], indefinite(0x9F, []))
    add("indef-array-123", [1, 2, 3], indefinite(0x9F, [cbor2.dumps(x) for x in [1, 2, 3]]))
    add("indef-array-nested", [1, [2, 3], [4, 5]],
        indefinite(0x9F, [cbor2.dumps(1), cbor2.dumps([2, 3]), indefinite(0x9F, [cbor2.dumps(4), cbor2.dumps(5)])]))
    add("indef-array-bytes", [b"\x01\x02\x03"], indefinite(0x9F, [cbor2.dumps(b"\x01\x02\x03")]))
    add("indef-array-in-array", [[1]], b"\x81" + indefinite(0x9F, [cbor2.dumps(1)]))
    add("indef-map", {"a": 1, "b": [2, 3]}, indefinite(0xBF, [cbor2.dumps("a"), cbor2.dumps(1), cbor2.dumps("b"), cbor2.dumps([2, 3])]))
    add("indef-bytes", b"\x01\x02\x03\x04\x05", indefinite(0x5F, [cbor2.dumps(b"\x01\x02"), cbor2.dumps(b"\x03\x04\x05")]))
    add("indef-text", "streaming", indefinite(0x7F, [cbor2.dumps("strea"), cbor2.dumps("ming")]))
    return c


def main():
    with open(sys.argv[1]) as f:
        ours = json.load(f)
    expected = corpus()
    mismatches = []
    checked = 0
    for name, (value, encoded) in expected.items():
        if name not in ours:
            mismatches.append({"name": name, "problem": "missing from the Swift corpus"})
            continue
        checked += 1
        got = bytes.fromhex(ours[name])
        if got != encoded:
            mismatches.append({"name": name, "problem": "bytes differ", "swift": got.hex(), "cbor2": encoded.hex()})
            continue
        decoded = cbor2.loads(got)
        # Semantic tags decode to Python objects (datetime, int, ...): for those the byte
        # comparison above is the check, and decoding without error is enough here.
        same = isinstance(value, CBORTag) or decoded == value
        if not same:
            mismatches.append({"name": name, "problem": "cbor2 decodes to another value", "decoded": repr(decoded)})
    for name in ours:
        if name not in expected:
            mismatches.append({"name": name, "problem": "missing from the Python corpus"})
    print(json.dumps({"checked": checked, "mismatches": mismatches, "cbor2": version("cbor2")}))


main()
