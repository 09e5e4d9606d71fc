"""Spellings of upstream URLs that must never be called, shared by the control-plane tests
(every URL field, REST and portal) and the proxy's tests (load-time and connect-time checks).

Each entry is (url, address): the address the host denotes once normalised, written by hand,
or None when the URL is refused before any address (characters, scheme, credentials...).
Leading and trailing whitespace is left out: forms and serializers trim it by design.
"""

from __future__ import annotations

LOOPBACK = [
    ("https://127.0.0.1/v1", "127.0.0.1"),
    ("https://127.1/v1", "127.0.0.1"),
    ("https://127.0.1/v1", "127.0.0.1"),
    ("https://2130706433/v1", "127.0.0.1"),
    ("https://0x7f000001/v1", "127.0.0.1"),
    ("https://0x7f.0.0.1/v1", "127.0.0.1"),
    ("https://0x7F.0x0.0x0.0x1/v1", "127.0.0.1"),
    ("https://0177.0.0.1/v1", "127.0.0.1"),
    ("https://0177.1/v1", "127.0.0.1"),
    ("https://017700000001/v1", "127.0.0.1"),
    ("https://127.000.000.001/v1", "127.0.0.1"),
    ("https://127.0.0.1./v1", "127.0.0.1"),
    ("https://127.255.255.254/v1", "127.255.255.254"),
    ("https://127.0.0.1:8443/v1", "127.0.0.1"),
    ("https://127\u30020\u30020\u30021/v1", "127.0.0.1"),  # ideographic full stops
    ("https://\uff11\uff12\uff17.\uff10.\uff10.\uff11/v1", "127.0.0.1"),  # fullwidth digits
    ("https://127\uff0e0\uff0e0\uff0e1/v1", "127.0.0.1"),  # fullwidth full stops
    ("https://[::1]/v1", "::1"),
    ("https://[0:0:0:0:0:0:0:1]/v1", "::1"),
    ("https://[::0001]:8443/v1", "::1"),
    ("https://localhost/v1", "127.0.0.1"),
    ("https://LOCALHOST/v1", "127.0.0.1"),
    ("https://localhost./v1", "127.0.0.1"),
    ("https://api.localhost/v1", "127.0.0.1"),
    ("https://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/v1", "127.0.0.1"),  # circled
]

UNSPECIFIED = [
    ("https://0.0.0.0/v1", "0.0.0.0"),
    ("https://0/v1", "0.0.0.0"),
    ("https://0x0/v1", "0.0.0.0"),
    ("https://0.1.2.3/v1", "0.1.2.3"),
    ("https://[::]/v1", "::"),
    ("https://[0::0]/v1", "::"),
]

PRIVATE = [
    ("https://10.0.0.1/v1", "10.0.0.1"),
    ("https://10.255.255.255/v1", "10.255.255.255"),
    ("https://012.0.0.1/v1", "10.0.0.1"),
    ("https://167772161/v1", "10.0.0.1"),
    ("https://172.16.0.1/v1", "172.16.0.1"),
    ("https://172.31.255.254/v1", "172.31.255.254"),
    ("https://192.168.0.1/v1", "192.168.0.1"),
    ("https://0xc0a80101/v1", "192.168.1.1"),
    ("https://3232235777/v1", "192.168.1.1"),
    ("https://0300.0250.1.1/v1", "192.168.1.1"),
    ("https://100.64.0.1/v1", "100.64.0.1"),
    ("https://100.127.255.254/v1", "100.127.255.254"),
    ("https://169.254.1.1/v1", "169.254.1.1"),
    ("https://[fc00::1]/v1", "fc00::1"),
    ("https://[fd12:3456::1]/v1", "fd12:3456::1"),
    ("https://[FDFF::1]/v1", "fdff::1"),
    ("https://[fe80::1]/v1", "fe80::1"),
    ("https://[fec0::1]/v1", "fec0::1"),
]

METADATA = [
    ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
    ("https://2852039166/v1", "169.254.169.254"),
    ("https://0xa9fea9fe/v1", "169.254.169.254"),
    ("https://0251.0376.0251.0376/v1", "169.254.169.254"),
    ("https://0xa9.0xfe.0xa9.0xfe/v1", "169.254.169.254"),
    ("https://169.254.43518/v1", "169.254.169.254"),
    ("https://169.254.169.254./v1", "169.254.169.254"),
    ("https://169.254.170.2/v1", "169.254.170.2"),
    ("https://[fd00:ec2::254]/v1", "fd00:ec2::254"),
    ("https://[::ffff:169.254.169.254]/v1", "::ffff:a9fe:a9fe"),
    ("https://[::ffff:a9fe:a9fe]/v1", "::ffff:a9fe:a9fe"),
    ("https://[64:ff9b::169.254.169.254]/v1", "64:ff9b::a9fe:a9fe"),
    ("https://[64:ff9b::a9fe:a9fe]/v1", "64:ff9b::a9fe:a9fe"),
    ("https://[2002:a9fe:a9fe::]/v1", "2002:a9fe:a9fe::"),
    ("https://metadata.google.internal/v1", None),
    ("https://metadata.google.internal./v1", None),
    ("https://METADATA.GOOGLE.INTERNAL/v1", None),
    ("https://metadata/v1", None),
    ("https://instance-data/v1", None),
]

