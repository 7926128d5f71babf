"""The world of lexwatch's end-to-end tests: a few real acts, four agencies,
small rule files routing them, and the feed and config texts built from
them. Everything a case asserts about routing follows from EXPECTED.
"""

import json

# Real acts (titles as published in the OJ), keyed by CELEX.
DRINKING_WATER = (
    "32020L2184",
    "Directive (EU) 2020/2184 of the European Parliament and of the Council "
    "of 16 December 2020 on the quality of water intended for human "
    "consumption (recast) (Text with EEA relevance)")
PROCUREMENT = (
    "32014L0024",
    "Directive 2014/24/EU of the European Parliament and of the Council of "
    "26 February 2014 on public procurement and repealing Directive "
    "2004/18/EC (Text with EEA relevance)")
ANTI_DUMPING = (
    "32024R2754",
    "Commission Implementing Regulation (EU) 2024/2754 of 29 October 2024 "
    "imposing a definitive anti-dumping duty on imports of biodiesel "
    "originating in the People's Republic of China")
ALL_ACTS = [DRINKING_WATER, PROCUREMENT, ANTI_DUMPING]

AGENCIES = [
    ("vav", "Vann- og avløpsetaten", ["vav@example.org"]),
    ("uke", "Utviklings- og kompetanseetaten (innkjøp)",
     ["uke@example.org", "innkjop@example.org"]),
    ("kli", "Klimaetaten", ["kli@example.org"]),
    ("pbe", "Plan- og bygningsetaten", ["pbe@example.org"]),
]

# What the test rules route for ALL_ACTS: (recipient, CELEX).
EXPECTED = {
    ("vav@example.org", "32020L2184"),
    ("uke@example.org", "32014L0024"),
    ("innkjop@example.org", "32014L0024"),
}

RULES = {
    "water.toml": """\
[[rule]]
id = "water-drinking"
topic = "water"
agencies = ["vav"]
description = "Drinking water quality"
any = ["drinking water", "water intended for human consumption"]
""",
    "procurement.toml": """\
[[rule]]
id = "procurement-public"
topic = "procurement"
agencies = ["uke"]
description = "Public procurement"
any = ["public procurement"]
""",
    "sustainability.toml": """\
[[rule]]
id = "sustainability-ghg"
topic = "sustainability"
agencies = ["kli"]
description = "Greenhouse gases"
any = ["greenhouse gas*"]
none = ["anti-dumping"]
""",
}

MESSAGE_ID_DOMAIN = "e2e.lexwatch.test"
CONTACT = "e2e-contact@example.org"


def eurlex_rss(acts, guid_prefix="0000"):
    """An RSS 2.0 document in EUR-Lex's OJ L feed shape."""
    items = []
    for i, (celex, title) in enumerate(acts):
        items.append(f"""  <item>
    <title>CELEX:{celex}: {title.replace("&", "&amp;")}</title>
    <description/>
    <link>https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELEX:{celex}</link>
    <guid>https://eur-lex.europa.eu/./legal-content/AUTO/?uri=CELLAR:{guid_prefix}{i:04d}-3a66-11ef-b441-01aa75ed71a1</guid>
    <category>Lex Alerts</category>
    <pubDate>Fri, 05 Jul 2024 00:00:00 +0200</pubDate>
    <dc:creator>European Parliament, Council of the European Union,</dc:creator>
  </item>
""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel xmlns:dc="http://purl.org/dc/elements/1.1/">
  <title>5 - Acts of the Official Journal L</title>
  <link>https://eur-lex.europa.eu/</link>
  <description>Acts of the Official Journal L</description>
{"".join(items)}</channel>
</rss>
"""


def toml_list(values):
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False)
                           for v in values) + "]"


def config_toml(sources, mail, rules_dir, agencies=None):
    """A lexwatch config. sources: [(name, url[, kind])]; mail: the [mail] keys
    (dict, values as TOML literals); paths may be relative to the file."""
    lines = [
        'state_dir = "state"',
        f"rules_dir = {json.dumps(rules_dir)}",
        f'contact = "{CONTACT}"',
        "",
        "[fetch]",
        "allow_insecure = true",
        'timeout = "10s"',
        # The cases count the mail of a source's very first poll.
        'first_run = "alert"',
        "",
        "[mail]",
    ]
    lines += [f"{key} = {value}" for key, value in mail.items()]
    for name, url, *kind in sources:
        lines += ["", "[[source]]", f'name = "{name}"',
                  f'kind = "{kind[0] if kind else "rss"}"',
                  f'url = "{url}"', 'poll_interval = "1h"']
    for agency_id, name, addresses in agencies or AGENCIES:
        lines += ["", "[[agency]]", f'id = "{agency_id}"',
                  f"name = {json.dumps(name, ensure_ascii=False)}",
                  f"addresses = {toml_list(addresses)}"]
    return "\n".join(lines) + "\n"


def smtp_mail(port):
    return {
        "transport": '"smtp"',
        "from": '"lexwatch e2e <lexwatch@example.org>"',
        "smtp_url": f'"smtp://127.0.0.1:{port}"',
        "starttls": "false",
        "message_id_domain": f'"{MESSAGE_ID_DOMAIN}"',
        "retry_waits": '["0s"]',
        "timeout": '"10s"',
    }


def maildir_mail(maildir):
    return {
        "transport": '"maildir"',
        "from": '"lexwatch e2e <lexwatch@example.org>"',
        "maildir": json.dumps(maildir),
        "message_id_domain": f'"{MESSAGE_ID_DOMAIN}"',
    }
