#!/usr/bin/env python3
"""An independent client of a C2SP tlog-tiles log (c2sp.org/tlog-tiles, tlog-checkpoint, signed-note).

Written from the specifications with Python's standard library and `cryptography`, sharing no code with Lentera:
it opens the checkpoint with the verifier key it is given, fetches every tile and entry bundle the checkpoint's
size implies, checks each entry against its leaf hash, each higher tile against the tiles below it, and rebuilds
the root. Prints one JSON line; exits 0 only when everything holds.

    tlog_client.py PREFIX_URL VERIFIER_KEY [WITNESS_KEY]

With a witness key (c2sp.org/tlog-cosignature, type 0x04), the checkpoint must also carry that witness's valid
Ed25519 cosignature.
"""
import base64
import hashlib
import json
import re
import sys
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def fail(why):
    print(json.dumps({"ok": False, "error": why}))
    sys.exit(1)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        fail(f"GET {url}: HTTP {e.code}")


def tile_path(level, index, width):
    groups = []
    n = index
    while True:
        groups.insert(0, f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    path = "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])
    return f"tile/{level}/{path}" + ("" if width == 256 else f".p/{width}")


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(hashes):
    """RFC 6962 section 2.1 over leaf hashes, by the definition: split at the largest power of two below n."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def main():
    prefix, vkey = sys.argv[1].rstrip("/"), sys.argv[2]
    name, key_id_hex, key_b64 = vkey.split("+", 2)
    typed = base64.b64decode(key_b64, validate=True)
    if len(typed) != 33 or typed[0] != 1:
        fail("not an Ed25519 verifier key")
    pub = typed[1:]
    if hashlib.sha256(name.encode() + b"\n" + b"\x01" + pub).digest()[:4].hex() != key_id_hex:
        fail("the verifier key's id does not match its name and key")

    witness = None
    if len(sys.argv) > 3:
        w_name, w_id, w_b64 = sys.argv[3].split("+", 2)
        w_typed = base64.b64decode(w_b64, validate=True)
        if len(w_typed) != 33 or w_typed[0] != 4:
            fail("not an Ed25519 cosignature (type 0x04) witness key")
        if hashlib.sha256(w_name.encode() + b"\n" + b"\x04" + w_typed[1:]).digest()[:4].hex() != w_id:
            fail("the witness key's id does not match its name and key")
        witness = (w_name, w_id, w_typed[1:])
    witnessed = []

    note = get(prefix + "/checkpoint").decode("utf-8")
    text, _, sigs = note.rpartition("\n\n")
    text += "\n"
    verified = False
    for line in sigs.rstrip("\n").split("\n"):
        if not line.startswith("\u2014 "):
            fail(f"not a signature line: {line!r}")
        signer, sig_b64 = line[2:].split(" ")
        sig = base64.b64decode(sig_b64, validate=True)
        if witness and signer == witness[0] and sig[:4].hex() == witness[1]:
            # cosignature/v1: key id, big-endian u64 time, Ed25519 over "cosignature/v1\ntime T\n" + the note text
            if len(sig) != 76:
                fail("the witness's cosignature has the wrong length")
            timestamp = int.from_bytes(sig[4:12], "big")
            message = f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode("utf-8")
            try:
                Ed25519PublicKey.from_public_bytes(witness[2]).verify(sig[12:], message)
            except InvalidSignature:
                fail("the witness's cosignature does not verify")
            witnessed.append(signer)
            continue
        if signer != name or sig[:4].hex() != key_id_hex:
            continue  # another key's signature (a witness not asked about): ignored, as the spec says
        try:
            Ed25519PublicKey.from_public_bytes(pub).verify(sig[4:], text.encode("utf-8"))
        except InvalidSignature:
            fail("the checkpoint's signature does not verify")
        verified = True
    if not verified:
        fail("the checkpoint carries no signature by the given key")
    if witness and not witnessed:
        fail("the checkpoint carries no cosignature by the given witness")
    origin, size_line, root_b64 = text.rstrip("\n").split("\n")[:3]
    if not re.fullmatch(r"0|[1-9][0-9]{0,15}", size_line):
        fail(f"the checkpoint's size line is not a decimal size: {size_line!r}")
    size = int(size_line)
    root = base64.b64decode(root_b64, validate=True)

    # Level 0: every leaf hash, each checked against its entry.
    leaves = []
    for index in range((size + 255) // 256):
        width = min(256, size - index * 256)
        tile = get(f"{prefix}/{tile_path(0, index, width)}")
        bundle = get(f"{prefix}/{tile_path('entries', index, width)}")
        if len(tile) != 32 * width:
            fail(f"level 0 tile {index} has {len(tile)} bytes")
        at = 0
        for i in range(width):
            n = int.from_bytes(bundle[at:at + 2], "big")
            entry = bundle[at + 2:at + 2 + n]
            at += 2 + n
            if leaf_hash(entry) != tile[32 * i:32 * (i + 1)]:
                fail(f"entry {index * 256 + i} does not hash to its leaf hash")
            leaves.append(tile[32 * i:32 * (i + 1)])
        if at != len(bundle):
            fail(f"entry bundle {index} has bytes after its {width} entries")

    # Higher levels: each hash is the MTH of a full tile of the level below.
    below = leaves
    level = 1
    tiles_checked = (size + 255) // 256
    while len(below) >= 256:
        count = len(below) // 256
        expect = [mth(below[i * 256:(i + 1) * 256]) for i in range(count)]
        got = []
        for index in range((count + 255) // 256):
            width = min(256, count - index * 256)
            tile = get(f"{prefix}/{tile_path(level, index, width)}")
            if len(tile) != 32 * width:
                fail(f"level {level} tile {index} has {len(tile)} bytes, not {32 * width}")
            got += [tile[32 * i:32 * (i + 1)] for i in range(width)]
            tiles_checked += 1
        if got != expect:
            fail(f"a level {level} tile does not hash the tiles below it")
        below = expect
        level += 1

    if mth(leaves) != root:
        fail("the leaves do not rebuild the checkpoint's root")
    print(json.dumps({"ok": True, "origin": origin, "size": size, "root": root.hex(), "levels": level, "tiles": tiles_checked, "witnessed": witnessed}))


if __name__ == "__main__":
    main()