# IPv6 spellings that carry an IPv4 address: refused in every form, even to public IPv4.
EMBEDDED_IPV4 = [
    ("https://[::127.0.0.1]/v1", "::7f00:1"),
    ("https://[::7f00:1]/v1", "::7f00:1"),
    ("https://[::1.1.1.1]/v1", "::101:101"),
    ("https://[::2]/v1", "::2"),
    ("https://[::ffff:127.0.0.1]/v1", "::ffff:7f00:1"),
    ("https://[::ffff:7f00:1]/v1", "::ffff:7f00:1"),
    ("https://[0:0:0:0:0:ffff:127.0.0.1]/v1", "::ffff:7f00:1"),
    ("https://[::FFFF:7F00:0001]/v1", "::ffff:7f00:1"),
    ("https://[::ffff:1.1.1.1]/v1", "::ffff:101:101"),
    ("https://[::ffff:10.0.0.1]/v1", "::ffff:a00:1"),
    ("https://[::ffff:0:7f00:1]/v1", "::ffff:0:7f00:1"),
    ("https://[::ffff:0:127.0.0.1]/v1", "::ffff:0:7f00:1"),
    ("https://[0:0:0:0:ffff:0:7f00:1]/v1", "::ffff:0:7f00:1"),
    ("https://[64:ff9b::7f00:1]/v1", "64:ff9b::7f00:1"),
    ("https://[64:ff9b::127.0.0.1]/v1", "64:ff9b::7f00:1"),
    ("https://[64:FF9B:0:0:0:0:7F00:1]/v1", "64:ff9b::7f00:1"),
    ("https://[64:ff9b::a00:1]/v1", "64:ff9b::a00:1"),
    ("https://[64:ff9b::10.0.0.1]/v1", "64:ff9b::a00:1"),
    ("https://[64:ff9b::101:101]/v1", "64:ff9b::101:101"),
    ("https://[64:ff9b:1::7f00:1]/v1", "64:ff9b:1::7f00:1"),
    ("https://[64:ff9b:1:ffff::a9fe:a9fe]/v1", "64:ff9b:1:ffff::a9fe:a9fe"),
    ("https://[2002:7f00:1::]/v1", "2002:7f00:1::"),
    ("https://[2002:7f00:0001::1]/v1", "2002:7f00:1::1"),
    ("https://[2002:a00:1::]/v1", "2002:a00:1::"),
    ("https://[2002:c0a8:101::]/v1", "2002:c0a8:101::"),
    ("https://[2002:101:101::]/v1", "2002:101:101::"),
    ("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/v1", "2001:0:4136:e378:8000:63bf:3fff:fdd2"),
    ("https://[2001:0:0:0:0:0:80ff:fffe]/v1", "2001::80ff:fffe"),
    ("https://[2001::]/v1", "2001::"),
]

SPECIAL_PURPOSE = [
    ("https://192.0.0.1/v1", "192.0.0.1"),
    ("https://192.0.0.170/v1", "192.0.0.170"),
    ("https://192.0.2.1/v1", "192.0.2.1"),
    ("https://192.31.196.1/v1", "192.31.196.1"),
    ("https://192.52.193.1/v1", "192.52.193.1"),
    ("https://192.88.99.1/v1", "192.88.99.1"),
    ("https://192.175.48.1/v1", "192.175.48.1"),
    ("https://198.18.0.1/v1", "198.18.0.1"),
    ("https://198.19.255.254/v1", "198.19.255.254"),
    ("https://198.51.100.1/v1", "198.51.100.1"),
    ("https://203.0.113.1/v1", "203.0.113.1"),
    ("https://224.0.0.1/v1", "224.0.0.1"),
    ("https://239.255.255.250/v1", "239.255.255.250"),
    ("https://240.0.0.1/v1", "240.0.0.1"),
    ("https://255.255.255.255/v1", "255.255.255.255"),
    ("https://[100::1]/v1", "100::1"),
    ("https://[100:0:0:1::1]/v1", "100:0:0:1::1"),
    ("https://[2001:1::1]/v1", "2001:1::1"),
    ("https://[2001:2::1]/v1", "2001:2::1"),
    ("https://[2001:3::1]/v1", "2001:3::1"),
    ("https://[2001:4:112::1]/v1", "2001:4:112::1"),
    ("https://[2001:10::1]/v1", "2001:10::1"),
    ("https://[2001:20::1]/v1", "2001:20::1"),
    ("https://[2001:30::1]/v1", "2001:30::1"),
    ("https://[2001:1ff::1]/v1", "2001:1ff::1"),
    ("https://[2001:db8::1]/v1", "2001:db8::1"),
    ("https://[2620:4f:8000::1]/v1", "2620:4f:8000::1"),
    ("https://[3fff::1]/v1", "3fff::1"),
    ("https://[5f00::1]/v1", "5f00::1"),
    ("https://[ff02::1]/v1", "ff02::1"),
    ("https://[ff05::1:3]/v1", "ff05::1:3"),
    ("https://[4000::1]/v1", "4000::1"),
]

CHARACTERS = [
    ("https://127.0.0.1 /v1", None),
    ("https://127.0.0.1\n.example.com/v1", None),
    ("https://api.example.com\t/v1", None),
    ("https://api.example.com/v1\r\nX-Injected: 1", None),
    ("https://api.example.com\x00.evil.test/v1", None),
    ("https://api.example.com\x7f/v1", None),
    ("https://api.exam\u200bple.com/v1", None),  # zero-width space
    ("https://api.example.com\u00a0/v1", None),  # no-break space
    ("https://api.example.com/\u202ev1", None),  # right-to-left override
    ("https://api.example.com\u3000/v1", None),  # ideographic space
    ("https://api.example.com\ufeff/v1", None),  # byte order mark
    ("https://api.example.com/v\u20281", None),  # line separator
    ("https://api.example.com\x85/v1", None),  # next line (C1 control)
    ("https://1.1.1.1\\@127.0.0.1/v1", None),
    ("https://%31%32%37.0.0.1/v1", None),
    ("https://[fe80::1%25eth0]/v1", None),
]

SCHEMES_AND_PARTS = [
    ("ftp://1.1.1.1/v1", None),
    ("file:///etc/passwd", None),
    ("gopher://1.1.1.1/", None),
    ("dict://1.1.1.1:11211/", None),
    ("javascript:alert(1)", None),
    ("http://1.1.1.1/v1", None),
    ("https:///v1", None),
    ("//1.1.1.1/v1", None),
    ("1.1.1.1/v1", None),
    ("https://user:pw@1.1.1.1/v1", None),
    ("https://1.1.1.1@127.0.0.1/v1", None),
    ("https://127.0.0.1:443@1.1.1.1/v1", None),
    ("https://127.0.0.1%2f@1.1.1.1/v1", None),
    ("https://1.1.1.1:99999/v1", None),
    ("https://1.1.1.1/v1?target=127.0.0.1", None),
    ("https://1.1.1.1#@127.0.0.1/v1", None),
]

CORPUS: list[tuple[str, str | None]] = [
    *LOOPBACK,
    *UNSPECIFIED,
    *PRIVATE,
    *METADATA,
    *EMBEDDED_IPV4,
    *SPECIAL_PURPOSE,
    *CHARACTERS,
    *SCHEMES_AND_PARTS,
]
URLS = [url for url, _ in CORPUS]
# Refused even when the operator allows private upstreams (ALLOW_PRIVATE_UPSTREAMS=true).
ALWAYS_REFUSED = [
    url
    for url, _ in METADATA + EMBEDDED_IPV4 + SPECIAL_PURPOSE + CHARACTERS + SCHEMES_AND_PARTS
    if not url.startswith("http://")
] + [url for url, _ in UNSPECIFIED]
ADDRESSES = sorted({address for _, address in CORPUS if address})

# Public spellings the validator accepts, with the normalised URL it stores.
ACCEPTED = [
    ("https://api.openai.com/v1", "https://api.openai.com/v1"),
    ("https://API.OpenAI.com./v1/", "https://api.openai.com/v1"),
    ("https://0x01010101/v1", "https://1.1.1.1/v1"),
    ("https://16843009:8443/v1", "https://1.1.1.1:8443/v1"),
    ("https://[2606:4700:4700:0:0:0:0:1111]/v1", "https://[2606:4700:4700::1111]/v1"),
    ("https://b\u00fccher.example/v1", "https://xn--bcher-kva.example/v1"),
]
